//! Session files: one pretty JSON file per session (`<dir>/<id>.json`), written
//! atomically (temp file in the same dir, fsync, rename, fsync the dir) and
//! readable by their owner only. A file prism cannot read is reported, never rewritten or deleted.
//! Its errors are in `error`, reading and checking a file in `read`, and the
//! stale temp files a killed writer left in `files`; the writing itself in
//! [`crate::fs_safe`].

mod error;
mod files;
mod read;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::lock::{LockError, SessionLock};
use super::types::{Session, Summary};
use crate::fs_safe::{create_private_dir, sync_dir, write_private};
use files::remove_stale_temp_files;
use read::{check_replaceable, read_session};

pub use error::StoreError;
pub use read::parse_session;

/// Longest id accepted; generated ids are 20 characters.
const MAX_ID_CHARS: usize = 128;

#[derive(Clone, Debug)]
pub struct SessionStore {
    dir: PathBuf,
    /// Ids whose file this store wrote or read successfully, so it is known to
    /// be ours at a version we understand: later saves skip the overwrite
    /// check. Shared by clones; forgotten on delete.
    checked: Arc<Mutex<HashSet<String>>>,
    /// Ids whose stale temp files this store has cleared (on its first save
    /// under the lock; a session loaded for resuming is checked but not yet
    /// cleared).
    swept: Arc<Mutex<HashSet<String>>>,
    /// A workbench's store: the session locks it holds (shared by clones).
    /// It saves only sessions it holds the lock of. None: no locking (the
    /// CLI commands, which never save).
    locks: Option<Arc<Mutex<HashMap<String, SessionLock>>>>,
}

impl SessionStore {
    pub fn new(dir: impl Into<PathBuf>) -> SessionStore {
        SessionStore {
            dir: dir.into(),
            checked: Arc::default(),
            swept: Arc::default(),
            locks: None,
        }
    }

    /// A store for a workbench: it locks each session before its first save
    /// (see [`SessionStore::claim`]) and refuses to save one another prism holds.
    pub fn locking(mut self) -> SessionStore {
        self.locks = Some(Arc::default());
        self
    }

    /// Takes the lock of session `id` for this store (a no-op when held
    /// already, or when the store does not lock). `Locked` when another
    /// prism has the session open.
    pub fn claim(&self, id: &str) -> Result<(), StoreError> {
        validate_id(id)?;
        let Some(locks) = &self.locks else {
            return Ok(());
        };
        let mut locks = locks.lock().unwrap_or_else(|p| p.into_inner());
        if locks.contains_key(id) {
            return Ok(());
        }
        create_private_dir(&self.dir).map_err(|source| StoreError::Io {
            path: self.dir.clone(),
            source,
        })?;
        match SessionLock::acquire(&self.dir, id) {
            Ok(lock) => {
                locks.insert(id.to_string(), lock);
                Ok(())
            }
            Err(LockError::Held { pid }) => Err(StoreError::Locked {
                id: id.to_string(),
                pid,
            }),
            Err(LockError::Io(source)) => Err(StoreError::Io {
                path: SessionLock::path_for(&self.dir, id),
                source,
            }),
        }
    }

