//! The workbench's bindings: the prompt, a pane, the workbench whatever has
//! focus, and quitting.

use crossterm::event::KeyCode;

use super::{DIGITS, alt, bind, ch, ctrl, key, numbered, shift};
use crate::tui::keymap::{Action, Binding, Context, ESSENTIAL};
use crate::tui::scroll::ScrollStep;

use Context::{Always, Editor, Global, Pane};

pub(super) static BINDINGS: &[Binding] = &[
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
        "edit the prompt in $EDITOR (or $VISUAL), in a private temp file",
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
        "remove this pane (u puts it back)",
    ),
    bind(
        Pane,
        &[ch('u')],
        Action::RestorePane,
        "u",
        "put back the pane removed last, with its answers",
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
    bind(
        Pane,
        &[ch('J')],
        Action::AskJudge,
        "J",
        "ask the judge model ([judge] model) to compare the latest turn's answers, every two in both orders; its verdict is kept apart from your votes",
    ),
    bind(
        Pane,
        &[ch('A')],
        Action::Agreement,
        "A",
        "agreement: which of the latest turn's answers say the same thing, and the odd one out",
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
        "blind mode on or off: the panes are seated in a random order as \"Model A\", \"Model B\"…, and names, costs and settings are hidden until you vote (starts a new session)",
    ),
    bind(
        Global,
        &[ctrl('r')],
        Action::NextBlindRound,
        "Ctrl+R",
        "next blind round: the same models seated afresh, names hidden again (a new session; after a vote)",
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
        &[key(KeyCode::F(5))],
        Action::EvalRuns,
        "F5",
        "eval runs (`prism eval`): open one's grid, summary and chart",
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
        &[key(KeyCode::F(4))],
        Action::AskJudge,
        "F4",
        "ask the judge about the latest turn (as J in a pane)",
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
];
