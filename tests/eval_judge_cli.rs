//! `prism eval` with judges, the real binary against the fake upstream: a
//! judge check and a pairwise ranking by a judge that always prefers the
//! answer shown first (the report must flag it), its cost kept apart, the
//! journal keeping every verdict (a resume asks no judge again), a judge
//! reply that cannot be read, and the estimate of the judge calls.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use support::cli::{Output, prism_cmd, run};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply, first_position_judge};

const JUDGE: &str = "openai/judge";

fn catalog() -> String {
    let model = |id: &str| {
        json!({"id": id, "name": id, "context_length": 8000,
               "pricing": {"prompt": "0.000001", "completion": "0.000002"}})
    };
    json!({"data": [model("a/short"), model("c/long"), model("openai/mini"), model(JUDGE)]})
        .to_string()
}

/// Columns answer in their own words: a/short and openai/mini say the same
/// thing, c/long says something else at length.
async fn fake() -> FakeUpstream {
    let fake = FakeUpstream::start().await;
    fake.catalog(catalog());
    fake.by_request(|model, body| {
        (model == JUDGE)
            .then(|| first_position_judge(model, body, 8))
            .flatten()
    });
    fake.any_model(|model| {
        let words: &[&str] = match model {
            "c/long" => &[
                "Sadly ",
                "we ",
                "cannot ",
                "help ",
                "with ",
                "kettles ",
                "or ",
                "any ",
                "other ",
                "appliance ",
                "today.",
            ],
            _ => &["Your ", "refund ", "is ", "on ", "its ", "way."],
        };
        Reply::Stream(StreamReply::tokens(model, words))
    });
    fake
}

const SUITE: &str = r#"
name = "judged refunds"
columns = ["a/short", "c/long", "openai/mini"]
[defaults]
max_tokens = 50
[[checks]]
type = "judge"
judge = "openai/judge"
file = "rubric.md"
threshold = 7
[pairwise]
judge = "openai/judge"
rubric = "Which reply helps the customer more?"
[[cases]]
id = "refund"
prompt = "A customer asks for a refund on a kettle."
"#;

