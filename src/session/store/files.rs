//! Clearing the temp files a killed writer left in the store (the writing
//! itself is [`crate::fs_safe`]'s).

use std::fs;
use std::path::Path;

/// Removes temp files of this session left by a process killed mid-write
/// (`.<id>.json.tmp-<pid>-<n>` of another pid): the real file is whole
/// either way, so they are garbage. Best effort.
pub(super) fn remove_stale_temp_files(dir: &Path, id: &str) {
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
