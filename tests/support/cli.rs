//! The real `prism` binary as scripts run it: isolated config, cache and
//! data dirs under a home, the test key in `PRISM_TEST_KEY` and no other,
//! no colour, and output captured and checked never to hold the key.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::io::AsyncWriteExt;

use super::TEST_KEY;

pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Fails the test if the key shows in either stream.
    pub fn checked(output: std::process::Output) -> Output {
        let result = Output {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !result.stdout.contains(TEST_KEY) && !result.stderr.contains(TEST_KEY),
            "the key leaked"
        );
        result
    }

    /// Standard output as one JSON value, or a failure showing both streams.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON value ({e}): {}\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// The whole run, for a failed assertion: `assert!(.., "{out}")`.
impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit status {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// `prism` in `home`, with `home/{config,cache,data}` as its XDG dirs, stdin
/// empty and stdout and stderr piped.
pub fn prism_cmd(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_prism"));
    command
        .current_dir(home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("PRISM_TEST_KEY", TEST_KEY)
        .env_remove("OPENROUTER_API_KEY")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs `command` to the end (within a minute), writing `stdin` to it if given.
pub async fn run(command: Command, stdin: Option<&str>) -> Output {
    let mut command = tokio::process::Command::from(command);
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    let mut child = command.spawn().expect("spawn prism");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(text.as_bytes()).await.expect("write stdin");
        drop(pipe);
    }
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("prism finished in time")
        .expect("prism ran");
    Output::checked(output)
}

/// Runs `command` to the end, blocking.
pub fn run_blocking(mut command: Command) -> Output {
    Output::checked(command.output().expect("prism ran"))
}

/// Writes `text` as `home/prism.toml` and returns its path.
pub fn write_config(home: &Path, text: &str) -> PathBuf {
    let path = home.join("prism.toml");
    std::fs::write(&path, text).expect("write config");
    path
}

/// A config making "openrouter" (OpenRouter kind) the server at `base_url`,
/// its key read from `key_env` when given (else the default variable).
pub fn openrouter_config(base_url: &str, key_env: Option<&str>) -> String {
    let mut config =
        format!("[providers.openrouter]\nbase_url = \"{base_url}\"\nkind = \"openrouter\"\n");
    if let Some(env) = key_env {
        config.push_str(&format!("api_key_env = \"{env}\"\n"));
    }
    config
}
