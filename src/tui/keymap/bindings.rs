//! The table of every binding, context by context. Hint ranks order the
//! footer: a context's own hints come before the workbench's (10 and up).

use crossterm::event::{KeyCode, KeyModifiers};

use super::{
    Action, Binding, BrowserAction, Context, Does, ESSENTIAL, FormAction, Hint, Key, PickerAction,
};
use crate::tui::scroll::ScrollStep;

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

const fn ctrl_key(code: KeyCode) -> Key {
    Key {
        code,
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

const DIGITS: &[Key] = &[
    ch('1'),
    ch('2'),
    ch('3'),
    ch('4'),
    ch('5'),
    ch('6'),
    ch('7'),
    ch('8'),
    ch('9'),
];

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
        does: Does::One(action),
        label,
        help,
        hint: None,
    }
}

/// A binding of the keys "1" to "9" whose `n`-th key does `nth(n)`.
const fn numbered(
    context: Context,
    keys: &'static [Key],
    nth: fn(usize) -> Action,
    label: &'static str,
    help: &'static str,
) -> Binding {
    Binding {
        context,
        keys,
        does: Does::Nth(nth),
        label,
        help,
        hint: None,
    }
}

impl Binding {
    const fn hint(mut self, keys: &'static str, word: &'static str, rank: u8) -> Binding {
        self.hint = Some(Hint::new(keys, word, rank));
        self
    }
}

use Context::{
    Always, ConfirmDelete, DiffPick, Editor, Global, Leaderboard, Pane, Params, Picker, Rename,
    Scrolling, Sessions, Vote,
};

