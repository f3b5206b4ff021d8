//! The one place prism writes files safely: private dirs (0700), new files
//! created with a chosen mode and never over another, and whole-file
//! replacement (temp file in the same dir, fsync, rename, fsync the dir) so
//! a reader or a crash sees the old file or the new one, never a mix.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

/// Files only their owner may read: sessions, journals, caches, logs.
pub const PRIVATE_FILE_MODE: u32 = 0o600;
/// Files the user asked for by name (an export, a report): the usual
/// permissions, narrowed by the umask.
pub const SHARED_FILE_MODE: u32 = 0o666;

/// Creates `dir` and any missing parents, each new one 0700 (unix). An
/// existing dir keeps its mode.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates `path` for writing with `mode` (unix), failing if anything
/// already has that name.
pub fn create_new(path: &Path, mode: u32) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    options.open(path)
}

/// Replaces `path` with `bytes`, readable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically(path, bytes, PRIVATE_FILE_MODE)
}

/// Replaces `path` with `bytes` so that a reader (or a crash) sees the old
/// file or the new one, never a mix: a temp file in the same dir
/// (`.<name>.tmp-<pid>-<n>`) created with `mode` (unix), written, fsynced,
/// renamed over, then the dir fsynced. The temp file is removed on any error.
pub fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    // Unique within this process; the pid keeps processes apart.
    static SEQUENCE: AtomicU32 = AtomicU32::new(0);
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
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = create_new(&temp, mode)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if let Err(err) = written {
        // Best effort: the write already failed, and that error is the one to report.
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    sync_dir(dir)
}

/// Writes a file the user named (`-o PATH`): a regular file (or a new one)
/// is replaced through [`write_atomically`] (0666 before the umask, like a
/// shell redirect), so a failure leaves no partial file. Anything else is
/// written into and never replaced: a FIFO, a device (`/dev/stdout`,
/// `/dev/null`), a symlink (which stays a link). A directory is an error.
pub fn write_user_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            write_atomically(path, bytes, SHARED_FILE_MODE)
        }
        Err(err) => Err(err),
        Ok(meta) if meta.is_file() => write_atomically(path, bytes, SHARED_FILE_MODE),
        Ok(meta) if meta.is_dir() => Err(io::Error::other("it is a directory")),
        Ok(_) => {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(path)?;
            file.write_all(bytes)?;
            file.flush()
        }
    }
}

/// Makes a creation, rename or removal in `dir` durable (unix; elsewhere a
/// no-op).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn a_private_file_is_written_whole_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.json");
        write_private(&path, b"{\"a\":1}").expect("write");
        assert_eq!(fs::read(&path).expect("read"), b"{\"a\":1}");
        assert_eq!(names(dir.path()), vec!["a.json"]);
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn replacing_a_file_swaps_its_contents_and_takes_back_loose_permissions() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.json");
        fs::write(&path, "an older and much longer file").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
        }
        write_private(&path, b"new").expect("replace");
        assert_eq!(fs::read(&path).expect("read"), b"new");
        assert_eq!(names(dir.path()), vec!["a.json"]);
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn the_mode_given_is_the_mode_created_under_the_umask() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("export.md");
        write_atomically(&path, b"x", 0o640).expect("write");
        // No umask adds bits: 0640 stays at most 0640.
        assert_eq!(mode(&path) & !0o640, 0);
        assert_eq!(mode(&path) & 0o600, 0o600);
    }

    #[test]
    fn a_failed_replacement_keeps_what_was_there_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        // A non-empty directory where the file should go: the rename fails.
        let path = dir.path().join("taken");
        fs::create_dir(&path).expect("mkdir");
        fs::write(path.join("inside"), "kept").expect("write");
        let error = write_private(&path, b"new").expect_err("rename over a dir");
        assert_ne!(error.kind(), io::ErrorKind::NotFound, "{error}");
        assert_eq!(names(dir.path()), vec!["taken"]);
        assert_eq!(fs::read(path.join("inside")).expect("read"), b"kept");
    }

    #[test]
    fn a_missing_dir_is_an_error_and_creates_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("missing").join("a.json");
        let error = write_private(&path, b"x").expect_err("no dir");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn a_new_file_is_never_created_over_another() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("journal");
        fs::write(&path, "earlier").expect("write");
        let error = create_new(&path, PRIVATE_FILE_MODE).expect_err("exists");
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).expect("read"), b"earlier");
    }

    #[test]
    fn private_dirs_are_created_with_their_parents_and_may_exist() {
        let dir = tempfile::tempdir().expect("temp dir");
        let nested = dir.path().join("a").join("b");
        create_private_dir(&nested).expect("create");
        create_private_dir(&nested).expect("again");
        assert!(nested.is_dir());
        #[cfg(unix)]
        {
            assert_eq!(mode(&dir.path().join("a")), 0o700);
            assert_eq!(mode(&nested), 0o700);
        }
    }

    #[test]
    fn writes_to_one_path_from_many_threads_each_leave_a_whole_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.json");
        std::thread::scope(|scope| {
            for n in 0..8u8 {
                let path = &path;
                scope.spawn(move || write_private(path, &[n; 4096]).expect("write"));
            }
        });
        let bytes = fs::read(&path).expect("read");
        assert_eq!(bytes.len(), 4096);
        assert!(bytes.iter().all(|b| *b == bytes[0]), "a mix of writes");
        assert_eq!(names(dir.path()), vec!["a.json"]);
    }
    #[test]
    fn a_user_file_replaces_a_regular_file_and_refuses_a_dir() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("report.md");
        write_user_file(&path, b"first").expect("new");
        write_user_file(&path, b"second").expect("replace");
        assert_eq!(fs::read(&path).expect("read"), b"second");
        assert_eq!(names(dir.path()), vec!["report.md"]);
        let error = write_user_file(dir.path(), b"x").expect_err("a dir");
        assert_eq!(error.to_string(), "it is a directory");
    }

    #[cfg(unix)]
    #[test]
    fn a_user_file_behind_a_symlink_is_written_through_and_the_link_stays() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("target.md");
        fs::write(&target, "old").expect("write");
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        write_user_file(&link, b"new").expect("write");
        assert!(
            fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&target).expect("read"), b"new");
    }
}
