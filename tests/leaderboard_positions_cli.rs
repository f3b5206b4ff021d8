//! `prism leaderboard` on session files whose votes recorded where each
//! model was shown: the position-bias lines and `positions` in `--json`,
//! against figures worked out by hand.

// Test code: a failed expectation is a failed test (the shared support
// code matches on the fake's replies with wildcards).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use pretty_assertions::assert_eq;
use rust_decimal::Decimal;
use serde_json::json;

use prism::router::ModelRef;
use prism::router::events::{CostSource, RunResult};
use prism::session::{
    Answer, Column, SCHEMA_VERSION, Session, SessionParams, SessionStore, Turn, Verdict, Vote,
    VoteSource,
};
use support::cli::{Output, prism_cmd, run_blocking};

const MODELS: [&str; 3] = [
    "openai/gpt-4o",
    "anthropic/claude-haiku-4.5",
    "google/gemini-2.5-flash",
];
/// 2026-11-24 15:30 UTC.
const T0: i64 = 1_795_534_200;

/// One vote: the panes left to right (column ids) and the best column.
type Seated = (Vec<u64>, Option<u64>);

/// A blind session of `columns` models whose turns were voted as `votes`
/// say (None: a tie).
fn session(id: &str, columns: usize, votes: &[Seated]) -> Session {
    let columns: Vec<Column> = (1..=columns as u64)
        .map(|id| Column {
            id,
            label: MODELS[id as usize - 1].into(),
            chain: vec![ModelRef::new("openrouter", MODELS[id as usize - 1])],
            router: None,
            upstream: None,
            params: SessionParams::default(),
            blind_label: None,
            active: true,
        })
        .collect();
    let turns = votes
        .iter()
        .map(|(shown_order, best)| Turn {
            prompt: "q".into(),
            started_at_unix: T0,
            answers: columns
                .iter()
                .map(|c| Answer {
                    column: c.id,
                    result: RunResult {
                        model: c.label.clone(),
                        text: "an answer".into(),
                        cost_usd: Some(Decimal::new(1, 4)),
                        cost_source: Some(CostSource::Reported),
                        ..RunResult::default()
                    },
                    complete: true,
                })
                .collect(),
            vote: Some(Vote {
                verdict: best.map_or(Verdict::Tie, |column| Verdict::Best { column }),
                blind: true,
                at_unix: T0,
                source: VoteSource::User,
                reason: None,
                shown_order: shown_order.clone(),
                judge_cost: None,
            }),
            judge_votes: Vec::new(),
        })
        .collect();
    Session {
        schema_version: SCHEMA_VERSION,
        id: id.into(),
        name: None,
        created_at_unix: T0,
        updated_at_unix: T0,
        blind: true,
        revealed: true,
        privacy: false,
        params: SessionParams::default(),
        columns,
        turns,
    }
}

fn leaderboard(sessions: &[Session], json: bool) -> Output {
    let home = tempfile::tempdir().expect("temp dir");
    let store = SessionStore::new(home.path().join("data").join("prism").join("sessions"));
    for session in sessions {
        store.save(session).expect("save session");
    }
    let mut command = prism_cmd(home.path());
    command.arg("leaderboard");
    if json {
        command.arg("--json");
    }
    let out = run_blocking(command);
    assert_eq!(out.status, 0, "{}", out.stderr);
    out
}

/// Fails unless a line of the output starts with `start`.
fn assert_line(out: &Output, start: &str) {
    assert!(
        out.stdout.lines().any(|line| line.starts_with(start)),
        "no line starting {start:?} in:\n{}",
        out.stdout
    );
}

/// `n` votes seated `order`, the best at position `at` (0 is the left).
fn votes(n: usize, order: &[u64], at: usize) -> Vec<Seated> {
    vec![(order.to_vec(), Some(order[at])); n]
}

