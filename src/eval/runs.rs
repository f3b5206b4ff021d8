//! The run journals on disk (`<data dir>/runs/<id>.jsonl`): new ids,
//! lookup by id or unique prefix, listing and removal.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct RunStore {
    dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum RunStoreError {
    #[error("no run matches '{id}' (`prism runs list` shows them)")]
    NotFound { id: String },
    #[error("'{id}' matches {} runs: {}", matches.len(), matches.join(", "))]
    Ambiguous { id: String, matches: Vec<String> },
    #[error("'{id}' is not a run id (letters, digits, '-' and '_' only)")]
    Invalid { id: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl RunStore {
    pub fn new(dir: impl Into<PathBuf>) -> RunStore {
        RunStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path_for(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.jsonl"))
    }

    /// A fresh id: the time and a little randomness, sortable by creation.
    pub fn new_id(&self, now_unix: i64) -> String {
        loop {
            let id = crate::session::types::new_id(now_unix);
            if !self.path_for(&id).exists() {
                return id;
            }
        }
    }

    /// Every run id, oldest first.
    pub fn ids(&self) -> Result<Vec<String>, RunStoreError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(RunStoreError::Io {
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut ids: Vec<String> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_str()?.strip_suffix(".jsonl")?.to_string();
                valid_id(&name).then_some(name)
            })
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// The one run whose id is or starts with `id`.
    pub fn resolve(&self, id: &str) -> Result<String, RunStoreError> {
        if !valid_id(id) {
            return Err(RunStoreError::Invalid { id: id.into() });
        }
        if self.path_for(id).is_file() {
            return Ok(id.to_string());
        }
        let mut matches: Vec<String> = self
            .ids()?
            .into_iter()
            .filter(|r| r.starts_with(id))
            .collect();
        match matches.len() {
            0 => Err(RunStoreError::NotFound { id: id.into() }),
            1 => Ok(matches.remove(0)),
            _ => Err(RunStoreError::Ambiguous {
                id: id.into(),
                matches,
            }),
        }
    }

    pub fn remove(&self, id: &str) -> Result<String, RunStoreError> {
        let id = self.resolve(id)?;
        let path = self.path_for(&id);
        fs::remove_file(&path).map_err(|source| RunStoreError::Io { path, source })?;
        Ok(id)
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
