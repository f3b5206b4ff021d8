//! The picker's key bindings: keys to actions, and the same bindings as data
//! for the help overlay and the footer hints.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::PickerAction;

/// The key bindings of the picker, for the help overlay and the footer hints: (keys, what they do).
pub const BINDINGS: &[(&str, &str)] = &[
    ("↑ ↓  Ctrl+P Ctrl+N", "move up / down"),
    ("PgUp PgDn", "move a page"),
    ("Home End", "first / last row"),
    ("Space  Tab", "mark or unmark the row"),
    ("Enter", "apply the marked models (none marked: the row)"),
    ("Esc", "cancel"),
    ("Ctrl+S", "sort: price, context, name, newest"),
    ("Ctrl+F", "only free models on / off"),
    (
        "letters",
        "fuzzy search id and name (Space marks, so no spaces)",
    ),
    ("Backspace", "delete a character"),
    ("Ctrl+W", "delete the last word"),
    ("Ctrl+U", "clear the search"),
];

/// The short hints on the picker's bottom border: (keys, what they do).
pub(super) const HINTS: &[(&str, &str)] = &[
    ("Space", "mark"),
    ("Enter", "apply"),
    ("Ctrl+S", "sort"),
    ("Esc", "cancel"),
];

/// Maps a key to a picker action; None for keys the picker ignores and for releases.
pub fn action_for_key(key: KeyEvent) -> Option<PickerAction> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    if ctrl && !alt {
        return match key.code {
            KeyCode::Char('p' | 'P') => Some(PickerAction::Up),
            KeyCode::Char('n' | 'N') => Some(PickerAction::Down),
            KeyCode::Char('s' | 'S') => Some(PickerAction::CycleSort),
            KeyCode::Char('f' | 'F') => Some(PickerAction::ToggleFree),
            KeyCode::Char('w' | 'W') => Some(PickerAction::DeleteWord),
            KeyCode::Char('u' | 'U') => Some(PickerAction::ClearQuery),
            KeyCode::Home => Some(PickerAction::Top),
            KeyCode::End => Some(PickerAction::Bottom),
            _ => None,
        };
    }
    match key.code {
        KeyCode::Up => Some(PickerAction::Up),
        KeyCode::Down => Some(PickerAction::Down),
        KeyCode::PageUp => Some(PickerAction::PageUp),
        KeyCode::PageDown => Some(PickerAction::PageDown),
        KeyCode::Home => Some(PickerAction::Top),
        KeyCode::End => Some(PickerAction::Bottom),
        KeyCode::Char(' ') | KeyCode::Tab => Some(PickerAction::Toggle),
        KeyCode::Enter => Some(PickerAction::Apply),
        KeyCode::Esc => Some(PickerAction::Cancel),
        KeyCode::Backspace => Some(PickerAction::Backspace),
        KeyCode::Char(c) if !ctrl && !alt && !c.is_control() => Some(PickerAction::Input(c)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyEventState;

    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn keys_map_to_actions() {
        let none = KeyModifiers::NONE;
        let ctrl = KeyModifiers::CONTROL;
        let cases = [
            (key(KeyCode::Up, none), Some(PickerAction::Up)),
            (key(KeyCode::Down, none), Some(PickerAction::Down)),
            (key(KeyCode::Char('p'), ctrl), Some(PickerAction::Up)),
            (key(KeyCode::Char('n'), ctrl), Some(PickerAction::Down)),
            (key(KeyCode::PageUp, none), Some(PickerAction::PageUp)),
            (key(KeyCode::PageDown, none), Some(PickerAction::PageDown)),
            (key(KeyCode::Home, none), Some(PickerAction::Top)),
            (key(KeyCode::End, none), Some(PickerAction::Bottom)),
            (key(KeyCode::Char(' '), none), Some(PickerAction::Toggle)),
            (key(KeyCode::Tab, none), Some(PickerAction::Toggle)),
            (key(KeyCode::Enter, none), Some(PickerAction::Apply)),
            (key(KeyCode::Esc, none), Some(PickerAction::Cancel)),
            (key(KeyCode::Char('s'), ctrl), Some(PickerAction::CycleSort)),
            (
                key(KeyCode::Char('f'), ctrl),
                Some(PickerAction::ToggleFree),
            ),
            (key(KeyCode::Backspace, none), Some(PickerAction::Backspace)),
            (
                key(KeyCode::Char('w'), ctrl),
                Some(PickerAction::DeleteWord),
            ),
            (
                key(KeyCode::Char('u'), ctrl),
                Some(PickerAction::ClearQuery),
            ),
            (
                key(KeyCode::Char('g'), none),
                Some(PickerAction::Input('g')),
            ),
            (
                key(KeyCode::Char('G'), KeyModifiers::SHIFT),
                Some(PickerAction::Input('G')),
            ),
            (
                key(KeyCode::Char('/'), none),
                Some(PickerAction::Input('/')),
            ),
            (key(KeyCode::Char('x'), ctrl), None),
            (key(KeyCode::Char('s'), KeyModifiers::ALT), None),
            (key(KeyCode::F(1), none), None),
        ];
        for (event, expected) in cases {
            assert_eq!(action_for_key(event), expected, "{event:?}");
        }
        let mut release = key(KeyCode::Enter, none);
        release.kind = KeyEventKind::Release;
        assert_eq!(action_for_key(release), None);
        let repeat = KeyEvent::new_with_kind_and_state(
            KeyCode::Down,
            none,
            KeyEventKind::Repeat,
            KeyEventState::NONE,
        );
        assert_eq!(action_for_key(repeat), Some(PickerAction::Down));
    }

    #[test]
    fn bindings_name_every_key_action_for_key_knows() {
        let keys: String = BINDINGS
            .iter()
            .map(|(keys, _)| *keys)
            .collect::<Vec<_>>()
            .join(" ");
        for name in [
            "Ctrl+P",
            "PgUp",
            "Home",
            "Space",
            "Enter",
            "Esc",
            "Ctrl+S",
            "Ctrl+F",
            "Ctrl+W",
            "Ctrl+U",
            "Backspace",
        ] {
            assert!(keys.contains(name), "{name} missing from BINDINGS");
        }
        assert!(BINDINGS.iter().any(|(_, what)| what.contains("no spaces")));
    }
}
