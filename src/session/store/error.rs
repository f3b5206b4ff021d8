//! What can go wrong with a session file, each with a message that says
//! what prism did about it (a file it cannot read is left as it is).

use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no session matches '{id}'")]
    NotFound { id: String },
    #[error("'{prefix}' matches {} sessions: {}", matches.len(), list_ids(matches))]
    Ambiguous {
        prefix: String,
        matches: Vec<String>,
    },
    #[error("{}: not a readable session file ({detail}); it is left as it is", path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "{}: written by a newer prism (schema version {found}, this one reads up to {supported}); it is left as it is",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("'{id}' is not a session id (letters, digits, '-' and '_' only)")]
    InvalidId { id: String },
    #[error("session {id} is open in another prism{}", held_by(*pid))]
    Locked { id: String, pid: Option<u32> },
}

fn held_by(pid: Option<u32>) -> String {
    pid.map(|pid| format!(" (pid {pid})")).unwrap_or_default()
}

impl StoreError {
    /// The file (or dir) the error is about, when it is about one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            StoreError::Corrupt { path, .. }
            | StoreError::NewerSchema { path, .. }
            | StoreError::Io { path, .. } => Some(path),
            StoreError::NotFound { .. }
            | StoreError::Ambiguous { .. }
            | StoreError::InvalidId { .. }
            | StoreError::Locked { .. } => None,
        }
    }
}

fn list_ids(ids: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = ids
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        text.push_str(", …");
    }
    text
}
