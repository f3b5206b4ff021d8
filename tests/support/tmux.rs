//! A tmux server of our own, on a private socket: started with a script,
//! driven with send-keys, read with capture-pane; dropped, it is killed, and
//! only that server ever is. The end-to-end tests and the load run share it.
#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl Tmux {
    /// Runs `script` in a detached `width`×`height` session on a socket
    /// named `{prefix}-{our pid}-{n}`.
    pub fn start(prefix: &str, (width, height): (u16, u16), script: &str) -> Tmux {
        let socket = format!(
            "{prefix}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let tmux = Tmux { socket };
        tmux.run(&[
            "new-session",
            "-d",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            script,
        ]);
        tmux
    }

    /// prism's `command` in a `size` terminal, in `home` with its own
    /// config, cache and data dirs, `key` in PRISM_TEST_KEY and no
    /// OPENROUTER_API_KEY; the script echoes prism's exit status as
    /// `PRISM-EXITED-n`, then keeps the pane open.
    pub fn prism(
        prefix: &str,
        size: (u16, u16),
        home: &std::path::Path,
        key: &str,
        command: &str,
    ) -> Tmux {
        let script = format!(
            "cd {home} && env -u OPENROUTER_API_KEY XDG_CONFIG_HOME={home}/config XDG_CACHE_HOME={home}/cache XDG_DATA_HOME={home}/data PRISM_TEST_KEY={key} TERM=xterm-256color {command}; echo PRISM-EXITED-$?; sleep 30",
            home = home.display()
        );
        Tmux::start(prefix, size, &script)
    }

    pub fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs (it is part of the machine image)");
        String::from_utf8_lossy(&output.stdout).to_string()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-l", text]);
    }

    /// Types `text` into the editor and sends it with Enter, once the text
    /// is on screen: keys that arrive in one read are a paste to prism, so
    /// an Enter read together with the text would be a new line.
    pub fn send_prompt(&self, text: &str) {
        let before = self.screen();
        self.type_text(text);
        self.wait_for("the typed prompt", Duration::from_secs(60), |s| {
            s != before && s.contains(text)
        });
        self.keys(&["Enter"]);
    }

    /// Puts `text` in a tmux buffer and pastes it into the pane: with
    /// `bracketed`, inside the bracketed-paste markers (tmux sends them only
    /// when the program asked for them), else as bare keys. Either way tmux
    /// sends each line break as CR, as terminals do.
    pub fn paste(&self, text: &str, bracketed: bool) {
        self.run(&["set-buffer", "-b", "prism-paste", "--", text]);
        self.paste_buffer(bracketed);
    }

    /// As [`Tmux::paste`], for text longer than a tmux command may carry:
    /// the buffer is loaded from a file.
    pub fn paste_file(&self, path: &std::path::Path, bracketed: bool) {
        let path = path.to_string_lossy();
        self.run(&["load-buffer", "-b", "prism-paste", &path]);
        self.paste_buffer(bracketed);
    }

    fn paste_buffer(&self, bracketed: bool) {
        let mut args = vec!["paste-buffer", "-b", "prism-paste"];
        if bracketed {
            args.push("-p");
        }
        self.run(&args);
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p"])
    }

    /// Waits until `done` holds for the screen; on timeout, the screen.
    pub fn try_wait_for(
        &self,
        timeout: Duration,
        done: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return Ok(screen);
            }
            if start.elapsed() > timeout {
                return Err(screen);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `done` holds for the screen, or fails showing the screen.
    pub fn wait_for(&self, what: &str, timeout: Duration, done: impl Fn(&str) -> bool) -> String {
        self.try_wait_for(timeout, done).unwrap_or_else(|screen| {
            panic!("timed out waiting for {what}; the screen shows:\n{screen}")
        })
    }

    /// Sends `key` and waits for a clean exit: for scripts that follow prism
    /// with `echo PRISM-EXITED-$?`.
    pub fn quit(&self, key: &str) {
        self.keys(&[key]);
        self.wait_for("a clean exit", Duration::from_secs(60), |s| {
            s.contains("PRISM-EXITED-0")
        });
    }

    pub fn pane_pid(&self) -> Option<u32> {
        self.run(&["list-panes", "-F", "#{pane_pid}"])
            .trim()
            .parse()
            .ok()
    }

    /// The pid of prism: the first child of the pane's shell.
    pub fn prism_pid(&self) -> Option<String> {
        let shell = self.pane_pid()?;
        let children = Command::new("pgrep")
            .args(["-P", &shell.to_string()])
            .output()
            .ok()?;
        String::from_utf8_lossy(&children.stdout)
            .lines()
            .next()
            .map(|l| l.trim().to_string())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// The key the end-to-end runs give prism (in PRISM_TEST_KEY).
pub const E2E_KEY: &str = "sk-e2e-key";

/// prism's command line against the OpenAI-compatible server at
/// `base_url`, its key read from PRISM_TEST_KEY, then `args`. (Test builds
/// only, as is [`E2e`]: the load run includes this file alone, with its own
/// binary.)
#[cfg(test)]
pub fn prism_command(base_url: &str, args: &str) -> String {
    format!(
        "{} --base-url {base_url} --api-key-env PRISM_TEST_KEY {args}",
        env!("CARGO_BIN_EXE_prism")
    )
    .trim_end()
    .to_string()
}

/// The setup the workbench end-to-end tests share: a private home (its own
/// config, cache and data dirs) and a fake upstream to script, then prism
/// in tmux on a private socket. Declare the `Tmux` after this, so it is
/// killed before the home is removed.
#[cfg(test)]
pub struct E2e {
    pub home: tempfile::TempDir,
    pub fake: super::fake_upstream::FakeUpstream,
}

#[cfg(test)]
impl E2e {
    pub async fn start() -> E2e {
        E2e {
            home: tempfile::tempdir().expect("a temp home"),
            fake: super::fake_upstream::FakeUpstream::start().await,
        }
    }

    pub fn home(&self) -> &std::path::Path {
        self.home.path()
    }

    /// prism with `args` against the fake upstream ([`prism_command`]).
    pub fn command(&self, args: &str) -> String {
        prism_command(&self.fake.base_url(), args)
    }

    /// prism with `args` against the fake upstream, in a `size` terminal
    /// (see [`Tmux::prism`]; the key is [`E2E_KEY`]).
    pub fn prism(&self, prefix: &str, size: (u16, u16), args: &str) -> Tmux {
        self.run(prefix, size, &self.command(args))
    }

    /// A whole `command` (e.g. prism with a `--config` pointing at the
    /// fake) in this home, as [`Tmux::prism`] runs it.
    pub fn run(&self, prefix: &str, size: (u16, u16), command: &str) -> Tmux {
        Tmux::prism(prefix, size, self.home(), E2E_KEY, command)
    }
}
