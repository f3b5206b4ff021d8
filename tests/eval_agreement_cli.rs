//! `prism eval` with `[agreement]`, the real binary against the fake
//! upstream: a judge groups each case's answers (numbered, unnamed) where
//! text similarity would not, the report says which method grouped them
//! and what the judge cost apart from the answers; a judge whose reply
//! cannot be used is a judge error, and the case falls back to text
//! similarity, labelled so; the estimate lists the grouping calls.

// Test code: a failed expectation is a failed test, and the shared fake
// may take one variant (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use support::cli::{Output, prism_cmd, run};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply, first_word_grouping_judge};

const JUDGE: &str = "openai/judge";

/// Columns answer in their own words: a/short and openai/mini both say the
/// refund is coming (in words too different for text similarity), c/long
/// refuses.
async fn fake() -> FakeUpstream {
    let fake = FakeUpstream::start().await;
    let model = |id: &str| {
        json!({"id": id, "name": id, "context_length": 8000,
               "pricing": {"prompt": "0.000001", "completion": "0.000002"}})
    };
    fake.catalog(
        json!({"data": [model("a/short"), model("c/long"), model("openai/mini"), model(JUDGE)]})
            .to_string(),
    );
    fake.by_request(|model, body| {
        (model == JUDGE)
            .then(|| first_word_grouping_judge(model, body))
            .flatten()
    });
    fake.any_model(|model| {
        let words: &[&str] = match model {
            "c/long" => &["Sadly ", "we ", "cannot ", "help ", "with ", "kettles."],
            "openai/mini" => &[
                "Your ",
                "money ",
                "comes ",
                "back ",
                "within ",
                "five ",
                "business ",
                "days, ",
                "no ",
                "need ",
                "to ",
                "send ",
                "the ",
                "kettle.",
            ],
            _ => &["Your ", "refund ", "is ", "on ", "its ", "way."],
        };
        Reply::Stream(StreamReply::tokens(model, words))
    });
    fake
}

const SUITE: &str = r#"
name = "agreeing refunds"
columns = ["a/short", "c/long", "openai/mini"]
[defaults]
max_tokens = 50
[agreement]
judge = "openai/judge"
[[cases]]
id = "refund"
prompt = "A customer asks for a refund on a kettle."
[[cases]]
id = "alone"
prompt = "Say hi."
"#;

fn write(home: &Path, text: &str) -> PathBuf {
    let path = home.join("suite.toml");
    std::fs::write(&path, text).expect("write");
    path
}