pub static BINDINGS: &[Binding] = &[
    // The prompt editor.
    bind(
        Editor,
        &[key(KeyCode::Enter)],
        Action::Send,
        "Enter",
        "send the prompt to every pane",
    )
    .hint("Enter", "send", 1),
    bind(
        Editor,
        &[alt(KeyCode::Enter), ctrl('j'), shift(KeyCode::Enter)],
        Action::Newline,
        "Alt+Enter Ctrl+J Shift+Enter",
        "new line (Shift+Enter where the terminal reports it, e.g. kitty, WezTerm, foot)",
    )
    .hint("Alt+Enter", "new line", 2),
    bind(
        Editor,
        &[ctrl('g')],
        Action::ExternalEditor,
        "Ctrl+G",
        "edit the prompt in $EDITOR (or $VISUAL)",
    )
    .hint("Ctrl+G", "$EDITOR", 16),
    bind(
        Editor,
        &[key(KeyCode::Esc)],
        Action::FocusNext,
        "Esc",
        "go to the panes",
    ),
    // A pane.
    bind(
        Pane,
        &[key(KeyCode::Up), ch('k')],
        Action::Scroll(ScrollStep::Up),
        "↑ k",
        "scroll up (the mouse wheel scrolls the pane under the pointer)",
    )
    .hint("↑↓", "scroll", 1),
    bind(
        Pane,
        &[key(KeyCode::Down), ch('j')],
        Action::Scroll(ScrollStep::Down),
        "↓ j",
        "scroll down",
    ),
    bind(
        Pane,
        &[key(KeyCode::PageUp), ctrl('u')],
        Action::Scroll(ScrollStep::PageUp),
        "PgUp Ctrl+U",
        "page up",
    ),
    bind(
        Pane,
        &[key(KeyCode::PageDown), ctrl('d')],
        Action::Scroll(ScrollStep::PageDown),
        "PgDn Ctrl+D",
        "page down",
    ),
    bind(
        Pane,
        &[key(KeyCode::Home), ch('g')],
        Action::Scroll(ScrollStep::Top),
        "Home g",
        "top",
    ),
    bind(
        Pane,
        &[key(KeyCode::End), ch('G'), ch('f')],
        Action::Scroll(ScrollStep::Bottom),
        "End G f",
        "bottom, and follow the answer as it streams (scrolling up stops following)",
    )
    .hint("End", "follow", 2),
    bind(
        Pane,
        &[ch('z')],
        Action::Zoom,
        "z",
        "zoom the pane to full screen and back",
    )
    .hint("z", "zoom", 3),
    bind(
        Pane,
        &[ch('c')],
        Action::CancelPane,
        "c",
        "cancel this pane's answer",
    )
    .hint("c", "cancel", 4),
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
    )
    .hint("r", "retry", 5),
    bind(
        Pane,
        &[ch('y')],
        Action::CopyAnswer,
        "y",
        "copy the answer to the clipboard (OSC 52, works over SSH)",
    )
    .hint("y", "copy", 6),
    bind(
        Pane,
        &[ch('t')],
        Action::ToggleReasoning,
        "t",
        "show or hide reasoning",
    )
    .hint("t", "reasoning", 7),
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
        "build a fallback chain for this pane (in the picker: mark models in order, Enter)",
    )
    .hint("F", "fallback", 8),
    bind(
        Pane,
        &[ch('s')],
        Action::PaneParams,
        "s",
        "system prompt, temperature and max tokens for this pane only",
    )
    .hint("s", "params", 9),
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
        "vote on the latest turn (then the best pane's number, t tie, n all bad)",
    ),
    bind(
        Pane,
        &[ch('D')],
        Action::Diff,
        "D",
        "word diff of this answer against another pane's",
    ),
    bind(
        Pane,
        &[ch('I')],
        Action::Details,
        "I",
        "details: what was sent, who served, the router's pick, the exact cost and the routing hop",
    ),
    bind(Pane, &[ch('?')], Action::Help, "?", "help").hint("?", "help", ESSENTIAL),
    bind(
        Pane,
        &[ch('i'), key(KeyCode::Enter), key(KeyCode::Esc)],
        Action::FocusEditor,
        "i Enter Esc",
        "back to the prompt",
    )
    .hint("i", "prompt", 9),
    numbered(Pane, DIGITS, Action::FocusPane, "1-9", "go to pane N"),
    // The workbench, whatever has focus.
    bind(Global, &[key(KeyCode::F(1))], Action::Help, "F1", "help").hint("F1", "help", ESSENTIAL),
    bind(
        Global,
        &[ctrl('p')],
        Action::OpenPicker,
        "Ctrl+P",
        "pick models: add or remove panes",
    )
    .hint("Ctrl+P", "models", 10),
    bind(
        Global,
        &[ctrl('s')],
        Action::SharedParams,
        "Ctrl+S",
        "system prompt, temperature and max tokens for all panes",
    )
    .hint("Ctrl+S", "params", 12),
    bind(
        Global,
        &[ctrl('n')],
        Action::NewConversation,
        "Ctrl+N",
        "new conversation (a new session)",
    )
    .hint("Ctrl+N", "new chat", 14),
    bind(
        Global,
        &[ctrl('x')],
        Action::CancelAll,
        "Ctrl+X",
        "cancel every pane",
    )
    .hint("Ctrl+X", "cancel", 13),
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
        "blind mode on or off: panes become \"Model A\", \"Model B\"… and costs are hidden until you vote (starts a new session)",
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
        "leaderboard of your votes (Tab: all, blind, sighted)",
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
        "privacy: ask OpenRouter for upstreams that neither store nor train on prompts (the footer says when it is on)",
    ),
    bind(
        Global,
        &[key(KeyCode::Tab)],
        Action::FocusNext,
        "Tab",
        "next pane (the prompt is one stop)",
    )
    .hint("Tab", "panes", 11),
    bind(
        Global,
        &[key(KeyCode::BackTab)],
        Action::FocusPrev,
        "Shift+Tab",
        "previous pane",
    ),
    numbered(
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
        Action::FocusPane,
        "Alt+1-9",
        "go to pane N, also from the prompt",
    ),
    // Anywhere but in a text field.
    bind(
        Always,
        &[ctrl('c'), ctrl('q')],
        Action::Quit,
        "Ctrl+C Ctrl+Q",
        "quit (the session is saved)",
    )
    .hint("Ctrl+C", "quit", ESSENTIAL),
    // The model picker.
    bind(
        Picker,
        &[key(KeyCode::Up), ctrl('p')],
        Action::Picker(PickerAction::Up),
        "↑ Ctrl+P",
        "move up",
    ),
    bind(
        Picker,
        &[key(KeyCode::Down), ctrl('n')],
        Action::Picker(PickerAction::Down),
        "↓ Ctrl+N",
        "move down",
    ),
    bind(
        Picker,
        &[key(KeyCode::PageUp)],
        Action::Picker(PickerAction::PageUp),
        "PgUp",
        "move a page up",
    ),
    bind(
        Picker,
        &[key(KeyCode::PageDown)],
        Action::Picker(PickerAction::PageDown),
        "PgDn",
        "move a page down",
    ),
    bind(
        Picker,
        &[key(KeyCode::Home), ctrl_key(KeyCode::Home)],
        Action::Picker(PickerAction::Top),
        "Home",
        "first row",
    ),
    bind(
        Picker,
        &[key(KeyCode::End), ctrl_key(KeyCode::End)],
        Action::Picker(PickerAction::Bottom),
        "End",
        "last row",
    ),
    bind(
        Picker,
        &[ch(' '), key(KeyCode::Tab)],
        Action::Picker(PickerAction::Toggle),
        "Space Tab",
        "mark or unmark the row (marked models become the panes, in order)",
    )
    .hint("Space", "mark", 2),
    bind(
        Picker,
        &[key(KeyCode::Enter)],
        Action::Picker(PickerAction::Apply),
        "Enter",
        "apply the marked models (none marked: the row)",
    )
    .hint("Enter", "apply", 3),
    bind(
        Picker,
        &[key(KeyCode::Esc)],
        Action::Picker(PickerAction::Cancel),
        "Esc",
        "cancel",
    )
    .hint("Esc", "cancel", ESSENTIAL),
    bind(
        Picker,
        &[ctrl('s')],
        Action::Picker(PickerAction::CycleSort),
        "Ctrl+S",
        "sort by price, context, name or newest",
    )
    .hint("Ctrl+S", "sort", 4),
    bind(
        Picker,
        &[ctrl('f')],
        Action::Picker(PickerAction::ToggleFree),
        "Ctrl+F",
        "free models only, on or off",
    )
    .hint("Ctrl+F", "free only", 5),
    bind(
        Picker,
        &[key(KeyCode::Backspace)],
        Action::Picker(PickerAction::Backspace),
        "Backspace",
        "delete a character of the search",
    ),
    bind(
        Picker,
        &[ctrl('w')],
        Action::Picker(PickerAction::DeleteWord),
        "Ctrl+W",
        "delete the last word of the search",
    ),
    bind(
        Picker,
        &[ctrl('u')],
        Action::Picker(PickerAction::ClearQuery),
        "Ctrl+U",
        "clear the search",
    )
    .hint("Ctrl+U", "clear search", 6),
    // The parameters form.
    bind(
        Params,
        &[key(KeyCode::Tab), key(KeyCode::Down)],
        Action::Form(FormAction::NextField),
        "Tab ↓",
        "next field",
    )
    .hint("Tab", "next field", 1),
    bind(
        Params,
        &[key(KeyCode::BackTab), key(KeyCode::Up)],
        Action::Form(FormAction::PrevField),
        "Shift+Tab ↑",
        "previous field",
    ),
    bind(
        Params,
        &[key(KeyCode::Enter)],
        Action::Form(FormAction::Apply),
        "Enter",
        "apply",
    )
    .hint("Enter", "apply", 2),
    bind(
        Params,
        &[key(KeyCode::Esc)],
        Action::Form(FormAction::Cancel),
        "Esc",
        "cancel",
    )
    .hint("Esc", "cancel", ESSENTIAL),
    // The session browser.
    bind(
        Sessions,
        &[key(KeyCode::Up)],
        Action::Browser(BrowserAction::Move(ScrollStep::Up)),
        "↑",
        "move up",
    )
    .hint("↑↓", "move", 4),
    bind(
        Sessions,
        &[key(KeyCode::Down)],
        Action::Browser(BrowserAction::Move(ScrollStep::Down)),
        "↓",
        "move down",
    ),
    bind(
        Sessions,
        &[key(KeyCode::PageUp)],
        Action::Browser(BrowserAction::Move(ScrollStep::PageUp)),
        "PgUp",
        "move a page up",
    ),
    bind(
        Sessions,
        &[key(KeyCode::PageDown)],
        Action::Browser(BrowserAction::Move(ScrollStep::PageDown)),
        "PgDn",
        "move a page down",
    ),
    bind(
        Sessions,
        &[key(KeyCode::Home)],
        Action::Browser(BrowserAction::Move(ScrollStep::Top)),
        "Home",
        "first session",
    ),
    bind(
        Sessions,
        &[key(KeyCode::End)],
        Action::Browser(BrowserAction::Move(ScrollStep::Bottom)),
        "End",
        "last session",
    ),
    bind(
        Sessions,
        &[key(KeyCode::Enter)],
        Action::Browser(BrowserAction::Open),
        "Enter",
        "open the session",
    )
    .hint("Enter", "open", 2),
    bind(
        Sessions,
        &[ctrl('d')],
        Action::Browser(BrowserAction::AskDelete),
        "Ctrl+D",
        "delete the session (asks first)",
    )
    .hint("Ctrl+D", "delete", 3),
    bind(
        Sessions,
        &[key(KeyCode::Backspace)],
        Action::Browser(BrowserAction::Backspace),
        "Backspace",
        "delete a character of the search",
    ),
    bind(
        Sessions,
        &[ctrl('u')],
        Action::Browser(BrowserAction::ClearQuery),
        "Ctrl+U",
        "clear the search",
    ),
    bind(
        Sessions,
        &[key(KeyCode::Esc)],
        Action::Close,
        "Esc",
        "close",
    )
    .hint("Esc", "close", ESSENTIAL),
    bind(
        ConfirmDelete,
        &[ch('y')],
        Action::Browser(BrowserAction::ConfirmDelete),
        "y",
        "delete the session for good",
    )
    .hint("y", "delete", 1),
    // Naming the session.
    bind(
        Rename,
        &[key(KeyCode::Enter)],
        Action::SaveName,
        "Enter",
        "save the name (empty: named by its first prompt)",
    )
    .hint("Enter", "save", 1),
    bind(Rename, &[key(KeyCode::Esc)], Action::Close, "Esc", "cancel")
        .hint("Esc", "cancel", ESSENTIAL),
    // Voting.
    numbered(
        Vote,
        DIGITS,
        Action::VoteBest,
        "1-9",
        "pane N's answer is the best",
    )
    .hint("1-9", "best pane", 1),
    bind(Vote, &[ch('t'), ch('=')], Action::VoteTie, "t =", "a tie").hint("t", "tie", 2),
    bind(
        Vote,
        &[ch('n'), ch('0')],
        Action::VoteAllBad,
        "n 0",
        "all bad",
    )
    .hint("n", "all bad", 3),
    bind(Vote, &[key(KeyCode::Esc)], Action::Close, "Esc", "cancel")
        .hint("Esc", "cancel", ESSENTIAL),
    // Choosing the pane to diff against.
    numbered(
        DiffPick,
        DIGITS,
        Action::DiffWith,
        "1-9",
        "compare with pane N",
    )
    .hint("1-9", "pane", 1),
    bind(
        DiffPick,
        &[key(KeyCode::Esc)],
        Action::Close,
        "Esc",
        "cancel",
    )
    .hint("Esc", "cancel", ESSENTIAL),
    // Every overlay that scrolls.
    bind(
        Scrolling,
        &[key(KeyCode::Up), ch('k')],
        Action::Scroll(ScrollStep::Up),
        "↑ k",
        "scroll up",
    )
    .hint("↑↓ PgUp PgDn", "scroll", 1),
    bind(
        Scrolling,
        &[key(KeyCode::Down), ch('j')],
        Action::Scroll(ScrollStep::Down),
        "↓ j",
        "scroll down",
    ),
    bind(
        Scrolling,
        &[key(KeyCode::PageUp)],
        Action::Scroll(ScrollStep::PageUp),
        "PgUp",
        "page up",
    ),
    bind(
        Scrolling,
        &[key(KeyCode::PageDown), ch(' ')],
        Action::Scroll(ScrollStep::PageDown),
        "PgDn Space",
        "page down",
    ),
    bind(
        Scrolling,
        &[key(KeyCode::Home), ch('g')],
        Action::Scroll(ScrollStep::Top),
        "Home g",
        "top",
    ),
    bind(
        Scrolling,
        &[key(KeyCode::End), ch('G')],
        Action::Scroll(ScrollStep::Bottom),
        "End G",
        "bottom",
    ),
    // The leaderboard.
    bind(
        Leaderboard,
        &[key(KeyCode::Tab), ch('b')],
        Action::NextFilter,
        "Tab b",
        "next filter: all votes, blind ones, sighted ones",
    )
    .hint("Tab", "all / blind / sighted", 2),
    bind(
        Leaderboard,
        &[key(KeyCode::BackTab)],
        Action::PrevFilter,
        "Shift+Tab",
        "previous filter",
    ),
];

/// The mouse, for help.
pub const MOUSE: &[(&str, &str)] = &[
    ("wheel", "scroll the pane under the pointer"),
    ("click", "focus a pane or the prompt"),
];
