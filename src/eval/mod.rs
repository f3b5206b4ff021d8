//! `prism eval`'s engine: a suite of prompts × columns × repeats, run
//! concurrently on the routing core with per-model backoff and a hard
//! budget, journalled as it goes (crash-safe, resumable), checked, and
//! summarised with intervals, costs and consistency. No terminal code: the
//! CLI and the workbench both consume its typed events and summary.
//!
//! - [`suite`]: suite files (TOML, JSONL and CSV cases), validated with locations.
//! - [`checks`]: what an answer must satisfy, each with a one-line reason.
//! - [`column`]: how a column is written, and its line in the estimate.
//! - [`judge`]: a model grades answers (scores, pairwise), its biases measured.

pub mod budget;
pub mod checks;
pub mod column;
pub mod diff;
pub mod events;
pub mod execute;
pub mod gate;
pub mod handoff;
pub mod journal;
pub mod judge;
pub mod plan;
pub mod record;
pub mod report;
pub mod runs;
pub mod scheduler;
mod schema;
pub mod stats;
pub mod suite;
pub mod summary;
