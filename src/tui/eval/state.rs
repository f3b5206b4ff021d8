//! The live view's state: the run's cells as they fill in (each a small
//! slot pointing at its digest, never the answer), the summary and Pareto
//! front recomputed at most once per frame, the cursor, and what is open on
//! top (a case's answers, the chart, help). Answers are read from the
//! journal only for the case that is open.

use std::sync::Arc;

use crate::eval::events::Tally;
use crate::eval::record::{CellKey, Digest, EvalResult};
use crate::eval::suite::Suite;
use crate::eval::summary::ColumnSummary;
use crate::sanitize::one_line;
use crate::tui::diff::Piece;
use crate::tui::theme::Theme;

use super::keys::Place;

/// Where one result of the run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Pending,
    Running,
    /// Finished: its digest's index.
    Done(u32),
    SkippedForBudget,
}

/// Where the run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Running,
    /// Every answer is in (judging may go on after).
    Finished,
    /// Stopped before the end: the journal keeps what is done.
    Interrupted,
    /// The journal could not be written: the run stopped.
    Failed(String),
}

/// A case's answers, side by side.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseView {
    pub case: usize,
    pub repeat: u32,
    pub answers: Answers,
    /// The leftmost column shown (the others are diffed against it).
    pub first: usize,
    pub scroll: u16,
    pub diff: bool,
    /// Per column: its answer's word diff against the leftmost shown.
    pub diffs: Vec<Option<Vec<Piece>>>,
    /// How much the answers agree (by normalised text similarity): the
    /// columns that answered, and their grouping (indices into them).
    pub agreement: Option<(Vec<usize>, crate::agreement::Agreement)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Answers {
    Loading,
    /// Per column (None: no result yet).
    Loaded(Vec<Option<EvalResult>>),
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    None,
    /// Help over what was open (closing help returns to it).
    Help {
        scroll: u16,
        under: Box<Overlay>,
    },
    Chart,
    Case(Box<CaseView>),
}

impl Overlay {
    /// The open case, also under help.
    pub fn case(&self) -> Option<&CaseView> {
        match self {
            Overlay::Case(open) => Some(open),
            Overlay::Help { under, .. } => under.case(),
            Overlay::None | Overlay::Chart => None,
        }
    }

    pub fn case_mut(&mut self) -> Option<&mut CaseView> {
        match self {
            Overlay::Case(open) => Some(open),
            Overlay::Help { under, .. } => under.case_mut(),
            Overlay::None | Overlay::Chart => None,
        }
    }

    /// Where keys are looked up.
    pub fn place(&self) -> Place {
        match self {
            Overlay::None => Place::Grid,
            Overlay::Case(_) => Place::Case,
            Overlay::Help { .. } | Overlay::Chart => Place::Overlay,
        }
    }
}

/// What the view opens with.
pub struct Init {
    pub run_id: String,
    pub suite: Arc<Suite>,
    /// Results journalled before (a resumed or finished run).
    pub earlier: Vec<Digest>,
    pub volume: Option<u64>,
    pub theme: Theme,
    pub size: (u16, u16),
}

#[derive(Clone, Debug)]
pub struct EvalView {
    pub run_id: String,
    /// The suite's name or file, one line.
    pub title: String,
    pub suite: Arc<Suite>,
    /// Case ids and column labels, sanitised once.
    pub case_ids: Vec<String>,
    /// The widest case id, in columns (the grid's first column fits it).
    pub longest_id: usize,
    pub columns: Vec<String>,
    pub repeat: u32,
    /// `(case * columns + column) * repeat + repeat_index`.
    pub slots: Vec<Slot>,
    pub digests: Vec<Digest>,
    pub summary: Vec<ColumnSummary>,
    /// Columns on the Pareto front of cost per 1k calls vs pass rate, cheapest first.
    pub front: Vec<usize>,
    /// New results since the summary was computed.
    pub summary_stale: bool,
    pub tally: Tally,
    pub phase: Phase,
    /// The selected case and the first case row shown.
    pub cursor: usize,
    pub top: usize,
    /// The first column shown in the grid.
    pub first_column: usize,
    pub overlay: Overlay,
    pub notice: Option<String>,
    /// q was pressed once while the run goes on: a second q stops it.
    pub quit_armed: bool,
    pub volume: Option<u64>,
    pub theme: Theme,
    pub size: (u16, u16),
    pub dirty: bool,
    pub quit: bool,
    /// A session to open in the workbench after the view closes.
    pub handoff: Option<String>,
}

