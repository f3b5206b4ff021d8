//! Logs go to a file (the terminal belongs to the TUI), at the level named by
//! `PRISM_LOG` (default `warn`). The file is readable by its owner only (0600
//! in a 0700 dir), and every line passes through the key redactor on its way
//! there: keys are wrapped in `ApiKey`, whose Debug is redacted, headers are
//! not logged, and server text that echoes a key loses it here at the latest.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::RwLock;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

use crate::router::redact::Redactor;

/// The keys of this run, known once the config is read (after logging starts).
static REDACTOR: RwLock<Option<Redactor>> = RwLock::new(None);

/// Keeps these keys out of every later log line.
pub fn redact_keys(redactor: Redactor) {
    if let Ok(mut slot) = REDACTOR.write() {
        *slot = Some(redactor);
    }
}

/// Starts file logging; the guard flushes on drop, so keep it alive in main.
/// Logging is best effort: when the file cannot be opened prism runs without it.
pub fn init(log_file: &Path) -> Option<WorkerGuard> {
    let file = open_private(log_file).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(Redacting(file));
    let filter = EnvFilter::try_from_env("PRISM_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Opens the log for appending, creating it 0600 in a 0700 dir, and takes
/// back what an older prism (or a umask) left more open.
pub fn open_private(log_file: &Path) -> io::Result<fs::File> {
    let dir = log_file
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no directory"))?;
    crate::fs_safe::create_private_dir(dir)?;
    let mut options = fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(log_file)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Best effort: a dir or file of another owner stays as it is.
        let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
        let _ = file.set_permissions(fs::Permissions::from_mode(0o600));
    }
    Ok(file)
}

/// The log file behind the redactor. tracing writes each event with one
/// call, so a key is always whole within one write.
struct Redacting(fs::File);

impl Write for Redacting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let guard = REDACTOR.read().ok();
        match guard.as_ref().and_then(|slot| slot.as_ref()) {
            Some(redactor) if !redactor.is_empty() => {
                let text = String::from_utf8_lossy(buf);
                self.0.write_all(redactor.redact(&text).as_bytes())?;
            }
            _ => self.0.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_log_is_private_even_when_it_was_not() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().expect("tempdir");
        let dir = home.path().join("cache/prism");
        let log = dir.join("prism.log");
        let mode = |path: &Path| fs::metadata(path).expect("exists").permissions().mode() & 0o777;

        open_private(&log).expect("opens");
        assert_eq!((mode(&dir), mode(&log)), (0o700, 0o600));

        // An older prism left them world-readable.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod");
        fs::set_permissions(&log, fs::Permissions::from_mode(0o644)).expect("chmod");
        open_private(&log).expect("opens");
        assert_eq!((mode(&dir), mode(&log)), (0o700, 0o600));
    }

    #[test]
    fn lines_lose_the_keys() {
        let home = tempfile::tempdir().expect("tempdir");
        let path = home.path().join("log");
        let mut writer = Redacting(fs::File::create(&path).expect("create"));
        redact_keys(Redactor::new(["sk-or-v1-logging-test-key"]));
        writer
            .write_all(b"WARN failed: echoed sk-or-v1-logging-test-key and Bearer abc123\n")
            .expect("write");
        assert_eq!(
            fs::read_to_string(&path).expect("read"),
            "WARN failed: echoed [redacted] and Bearer [redacted]\n"
        );
    }
}
