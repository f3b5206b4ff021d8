//! The real `prism` binary on session files written with `SessionStore`:
//! the `sessions` and `leaderboard` contracts (output, JSON shapes, exit
//! statuses), and that unreadable files are reported and never touched.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use pretty_assertions::assert_eq;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use prism::router::events::{CostSource, RunResult};
use prism::router::usage::Usage;
use prism::router::{ErrorKind, ModelRef, RouterError};
use prism::session::{
    Answer, Column, SCHEMA_VERSION, Session, SessionParams, SessionStore, StoreError, Turn,
    Verdict, Vote, VoteSource,
};
use support::cli::{Output, prism_cmd, run_blocking};

/// A home with isolated XDG dirs; sessions live in `data/prism/sessions`.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn sessions_dir(&self) -> PathBuf {
        self.dir.path().join("data").join("prism").join("sessions")
    }

    fn store(&self) -> SessionStore {
        SessionStore::new(self.sessions_dir())
    }

    fn save(&self, session: &Session) {
        self.store().save(session).expect("save session");
    }

    fn prism(&self, args: &[&str]) -> Output {
        let mut command = prism_cmd(self.dir.path());
        command.args(args);
        run_blocking(command)
    }
}

fn column(id: u64, model: &str) -> Column {
    Column {
        id,
        label: model.to_string(),
        chain: vec![ModelRef::new("openrouter", model)],
        router: None,
        upstream: None,
        params: SessionParams::default(),
        blind_label: None,
        active: true,
    }
}

fn answer(column: u64, model: &str, text: &str, cost_micro_usd: i64) -> Answer {
    Answer {
        column,
        result: RunResult {
            model: model.to_string(),
            served_model: Some(model.to_string()),
            provider: Some("Upstream".into()),
            via: Some("openrouter".into()),
            text: text.to_string(),
            finish_reason: Some("stop".into()),
            usage: Some(Usage {
                prompt_tokens: 10,
                completion_tokens: 20,
                total_tokens: 30,
                ..Usage::default()
            }),
            cost_usd: Some(Decimal::new(cost_micro_usd, 6)),
            cost_source: Some(CostSource::Reported),
            ttft_ms: Some(300),
            total_ms: Some(900),
            tokens_per_s: Some(33.3),
            ..RunResult::default()
        },
        complete: true,
    }
}

/// Two models; each turn's vote names the best column (1 or 2), or none.
fn session(id: &str, updated_at_unix: i64, votes: &[Option<(u64, bool)>]) -> Session {
    let models = ["openai/gpt-4o", "anthropic/claude-haiku-4.5"];
    Session {
        schema_version: SCHEMA_VERSION,
        id: id.to_string(),
        name: None,
        created_at_unix: updated_at_unix - 60,
        updated_at_unix,
        blind: false,
        revealed: false,
        privacy: false,
        params: SessionParams::default(),
        columns: vec![column(1, models[0]), column(2, models[1])],
        turns: votes
            .iter()
            .enumerate()
            .map(|(i, vote)| Turn {
                prompt: format!("Question {} of {id}", i + 1),
                started_at_unix: updated_at_unix - 60,
                answers: vec![
                    answer(1, models[0], "Answer from **gpt**.", 100),
                    answer(2, models[1], "Answer from claude.", 50),
                ],
                vote: vote.map(|(best, blind)| Vote {
                    verdict: Verdict::Best { column: best },
                    blind,
                    at_unix: updated_at_unix,
                    source: VoteSource::User,
                    reason: None,
                    shown_order: Vec::new(),
                    judge_cost: None,
                }),
                judge_votes: Vec::new(),
            })
            .collect(),
    }
}

/// Day 2026-11-24 at 15:30 UTC.
const T0: i64 = 1_795_534_200;

