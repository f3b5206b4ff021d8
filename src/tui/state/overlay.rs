//! The layers that open over the workbench and take the keys while open:
//! help, the picker, the parameter form, the vote and diff prompts, the
//! diff, sessions, the leaderboard, naming the session, a pane's details,
//! the judge's verdict.

use ratatui_textarea::TextArea;

use crate::session::leaderboard::Leaderboard;
use crate::tui::browser::SessionBrowser;
use crate::tui::diff::DiffView;
use crate::tui::eval::runs::RunList;
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
    /// The judge's verdict on the latest turn, labelled as the judge's.
    Judge(Box<TextView>),
    /// The eval runs on disk, and the one open in the eval view.
    Runs(Box<RunList>),
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
            Overlay::Judge(_) => Context::Judge,
            Overlay::Runs(_) => Context::Runs,
        }
    }

    /// The scroll position of an overlay that scrolls.
    pub fn scroll_mut(&mut self) -> Option<&mut ScrollView> {
        match self {
            Overlay::Help(scroll) => Some(scroll),
            Overlay::Diff(view) => Some(&mut view.scroll),
            Overlay::Leaderboard(view) => Some(&mut view.scroll),
            Overlay::Details(view) | Overlay::Judge(view) => Some(&mut view.scroll),
            Overlay::Picker(..)
            | Overlay::Params(_)
            | Overlay::Vote
            | Overlay::DiffPick(_)
            | Overlay::Sessions(_)
            | Overlay::Runs(_)
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

/// The leaderboard's vote filters: all, blind, sighted.
pub const FILTERS: usize = 3;
/// The leaderboard's vote sources: yours, judges', both.
pub const SOURCES: usize = 3;

/// The leaderboard overlay: all votes, blind ones, sighted ones; yours,
/// judges', or both.
#[derive(Clone, Debug, Default)]
pub struct LeaderboardView {
    /// Per source (yours, judges', both) the filters all, blind, sighted,
    /// in that order; None while loading.
    pub boards: Option<Vec<Leaderboard>>,
    /// The filter shown (all, blind, sighted).
    pub shown: usize,
    /// The source shown (yours, judges', both).
    pub source: usize,
    /// Session files that could not be read, one line each.
    pub problems: Vec<String>,
    /// Over the shown board's rows.
    pub scroll: ScrollView,
}

impl LeaderboardView {
    /// Every board the overlay can show, in its order: per source (yours,
    /// judges', both) the filters all, blind, sighted.
    pub fn compute_boards(sessions: &[crate::session::Session]) -> Vec<Leaderboard> {
        use crate::session::leaderboard::{Source, VoteFilter, compute_with};
        [Source::Me, Source::Judge, Source::Both]
            .into_iter()
            .flat_map(|source| {
                [VoteFilter::All, VoteFilter::Blind, VoteFilter::Sighted]
                    .map(|filter| compute_with(sessions, filter, source))
            })
            .collect()
    }

    /// The board shown, once loaded.
    pub fn board(&self) -> Option<&Leaderboard> {
        self.boards
            .as_ref()?
            .get(self.source * FILTERS + self.shown)
    }

    /// The method line (whose votes, how many count, how ratings are
    /// computed) and the position-bias line, wrapped at words to `width`:
    /// never cut.
    pub fn method_lines(&self, width: u16) -> Vec<String> {
        let Some(board) = self.board() else {
            return Vec::new();
        };
        let text = format!(
            "{}: {} counted ({} yours, {} judges'){} · {}",
            board.source.describe(),
            board.votes,
            board.user_votes,
            board.judge_votes,
            board
                .filter
                .word()
                .map_or(String::new(), |w| format!(", {w} only")),
            board.method,
        );
        let width = usize::from(width.max(10));
        // Where the answers you picked sat: does the left pane win too often?
        let bias = &board.positions;
        let mut position = bias
            .first_line()
            .map_or(String::new(), |line| format!("{line} · "));
        position.push_str(&bias.verdict());
        let mut lines = crate::tui::layout::wrap_words(&text, width);
        lines.extend(crate::tui::layout::wrap_words(&position, width));
        lines
    }

    /// Lines above the rows at `width`: the method and position bias, a
    /// skipped file, judges' agreement with you, a gap, the header.
    pub fn header_rows(&self, width: u16) -> usize {
        let agreement = self.board().map_or(0, |b| b.agreement.len());
        self.method_lines(width).len() + 2 + usize::from(!self.problems.is_empty()) + agreement
    }
}

/// What a picker's choice applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerTarget {
    Columns,
    Fallback(PaneId),
}
