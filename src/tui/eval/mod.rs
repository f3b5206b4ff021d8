//! The live view of `prism eval --tui`: a grid of cases × columns that
//! fills in as results arrive, the summary per column and a chart of cost
//! per 1,000 calls against pass rate with its Pareto front; a case opens
//! its answers side by side with a word diff and the checks' reasons, and
//! can be sent to the workbench. The run itself (`crate::eval`) knows
//! nothing of this: it feeds the view its events through a channel.
//!
//! - `state`, `update`: the view's state and its pure reducer.
//! - `keys`: every key, the one source for help, hints and the README.
//! - `layout`, `view/`: where things go, and drawing them.
//! - `runs`: the workbench's list of the runs on disk (F5), which opens one here.

pub mod keys;
pub mod layout;
pub mod runs;
pub mod state;
pub mod update;
pub mod view;

#[cfg(test)]
pub(crate) mod tests;
