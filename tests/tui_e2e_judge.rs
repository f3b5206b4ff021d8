//! The judge key end to end: the real binary in tmux (a private socket,
//! only that server is ever killed) against the fake upstream playing a
//! judge that always prefers the answer shown first. In a blind session the
//! judge's verdict names no model, its flips are ties, it is saved as the
//! judge's vote, and only your own vote reveals the names.

// Test code: a failed expectation is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]
#![allow(clippy::disallowed_macros)]

mod support;

use std::time::Duration;

use support::cli::{openrouter_config, write_config};
use support::fake_upstream::{Reply, StreamReply, first_position_judge, first_word_grouping_judge};
use support::files_under;
use support::tmux::E2e;

/// A guard, not a figure: waits end as soon as the screen shows the thing.
const WAIT: Duration = Duration::from_secs(60);
const JUDGE: &str = "judge/biased";

fn answer(model: &str, text: &str) -> Reply {
    Reply::Stream(StreamReply::tokens(model, &[text]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_judge_key_shows_a_blind_verdict_and_keeps_it_apart() {
    let e2e = E2e::start().await;
    let fake = &e2e.fake;
    fake.script(
        "alpha/model",
        vec![answer("alpha/model", "Paris is the capital.")],
    );
    fake.script("beta/model", vec![answer("beta/model", "Lyon, I believe.")]);
    fake.by_request(|model, body| {
        (model == JUDGE)
            .then(|| {
                first_word_grouping_judge(model, body)
                    .or_else(|| first_position_judge(model, body, 8))
            })
            .flatten()
    });
    let config = write_config(
        e2e.home(),
        &format!(
            "{}[judge]\nmodel = \"{JUDGE}\"\n",
            openrouter_config(&fake.base_url(), Some("PRISM_TEST_KEY"))
        ),
    );
    let command = format!(
        "{} --config {} --blind -m alpha/model -m beta/model",
        env!("CARGO_BIN_EXE_prism"),
        config.display()
    );
    let tmux = e2e.run("prism-e2e-judge", (140, 44), &command);
    tokio::task::block_in_place(|| {
        tmux.wait_for("the blind workbench", WAIT, |s| {
            s.contains("Model A") && s.contains("Model B") && s.contains("Prompt")
        });
        tmux.send_prompt("What is the capital of France?");
        tmux.wait_for("both answers", WAIT, |s| s.matches("· done").count() == 2);
        tmux.keys(&["F4"]);
        let screen = tmux.wait_for("the judge's verdict", WAIT, |s| {
            s.contains("Kept as the judge's vote")
        });
        assert!(screen.contains(&format!("Judge · {JUDGE}")), "{screen}");
        assert!(screen.contains("none: a tie"), "{screen}");
        assert!(
            screen.contains("a tie, the verdict changed with the order"),
            "{screen}"
        );
        assert!(screen.contains("judge's cost"), "{screen}");
        assert!(
            !screen.contains("alpha/model") && !screen.contains("beta/model"),
            "a name shown while blind:\n{screen}"
        );
        // Your own vote, from the overlay, reveals the names.
        tmux.keys(&["v"]);
        tmux.keys(&["1"]);
        tmux.wait_for("the names", WAIT, |s| {
            s.contains("alpha/model") && s.contains("beta/model")
        });
        // The agreement view: the configured judge groups the answers.
        // The panes first, on their own: Esc with the A in one read would
        // be Alt+A.
        tmux.keys(&["Escape"]);
        tmux.wait_for("the panes' keys", WAIT, |s| s.contains("z zoom"));
        tmux.keys(&["A"]);
        let screen = tmux.wait_for("the judge's grouping", WAIT, |s| {
            s.contains("grouped by judge")
        });
        assert!(screen.contains("2 (2 distinct)"), "{screen}");
        assert!(
            screen.contains("Grouped by what each answer starts with."),
            "{screen}"
        );
        tmux.quit("C-q");
    });

    // The judge saw both orders, and only the answers.
    let judged: Vec<serde_json::Value> = fake
        .chat_bodies()
        .into_iter()
        .filter(|b| b["model"] == JUDGE)
        .collect();
    assert_eq!(judged.len(), 3, "one pair, both orders, and one grouping");
    let shown: Vec<String> = judged[..2]
        .iter()
        .map(|b| b["messages"][1]["content"].as_str().unwrap().to_string())
        .collect();
    let first = |text: &str| text.find("Paris").unwrap() < text.find("Lyon").unwrap();
    assert_ne!(first(&shown[0]), first(&shown[1]), "{shown:#?}");
    assert!(
        judged
            .iter()
            .all(|b| !b.to_string().contains("alpha") && !b.to_string().contains("beta"))
    );

    // Saved as the judge's vote, beside yours.
    let saved = files_under(&e2e.home().join("data"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .find(|p| p.parent().is_some_and(|d| d.ends_with("sessions")))
        .expect("the session file");
    let session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(saved).unwrap()).unwrap();
    let turn = &session["turns"][0];
    assert_eq!(turn["judge_votes"][0]["source"]["kind"], "judge");
    assert_eq!(turn["judge_votes"][0]["source"]["model"], JUDGE);
    assert_eq!(turn["judge_votes"][0]["verdict"]["kind"], "tie");
    assert_eq!(turn["judge_votes"][0]["blind"], true);
    assert_eq!(turn["vote"]["blind"], true);
    assert!(turn["vote"].get("source").is_none(), "yours: {turn}");
}