impl EvalView {
    pub fn new(init: Init) -> EvalView {
        let suite = init.suite;
        let repeat = suite.defaults.repeat.max(1);
        let columns: Vec<String> = suite
            .column_labels()
            .iter()
            .map(|l| one_line(l).into_owned())
            .collect();
        let case_ids: Vec<String> = suite
            .cases
            .iter()
            .map(|c| one_line(&c.id).into_owned())
            .collect();
        let longest_id = case_ids
            .iter()
            .map(|id| unicode_width::UnicodeWidthStr::width(id.as_str()))
            .max()
            .unwrap_or(4);
        let slots = vec![Slot::Pending; suite.cases.len() * columns.len() * repeat as usize];
        let title = one_line(suite.name.as_deref().unwrap_or(&suite.path)).into_owned();
        let mut view = EvalView {
            run_id: one_line(&init.run_id).into_owned(),
            title,
            case_ids,
            longest_id,
            columns,
            repeat,
            slots,
            digests: Vec::new(),
            summary: Vec::new(),
            front: Vec::new(),
            summary_stale: true,
            tally: Tally::default(),
            phase: Phase::Running,
            cursor: 0,
            top: 0,
            first_column: 0,
            overlay: Overlay::None,
            notice: None,
            quit_armed: false,
            volume: init.volume,
            theme: init.theme,
            size: init.size,
            dirty: true,
            quit: false,
            handoff: None,
            suite,
        };
        for digest in init.earlier {
            // Results journalled before count in the header's tally too.
            view.tally.apply(&crate::eval::events::EvalEvent::Finished {
                digest: digest.clone(),
            });
            view.place(digest);
        }
        view
    }

    pub fn cases(&self) -> usize {
        self.case_ids.len()
    }

    pub fn slot_index(&self, cell: CellKey) -> Option<usize> {
        let (case, column) = (cell.case as usize, usize::from(cell.column));
        (case < self.cases() && column < self.columns.len() && cell.repeat < self.repeat).then(
            || (case * self.columns.len() + column) * self.repeat as usize + cell.repeat as usize,
        )
    }

    /// The slots of one case and column, one per repeat.
    pub fn cell(&self, case: usize, column: usize) -> &[Slot] {
        let repeat = self.repeat as usize;
        let start = (case * self.columns.len() + column) * repeat;
        self.slots.get(start..start + repeat).unwrap_or(&[])
    }

    /// A finished result joins the grid and the summary.
    pub fn place(&mut self, digest: Digest) {
        if let Some(index) = self.slot_index(digest.cell) {
            let at = u32::try_from(self.digests.len()).unwrap_or(u32::MAX);
            self.slots[index] = Slot::Done(at);
            self.digests.push(digest);
            self.summary_stale = true;
        }
    }

    /// The digest of a slot.
    pub fn digest(&self, slot: Slot) -> Option<&Digest> {
        match slot {
            Slot::Done(index) => self.digests.get(index as usize),
            Slot::Pending | Slot::Running | Slot::SkippedForBudget => None,
        }
    }

    pub fn running(&self) -> bool {
        self.phase == Phase::Running
    }

    /// A run read from its journal, not run here: finished when every
    /// result is in; otherwise shown as it stands, with how to finish it.
    pub fn read_only(mut self) -> EvalView {
        let total = self.slots.len();
        let done = self.digests.len();
        self.tally.total = total;
        if done >= total {
            self.phase = Phase::Finished;
        } else {
            self.phase = Phase::Interrupted;
            self.notice = Some(format!(
                "unfinished: {done} of {total} results, shown as they stand; `prism eval --resume {} --tui` finishes it",
                self.run_id
            ));
        }
        self
    }
}