    /// Releases the lock of session `id`, if this store holds it.
    pub fn release(&self, id: &str) {
        if let Some(locks) = &self.locks {
            locks.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/<id>.json`. Does not validate the id; every other method does.
    pub fn path_for(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Writes the session atomically, creating the dir (0700) if missing.
    /// Refuses to replace a file it cannot read (corrupt, or a newer schema).
    pub fn save(&self, session: &Session) -> Result<(), StoreError> {
        validate_id(&session.id)?;
        // Another workbench's session is never overwritten.
        self.claim(&session.id)?;
        let path = self.path_for(&session.id);
        create_private_dir(&self.dir).map_err(|source| StoreError::Io {
            path: self.dir.clone(),
            source,
        })?;
        if !self.is_checked(&session.id) {
            check_replaceable(&path)?;
        }
        if self.first_sweep(&session.id) {
            remove_stale_temp_files(&self.dir, &session.id);
        }
        // The same escaping as every JSON output: `cat` of a file is safe too.
        let mut bytes = Vec::with_capacity(4096);
        crate::sanitize::json::to_writer_pretty(&mut bytes, session).map_err(|e| {
            StoreError::Io {
                path: path.clone(),
                source: io::Error::new(io::ErrorKind::InvalidData, e),
            }
        })?;
        bytes.push(b'\n');
        write_private(&path, &bytes).map_err(|source| StoreError::Io { path, source })?;
        self.mark_checked(&session.id);
        Ok(())
    }

    /// Loads a session by id or unique id prefix. The file name is the
    /// session's identity: an `id` inside that disagrees is replaced by it.
    pub fn load(&self, id: &str) -> Result<Session, StoreError> {
        let id = self.resolve(id)?;
        let session = read_session(&self.path_for(&id), &id)?;
        self.mark_checked(&id);
        Ok(session)
    }

    /// The full id of the one session whose id is or starts with `id_or_prefix`.
    pub fn resolve(&self, id_or_prefix: &str) -> Result<String, StoreError> {
        validate_id(id_or_prefix)?;
        if self.path_for(id_or_prefix).is_file() {
            return Ok(id_or_prefix.to_string());
        }
        let mut matches: Vec<String> = self
            .ids()?
            .into_iter()
            .filter(|id| id.starts_with(id_or_prefix))
            .collect();
        match matches.len() {
            0 => Err(StoreError::NotFound {
                id: id_or_prefix.to_string(),
            }),
            1 => Ok(matches.remove(0)),
            _ => Err(StoreError::Ambiguous {
                prefix: id_or_prefix.to_string(),
                matches,
            }),
        }
    }

    /// Every session's summary, newest first (by updated_at), and one error
    /// per unreadable file (which stays untouched).
    pub fn list(&self) -> (Vec<Summary>, Vec<StoreError>) {
        let (sessions, errors) = self.load_all();
        (sessions.iter().map(Session::summary).collect(), errors)
    }

    /// Every readable session, newest first, and one error per unreadable file.
    pub fn load_all(&self) -> (Vec<Session>, Vec<StoreError>) {
        match self.ids() {
            Ok(ids) => self.load_ids(ids),
            Err(err) => (Vec::new(), vec![err]),
        }
    }

    fn load_ids(&self, ids: Vec<String>) -> (Vec<Session>, Vec<StoreError>) {
        let mut sessions = Vec::with_capacity(ids.len());
        let mut errors = Vec::new();
        for id in ids {
            match read_session(&self.path_for(&id), &id) {
                Ok(session) => {
                    self.mark_checked(&id);
                    sessions.push(session);
                }
                // Deleted between listing and reading: not an error.
                Err(StoreError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {}
                Err(err) => errors.push(err),
            }
        }
        sessions.sort_by(|a, b| {
            b.updated_at_unix
                .cmp(&a.updated_at_unix)
                .then_with(|| b.id.cmp(&a.id))
        });
        (sessions, errors)
    }

    /// The most recently updated readable session (None when there is none).
    /// Fails only when the directory itself cannot be read.
    pub fn latest(&self) -> Result<Option<Session>, StoreError> {
        Ok(self.load_ids(self.ids()?).0.into_iter().next())
    }

    /// Removes a session's file (by id or unique prefix), whatever it holds.
    #[allow(
        clippy::wildcard_enum_match_arm,
        reason = "io::ErrorKind is open-ended: only a missing file is told apart"
    )]
    pub fn delete(&self, id: &str) -> Result<(), StoreError> {
        let id = self.resolve(id)?;
        // A workbench does not delete a session another one has open.
        self.claim(&id)?;
        self.release(&id);
        let path = self.path_for(&id);
        fs::remove_file(&path).map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => StoreError::NotFound { id: id.clone() },
            _ => StoreError::Io {
                path: path.clone(),
                source,
            },
        })?;
        self.forget(&id);
        sync_dir(&self.dir).map_err(|source| StoreError::Io {
            path: self.dir.clone(),
            source,
        })
    }

    /// Ids of the `*.json` files in the dir, sorted; none when it does not exist.
    fn ids(&self) -> Result<Vec<String>, StoreError> {
        let io_error = |source| StoreError::Io {
            path: self.dir.clone(),
            source,
        };
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(io_error(err)),
        };
        let mut ids = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io_error)?;
            let name = entry.file_name();
            // Temp files start with '.', which no valid id does.
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".json")) else {
                continue;
            };
            if validate_id(id).is_ok() && !entry.file_type().is_ok_and(|t| t.is_dir()) {
                ids.push(id.to_string());
            }
        }
        ids.sort();
        Ok(ids)
    }

    fn is_checked(&self, id: &str) -> bool {
        self.checked
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains(id)
    }

    fn mark_checked(&self, id: &str) {
        self.checked
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(id.to_string());
    }

    /// True once per id: the first save clears what killed writers left.
    fn first_sweep(&self, id: &str) -> bool {
        self.swept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(id.to_string())
    }

    fn forget(&self, id: &str) {
        self.checked
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(id);
    }
}

fn validate_id(id: &str) -> Result<(), StoreError> {
    let valid = !id.is_empty()
        && id.chars().count() <= MAX_ID_CHARS
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(StoreError::InvalidId { id: id.to_string() })
    }
}

#[cfg(test)]
mod tests;
