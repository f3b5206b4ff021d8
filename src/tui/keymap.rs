//! Every key binding, as data: the reducer looks keys up here and the help
//! overlay, the footer hints and the README's keymap are read from the same
//! tables, so what is documented is what works.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    OpenPicker,
    SharedParams,
    NewConversation,
    CancelAll,
    ToggleMarkdown,
    FocusNext,
    FocusPrev,
    FocusPane(usize),
    FocusEditor,
    // Editor
    Send,
    Newline,
    ExternalEditor,
    // Pane
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    Top,
    Follow,
    Zoom,
    CancelPane,
    RetryPane,
    CopyAnswer,
    ToggleReasoning,
    FallbackChain,
    PaneParams,
    RemovePane,
    // Sessions and judging
    Sessions,
    Leaderboard,
    Vote,
    ToggleBlind,
    RenameSession,
    Diff,
    Details,
    TogglePrivacy,
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Whatever has focus (no overlay open).
    Global,
    Editor,
    Pane,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

const fn alt(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::ALT,
    }
}

const fn shift(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::SHIFT,
    }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub action: Action,
    /// The keys as shown to people.
    pub label: &'static str,
    pub help: &'static str,
}

const fn bind(
    context: Context,
    keys: &'static [Key],
    action: Action,
    label: &'static str,
    help: &'static str,
) -> Binding {
    Binding {
        context,
        keys,
        action,
        label,
        help,
    }
}

use Context::{Editor, Global, Pane};

