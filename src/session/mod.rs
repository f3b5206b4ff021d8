//! Sessions: every comparison kept on disk as it happens, with votes; the
//! leaderboard computed from them; exports for people.
//!
//! - `types`: the file schema (versioned).
//! - `store`: atomic, owner-only files in the data dir; listing, loading, deleting.
//! - `lock`: the advisory lock a workbench holds on the session it has open.
//! - `claim`: opening a session in a workbench: its lock, or a copy.
//! - `writer`: the one task that applies saves in order, off the UI thread.
//! - `leaderboard`: ratings and figures per model from all votes.
//! - `export`: Markdown and JSON reports.

pub mod claim;
pub mod export;
pub mod leaderboard;
pub mod lock;
pub mod store;
pub mod types;
pub mod writer;

#[cfg(test)]
pub(crate) mod fixtures;

pub use leaderboard::{Leaderboard, Row, VoteFilter};
pub use store::{SessionStore, StoreError};
pub use types::{
    Answer, Column, JudgeCost, SCHEMA_VERSION, Session, SessionParams, Summary, Turn, Verdict,
    Vote, VoteSource,
};
pub use writer::SessionWriter;
