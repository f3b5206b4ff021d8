//! The real binary in a real terminal: tmux on a private socket (only that
//! server is ever killed), driven with send-keys and read with capture-pane,
//! against the fake upstream on 127.0.0.1.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]
// Diagnostics of the test itself on failure.
#![allow(clippy::disallowed_macros)]

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use support::cli::{openrouter_config, write_config};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};
use support::files_under;
use support::tmux::{E2e, Tmux};

/// How long a wait may take before it fails: a guard, not a figure (waits
/// end as soon as the screen shows what they wait for).
const WAIT_SECS: u64 = 60;

const SIZE: (u16, u16) = (160, 48);

/// prism with `args` against the fake in a 160×48 terminal; the script
/// echoes prism's exit status as `PRISM-EXITED-n`.
fn start(e2e: &E2e, args: &str) -> Tmux {
    e2e.prism("prism-e2e", SIZE, args)
}

/// The largest N such that "tokN" appears in `text`.
fn last_token(text: &str) -> Option<usize> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(|word| word.strip_prefix("tok"))
        .filter_map(|n| n.parse().ok())
        .max()
}

/// A killed process not yet reaped by its shell still has a /proc entry.
fn is_zombie(proc: &Path) -> bool {
    std::fs::read_to_string(proc.join("stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    })
}

fn answer(model: &str, words: usize) -> Reply {
    let mut tokens: Vec<String> = (0..words).map(|i| format!("word{i} ")).collect();
    tokens.push(format!("FINAL-{}", model.replace('/', "-")));
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    Reply::Stream(StreamReply::tokens(model, &tokens).piece_delay(Duration::from_millis(5)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn type_a_prompt_send_it_and_see_both_answers_complete() {
    let e2e = E2e::start().await;
    let fake = &e2e.fake;
    fake.script("alpha/model", vec![answer("alpha/model", 60)]);
    fake.script("beta/model", vec![answer("beta/model", 80)]);
    let tmux = start(&e2e, "-m alpha/model -m beta/model");

    tokio::task::block_in_place(|| {
        tmux.wait_for("the workbench", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("1 alpha/model") && s.contains("2 beta/model") && s.contains("Prompt")
        });
        tmux.send_prompt("What is backpressure?");
        let screen = tmux.wait_for("both answers", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("FINAL-alpha-model")
                && s.contains("FINAL-beta-model")
                && s.matches("· done").count() == 2
        });
        assert!(screen.contains("› What is backpressure?"), "{screen}");
        assert!(screen.contains("ttft"), "figures are shown: {screen}");
        assert!(
            screen.contains("$0.000042"),
            "the reported cost is shown: {screen}"
        );
        assert!(
            screen.contains("turn $0.000084"),
            "the turn's total: {screen}"
        );

        // The conversation continues: the second prompt carries the first answer.
        tmux.send_prompt("And in one word?");
        tmux.wait_for("the second turn", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("› And in one word?") && s.matches("· done").count() == 2
        });
        tmux.quit("C-c");
    });

    let requests = fake.chat_requests();
    assert_eq!(requests.len(), 4);
    let second = fake
        .chat_bodies()
        .into_iter()
        .find(|body| {
            body["model"] == "alpha/model"
                && body["messages"].as_array().is_some_and(|m| m.len() == 3)
        })
        .expect("the second alpha request continues the conversation");
    assert_eq!(second["messages"][0]["content"], "What is backpressure?");
    assert_eq!(second["messages"][2]["content"], "And in one word?");
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer sk-e2e-key")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_stream_restores_the_terminal() {
    let e2e = E2e::start().await;
    let fake = &e2e.fake;
    fake.script(
        "slow/model",
        vec![Reply::Stream(
            StreamReply::tokens("slow/model", &["never"; 400])
                .piece_delay(Duration::from_millis(50)),
        )],
    );
    let tmux = start(&e2e, "-m slow/model");
    tokio::task::block_in_place(|| {
        tmux.wait_for("the workbench", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("1 slow/model")
        });
        tmux.send_prompt("go");
        tmux.wait_for("streaming", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("· streaming")
        });
        let prism_pid = tmux.prism_pid().expect("prism runs under the shell");
        Command::new("kill")
            .args(["-TERM", &prism_pid])
            .status()
            .expect("kill");
        let screen = tmux.wait_for("prism to exit", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("PRISM-EXITED-")
        });
        // Back on the main screen: the workbench's borders are gone.
        assert!(
            !screen.contains("╭"),
            "the alternate screen was left: {screen}"
        );
        let mode = tmux.run(&["display-message", "-p", "#{alternate_on}"]);
        assert_eq!(mode.trim(), "0", "alternate screen off");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_key_still_opens_and_says_what_to_set() {
    let e2e = E2e::start().await;
    let fake = &e2e.fake;
    let config = write_config(e2e.home(), &openrouter_config(&fake.base_url(), None));
    let command = format!(
        "{} --config {} -m openai/gpt-4o",
        env!("CARGO_BIN_EXE_prism"),
        config.display()
    );
    let tmux = e2e.run("prism-e2e", SIZE, &command);
    tokio::task::block_in_place(|| {
        let screen = tmux.wait_for("the key hint", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("OPENROUTER_API_KEY")
        });
        assert!(screen.contains(".env"), "{screen}");
        tmux.quit("C-q");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_stream_loses_at_most_the_last_second() {
    let e2e = E2e::start().await;
    let fake = &e2e.fake;
    // 20 tokens a second for a minute: "tok0 tok1 tok2 ..."
    let words: Vec<String> = (0..1200).map(|i| format!("tok{i} ")).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    fake.script(
        "slow/model",
        vec![Reply::Stream(
            StreamReply::tokens("slow/model", &words).rate(20.0),
        )],
    );
    let tmux = start(&e2e, "-m slow/model");
    let data = e2e.home().join("data");
    tokio::task::block_in_place(|| {
        tmux.wait_for("the workbench", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("1 slow/model")
        });
        tmux.send_prompt("count slowly");
        let screen = tmux.wait_for(
            "three seconds of tokens",
            Duration::from_secs(WAIT_SECS),
            |s| last_token(s).is_some_and(|n| n >= 60),
        );
        let shown = last_token(&screen).expect("tokens on screen");
        let pid = tmux.prism_pid().expect("prism's pid");
        Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .expect("kill -9");
        // Wait on the process, not the screen: killed between the start and
        // the end of a synchronized update (mode 2026), prism leaves tmux
        // holding the screen, so the shell's exit line may never show.
        let proc = std::path::PathBuf::from(format!("/proc/{pid}"));
        let killed_at = std::time::Instant::now();
        while proc.exists() && !is_zombie(&proc) {
            assert!(
                killed_at.elapsed() < Duration::from_secs(WAIT_SECS),
                "prism {pid} still runs after kill -9"
            );
            std::thread::sleep(Duration::from_millis(50));
        }

        // One complete, parseable session file, holding what was on screen
        // up to the kill.
        let files = files_under(&data);
        let sessions: Vec<_> = files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        assert_eq!(sessions.len(), 1, "{files:?}");
        let bytes = std::fs::read(sessions[0]).expect("read the session");
        let session: prism::session::Session =
            serde_json::from_slice(&bytes).expect("the file parses");
        let answer = &session.turns[0].answers[0];
        assert!(!answer.complete);
        let saved = last_token(&answer.result.text).expect("tokens saved");
        eprintln!("kill -9: screen showed tok{shown}, the file holds tok{saved}");
        // The cadence itself (a save at least every half second of stream)
        // is the reducer's, tested there; here, on a loaded machine, that the
        // file keeps up with the screen within a few seconds of tokens.
        assert!(
            saved + 60 >= shown,
            "the file holds tok{saved}, the screen showed tok{shown} at the kill"
        );
        // Reopened, the session continues where it stopped.
        let tmux2 = start(&e2e, "--resume");
        let screen = tmux2.wait_for("the resumed session", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("interrupted")
        });
        assert!(screen.contains("1 slow/model"), "{screen}");
        tmux2.quit("C-q");
        // A write cut by the kill may have left a temp file; the next save of
        // the session (the resumed run saves on quit) removes it.
        let sessions_dir = sessions[0].parent().expect("sessions dir");
        let names = || -> Vec<String> {
            std::fs::read_dir(sessions_dir)
                .map(|d| {
                    d.flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        // The quit key returns before the process has exited and released
        // its lock file: wait (a guard, not a timing claim) for it to go.
        let deadline = std::time::Instant::now() + Duration::from_secs(WAIT_SECS);
        while names().len() > 1 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let left = names();
        assert_eq!(left.len(), 1, "only the session file is left: {left:?}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_saved_file_holds_the_api_key() {
    let e2e = E2e::start().await;
    let fake = &e2e.fake;
    fake.script("alpha/model", vec![answer("alpha/model", 10)]);
    let tmux = start(&e2e, "-m alpha/model");
    tokio::task::block_in_place(|| {
        tmux.wait_for("the workbench", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("1 alpha/model")
        });
        tmux.send_prompt("hello");
        tmux.wait_for("the answer", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("FINAL-alpha-model")
        });
        tmux.keys(&["C-v"]);
        tmux.keys(&["1"]);
        tmux.wait_for("the vote", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("★ best")
        });
        tmux.quit("C-q");
    });
    assert_eq!(
        fake.chat_requests()[0].header("authorization"),
        Some("Bearer sk-e2e-key"),
        "the key was used"
    );
    let files = files_under(e2e.home());
    assert!(
        files
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "json")),
        "a session was saved: {files:?}"
    );
    for path in files {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("sk-e2e-key"),
            "{} holds the key",
            path.display()
        );
        assert!(
            !text.to_lowercase().contains("authorization"),
            "{} holds an auth header",
            path.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_servers_are_found_in_the_background() {
    let e2e = E2e::start().await;
    let local = FakeUpstream::start().await;
    local.catalog(
        serde_json::json!({"object": "list", "data": [{"id": "llama3.2:3b", "object": "model", "owned_by": "library"}]})
            .to_string(),
    );
    local.script("llama3.2:3b", vec![answer("llama3.2:3b", 5)]);
    // Discovery probes "ollama" on the local fake's port instead of 11434.
    let config = write_config(
        e2e.home(),
        &format!(
            "[discovery]\nports = {{ ollama = {}, lmstudio = 0, llamacpp = 0, vllm = 0 }}\nfree = true\ntimeout_ms = 5000\n",
            local.addr.port()
        ),
    );
    let tmux = start(
        &e2e,
        &format!("--config {} -m alpha/model", config.display()),
    );
    tokio::task::block_in_place(|| {
        tmux.wait_for("the local server", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("found local ollama (1 models)")
        });
        // Pick it in the picker and ask it.
        tmux.keys(&["C-p"]);
        tmux.type_text("llama");
        tmux.keys(&["Space", "Enter"]);
        tmux.wait_for("its pane", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("ollama:llama3.2:3b")
        });
        tmux.send_prompt("hi");
        tmux.wait_for("its answer", Duration::from_secs(WAIT_SECS), |s| {
            s.contains("FINAL-llama3.2:3b")
        });
        tmux.quit("C-q");
    });
    assert_eq!(local.chat_requests().len(), 1, "the local model was asked");
}