fn one_prism_line(stderr: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("prism: "), "{stderr}");
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn list_shows_newest_first_as_a_table_and_as_json() {
    let home = Home::new();
    home.save(&session("20261124-150000-aaaa", T0, &[Some((1, false))]));
    home.save(&session("20261125-090000-bbbb", T0 + 86_400, &[None, None]));

    let out = home.prism(&["sessions", "list"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(lines[0].starts_with("id") && lines[0].contains("models"));
    assert!(
        lines[1].starts_with("20261125-090000-bbbb  2026-11-25 15:30"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("openai/gpt-4o, anthropic/claude-haiku-4.5"));
    assert!(lines[2].starts_with("20261124-150000-aaaa") && lines[2].contains("$0.00015"));
    // `prism sessions` alone lists too.
    assert_eq!(home.prism(&["sessions"]).stdout, out.stdout);

    let out = home.prism(&["sessions", "list", "--json"]);
    assert_eq!(out.status, 0);
    let value = out.json();
    assert_eq!(value["unreadable"], json!([]));
    assert_eq!(
        value["dir"],
        json!(home.sessions_dir().display().to_string())
    );
    let mut first = value["sessions"][0].clone();
    let cost_usd = first["cost_usd"].take().as_f64().expect("a known cost");
    assert!((cost_usd - 0.0003).abs() < 1e-12, "{cost_usd}");
    assert_eq!(
        first,
        json!({
            "id": "20261125-090000-bbbb",
            "title": "Question 1 of 20261125-090000-bbbb",
            "created_at_unix": T0 + 86_400 - 60,
            "updated_at_unix": T0 + 86_400,
            "models": ["openai/gpt-4o", "anthropic/claude-haiku-4.5"],
            "turns": 2,
            "votes": 0,
            "cost_usd": null,
            "unpriced_answers": 0,
            "blind": false,
            "revealed": false,
        })
    );
    assert_eq!(value["sessions"][1]["votes"], json!(1));
}

#[test]
fn an_empty_store_lists_nothing_and_says_so() {
    let home = Home::new();
    let out = home.prism(&["sessions", "list"]);
    assert_eq!(out.status, 0);
    assert!(out.stdout.starts_with("no sessions yet"), "{}", out.stdout);
    let out = home.prism(&["sessions", "list", "--json"]);
    assert_eq!(out.json()["sessions"], json!([]));
}

#[test]
fn unreadable_files_are_reported_and_never_touched() {
    let home = Home::new();
    home.save(&session("20261124-150000-good", T0, &[Some((1, false))]));
    let dir = home.sessions_dir();
    let corrupt = dir.join("20261124-150000-bad0.json");
    let corrupt_bytes = b"{\"schema_version\": 1, \"id\": \"20261124-150000-bad0\", \"na".to_vec();
    let newer = dir.join("20261124-150000-new0.json");
    let newer_bytes =
        br#"{"schema_version": 999, "id": "20261124-150000-new0", "shape": "unknown"}"#.to_vec();
    fs::write(&corrupt, &corrupt_bytes).expect("write corrupt");
    fs::write(&newer, &newer_bytes).expect("write newer");
    let untouched = || {
        assert_eq!(
            fs::read(&corrupt).expect("corrupt still there"),
            corrupt_bytes
        );
        assert_eq!(fs::read(&newer).expect("newer still there"), newer_bytes);
    };

    let out = home.prism(&["sessions", "list"]);
    assert_eq!(out.status, 0);
    assert!(
        out.stdout.contains("20261124-150000-good"),
        "{}",
        out.stdout
    );
    let errors: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{}", out.stderr);
    assert!(errors[0].starts_with(&format!(
        "prism: {}: not a readable session file",
        corrupt.display()
    )));
    assert!(errors[1].starts_with(&format!(
        "prism: {}: written by a newer prism",
        newer.display()
    )));
    assert!(errors[1].contains("schema version 999"));
    untouched();

    let value = home.prism(&["sessions", "list", "--json"]).json();
    assert_eq!(value["sessions"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        value["unreadable"][0]["path"],
        json!(corrupt.display().to_string())
    );
    assert_eq!(
        value["unreadable"][1]["path"],
        json!(newer.display().to_string())
    );

    for id in ["20261124-150000-bad0", "20261124-150000-new0"] {
        let out = home.prism(&["sessions", "show", id]);
        assert_eq!(out.status, 1, "{}", out.stderr);
        one_prism_line(&out.stderr);
        assert!(out.stderr.contains(id));
        assert_eq!(home.prism(&["sessions", "export", id]).status, 1);
    }
    let out = home.prism(&["leaderboard"]);
    assert_eq!(out.status, 0);
    assert!(out.stdout.contains("openai/gpt-4o"));
    assert!(out.stderr.contains(&corrupt.display().to_string()));
    untouched();

    // Saving over either is refused, from any store instance.
    let store = home.store();
    let mut replacement = session("20261124-150000-bad0", T0, &[]);
    assert!(matches!(
        store.save(&replacement),
        Err(StoreError::Corrupt { .. })
    ));
    replacement.id = "20261124-150000-new0".into();
    match store.save(&replacement) {
        Err(StoreError::NewerSchema {
            found,
            supported,
            path,
        }) => {
            assert_eq!(
                (found, supported, path),
                (999, SCHEMA_VERSION, newer.clone())
            );
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    untouched();
    assert_eq!(
        names_in(&dir),
        vec![
            "20261124-150000-bad0.json",
            "20261124-150000-good.json",
            "20261124-150000-new0.json"
        ]
    );
}

#[test]
fn show_prints_the_session_by_id_or_prefix() {
    let home = Home::new();
    let mut saved = session("20261124-150000-aaaa", T0, &[Some((2, true)), None]);
    saved.turns[1].answers[0].result.error = Some(RouterError::new(
        ErrorKind::Timeout,
        "no answer within 120 s",
    ));
    home.save(&saved);

    let out = home.prism(&["sessions", "show", "20261124-150000-a"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    for expected in [
        "Question 1 of 20261124-150000-aaaa",
        "id 20261124-150000-aaaa · created 2026-11-24 15:29 UTC",
        "> Question 2 of",
        "[openai/gpt-4o] stop · served by Upstream · ttft 300ms",
        "Answer from claude.",
        "error (timeout): no answer within 120 s",
        "vote: anthropic/claude-haiku-4.5 was best (blind vote)",
    ] {
        assert!(
            out.stdout.contains(expected),
            "missing {expected:?} in\n{}",
            out.stdout
        );
    }
    assert_eq!(out.stdout, prism::session::export::text(&saved));
}

#[test]
fn unknown_ambiguous_and_invalid_ids_are_usage_errors() {
    let home = Home::new();
    home.save(&session("20261124-150000-aaaa", T0, &[]));
    home.save(&session("20261124-150000-aabb", T0, &[]));
    for (args, needle) in [
        (
            &["sessions", "show", "nope"][..],
            "no session matches 'nope'",
        ),
        (
            &["sessions", "show", "20261124-150000-a"][..],
            "matches 2 sessions",
        ),
        (
            &["sessions", "export", "../../etc/passwd"][..],
            "is not a session id",
        ),
        (&["sessions", "rm", "nope"][..], "no session matches"),
    ] {
        let out = home.prism(args);
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        one_prism_line(&out.stderr);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    assert_eq!(home.store().load_all().0.len(), 2, "nothing removed");
}

#[test]
fn export_markdown_and_json_to_stdout_or_a_file() {
    let home = Home::new();
    let saved = session("20261124-150000-aaaa", T0, &[Some((1, false))]);
    home.save(&saved);

    let out = home.prism(&["sessions", "export", "20261124-150000-aaaa"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.stdout, prism::session::export::markdown(&saved));
    assert!(
        out.stdout
            .starts_with("# Question 1 of 20261124-150000-aaaa\n")
    );
    assert!(
        out.stdout
            .contains("### openai/gpt-4o\n\nAnswer from **gpt**.")
    );
    assert!(
        out.stdout
            .contains("**Vote:** openai/gpt-4o was best (sighted vote)")
    );

    let out = home.prism(&["sessions", "export", "20261124", "--format", "json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let back: Session = serde_json::from_str(&out.stdout).expect("the JSON is a session");
    assert_eq!(back, saved);
    assert_eq!(out.json()["schema_version"], json!(SCHEMA_VERSION));

    let target_dir = home.dir.path().join("reports");
    fs::create_dir_all(&target_dir).expect("mkdir");
    let target = target_dir.join("report.md");
    let out = home.prism(&[
        "sessions",
        "export",
        "20261124",
        "-o",
        target.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert_eq!(
        fs::read_to_string(&target).expect("written"),
        prism::session::export::markdown(&saved)
    );
    assert_eq!(
        names_in(&target_dir),
        vec!["report.md"],
        "no temp file left"
    );

    let missing = home.dir.path().join("no-such-dir").join("report.md");
    let out = home.prism(&[
        "sessions",
        "export",
        "20261124",
        "-o",
        missing.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status, 1);
    one_prism_line(&out.stderr);
    assert!(out.stderr.contains(&missing.display().to_string()));
}

#[test]
fn a_blind_session_shows_labels_until_revealed() {
    let home = Home::new();
    let mut blind = session("20261124-150000-b11d", T0, &[None]);
    blind.blind = true;
    for (column, label) in blind.columns.iter_mut().zip(["Model A", "Model B"]) {
        column.blind_label = Some(label.into());
    }
    home.save(&blind);
    for args in [
        &["sessions", "show", "20261124-150000-b11d"][..],
        &["sessions", "export", "20261124-150000-b11d"][..],
    ] {
        let out = home.prism(args);
        assert_eq!(out.status, 0);
        assert!(out.stdout.contains("Model A") && out.stdout.contains("Model B"));
        assert!(
            !out.stdout.contains("gpt-4o") && !out.stdout.contains('$'),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout
                .to_lowercase()
                .contains("blind session, names hidden until you vote")
        );
    }
    let listed = home.prism(&["sessions", "list", "--json"]).json();
    assert_eq!(listed["sessions"][0]["cost_usd"], Value::Null);
    assert_eq!(
        listed["sessions"][0]["models"],
        json!(["anthropic/claude-haiku-4.5", "openai/gpt-4o"]),
        "sorted, so the order does not tell which pane was which"
    );

    blind.revealed = true;
    home.save(&blind);
    let out = home.prism(&["sessions", "show", "20261124-150000-b11d"]);
    assert!(out.stdout.contains("[openai/gpt-4o]"), "{}", out.stdout);
}

#[test]
fn rm_deletes_and_says_what() {
    let home = Home::new();
    home.save(&session("20261124-150000-aaaa", T0, &[None]));
    home.save(&session("20261124-150000-keep", T0, &[]));
    let out = home.prism(&["sessions", "rm", "20261124-150000-aa"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let path = home.sessions_dir().join("20261124-150000-aaaa.json");
    assert_eq!(
        out.stdout,
        format!(
            "deleted 20261124-150000-aaaa (\"Question 1 of 20261124-150000-aaaa\"): {}\n",
            path.display()
        )
    );
    assert!(!path.exists());
    assert_eq!(
        home.prism(&["sessions", "show", "20261124-150000-aaaa"])
            .status,
        2
    );
    assert_eq!(
        names_in(&home.sessions_dir()),
        vec!["20261124-150000-keep.json"]
    );
}

#[test]
fn leaderboard_ranks_by_votes_with_figures() {
    let home = Home::new();
    // gpt-4o wins 3 (two blind), claude 1 (sighted).
    home.save(&session(
        "20261124-150000-aaaa",
        T0,
        &[
            Some((1, true)),
            Some((1, true)),
            Some((1, false)),
            Some((2, false)),
            None,
        ],
    ));

    let out = home.prism(&["leaderboard"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(
        lines[0].contains("model") && lines[0].contains("rating") && lines[0].contains("W/L/T")
    );
    assert!(lines[1].starts_with("1  openai/gpt-4o"), "{}", lines[1]);
    assert!(
        lines[1].contains("3/1/0") && lines[1].contains("$0.0001") && lines[1].contains("300ms")
    );
    assert!(
        lines[2].starts_with("2  anthropic/claude-haiku-4.5"),
        "{}",
        lines[2]
    );
    assert!(
        out.stderr.contains("4 counted votes in 1 session"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Bradley-Terry"));

    let value = home.prism(&["leaderboard", "--json"]).json();
    assert_eq!(value["filter"], json!("all"));
    assert_eq!(value["votes"], json!(4));
    let row = &value["rows"][0];
    assert_eq!(row["model"], json!("openai/gpt-4o"));
    assert_eq!(
        (
            row["votes"].clone(),
            row["wins"].clone(),
            row["losses"].clone(),
            row["ties"].clone()
        ),
        (json!(4), json!(3), json!(1), json!(0))
    );
    assert_eq!(row["answers"], json!(5));
    assert_eq!(row["median_ttft_ms"], json!(300));
    assert_eq!(row["median_tokens_per_s"], json!(33.3));
    assert!(
        row["avg_cost_usd"]
            .as_f64()
            .is_some_and(|c| (c - 0.0001).abs() < 1e-12)
    );
    let (low, rating, high) = (
        row["rating_low"].as_f64().expect("low"),
        row["rating"].as_f64().expect("rating"),
        row["rating_high"].as_f64().expect("high"),
    );
    assert!(low <= rating && rating <= high && rating > 1000.0);

    let blind = home.prism(&["leaderboard", "--json", "--blind"]).json();
    assert_eq!(
        (blind["filter"].clone(), blind["votes"].clone()),
        (json!("blind"), json!(2))
    );
    let sighted = home.prism(&["leaderboard", "--json", "--sighted"]).json();
    assert_eq!(sighted["votes"], json!(2));
    assert_eq!(sighted["rows"][0]["wins"], json!(1));
}

#[test]
fn leaderboard_without_votes_says_how_to_vote() {
    let home = Home::new();
    home.save(&session("20261124-150000-aaaa", T0, &[None]));
    let out = home.prism(&["leaderboard"]);
    assert_eq!(out.status, 0);
    assert!(
        out.stdout
            .starts_with("no votes yet: vote in the workbench"),
        "{}",
        out.stdout
    );
    let out = home.prism(&["leaderboard", "--blind"]);
    assert!(
        out.stdout.starts_with("no blind votes yet"),
        "{}",
        out.stdout
    );
    let value = home.prism(&["leaderboard", "--json"]).json();
    assert_eq!(value["rows"], json!([]));
    assert_eq!(
        home.prism(&["leaderboard", "--blind", "--sighted"]).status,
        2
    );
}

/// A judge's verdict naming `best` (a column), or a tie.
fn judge_vote(best: Option<u64>) -> Vote {
    Vote {
        verdict: best.map_or(Verdict::Tie, |column| Verdict::Best { column }),
        blind: false,
        at_unix: T0,
        source: VoteSource::Judge {
            model: "openai/gpt-4o\u{1b}[31m".into(),
        },
        reason: Some("clearer".into()),
        shown_order: Vec::new(),
        judge_cost: None,
    }
}

#[test]
fn leaderboard_sources_stay_apart_and_judge_agreement_is_counted() {
    let home = Home::new();
    // You: gpt-4o wins turns 1 and 2, claude turn 3, turn 4 unvoted.
    let mut both = session(
        "20261124-150000-aaaa",
        T0,
        &[Some((1, false)), Some((1, false)), Some((2, false)), None],
    );
    // The judge: agrees on turn 1, disagrees on 2 (claude), agrees on 3,
    // and alone on turn 4 (claude).
    for (turn, best) in both.turns.iter_mut().zip([1, 2, 2, 2]) {
        turn.judge_votes.push(judge_vote(Some(best)));
    }
    home.save(&both);
    // A file written before judges existed: its vote reads as yours.
    let old = serde_json::to_string(&session("20261124-150000-bbbb", T0, &[Some((1, false))]))
        .expect("json");
    assert!(
        !old.contains("\"source\"") && !old.contains("judge_votes"),
        "{old}"
    );

    let mine = home.prism(&["leaderboard", "--json"]).json();
    assert_eq!(mine["source"], json!("me"));
    assert_eq!(
        (mine["votes"].clone(), mine["judge_votes"].clone()),
        (json!(3), json!(0))
    );
    assert_eq!(mine["rows"][0]["model"], json!("openai/gpt-4o"));
    assert_eq!(mine["rows"][0]["wins"], json!(2));

    let judge = home
        .prism(&["leaderboard", "--json", "--source", "judge"])
        .json();
    assert_eq!(
        (
            judge["votes"].clone(),
            judge["user_votes"].clone(),
            judge["judge_votes"].clone()
        ),
        (json!(4), json!(0), json!(4))
    );
    assert_eq!(
        judge["rows"][0]["model"],
        json!("anthropic/claude-haiku-4.5")
    );
    assert_eq!(judge["rows"][0]["wins"], json!(3));

    let together = home
        .prism(&["leaderboard", "--json", "--source", "both"])
        .json();
    assert_eq!(
        (
            together["votes"].clone(),
            together["user_votes"].clone(),
            together["judge_votes"].clone()
        ),
        (json!(7), json!(3), json!(4))
    );
    // Agreement: turns 1-3 have both; the judge agreed on 2 of them.
    let agreement = &mine["agreement"][0];
    assert_eq!(
        (agreement["turns"].clone(), agreement["agreed"].clone()),
        (json!(3), json!(2))
    );

    let out = home.prism(&["leaderboard", "--source", "both"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with(
            "ranked by your votes and judge verdicts together (3 of yours, 4 of judges)"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("agreed with you on 2 of 3 turns you both voted on (67%)"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains('\x1b'),
        "a judge's name is outside text: {}",
        out.stdout
    );
    assert!(
        out.stderr
            .starts_with("your votes and judge verdicts together: 7 counted votes"),
        "{}",
        out.stderr
    );
    let out = home.prism(&["leaderboard"]);
    assert!(
        out.stderr.starts_with("your votes: 3 counted votes"),
        "{}",
        out.stderr
    );

    // No judge verdicts: said so, not an empty table.
    let plain = Home::new();
    plain.save(&session("20261124-150000-cccc", T0, &[Some((1, false))]));
    let out = plain.prism(&["leaderboard", "--source", "judge"]);
    assert!(
        out.stdout.starts_with("no judge verdicts yet"),
        "{}",
        out.stdout
    );
}

#[test]
fn files_are_private_atomic_and_round_trip() {
    let home = Home::new();
    let store = home.store();
    let mut saved = session("20261124-150000-aaaa", T0, &[Some((1, false))]);
    for n in 0..20 {
        saved.updated_at_unix = T0 + n;
        store.save(&saved).expect("save");
    }
    assert_eq!(store.load("20261124-150000-aaaa").expect("load"), saved);
    assert_eq!(
        names_in(&home.sessions_dir()),
        vec!["20261124-150000-aaaa.json"],
        "no temp files"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&home.sessions_dir()), 0o700);
        assert_eq!(mode(&store.path_for("20261124-150000-aaaa")), 0o600);
    }
    let text = fs::read_to_string(store.path_for("20261124-150000-aaaa")).expect("read");
    assert!(text.starts_with("{\n  \"schema_version\": 1,"), "{text}");
}

#[test]
fn an_unreadable_sessions_dir_is_a_failure() {
    let home = Home::new();
    let dir = home.sessions_dir();
    fs::create_dir_all(dir.parent().expect("parent")).expect("mkdir");
    fs::write(&dir, "not a dir").expect("write");
    for args in [&["sessions", "list"][..], &["leaderboard"][..]] {
        let out = home.prism(args);
        assert_eq!(out.status, 1, "{args:?}");
        one_prism_line(&out.stderr);
        assert!(out.stderr.contains(&dir.display().to_string()));
    }
    assert_eq!(fs::read_to_string(&dir).expect("still there"), "not a dir");
}