fn write(home: &Path, name: &str, text: &str) -> PathBuf {
    let path = home.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

async fn prism(home: &Path, fake: &FakeUpstream, args: &[&str]) -> Output {
    let mut command = prism_cmd(home);
    command.arg("eval");
    command.args(args);
    command.args([
        "--base-url",
        &fake.base_url(),
        "--api-key-env",
        "PRISM_TEST_KEY",
        "--yes",
    ]);
    run(command, None).await
}

fn judge_calls(fake: &FakeUpstream) -> usize {
    fake.chat_bodies()
        .iter()
        .filter(|b| b["model"] == json!(JUDGE))
        .count()
}

#[tokio::test]
async fn a_first_position_judge_is_measured_flagged_and_kept_apart() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    write(home.path(), "rubric.md", "Is the reply polite and correct?");
    let suite = write(home.path(), "suite.toml", SUITE);
    let out = prism(
        home.path(),
        &fake,
        &[suite.to_str().unwrap(), "--format", "json"],
    )
    .await;
    assert_eq!(
        out.status, 0,
        "every judge check passes at 8: {}",
        out.stderr
    );
    // Three answers graded, then 3 pairs × 2 orders.
    assert_eq!(judge_calls(&fake), 3 + 6);
    let judge_requests: Vec<Value> = fake
        .chat_bodies()
        .into_iter()
        .filter(|b| b["model"] == json!(JUDGE))
        .collect();
    let user = judge_requests[0]["messages"][1]["content"]
        .as_str()
        .expect("text");
    assert!(
        user.contains("Is the reply polite and correct?"),
        "the rubric file: {user}"
    );

    let report = out.json();
    let result = &report["results"][0];
    let check = &result["checks"][0];
    for key in ["type", "pass", "score", "reason", "judge", "cost_usd"] {
        assert!(check.get(key).is_some(), "{key} in {check}");
    }
    assert_eq!(check["type"], json!("judge"));
    assert_eq!(
        (check["pass"].clone(), check["score"].clone()),
        (json!(true), json!(8.0))
    );
    assert_eq!(check["judge"], json!(JUDGE));
    assert_eq!(check["reason"], json!("Looks fine."));

    // The judge's cost is apart from the answers'.
    let answers: f64 = report["summary"]
        .as_array()
        .expect("summary")
        .iter()
        .map(|s| s["cost_usd"].as_f64().expect("cost"))
        .sum();
    assert!((answers - 3.0 * 0.000042).abs() < 1e-12, "{answers}");
    let judges = report["judge_cost_usd"].as_f64().expect("judge cost");
    assert!((judges - 9.0 * 0.000042).abs() < 1e-12, "{judges}");
    let total = report["total_cost_usd"].as_f64().expect("total");
    assert!((total - answers - judges).abs() < 1e-12);
    assert!(
        report["summary"][0]["judge_cost_usd"]
            .as_f64()
            .is_some_and(|c| (c - 0.000042).abs() < 1e-12)
    );

    let pairwise = &report["pairwise"];
    assert_eq!(pairwise["judge"], json!(JUDGE));
    assert_eq!(
        (
            pairwise["comparisons"].clone(),
            pairwise["position_flips"].clone()
        ),
        (json!(3), json!(3))
    );
    assert_eq!(pairwise["first_position_win_rate"], json!(1.0));
    let ranking = pairwise["ranking"].as_array().expect("ranking");
    assert_eq!(ranking.len(), 3);
    for row in ranking {
        let ci = row["ci"].as_array().expect("ci");
        assert!(row["column"].is_string() && ci.len() == 2, "{row}");
    }

    let judge = &report["judges"][0];
    assert_eq!(judge["judge"], json!(JUDGE));
    assert_eq!(
        (judge["flip_rate"].clone(), judge["flagged"].clone()),
        (json!(1.0), json!(true))
    );
    assert_eq!(judge["first_position_rate"], json!(1.0));
    assert_eq!(judge["family"], json!("openai"));
    assert_eq!(
        (judge["calls"].clone(), judge["errors"].clone()),
        (json!(9), json!(0))
    );

    // Agreement: the two short answers agree, the long one is the outlier.
    let agreement = &report["agreement"][0];
    assert_eq!(agreement["distinct"], json!(2));
    assert_eq!(agreement["outliers"], json!(["c/long"]));

    // The text report flags the judge, from the journal alone.
    let run_id = report["run_id"].as_str().expect("run id").to_string();
    let mut show = prism_cmd(home.path());
    show.args(["runs", "show", &run_id]);
    let text = run(show, None).await;
    assert_eq!(text.status, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains(&format!("⚠ judge {JUDGE} changed its verdict when the two answers were swapped in 3 of 3 pairs (100.0%")),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("pairwise ranking by openai/judge"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("outlier c/long"), "{}", text.stdout);
    assert!(text.stdout.contains("(answers $"), "{}", text.stdout);

    // A resume of the finished run asks no judge again, and keeps every verdict.
    let before = fake.chat_bodies().len();
    let again = prism(
        home.path(),
        &fake,
        &["--resume", &run_id, "--format", "json"],
    )
    .await;
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert_eq!(fake.chat_bodies().len(), before, "nothing asked again");
    let again = again.json();
    assert_eq!(again["pairwise"]["comparisons"], json!(3));
    assert_eq!(again["results"][0]["checks"][0]["score"], json!(8.0));
}

#[tokio::test]
async fn an_unreadable_judge_is_neither_pass_nor_fail() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    fake.script(
        JUDGE,
        vec![Reply::Stream(StreamReply::tokens(
            JUDGE,
            &["I'd say it is \u{1b}[31mfine, eight-ish."],
        ))],
    );
    let suite = write(
        home.path(),
        "suite.toml",
        &SUITE
            .replace("file = \"rubric.md\"", "rubric = \"Polite?\"")
            .replace("[pairwise]\njudge = \"openai/judge\"\nrubric = \"Which reply helps the customer more?\"\n", ""),
    );
    let out = prism(
        home.path(),
        &fake,
        &[suite.to_str().unwrap(), "--format", "json"],
    )
    .await;
    assert_eq!(out.status, 1, "ungraded is not a pass: {}", out.stderr);
    let report = out.json();
    let check = &report["results"][0]["checks"][0];
    assert_eq!(
        (check["pass"].clone(), check["score"].clone()),
        (Value::Null, Value::Null)
    );
    assert!(
        check["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("judge error: no JSON object")),
        "{check}"
    );
    let summary = &report["summary"][0];
    assert_eq!(
        (summary["ungraded"].clone(), summary["failures"].clone()),
        (json!(1), json!(0))
    );
    assert_eq!(summary["pass_rate"], Value::Null, "no graded result");
    assert_eq!(report["judges"][0]["errors"], json!(3));

    let text = prism(home.path(), &fake, &[suite.to_str().unwrap()]).await;
    assert!(text.stdout.contains("ungraded"), "{}", text.stdout);
    assert!(
        !text.stdout.contains('\x1b'),
        "the judge's reply is outside text"
    );
}

#[tokio::test]
async fn the_estimate_counts_judge_calls_apart() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    write(home.path(), "rubric.md", "Polite?");
    let suite = write(home.path(), "suite.toml", SUITE);
    let out = prism(home.path(), &fake, &[suite.to_str().unwrap(), "--estimate"]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let row = |name: &str| {
        out.stderr
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} in {}", out.stderr))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(row("judge openai/judge (checks)")[3], "3", "one per answer");
    assert_eq!(
        row("judge openai/judge (pairwise)")[3],
        "6",
        "both orders of 3 pairs"
    );
    assert_eq!(fake.chat_bodies().len(), 0, "an estimate sends nothing");
}

#[tokio::test]
async fn suite_errors_name_the_judge_field() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    write(home.path(), "rubric.md", "Polite?");
    for (from, to, expected) in [
        (
            "threshold = 7",
            "threshold = 11",
            "checks[1].threshold: 11 is not a score from 1 to 10",
        ),
        ("file = \"rubric.md\"", "", "checks[1].rubric: missing"),
        (
            "judge = \"openai/judge\"\nfile",
            "file",
            "checks[1].judge: missing",
        ),
        (
            "file = \"rubric.md\"",
            "file = \"nowhere.md\"",
            "checks[1].file",
        ),
    ] {
        let suite = write(home.path(), "suite.toml", &SUITE.replacen(from, to, 1));
        let out = prism(home.path(), &fake, &[suite.to_str().unwrap()]).await;
        assert_eq!(out.status, 2, "{expected}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
    }
}
