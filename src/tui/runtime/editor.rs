//! `$EDITOR` on the prompt: the terminal handed over and taken back, the
//! text in a private temp file that is gone afterwards.

use super::super::msg::EditorError;
use super::super::terminal::Tty;

/// Hands the terminal to `$VISUAL`/`$EDITOR` (default `vi`) on a temp file
/// holding the prompt, and takes it back. The caller stops the input task
/// first, so keystrokes go to the editor.
pub(super) fn edit_externally(tty: &mut Tty, text: &str) -> Result<String, EditorError> {
    let command = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_string());
    let mut words = command.split_whitespace();
    let program = words.next().unwrap_or("vi").to_string();
    let args: Vec<String> = words.map(str::to_string).collect();
    let file = prompt_file(text).map_err(|source| EditorError::Write {
        program: program.clone(),
        source,
    })?;
    let path = file.path().to_path_buf();

    let suspended = tty.suspend();
    // Blocking on purpose: the editor owns the terminal until it exits, and
    // streams simply wait (their sockets buffer) until we are back.
    let status = std::process::Command::new(&program)
        .args(&args)
        .arg(&path)
        .status();
    let resumed = tty.resume();
    // By path: editors often save by writing a new file over the old one.
    let edited = std::fs::read_to_string(&path);
    drop(file);

    suspended.map_err(EditorError::Suspend)?;
    resumed.map_err(EditorError::Resume)?;
    match status {
        Ok(status) if status.success() => edited.map_err(EditorError::Read),
        Ok(status) => Err(EditorError::Exited { program, status }),
        Err(source) => Err(EditorError::Spawn { program, source }),
    }
}

/// The prompt for the editor in a private temp file: a new name nobody can
/// predict, created exclusively (a planted symlink is never followed) and
/// readable by the user only (0600). Removed when dropped.
fn prompt_file(text: &str) -> std::io::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut file = tempfile::Builder::new()
        .prefix("prism-prompt-")
        .suffix(".md")
        .tempfile()?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_prompt_file_is_private_and_unpredictable() {
        use std::os::unix::fs::PermissionsExt;
        let file = prompt_file("draft").expect("created");
        let path = file.path().to_path_buf();
        let mode = std::fs::metadata(&path)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "draft");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        assert_ne!(name, format!("prism-prompt-{}.md", std::process::id()));
        assert!(
            name.starts_with("prism-prompt-") && name.ends_with(".md"),
            "{name}"
        );
        let other = prompt_file("another").expect("created");
        assert_ne!(other.path(), path);
        drop(file);
        assert!(!path.exists(), "removed after editing");
    }
}
