//! Advisory session locks: a workbench holds `flock` on `<dir>/.<id>.lock`
//! while it has that session open, so a second workbench on the same
//! session opens a copy instead of overwriting the first one's turns. The
//! file holds the holder's pid (for the message) and is removed on release;
//! the operating system releases the lock when a process dies, so a crash
//! never leaves a session locked.

use std::fs;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// A held lock; dropping it releases the session.
#[derive(Debug)]
pub struct SessionLock {
    path: PathBuf,
    /// Holds the lock while open.
    _file: fs::File,
}

#[derive(Debug)]
pub enum LockError {
    /// Another process holds it (its pid, when it could be read).
    Held {
        pid: Option<u32>,
    },
    Io(io::Error),
}

impl SessionLock {
    /// `<dir>/.<id>.lock`; `id` must be valid (the store checks).
    pub fn path_for(dir: &Path, id: &str) -> PathBuf {
        dir.join(format!(".{id}.lock"))
    }

    /// Takes the lock of session `id` in `dir` without waiting.
    pub fn acquire(dir: &Path, id: &str) -> Result<SessionLock, LockError> {
        let path = Self::path_for(dir, id);
        let file = platform::acquire(&path)?;
        Ok(SessionLock { path, _file: file })
    }
}

impl Drop for SessionLock {
    fn drop(&mut self) {
        // Removed while still held, so nobody locks a file about to vanish
        // (`acquire` checks it locked the file the path still names).
        let _ = fs::remove_file(&self.path);
    }
}

/// Writes our pid into a freshly locked file, for the message another
/// workbench shows.
fn write_pid(file: &mut fs::File) -> io::Result<()> {
    file.set_len(0)?;
    file.rewind()?;
    write!(file, "{}", std::process::id())?;
    file.flush()
}

/// The pid a holder wrote, if readable.
fn read_pid(path: &Path) -> Option<u32> {
    let mut text = String::new();
    fs::File::open(path)
        .ok()?
        .take(32)
        .read_to_string(&mut text)
        .ok()?;
    text.trim().parse().ok()
}

#[cfg(unix)]
mod platform {
    use std::fs;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    use std::path::Path;

    use rustix::fs::{FlockOperation, flock};

    use super::{LockError, read_pid, write_pid};

    pub fn acquire(path: &Path) -> Result<fs::File, LockError> {
        // A holder releasing between our open and our flock leaves us a
        // locked file that no longer has the name: try again with the new one.
        for _ in 0..8 {
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(path)
                .map_err(LockError::Io)?;
            match flock(&file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => {}
                Err(errno) if errno == rustix::io::Errno::WOULDBLOCK => {
                    return Err(LockError::Held {
                        pid: read_pid(path),
                    });
                }
                Err(errno) => return Err(LockError::Io(errno.into())),
            }
            let ours = file.metadata().map_err(LockError::Io)?;
            let named = fs::metadata(path);
            if named.is_ok_and(|now| now.ino() == ours.ino() && now.dev() == ours.dev()) {
                write_pid(&mut file).map_err(LockError::Io)?;
                return Ok(file);
            }
        }
        Err(LockError::Io(std::io::Error::other(
            "the lock file keeps changing",
        )))
    }
}

#[cfg(not(unix))]
mod platform {
    use std::fs;
    use std::path::Path;

    use super::{LockError, write_pid};

    /// No advisory locks here: the file only records who has the session.
    pub fn acquire(path: &Path) -> Result<fs::File, LockError> {
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(LockError::Io)?;
        write_pid(&mut file).map_err(LockError::Io)?;
        Ok(file)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lock = SessionLock::acquire(dir.path(), "s1").expect("free");
        // flock is per open file: a second open in this process conflicts
        // just like another process would.
        match SessionLock::acquire(dir.path(), "s1") {
            Err(LockError::Held { pid }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("{other:?}"),
        }
        let other = SessionLock::acquire(dir.path(), "s2").expect("another session is free");
        drop(lock);
        assert!(
            !SessionLock::path_for(dir.path(), "s1").exists(),
            "no lock file left"
        );
        SessionLock::acquire(dir.path(), "s1").expect("free again");
        drop(other);
    }
}
