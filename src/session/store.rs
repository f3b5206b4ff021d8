//! Session files: one pretty JSON file per session (`<dir>/<id>.json`), written
//! atomically (temp file in the same dir, fsync, rename, fsync the dir) and
//! readable by their owner only. A file prism cannot read is reported, never rewritten or deleted.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use super::lock::{LockError, SessionLock};
use super::types::{SCHEMA_VERSION, Session, Summary};
use crate::router::figures;

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

/// Just enough of a file to decide whether prism may read or replace it;
/// serde skips the rest (but still checks that the whole file is JSON).
#[derive(Deserialize)]
struct Probe {
    schema_version: u32,
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
        write_atomically(&path, &bytes, 0o600).map_err(|source| StoreError::Io { path, source })?;
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

fn probe(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let probe: Probe = serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    if probe.schema_version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: probe.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// An existing file may be replaced only when it is a session file this
/// prism understands; a missing one always may.
fn check_replaceable(path: &Path) -> Result<(), StoreError> {
    match fs::read(path) {
        Ok(bytes) => probe(path, &bytes),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn read_session(path: &Path, id: &str) -> Result<Session, StoreError> {
    let bytes = fs::read(path).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_session(path, &bytes, id)
}

/// A session file's bytes as the store reads them (`path` and `id` name it).
pub fn parse_session(path: &Path, bytes: &[u8], id: &str) -> Result<Session, StoreError> {
    // The version first: a newer file may not parse as today's schema, and
    // "newer" is the message that helps.
    probe(path, bytes)?;
    let corrupt = |e: serde_json::Error| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    // The answers' figures are outside data too: checked before they are typed.
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(corrupt)?;
    check_figures(&mut value);
    let mut session: Session = serde_json::from_value(value).map_err(corrupt)?;
    // A copied or renamed file must not save over the one it came from.
    if session.id != id {
        session.id = id.to_string();
    }
    Ok(session)
}

/// Every answer's figures through [`figures::check_stored_result`]: a cost
/// or count beyond belief becomes unknown, with a note in the answer.
fn check_figures(session: &mut serde_json::Value) {
    let Some(turns) = session.get_mut("turns").and_then(|t| t.as_array_mut()) else {
        return;
    };
    let answers = turns
        .iter_mut()
        .filter_map(|turn| turn.get_mut("answers")?.as_array_mut())
        .flatten();
    for answer in answers {
        if let Some(result) = answer.get_mut("result").and_then(|r| r.as_object_mut()) {
            figures::check_stored_result(result);
        }
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Removes temp files of this session left by a process killed mid-write
/// (`.<id>.json.tmp-<pid>-<n>` of another pid): the real file is whole
/// either way, so they are garbage. Best effort.
fn remove_stale_temp_files(dir: &Path, id: &str) {
    let prefix = format!(".{id}.json.tmp-");
    let ours = format!("{prefix}{}-", std::process::id());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && !name.starts_with(&ours) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Replaces `path` with `bytes` so that a reader (or a crash) sees the old
/// file or the new one, never a mix: a temp file in the same dir created
/// with `mode` (unix), written, fsynced, renamed over, then the dir fsynced.
/// The temp file is removed on any error.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(
        ".{name}.tmp-{}-{:08x}",
        std::process::id(),
        fastrand::u32(..)
    ));
    let written = write_new_file(&temp, bytes, mode).and_then(|()| fs::rename(&temp, path));
    if let Err(err) = written {
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    sync_dir(dir)
}

fn write_new_file(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes a rename or removal in `dir` durable (unix; elsewhere a no-op).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests;
