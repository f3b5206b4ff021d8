//! The overlays' bindings: the picker, the parameter form, sessions, naming,
//! voting, choosing a diff partner, and the overlays that scroll.

use crossterm::event::KeyCode;

use super::{DIGITS, bind, ch, ctrl, ctrl_key, key, numbered};
use crate::tui::keymap::{
    Action, Binding, BrowserAction, Context, ESSENTIAL, FormAction, PickerAction,
};
use crate::tui::scroll::ScrollStep;

use Context::{
    ConfirmDelete, DiffPick, Judge, Leaderboard, Params, Picker, Rename, Runs, Scrolling, Sessions,
    Vote,
};

pub(super) static BINDINGS: &[Binding] = &[
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
    bind(
        Picker,
        &[ctrl('e')],
        Action::ExpandUpstreams,
        "Ctrl+E",
        "the row's model as one pane per upstream provider (OpenRouter's endpoints, each pinned: MODEL@SLUG)",
    )
    .hint("Ctrl+E", "per upstream", 7),
    bind(
        Picker,
        &[ctrl('d')],
        Action::ViaAndDirect,
        "Ctrl+D",
        "the row's model via OpenRouter and direct, side by side (the [direct] table, else a provider named like its author)",
    )
    .hint("Ctrl+D", "via & direct", 8),
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
    // The eval runs.
    bind(
        Runs,
        &[key(KeyCode::Up), ch('k')],
        Action::Browser(BrowserAction::Move(ScrollStep::Up)),
        "↑ k",
        "move up",
    )
    .hint("↑↓", "move", 4),
    bind(
        Runs,
        &[key(KeyCode::Down), ch('j')],
        Action::Browser(BrowserAction::Move(ScrollStep::Down)),
        "↓ j",
        "move down",
    ),
    bind(
        Runs,
        &[key(KeyCode::PageUp)],
        Action::Browser(BrowserAction::Move(ScrollStep::PageUp)),
        "PgUp",
        "move a page up",
    ),
    bind(
        Runs,
        &[key(KeyCode::PageDown)],
        Action::Browser(BrowserAction::Move(ScrollStep::PageDown)),
        "PgDn",
        "move a page down",
    ),
    bind(
        Runs,
        &[key(KeyCode::Home), ch('g')],
        Action::Browser(BrowserAction::Move(ScrollStep::Top)),
        "Home g",
        "newest run",
    ),
    bind(
        Runs,
        &[key(KeyCode::End), ch('G')],
        Action::Browser(BrowserAction::Move(ScrollStep::Bottom)),
        "End G",
        "oldest run",
    ),
    bind(
        Runs,
        &[key(KeyCode::Enter)],
        Action::Browser(BrowserAction::Open),
        "Enter",
        "open the run in the eval view (read from its journal; q or Esc there comes back here)",
    )
    .hint("Enter", "open", 2),
    bind(
        Runs,
        &[key(KeyCode::Esc), ch('q')],
        Action::Close,
        "Esc q",
        "close",
    )
    .hint("Esc", "close", ESSENTIAL),
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
    bind(
        Leaderboard,
        &[ch('s')],
        Action::NextSource,
        "s",
        "whose votes: yours, judge verdicts, or both (always labelled)",
    )
    .hint("s", "me / judge / both", 3),
    // The judge's verdict.
    bind(
        Judge,
        &[ch('v')],
        Action::Vote,
        "v",
        "cast your own vote on the turn (the judge's stays apart)",
    )
    .hint("v", "your vote", 2),
    bind(
        Judge,
        &[ch('r')],
        Action::AskJudgeAgain,
        "r",
        "ask the judge again (a saved verdict, or a new one after it gave none)",
    ),
];