#[test]
fn ten_two_pane_votes_nine_for_the_left_lean_to_it() {
    // Seated both ways; the left pane won 9 of 10. Binomial(10, 1/2): the
    // outcomes no more likely than 9 are 0, 1, 9 and 10, so
    // p = (1 + 10 + 10 + 1) / 1024 = 0.0215.
    let mut seated = votes(5, &[1, 2], 0);
    seated.extend(votes(4, &[2, 1], 0));
    seated.extend(votes(1, &[2, 1], 1));
    // Neither a tie nor a vote from before positions were recorded counts.
    seated.push((vec![1, 2], None));
    seated.push((Vec::new(), Some(1)));
    let sessions = [session("20261124-153000-aaaa", 2, &seated)];

    let out = leaderboard(&sessions, false);
    assert_line(
        &out,
        "position of your pick: 1st 9/10 (90%, chance 50%) · 2nd 1/10 (10%, chance 50%)",
    );
    assert_line(
        &out,
        "your votes lean to the first position (exact test against chance: p = 0.021)",
    );

    let value = leaderboard(&sessions, true).json();
    let positions = &value["positions"];
    assert_eq!(positions["votes"], json!(10));
    assert_eq!(positions["lean"], json!("first"));
    assert_eq!(
        positions["positions"],
        json!([
            {"position": 1, "shown": 10, "wins": 9, "chance": 0.5},
            {"position": 2, "shown": 10, "wins": 1, "chance": 0.5},
        ])
    );
    assert_eq!(positions["expected_first_wins"], json!(5.0));
    let p = positions["p_value"].as_f64().expect("a p-value");
    assert!((p - 22.0 / 1024.0).abs() < 1e-12, "{p}");
}

#[test]
fn two_and_three_pane_votes_take_the_poisson_binomial() {
    // 8 two-pane votes (left won 7) and 4 three-pane votes (left won 2,
    // middle 1, right 1): the left won 9 of 12 against a chance of
    // 8 × 1/2 + 4 × 1/3 = 5.33 wins. The Poisson-binomial's outcomes no
    // more likely than 9 are 0, 1, 9, 10, 11, 12: p = 271/6912 = 0.0392.
    let mut two = votes(7, &[1, 2], 0);
    two.extend(votes(1, &[2, 1], 1));
    let mut three = votes(2, &[3, 1, 2], 0);
    three.extend(votes(1, &[1, 2, 3], 1));
    three.extend(votes(1, &[2, 3, 1], 2));
    let sessions = [
        session("20261124-153000-bbbb", 2, &two),
        session("20261124-153000-cccc", 3, &three),
    ];

    let out = leaderboard(&sessions, false);
    assert_line(
        &out,
        "position of your pick: 1st 9/12 (75%, chance 44%) · 2nd 2/12 (17%, chance 44%) · 3rd 1/4 (25%, chance 33%)",
    );
    assert_line(
        &out,
        "your votes lean to the first position (exact test against chance: p = 0.039)",
    );

    let value = leaderboard(&sessions, true).json();
    let positions = &value["positions"];
    assert_eq!(positions["votes"], json!(12));
    let shown: Vec<(u64, u64)> = positions["positions"]
        .as_array()
        .expect("positions")
        .iter()
        .map(|p| (p["shown"].as_u64().unwrap(), p["wins"].as_u64().unwrap()))
        .collect();
    assert_eq!(shown, [(12, 9), (12, 2), (4, 1)]);
    let chance = positions["positions"][0]["chance"].as_f64().unwrap();
    assert!((chance - 16.0 / 36.0).abs() < 1e-12, "{chance}");
    let expected = positions["expected_first_wins"].as_f64().unwrap();
    assert!((expected - 16.0 / 3.0).abs() < 1e-12, "{expected}");
    let p = positions["p_value"].as_f64().unwrap();
    assert!((p - 271.0 / 6912.0).abs() < 1e-9, "{p}");
}

#[test]
fn under_ten_votes_it_says_it_cannot_tell_yet() {
    let sessions = [session("20261124-153000-dddd", 2, &votes(3, &[1, 2], 0))];
    let out = leaderboard(&sessions, false);
    assert_line(
        &out,
        "position of your pick: 1st 3/3 (100%, chance 50%) · 2nd 0/3 (0%, chance 50%)",
    );
    assert_line(
        &out,
        "too few votes to say whether you lean to a position (3 of the 10 needed)",
    );
    let value = leaderboard(&sessions, true).json();
    assert_eq!(value["positions"]["lean"], json!("too_few_votes"));
    assert_eq!(value["positions"]["p_value"], json!(null));
}
