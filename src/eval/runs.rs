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
    /// Runs started within the same second take the next suffix after the
    /// ones already there, so "newest first" stays true for scripted runs.
    pub fn new_id(&self, now_unix: i64) -> String {
        let candidate = crate::session::types::new_id(now_unix, fastrand::u16(..));
        let (stamp, _) = candidate.split_at(candidate.len() - 4);
        let latest = self
            .ids()
            .unwrap_or_default()
            .iter()
            .filter_map(|id| id.strip_prefix(stamp))
            .filter_map(|suffix| u16::from_str_radix(suffix, 16).ok())
            .max();
        match latest {
            None => candidate,
            Some(last) if last < u16::MAX => format!("{stamp}{:04x}", last + 1),
            Some(_) => loop {
                let id = crate::session::types::new_id(now_unix, fastrand::u16(..));
                if !self.path_for(&id).exists() {
                    return id;
                }
            },
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

#[cfg(test)]
mod tests {
    use super::RunStore;

    #[test]
    fn runs_started_in_the_same_second_sort_in_the_order_they_started() {
        let dir = tempfile::tempdir().expect("dir");
        let store = RunStore::new(dir.path());
        let now = 1_764_806_400;
        let mut started = Vec::new();
        for _ in 0..20 {
            let id = store.new_id(now);
            std::fs::write(store.path_for(&id), "").expect("journal");
            started.push(id);
        }
        assert_eq!(store.ids().expect("ids"), started);
    }
}