pub static BINDINGS: &[Binding] = &[
    // Editor first: Enter and Esc mean something there.
    bind(
        Editor,
        &[key(KeyCode::Enter)],
        Action::Send,
        "Enter",
        "send the prompt to every pane",
    ),
    bind(
        Editor,
        &[alt(KeyCode::Enter), ctrl('j'), shift(KeyCode::Enter)],
        Action::Newline,
        "Alt+Enter Ctrl+J Shift+Enter",
        "new line (Shift+Enter where the terminal reports it)",
    ),
    bind(
        Editor,
        &[ctrl('g')],
        Action::ExternalEditor,
        "Ctrl+G",
        "edit the prompt in $EDITOR",
    ),
    bind(
        Editor,
        &[key(KeyCode::Esc)],
        Action::FocusNext,
        "Esc",
        "go to the panes",
    ),
    // Panes.
    bind(
        Pane,
        &[key(KeyCode::Up), ch('k')],
        Action::ScrollUp,
        "↑ k",
        "scroll up",
    ),
    bind(
        Pane,
        &[key(KeyCode::Down), ch('j')],
        Action::ScrollDown,
        "↓ j",
        "scroll down",
    ),
    bind(
        Pane,
        &[key(KeyCode::PageUp), ctrl('u')],
        Action::PageUp,
        "PgUp Ctrl+U",
        "page up",
    ),
    bind(
        Pane,
        &[key(KeyCode::PageDown), ctrl('d')],
        Action::PageDown,
        "PgDn Ctrl+D",
        "page down",
    ),
    bind(
        Pane,
        &[key(KeyCode::Home), ch('g')],
        Action::Top,
        "Home g",
        "top",
    ),
    bind(
        Pane,
        &[key(KeyCode::End), ch('G'), ch('f')],
        Action::Follow,
        "End G f",
        "bottom, and follow the answer as it streams",
    ),
    bind(
        Pane,
        &[ch('z')],
        Action::Zoom,
        "z",
        "zoom the pane to full screen and back",
    ),
    bind(
        Pane,
        &[ch('c')],
        Action::CancelPane,
        "c",
        "cancel this pane's answer",
    ),
    bind(
        Pane,
        &[ch('x')],
        Action::CancelAll,
        "x",
        "cancel every pane",
    ),
    bind(
        Pane,
        &[ch('r')],
        Action::RetryPane,
        "r",
        "retry this pane's last prompt",
    ),
    bind(
        Pane,
        &[ch('y')],
        Action::CopyAnswer,
        "y",
        "copy the answer to the clipboard (OSC 52)",
    ),
    bind(
        Pane,
        &[ch('t')],
        Action::ToggleReasoning,
        "t",
        "show or hide reasoning",
    ),
    bind(
        Pane,
        &[ch('m')],
        Action::ToggleMarkdown,
        "m",
        "Markdown or raw text",
    ),
    bind(
        Pane,
        &[ch('F')],
        Action::FallbackChain,
        "F",
        "build a fallback chain for this pane",
    ),
    bind(
        Pane,
        &[ch('s')],
        Action::PaneParams,
        "s",
        "system prompt and parameters for this pane",
    ),
    bind(
        Pane,
        &[ch('d')],
        Action::RemovePane,
        "d",
        "remove this pane",
    ),
    bind(
        Pane,
        &[ch('v')],
        Action::Vote,
        "v",
        "vote on the latest turn",
    ),
    bind(
        Pane,
        &[ch('I')],
        Action::Details,
        "I",
        "details: what was sent, who served, the exact cost and the routing hop",
    ),
    bind(
        Pane,
        &[ch('D')],
        Action::Diff,
        "D",
        "word diff of this answer against another pane's",
    ),
    bind(Pane, &[ch('?')], Action::Help, "?", "help"),
    bind(
        Pane,
        &[ch('i'), key(KeyCode::Enter), key(KeyCode::Esc)],
        Action::FocusEditor,
        "i Enter Esc",
        "back to the prompt",
    ),
    bind(
        Pane,
        &[
            ch('1'),
            ch('2'),
            ch('3'),
            ch('4'),
            ch('5'),
            ch('6'),
            ch('7'),
            ch('8'),
            ch('9'),
        ],
        Action::FocusPane(0),
        "1-9",
        "go to pane N",
    ),
    // Everywhere.
    bind(
        Global,
        &[ctrl('c'), ctrl('q')],
        Action::Quit,
        "Ctrl+C Ctrl+Q",
        "quit",
    ),
    bind(Global, &[key(KeyCode::F(1))], Action::Help, "F1", "help"),
    bind(
        Global,
        &[ctrl('p')],
        Action::OpenPicker,
        "Ctrl+P",
        "pick models (add or remove panes)",
    ),
    bind(
        Global,
        &[ctrl('s')],
        Action::SharedParams,
        "Ctrl+S",
        "system prompt and parameters for all panes",
    ),
    bind(
        Global,
        &[ctrl('n')],
        Action::NewConversation,
        "Ctrl+N",
        "new conversation",
    ),
    bind(
        Global,
        &[ctrl('x')],
        Action::CancelAll,
        "Ctrl+X",
        "cancel every pane",
    ),
    bind(
        Global,
        &[ctrl('t')],
        Action::ToggleMarkdown,
        "Ctrl+T",
        "Markdown or raw text",
    ),
    bind(
        Global,
        &[ctrl('v')],
        Action::Vote,
        "Ctrl+V",
        "vote: which pane was best (then 1-9, t tie, n all bad)",
    ),
    bind(
        Global,
        &[ctrl('b')],
        Action::ToggleBlind,
        "Ctrl+B",
        "blind mode on or off (starts a new session)",
    ),
    bind(
        Global,
        &[ctrl('o')],
        Action::Sessions,
        "Ctrl+O",
        "sessions: open, search, delete",
    ),
    bind(
        Global,
        &[ctrl('l')],
        Action::Leaderboard,
        "Ctrl+L",
        "leaderboard of your votes",
    ),
    bind(
        Global,
        &[key(KeyCode::F(2))],
        Action::RenameSession,
        "F2",
        "name the session",
    ),
    bind(
        Global,
        &[key(KeyCode::F(3))],
        Action::TogglePrivacy,
        "F3",
        "privacy: ask OpenRouter for upstreams that neither store nor train on prompts",
    ),
    bind(
        Global,
        &[key(KeyCode::Tab)],
        Action::FocusNext,
        "Tab",
        "next pane",
    ),
    bind(
        Global,
        &[key(KeyCode::BackTab)],
        Action::FocusPrev,
        "Shift+Tab",
        "previous pane",
    ),
    bind(
        Global,
        &[
            alt(KeyCode::Char('1')),
            alt(KeyCode::Char('2')),
            alt(KeyCode::Char('3')),
            alt(KeyCode::Char('4')),
            alt(KeyCode::Char('5')),
            alt(KeyCode::Char('6')),
            alt(KeyCode::Char('7')),
            alt(KeyCode::Char('8')),
            alt(KeyCode::Char('9')),
        ],
        Action::FocusPane(0),
        "Alt+1-9",
        "go to pane N (also from the prompt)",
    ),
];

