//! The run journal: one JSONL file per run in the data dir (0600, in a
//! 0700 dir). The first line holds the whole suite as it was run, so a run
//! resumes and reports without its file; then one line per result as it
//! completes, one per pairwise judge call and per `[agreement]` grouping, and a line when a run is
//! resumed or ends. Each line goes out
//! in one write and the file is fsynced at least once a second, so a crash
//! or `kill -9` loses at most the requests in flight and the file always
//! parses (a torn last line is ignored, then cut off before appending).
//! Reading a journal back is in `read`; the one task that appends to it is
//! in `writer`.

mod read;
mod writer;

use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::judge::grouping::CaseGrouping;
use super::judge::pairwise::Comparison;
use super::record::EvalResult;
use super::suite::Suite;

pub use read::{
    CaseAnswers, Contents, Placement, answers_by_case, read, read_header, read_result_at,
};
pub use writer::{JournalWriter, SYNC_INTERVAL};

/// The journal format's version; a newer one is refused, not misread.
pub const SCHEMA_VERSION: u32 = 1;

/// The first line of a journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub schema_version: u32,
    pub run_id: String,
    pub created_at_unix: i64,
    /// The suite file's absolute path when it was started.
    pub suite_file: String,
    pub suite: Suite,
}

/// The other lines besides results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line {
    Run(Box<Header>),
    Result(Box<EvalResult>),
    /// A pairwise judge call (`[pairwise]`).
    Comparison(Box<Comparison>),
    /// A judge's grouping of a case's answers (`[agreement]`).
    Grouping(Box<CaseGrouping>),
    Resumed {
        at_unix: i64,
    },
    Ended(Ending),
}

/// How one invocation of a run ended.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ending {
    pub at_unix: i64,
    pub skipped_for_budget: u64,
    pub interrupted: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: not a prism run journal ({detail})", path.display())]
    NotAJournal { path: PathBuf, detail: String },
    #[error("{}: written by a newer prism (journal version {found}, this one reads up to {SCHEMA_VERSION})", path.display())]
    Newer { path: PathBuf, found: u32 },
}

#[derive(Serialize)]
struct TaggedResult<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    result: &'a EvalResult,
}

fn line_bytes(line: &Line) -> Vec<u8> {
    // Our own types always serialize.
    let mut bytes = serde_json::to_vec(line).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests;
