//! What a run tells its listeners as it goes: typed events on a channel
//! (policy: wait; the runner's `send` waits for a slow listener, so none
//! is lost), and a [`Tally`] any listener folds them into. The CLI's
//! progress line and the workbench both consume these.

use rust_decimal::Decimal;

use super::record::{CellKey, Digest, Outcome};

#[derive(Clone, Debug, PartialEq)]
pub enum EvalEvent {
    /// The run starts: `total` cells in the suite, `done` of them already
    /// in the journal (a resumed run), the rest to run now.
    Planned { total: usize, done: usize },
    /// A cell was handed to the routing core.
    Started { cell: CellKey },
    /// A cell's result, already journalled.
    Finished { digest: Digest },
    /// A model answered 429: its requests wait `wait_ms`, then at most
    /// `limit` of them run at once.
    Slowed {
        model: String,
        wait_ms: u64,
        limit: usize,
    },
    /// A cell that cannot start within `--max-cost`.
    SkippedForBudget { cell: CellKey },
    /// The journal cannot be written: the run stops.
    JournalFailed { message: String },
}

/// Running counts of a run, folded from its events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    pub total: usize,
    /// Results, including those journalled before a resume.
    pub done: usize,
    pub passed: usize,
    pub failures: usize,
    pub errors: usize,
    pub skipped: usize,
    pub running: usize,
    /// Money spent by this invocation.
    pub spent_usd: Decimal,
    /// Results this invocation produced (for its rate).
    pub finished_now: usize,
}

impl Tally {
    pub fn apply(&mut self, event: &EvalEvent) {
        match event {
            EvalEvent::Planned { total, done } => {
                self.total = *total;
                self.done = *done;
            }
            EvalEvent::Started { .. } => self.running += 1,
            EvalEvent::Finished { digest } => {
                self.running = self.running.saturating_sub(1);
                self.done += 1;
                self.finished_now += 1;
                match digest.outcome {
                    Outcome::Pass => self.passed += 1,
                    Outcome::Fail => self.failures += 1,
                    Outcome::Error => self.errors += 1,
                }
                if let Some(cost) = digest.cost_usd {
                    self.spent_usd = self.spent_usd.saturating_add(cost);
                }
            }
            EvalEvent::SkippedForBudget { .. } => self.skipped += 1,
            EvalEvent::Slowed { .. } | EvalEvent::JournalFailed { .. } => {}
        }
    }

    /// Cells neither done nor skipped yet.
    pub fn remaining(&self) -> usize {
        self.total.saturating_sub(self.done + self.skipped)
    }
}