/// Normalises what terminals send: Shift+letter may come as an uppercase
/// char with or without the SHIFT flag; BackTab may carry SHIFT.
fn matches(binding_key: &Key, event: &KeyEvent) -> bool {
    if binding_key.code != event.code {
        return false;
    }
    let wanted = binding_key.modifiers;
    let got = event.modifiers - KeyModifiers::SHIFT;
    let wanted_without_shift = wanted - KeyModifiers::SHIFT;
    match event.code {
        // For characters the case already says whether Shift was held.
        KeyCode::Char(_) | KeyCode::BackTab => got == wanted_without_shift,
        _ => event.modifiers == wanted,
    }
}

/// The action for a key in a context (Editor or Pane; Global bindings are
/// tried after the focused context's). Releases are ignored.
pub fn lookup(context: Context, event: &KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    for wanted in [context, Global] {
        for binding in BINDINGS.iter().filter(|b| b.context == wanted) {
            if let Some(position) = binding.keys.iter().position(|k| matches(k, event)) {
                return Some(match binding.action {
                    Action::FocusPane(_) => Action::FocusPane(position),
                    action => action,
                });
            }
        }
    }
    None
}

/// The bindings of one context, for help and hints.
pub fn bindings(context: Context) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.context == context)
}

/// The label of the first binding of an action, for hints ("Ctrl+P").
pub fn label(action: Action) -> &'static str {
    BINDINGS
        .iter()
        .find(|b| b.action == action)
        .map(|b| b.label.split(' ').next().unwrap_or(b.label))
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn editor_keys() {
        let enter = press(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(lookup(Context::Editor, &enter), Some(Action::Send));
        for newline in [
            press(KeyCode::Enter, KeyModifiers::ALT),
            press(KeyCode::Char('j'), KeyModifiers::CONTROL),
            press(KeyCode::Enter, KeyModifiers::SHIFT),
        ] {
            assert_eq!(lookup(Context::Editor, &newline), Some(Action::Newline));
        }
        // Plain letters are typing, not commands.
        assert_eq!(
            lookup(
                Context::Editor,
                &press(KeyCode::Char('z'), KeyModifiers::NONE)
            ),
            None
        );
        assert_eq!(
            lookup(
                Context::Editor,
                &press(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Action::Quit)
        );
    }

    #[test]
    fn pane_keys_and_numbers() {
        assert_eq!(
            lookup(
                Context::Pane,
                &press(KeyCode::Char('3'), KeyModifiers::NONE)
            ),
            Some(Action::FocusPane(2))
        );
        assert_eq!(
            lookup(
                Context::Editor,
                &press(KeyCode::Char('2'), KeyModifiers::ALT)
            ),
            Some(Action::FocusPane(1))
        );
        assert_eq!(
            lookup(
                Context::Pane,
                &press(KeyCode::Char('G'), KeyModifiers::SHIFT)
            ),
            Some(Action::Follow)
        );
        assert_eq!(
            lookup(
                Context::Pane,
                &press(KeyCode::Char('G'), KeyModifiers::NONE)
            ),
            Some(Action::Follow)
        );
        assert_eq!(
            lookup(Context::Pane, &press(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Action::FocusEditor)
        );
        assert_eq!(
            lookup(Context::Pane, &press(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::FocusPrev)
        );
    }

    #[test]
    fn releases_do_nothing() {
        let mut release = press(KeyCode::Enter, KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(lookup(Context::Editor, &release), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for context in [Context::Editor, Context::Pane, Context::Global] {
            let keys: Vec<&Key> = BINDINGS
                .iter()
                .filter(|b| b.context == context)
                .flat_map(|b| b.keys.iter())
                .collect();
            for (i, a) in keys.iter().enumerate() {
                for b in &keys[i + 1..] {
                    assert_ne!(a, b, "{context:?} binds {a:?} twice");
                }
            }
        }
    }

    #[test]
    fn the_readme_documents_every_binding() {
        let readme = include_str!("../../README.md");
        for binding in BINDINGS {
            assert!(
                readme.contains(&format!("`{}`", binding.label)),
                "README.md lacks the keys `{}` ({})",
                binding.label,
                binding.help
            );
        }
    }
}
