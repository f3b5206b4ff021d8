//! The layers that open over the workbench and take the keys while open:
//! help, the picker, the parameter form, the vote and diff prompts, the
//! diff, sessions, the leaderboard, naming the session, a pane's details.

use ratatui_textarea::TextArea;

use crate::session::leaderboard::Leaderboard;
use crate::tui::browser::SessionBrowser;
use crate::tui::diff::DiffView;
use crate::tui::ids::PaneId;
use crate::tui::keymap::Context;
use crate::tui::params::ParamsForm;
use crate::tui::picker::PickerState;
use crate::tui::scroll::ScrollView;

#[derive(Clone, Debug)]
pub enum Overlay {
    /// The key list.
    Help(ScrollView),
    Picker(Box<PickerState>, PickerTarget),
    Params(Box<ParamsForm>),
    /// Waiting for the verdict on the latest turn (a pane number, tie, all bad).
    Vote,
    /// Waiting for the pane to diff the given one against.
    DiffPick(usize),
    Diff(Box<DiffView>),
    Sessions(Box<SessionBrowser>),
    Leaderboard(Box<LeaderboardView>),
    /// Naming the session.
    Rename(Box<TextArea<'static>>),
    /// A pane's details: what was sent, who served, the exact record.
    Details(Box<TextView>),
}

impl Overlay {
    /// Whose keys apply while it is open.
    pub fn context(&self) -> Context {
        match self {
            Overlay::Help(_) => Context::Help,
            Overlay::Picker(..) => Context::Picker,
            Overlay::Params(_) => Context::Params,
            Overlay::Vote => Context::Vote,
            Overlay::DiffPick(_) => Context::DiffPick,
            Overlay::Diff(_) => Context::Diff,
            Overlay::Sessions(browser) => browser.context(),
            Overlay::Leaderboard(_) => Context::Leaderboard,
            Overlay::Rename(_) => Context::Rename,
            Overlay::Details(_) => Context::Details,
        }
    }

    /// The scroll position of an overlay that scrolls.
    pub fn scroll_mut(&mut self) -> Option<&mut ScrollView> {
        match self {
            Overlay::Help(scroll) => Some(scroll),
            Overlay::Diff(view) => Some(&mut view.scroll),
            Overlay::Leaderboard(view) => Some(&mut view.scroll),
            Overlay::Details(view) => Some(&mut view.scroll),
            Overlay::Picker(..)
            | Overlay::Params(_)
            | Overlay::Vote
            | Overlay::DiffPick(_)
            | Overlay::Sessions(_)
            | Overlay::Rename(_) => None,
        }
    }
}

/// A scrollable page of text lines (the details view): "label\tvalue"
/// lines show as two columns, lines ending in ':' as headings.
#[derive(Clone, Debug)]
pub struct TextView {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: ScrollView,
}

/// The leaderboard overlay: all votes, blind ones, sighted ones.
#[derive(Clone, Debug, Default)]
pub struct LeaderboardView {
    /// All, Blind, Sighted; None while loading.
    pub boards: Option<Vec<Leaderboard>>,
    pub shown: usize,
    /// Session files that could not be read, one line each.
    pub problems: Vec<String>,
    /// Over the shown board's rows.
    pub scroll: ScrollView,
}

impl LeaderboardView {
    /// The board shown, once loaded.
    pub fn board(&self) -> Option<&Leaderboard> {
        self.boards.as_ref()?.get(self.shown)
    }

    /// Lines above the rows: the method, the position bias, a skipped
    /// file, a gap, the header.
    pub fn header_rows(&self) -> usize {
        4 + usize::from(!self.problems.is_empty())
    }
}

/// What a picker's choice applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerTarget {
    Columns,
    Fallback(PaneId),
}