async fn prism(home: &Path, fake: &FakeUpstream, args: &[&str]) -> Output {
    let mut command = prism_cmd(home);
    command.args(["eval"]);
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

fn judge_bodies(fake: &FakeUpstream) -> Vec<Value> {
    fake.chat_bodies()
        .into_iter()
        .filter(|b| b["model"] == json!(JUDGE))
        .collect()
}

#[tokio::test]
async fn a_judge_groups_the_answers_and_the_report_says_so() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    let suite = write(home.path(), SUITE);
    let out = prism(
        home.path(),
        &fake,
        &[suite.to_str().unwrap(), "--format", "json"],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    // One grouping call per case, the answers numbered and never named.
    let asked = judge_bodies(&fake);
    assert_eq!(asked.len(), 2, "{asked:?}");
    let user = asked[0]["messages"][1]["content"].as_str().expect("text");
    assert!(
        user.contains("[Answer 1]\nYour refund is on its way."),
        "{user}"
    );
    for name in ["a/short", "c/long", "openai/mini"] {
        assert!(!user.contains(name), "{name} shown to the judge");
    }

    let report = out.json();
    let refund = report["agreement"]
        .as_array()
        .expect("agreement")
        .iter()
        .find(|a| a["case_id"] == json!("refund"))
        .expect("the refund case")
        .clone();
    assert_eq!(
        refund["grouped_by"],
        json!({"method": "judge", "judge": JUDGE})
    );
    assert_eq!(refund["distinct"], json!(2));
    assert_eq!(
        refund["groups"],
        json!([["a/short", "openai/mini"], ["c/long"]])
    );
    assert_eq!(refund["outliers"], json!(["c/long"]));
    assert_eq!(
        refund["reason"],
        json!("Grouped by what each answer starts with.")
    );
    // Its cost is the judge's, apart from the answers'.
    let grouping_cost = refund["judge_cost_usd"].as_f64().expect("priced");
    assert!(grouping_cost > 0.0);
    let judge = &report["judges"][0];
    assert_eq!(judge["judge"], json!(JUDGE));
    assert_eq!(
        (judge["calls"].clone(), judge["errors"].clone()),
        (json!(2), json!(0))
    );
    let judges = report["judge_cost_usd"].as_f64().expect("judge cost");
    let answers = report["answers_cost_usd"].as_f64().expect("answers cost");
    let total = report["total_cost_usd"].as_f64().expect("total");
    assert!((total - answers - judges).abs() < 1e-12);

    // The text report, from the journal alone, names the method.
    let run_id = report["run_id"].as_str().expect("id").to_string();
    let mut show = prism_cmd(home.path());
    show.args(["runs", "show", &run_id]);
    let text = run(show, None).await;
    assert!(
        text.stdout.contains(
            "agreement (answers grouped by judge openai/judge; 0 judge errors fell back to normalised text similarity; judge's cost $"
        ),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("refund: 2 distinct answers of 3 · outlier c/long"),
        "{}",
        text.stdout
    );

    // A resume asks the judge nothing again.
    let again = prism(
        home.path(),
        &fake,
        &["--resume", &run_id, "--format", "json"],
    )
    .await;
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert_eq!(judge_bodies(&fake).len(), 2, "asked again");
    assert_eq!(
        again.json()["agreement"][1]["grouped_by"]["method"],
        json!("judge")
    );
}

#[tokio::test]
async fn an_unusable_grouping_is_a_judge_error_and_falls_back_to_text_similarity() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    // Answer 7 of 3, then prose with no JSON at all.
    fake.script(
        JUDGE,
        vec![
            Reply::Stream(StreamReply::tokens(
                JUDGE,
                &[r#"{"groups": [[1, 7], [2, 3]]}"#],
            )),
            Reply::Stream(StreamReply::tokens(
                JUDGE,
                &["They mostly \u{1b}[31magree."],
            )),
        ],
    );
    let suite = write(home.path(), SUITE);
    let out = prism(
        home.path(),
        &fake,
        &[
            suite.to_str().unwrap(),
            "--format",
            "json",
            "--concurrency",
            "1",
        ],
    )
    .await;
    assert_eq!(
        out.status, 0,
        "a judge error fails no answer: {}",
        out.stderr
    );
    let report = out.json();
    let methods: Vec<Value> = report["agreement"]
        .as_array()
        .expect("agreement")
        .iter()
        .map(|a| a["grouped_by"].clone())
        .collect();
    let errors: Vec<&str> = methods
        .iter()
        .map(|m| {
            assert_eq!(m["method"], json!("judge_error"), "{m}");
            m["error"].as_str().expect("why")
        })
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("answer number 7 is not one of 1 to 3")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("no JSON object with \"groups\"")),
        "{errors:?}"
    );
    // Grouped by text similarity instead: three different answers.
    assert!(
        report["agreement"]
            .as_array()
            .expect("agreement")
            .iter()
            .all(|a| a["distinct"] == json!(3))
    );
    assert_eq!(report["judges"][0]["errors"], json!(2));

    let text = prism(home.path(), &fake, &[suite.to_str().unwrap()]).await;
    assert!(
        text.stdout
            .contains("judge error, grouped by normalised text similarity: "),
        "{}",
        text.stdout
    );
    assert!(
        !text.stdout.contains('\x1b'),
        "the judge's reply is outside text"
    );
}

#[tokio::test]
async fn the_estimate_lists_the_grouping_calls() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    let suite = write(home.path(), SUITE);
    let out = prism(home.path(), &fake, &[suite.to_str().unwrap(), "--estimate"]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let row = out
        .stderr
        .lines()
        .find(|l| l.contains("judge openai/judge (agreement)"))
        .unwrap_or_else(|| panic!("no agreement row: {}", out.stderr));
    assert!(
        row.split_whitespace().any(|w| w == "2"),
        "one call per case: {row}"
    );
    assert!(judge_bodies(&fake).is_empty());
}
