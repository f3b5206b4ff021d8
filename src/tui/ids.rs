//! Identities that outlive positions: a pane keeps its id while panes are
//! added and removed, and each request of a pane is a run with its own id.

/// A pane's identity, stable while panes are added and removed (and the
/// session column it fills).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaneId(pub u64);

/// One request of one pane; messages of older runs are stale and dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunId(pub u64);

/// Hands out the next pane and run ids.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ids {
    next_pane: u64,
    next_run: u64,
}

impl Ids {
    pub fn pane(&mut self) -> PaneId {
        let id = PaneId(self.next_pane);
        self.next_pane += 1;
        id
    }

    pub fn run(&mut self) -> RunId {
        let id = RunId(self.next_run);
        self.next_run += 1;
        id
    }

    /// Pane ids from now on come after `used` (a reopened session's columns).
    pub fn skip_panes_past(&mut self, used: u64) {
        self.next_pane = self.next_pane.max(used.saturating_add(1));
    }
}
