//! A blind round end to end: the real binary in tmux (a private socket,
//! only that server is ever killed) against the fake upstream. While blind
//! the panes name no model, only Model A/B/C; a vote reveals the names;
//! Ctrl+R starts the next round on the same models with the names hidden
//! again; and the session file keeps the vote with where each model sat.

// Test code: a failed expectation is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]
#![allow(clippy::disallowed_macros)]

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use support::cli::{openrouter_config, write_config};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};
use support::files_under;
use support::tmux::Tmux;

/// A guard, not a figure: waits end as soon as the screen shows the thing.
const WAIT: Duration = Duration::from_secs(60);
const MODELS: [&str; 3] = ["alpha/model", "beta/model", "gamma/model"];

fn no_model_named(screen: &str) -> bool {
    MODELS
        .iter()
        .all(|m| !screen.contains(m) && !screen.contains(&m[..m.len() - 6]))
}

/// The model whose pane title starts `╭ {n} ` (the revealed screen).
fn model_at(screen: &str, n: usize) -> String {
    let mark = format!("╭ {n} ");
    let at = screen
        .find(&mark)
        .unwrap_or_else(|| panic!("no pane {n}:\n{screen}"));
    screen[at + mark.len()..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The saved sessions that hold a vote, read as JSON.
fn voted_sessions(data: &Path) -> Vec<Value> {
    files_under(data)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.parent().is_some_and(|d| d.ends_with("sessions")))
        .filter_map(|p| serde_json::from_str::<Value>(&std::fs::read_to_string(p).ok()?).ok())
        .filter(|s| s["turns"][0]["vote"].is_object())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blind_round_hides_names_until_the_vote_and_the_next_round_hides_them_again() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    for (model, word) in MODELS.iter().zip(["kiwi", "plum", "fig"]) {
        let reply = || {
            Reply::Stream(StreamReply::tokens(
                model,
                &[&format!("An answer about {word}.")],
            ))
        };
        fake.script(model, vec![reply(), reply()]);
    }
    let config = write_config(
        home.path(),
        &openrouter_config(&fake.base_url(), Some("PRISM_TEST_KEY")),
    );
    let command = format!(
        "{} --config {} --blind -m {} -m {} -m {}",
        env!("CARGO_BIN_EXE_prism"),
        config.display(),
        MODELS[0],
        MODELS[1],
        MODELS[2]
    );
    let tmux = Tmux::prism(
        "prism-e2e-blind",
        (160, 40),
        home.path(),
        "sk-e2e",
        &command,
    );
    let data = home.path().join("data");
    let seated = tokio::task::block_in_place(|| {
        let screen = tmux.wait_for("the blind workbench", WAIT, |s| {
            s.contains("Model C") && s.contains("Prompt")
        });
        assert!(
            no_model_named(&screen),
            "a name shown while blind:\n{screen}"
        );

        tmux.send_prompt("Name a fruit.");
        let screen = tmux.wait_for("three answers", WAIT, |s| s.matches("· done").count() == 3);
        for label in ["Model A", "Model B", "Model C"] {
            assert!(screen.contains(label), "{label}:\n{screen}");
        }
        assert!(
            no_model_named(&screen),
            "a name shown while blind:\n{screen}"
        );

        // Pane 1 is best: the vote reveals every name.
        tmux.keys(&["C-v"]);
        tmux.keys(&["1"]);
        let revealed = tmux.wait_for("the names", WAIT, |s| MODELS.iter().all(|m| s.contains(m)));
        let seated: Vec<String> = (1..=3).map(|n| model_at(&revealed, n)).collect();

        // The next round: the same models, names hidden again.
        tmux.keys(&["C-r"]);
        let screen = tmux.wait_for("the next blind round", WAIT, |s| {
            s.contains("Model A") && no_model_named(s)
        });
        assert!(screen.contains("Model C"), "{screen}");
        tmux.send_prompt("Another fruit?");
        let screen = tmux.wait_for("the second round's answers", WAIT, |s| {
            s.matches("· done").count() == 3
        });
        assert!(
            no_model_named(&screen),
            "a name shown in the next round:\n{screen}"
        );
        tmux.wait_for("the vote saved", WAIT, |_| {
            !voted_sessions(&data).is_empty()
        });
        tmux.quit("C-q");
        seated
    });

    // The first round's session keeps the vote and where each model sat.
    let sessions = voted_sessions(&data);
    assert_eq!(sessions.len(), 1, "only the first round was voted");
    let session = &sessions[0];
    assert_eq!(session["blind"], true);
    let label_of = |id: &Value| -> String {
        session["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == *id)
            .map(|c| c["label"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let vote = &session["turns"][0]["vote"];
    let shown: Vec<String> = vote["shown_order"]
        .as_array()
        .expect("shown_order")
        .iter()
        .map(label_of)
        .collect();
    assert_eq!(
        shown, seated,
        "the saved seating is the one on screen: {vote}"
    );
    assert_eq!(vote["verdict"]["kind"], "best");
    assert_eq!(
        vote["verdict"]["column"], vote["shown_order"][0],
        "pane 1 was voted best"
    );
    assert_eq!(vote["blind"], true);
    // The second round is a session of its own on the same models.
    let all: Vec<Value> = files_under(&data)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.parent().is_some_and(|d| d.ends_with("sessions")))
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect();
    assert_eq!(all.len(), 2, "two rounds, two sessions");
}
