use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

use super::*;
use crate::tui::scroll::ScrollStep;

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn plain(code: KeyCode) -> KeyEvent {
    press(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    press(KeyCode::Char(c), KeyModifiers::CONTROL)
}

#[test]
fn editor_keys() {
    assert_eq!(
        lookup(Context::Editor, &plain(KeyCode::Enter)),
        Some(Action::Send)
    );
    for newline in [
        press(KeyCode::Enter, KeyModifiers::ALT),
        ctrl('j'),
        press(KeyCode::Enter, KeyModifiers::SHIFT),
    ] {
        assert_eq!(lookup(Context::Editor, &newline), Some(Action::Newline));
    }
    // Plain letters are typing, not commands.
    assert_eq!(lookup(Context::Editor, &plain(KeyCode::Char('z'))), None);
    assert_eq!(Context::Editor.unbound(), Unbound::Type);
    // Ctrl+C clears a prompt (and quits from an empty one); Ctrl+Q quits.
    assert_eq!(
        lookup(Context::Editor, &ctrl('c')),
        Some(Action::Edit(EditAction::ClearOrQuit))
    );
    assert_eq!(lookup(Context::Editor, &ctrl('q')), Some(Action::Quit));
}

#[test]
fn readline_keys_in_the_prompt() {
    for (key, edit) in [
        (ctrl('u'), EditAction::DeleteToLineStart),
        (ctrl('w'), EditAction::DeleteWord),
        (
            press(KeyCode::Backspace, KeyModifiers::ALT),
            EditAction::DeleteWord,
        ),
        (ctrl('k'), EditAction::DeleteToLineEnd),
        (ctrl('y'), EditAction::Yank),
        (ctrl('z'), EditAction::Undo),
    ] {
        assert_eq!(lookup(Context::Editor, &key), Some(Action::Edit(edit)));
    }
    // A pane keeps Ctrl+U for paging up.
    assert_eq!(
        lookup(Context::Pane, &ctrl('u')),
        Some(Action::Scroll(ScrollStep::PageUp))
    );
}

#[test]
fn pane_keys_and_numbers() {
    assert_eq!(
        lookup(Context::Pane, &plain(KeyCode::Char('3'))),
        Some(Action::FocusPane(2))
    );
    assert_eq!(
        lookup(
            Context::Editor,
            &press(KeyCode::Char('2'), KeyModifiers::ALT)
        ),
        Some(Action::FocusPane(1))
    );
    for follow in [
        press(KeyCode::Char('G'), KeyModifiers::SHIFT),
        plain(KeyCode::Char('G')),
    ] {
        assert_eq!(
            lookup(Context::Pane, &follow),
            Some(Action::Scroll(ScrollStep::Bottom))
        );
    }
    assert_eq!(
        lookup(Context::Pane, &plain(KeyCode::Enter)),
        Some(Action::FocusEditor)
    );
    assert_eq!(
        lookup(Context::Pane, &press(KeyCode::BackTab, KeyModifiers::SHIFT)),
        Some(Action::FocusPrev)
    );
}

#[test]
fn overlays_take_their_own_keys_and_only_quit_falls_through() {
    // Tab moves the focus in the workbench, marks in the picker, and
    // switches the leaderboard's filter.
    let tab = plain(KeyCode::Tab);
    assert_eq!(lookup(Context::Editor, &tab), Some(Action::FocusNext));
    assert_eq!(
        lookup(Context::Picker, &tab),
        Some(Action::Picker(PickerAction::Toggle))
    );
    assert_eq!(lookup(Context::Leaderboard, &tab), Some(Action::NextFilter));
    assert_eq!(
        lookup(Context::Vote, &plain(KeyCode::Char('4'))),
        Some(Action::VoteBest(3))
    );
    assert_eq!(
        lookup(Context::DiffPick, &plain(KeyCode::Char('1'))),
        Some(Action::DiffWith(0))
    );
    for scrolling in [
        Context::Help,
        Context::Diff,
        Context::Leaderboard,
        Context::Details,
    ] {
        assert_eq!(
            lookup(scrolling, &plain(KeyCode::PageDown)),
            Some(Action::Scroll(ScrollStep::PageDown))
        );
        assert_eq!(lookup(scrolling, &ctrl('p')), None, "no workbench keys");
        assert_eq!(lookup(scrolling, &ctrl('c')), Some(Action::Quit));
        assert_eq!(scrolling.unbound(), Unbound::Close);
    }
    // Text fields keep Ctrl+C (the session name clears with it, as the
    // prompt does); the others quit.
    for text in [Context::Picker, Context::Params, Context::Rename] {
        assert_ne!(lookup(text, &ctrl('c')), Some(Action::Quit));
        assert_eq!(text.unbound(), Unbound::Type);
    }
    assert_eq!(
        lookup(Context::Rename, &ctrl('c')),
        Some(Action::Edit(EditAction::ClearOrQuit))
    );
    assert_eq!(lookup(Context::Sessions, &ctrl('c')), Some(Action::Quit));
    assert_eq!(
        lookup(Context::ConfirmDelete, &plain(KeyCode::Char('y'))),
        Some(Action::Browser(BrowserAction::ConfirmDelete))
    );
    assert_eq!(
        lookup(Context::ConfirmDelete, &plain(KeyCode::Char('n'))),
        None
    );
}

#[test]
fn picker_keys_map_to_actions() {
    let none = KeyModifiers::NONE;
    let cases = [
        (plain(KeyCode::Up), Some(PickerAction::Up)),
        (plain(KeyCode::Down), Some(PickerAction::Down)),
        (ctrl('p'), Some(PickerAction::Up)),
        (ctrl('n'), Some(PickerAction::Down)),
        (ctrl('P'), Some(PickerAction::Up)),
        (plain(KeyCode::PageUp), Some(PickerAction::PageUp)),
        (plain(KeyCode::PageDown), Some(PickerAction::PageDown)),
        (plain(KeyCode::Home), Some(PickerAction::Top)),
        (plain(KeyCode::End), Some(PickerAction::Bottom)),
        (
            press(KeyCode::End, KeyModifiers::CONTROL),
            Some(PickerAction::Bottom),
        ),
        (plain(KeyCode::Char(' ')), Some(PickerAction::Toggle)),
        (plain(KeyCode::Enter), Some(PickerAction::Apply)),
        (plain(KeyCode::Esc), Some(PickerAction::Cancel)),
        (ctrl('s'), Some(PickerAction::CycleSort)),
        (ctrl('f'), Some(PickerAction::ToggleFree)),
        (plain(KeyCode::Backspace), Some(PickerAction::Backspace)),
        (ctrl('w'), Some(PickerAction::DeleteWord)),
        (ctrl('u'), Some(PickerAction::ClearQuery)),
        // Letters are typed into the search: no binding.
        (plain(KeyCode::Char('g')), None),
        (press(KeyCode::Char('G'), KeyModifiers::SHIFT), None),
        (ctrl('x'), None),
        (press(KeyCode::Char('s'), KeyModifiers::ALT), None),
        (press(KeyCode::F(1), none), None),
    ];
    for (event, expected) in cases {
        assert_eq!(
            lookup(Context::Picker, &event),
            expected.map(Action::Picker),
            "{event:?}"
        );
    }
    let repeat = KeyEvent::new_with_kind_and_state(
        KeyCode::Down,
        none,
        KeyEventKind::Repeat,
        KeyEventState::NONE,
    );
    assert_eq!(
        lookup(Context::Picker, &repeat),
        Some(Action::Picker(PickerAction::Down))
    );
}

#[test]
fn releases_do_nothing() {
    let mut release = plain(KeyCode::Enter);
    release.kind = KeyEventKind::Release;
    for context in Context::ALL {
        assert_eq!(lookup(context, &release), None);
    }
}

#[test]
fn no_key_is_bound_twice_where_it_applies() {
    for context in Context::ALL {
        let keys: Vec<(Context, &Key)> = context
            .chain()
            .iter()
            .flat_map(|c| bindings(*c).flat_map(move |b| b.keys.iter().map(move |k| (*c, k))))
            .collect();
        for (i, (from, a)) in keys.iter().enumerate() {
            for (other, b) in &keys[i + 1..] {
                // A context may rebind what it falls back to (Esc in a pane).
                if from == other {
                    assert_ne!(a, b, "{context:?} binds {a:?} twice");
                }
            }
        }
    }
}

#[test]
fn the_footer_keeps_help_and_quit_at_80_columns_and_less() {
    for width in [30, 60, 80, 120] {
        for context in [Context::Editor, Context::Pane] {
            let hints = fitted_hints(context, HintPlace::Footer, width, 2);
            let words: Vec<&str> = hints.iter().map(|h| h.word).collect();
            assert!(words.contains(&"help"), "{context:?} at {width}: {words:?}");
            assert!(words.contains(&"quit"), "{context:?} at {width}: {words:?}");
            let used: usize =
                hints.iter().map(|h| h.width()).sum::<usize>() + 2 * hints.len().saturating_sub(1);
            assert!(
                used <= width.max(20),
                "{context:?} at {width}: {used} columns"
            );
        }
    }
    // Most important first, the essential ones last.
    let editor: Vec<&str> = fitted_hints(Context::Editor, HintPlace::Footer, 80, 2)
        .iter()
        .map(|h| h.word)
        .collect();
    assert_eq!(editor.first(), Some(&"send"));
    assert_eq!(&editor[editor.len() - 2..], ["help", "quit"]);
    // A pane's `?` help stands for the workbench's F1.
    let pane = fitted_hints(Context::Pane, HintPlace::Footer, 200, 2);
    assert_eq!(pane.iter().filter(|h| h.word == "help").count(), 1);
    assert!(pane.iter().any(|h| h.keys == "?"));
}

#[test]
fn every_overlay_shows_its_way_out() {
    for context in Context::ALL {
        if matches!(
            context,
            Context::Always
                | Context::Global
                | Context::Scrolling
                | Context::Editor
                | Context::Pane
        ) {
            continue;
        }
        let hints = fitted_hints(context, HintPlace::Border, 20, 3);
        assert!(
            hints.iter().all(|h| h.word != "quit"),
            "{context:?}: {hints:?}"
        );
        assert!(
            hints
                .iter()
                .any(|h| h.rank == ESSENTIAL && (h.keys == "Esc" || h.keys == "any other key")),
            "{context:?}: {hints:?}"
        );
    }
}

#[test]
fn help_lists_every_binding() {
    for focused in [Context::Editor, Context::Pane] {
        let sections = help_sections(focused);
        assert_eq!(sections[0].title, focused.title());
        let rows: Vec<(&str, &str)> = sections.iter().flat_map(|s| s.rows.clone()).collect();
        for binding in bindings::all() {
            assert!(
                rows.contains(&(binding.label, binding.help)),
                "help lacks {} ({})",
                binding.label,
                binding.help
            );
        }
    }
}

#[test]
fn the_readme_has_the_keymap_table() {
    let readme = include_str!("../../../README.md");
    let table = markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's key table differs from the keymap; it should read:\n{table}"
    );
}
