//! `prism eval` and `prism runs`, the real binary against the fake upstream:
//! the JSON contract, exit statuses, suite errors, the cost confirmation,
//! the budget, backoff on 429, kill -9 and resume, and the runs commands.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use support::TEST_KEY;
use support::cli::{Output, prism_cmd, run};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};

/// A catalog with a cheap and an expensive model.
fn catalog() -> String {
    json!({"data": [
        {"id": "a/cheap", "name": "Cheap", "context_length": 8000, "pricing": {"prompt": "0.000001", "completion": "0.000002"}},
        {"id": "b/dear", "name": "Dear", "context_length": 8000, "pricing": {"prompt": "0.01", "completion": "0.02"}},
        {"id": "c/slow", "name": "Slow", "context_length": 8000, "pricing": {"prompt": "0.000001", "completion": "0.000002"}}
    ]})
    .to_string()
}

async fn fake() -> FakeUpstream {
    let fake = FakeUpstream::start().await;
    fake.catalog(catalog());
    fake.any_model(|model| {
        Reply::Stream(StreamReply::tokens(
            model,
            &["The ", "refund ", "is ", "on ", "its ", "way."],
        ))
    });
    fake
}

fn write(home: &Path, name: &str, text: &str) -> PathBuf {
    let path = home.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn eval_cmd(home: &Path, fake: &FakeUpstream, args: &[&str]) -> std::process::Command {
    let mut command = prism_cmd(home);
    command.args([
        "eval",
        "--base-url",
        &fake.base_url(),
        "--api-key-env",
        "PRISM_TEST_KEY",
    ]);
    command.args(args);
    command
}

async fn eval(home: &Path, fake: &FakeUpstream, args: &[&str]) -> Output {
    let out = run(eval_cmd(home, fake, args), None).await;
    assert!(
        !out.stderr.contains('\x1b'),
        "no control codes without a terminal: {}",
        out.stderr
    );
    out
}

async fn prism(home: &Path, args: &[&str]) -> Output {
    let mut command = prism_cmd(home);
    command.args(args);
    run(command, None).await
}

const SUITE: &str = r#"
name = "refunds"
columns = ["a/cheap", ["c/slow", "a/cheap"]]
[defaults]
max_tokens = 50
[[checks]]
type = "max_total_ms"
value = 60000
[[cases]]
id = "refund"
prompt = "A customer asks for a refund on {{item}}."
vars = { item = "a kettle" }
[[cases.checks]]
type = "icontains"
value = "REFUND"
[[cases]]
id = "json"
prompt = "Answer in JSON."
[[cases.checks]]
type = "is_json"
"#;

#[tokio::test]
async fn the_json_report_keeps_its_contract() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    let suite = write(home.path(), "suite.toml", SUITE);
    let out = eval(
        home.path(),
        &fake,
        &[suite.to_str().unwrap(), "--format", "json", "--repeat", "2"],
    )
    .await;
    assert_eq!(out.status, 1, "the json case fails: {}", out.stderr);
    let report = out.json();
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "run_id",
        "suite",
        "columns",
        "cases",
        "repeat",
        "results",
        "summary",
        "total_cost_usd",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(report["columns"], json!(["a/cheap", "c/slow,a/cheap"]));
    assert_eq!(report["repeat"], json!(2));
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 8);
    let first = &results[0];
    for key in [
        "case_id",
        "column",
        "repeat_index",
        "served_model",
        "text",
        "error",
        "ttft_ms",
        "total_ms",
        "cost_usd",
        "cost_source",
        "usage",
        "checks",
        "pass",
    ] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    assert_eq!(
        (
            first["case_id"].as_str(),
            first["column"].as_str(),
            first["repeat_index"].as_u64()
        ),
        (Some("refund"), Some("a/cheap"), Some(0))
    );
    assert_eq!(first["text"], json!("The refund is on its way."));
    assert_eq!(first["pass"], json!(true));
    assert_eq!(
        first["checks"],
        json!([{"type": "max_total_ms", "pass": true, "reason": null}, {"type": "icontains", "pass": true, "reason": null}])
    );
    assert_eq!(first["cost_source"], json!("reported"));
    let failed = results.iter().find(|r| r["case_id"] == "json").unwrap();
    assert_eq!(failed["pass"], json!(false));
    assert!(
        failed["checks"][1]["reason"]
            .as_str()
            .unwrap()
            .starts_with("is_json: not JSON")
    );
    let summary = report["summary"].as_array().unwrap();
    for key in [
        "column",
        "pass_rate",
        "pass_rate_ci",
        "answers",
        "errors",
        "failures",
        "cost_usd",
        "cost_per_1k_calls_usd",
        "median_ttft_ms",
        "p90_ttft_ms",
        "median_total_ms",
        "median_tokens_per_s",
        "distinct_answers_mean",
        "projected_monthly_usd",
    ] {
        assert!(summary[0].get(key).is_some(), "{key} in {}", summary[0]);
    }
    assert_eq!(summary[0]["pass_rate"], json!(0.5));
    assert_eq!(
        (
            summary[0]["answers"].as_u64(),
            summary[0]["failures"].as_u64(),
            summary[0]["errors"].as_u64()
        ),
        (Some(4), Some(2), Some(0))
    );
    assert_eq!(summary[0]["distinct_answers_mean"], json!(1.0));
    // 8 answers at the fake's reported $0.000042.
    let total = report["total_cost_usd"].as_f64().unwrap();
    assert!((total - 8.0 * 0.000042).abs() < 1e-12, "{total}");
    // The estimate and the run id went to stderr, the report alone to stdout.
    assert!(
        out.stderr.contains("estimate for 8 requests"),
        "{}",
        out.stderr
    );

    // The same run passes a 50% bar.
    let out = eval(
        home.path(),
        &fake,
        &[suite.to_str().unwrap(), "--fail-under", "50%"],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let out = eval(
        home.path(),
        &fake,
        &[suite.to_str().unwrap(), "--fail-under", "0.51"],
    )
    .await;
    assert_eq!(out.status, 1, "{}", out.stderr);
}

#[tokio::test]
async fn everything_passing_exits_0_and_every_format_writes() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    let suite = write(
        home.path(),
        "suite.toml",
        "columns = [\"a/cheap\"]\n[[cases]]\nprompt = \"hi\"\n[[cases.checks]]\ntype = \"contains\"\nvalue = \"refund\"\n",
    );
    let out = eval(home.path(), &fake, &[suite.to_str().unwrap()]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.contains("100.0%"), "{}", out.stdout);
    let csv_path = home.path().join("out.csv");
    let out = eval(
        home.path(),
        &fake,
        &[
            suite.to_str().unwrap(),
            "--format",
            "csv",
            "-o",
            csv_path.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!((out.status, out.stdout.as_str()), (0, ""));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(
        csv.starts_with("case_id,column,repeat_index,pass,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 2);
    let out = eval(
        home.path(),
        &fake,
        &[suite.to_str().unwrap(), "--format", "markdown"],
    )
    .await;
    assert!(out.stdout.starts_with("# prism eval: "), "{}", out.stdout);
    assert!(out.stdout.contains("| case-1 | ✅ |"), "{}", out.stdout);
}

#[tokio::test]
async fn a_malformed_suite_is_refused_before_anything_is_sent() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    let suite = write(
        home.path(),
        "bad.toml",
        "columns = [\"a/cheap\"]\n[[cases]]\nprompt = \"hi\"\n[[cases.checks]]\ntype = \"regex\"\nvalue = \"[\"\n",
    );
    let out = eval(home.path(), &fake, &[suite.to_str().unwrap()]).await;
    assert_eq!(out.status, 2);
    assert!(
        out.stderr
            .contains("bad.toml:6: cases[1].checks[1].value: not a valid regex"),
        "{}",
        out.stderr
    );
    let router = write(
        home.path(),
        "router.toml",
        "columns = [\"a/cheap\", \"router:nope\"]\n[[cases]]\nprompt = \"hi\"\n",
    );
    let out = eval(home.path(), &fake, &[router.to_str().unwrap()]).await;
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("router.toml:1: columns[2]: "),
        "{}",
        out.stderr
    );
    // Hostile text in a suite reaches the terminal as symbols.
    let hostile = write(
        home.path(),
        "hostile.toml",
        "columns = [\"a/cheap\"]\n\"\\u001b]0;pwned\\u0007\" = 1\n[[cases]]\nprompt = \"hi\"\n",
    );
    let out = eval(home.path(), &fake, &[hostile.to_str().unwrap()]).await;
    assert_eq!(out.status, 2);
    assert!(
        out.stderr
            .contains("hostile.toml:2: ␛]0;pwned␇: unknown field"),
        "{}",
        out.stderr
    );
    assert!(fake.chat_requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn hostile_answers_reach_the_report_as_symbols() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    fake.script(
        "a/cheap",
        vec![Reply::Stream(StreamReply::tokens(
            "a/cheap",
            &["\x1b[2J\x1b]52;c;SGk=\x07 gone"],
        ))],
    );
    let suite = write(
        home.path(),
        "suite.toml",
        "columns = [\"a/cheap\"]\n[[cases]]\nid = \"x\\u202eevil\"\nprompt = \"hi\"\n[[cases.checks]]\ntype = \"equals\"\nvalue = \"ok\"\n",
    );
    for format in ["text", "markdown", "csv"] {
        let out = eval(
            home.path(),
            &fake,
            &[suite.to_str().unwrap(), "--format", format],
        )
        .await;
        assert_eq!(out.status, 1, "{}", out.stderr);
        assert!(
            !out.stdout.contains('\x1b') && !out.stdout.contains('\x07'),
            "{format}: {}",
            out.stdout
        );
        assert!(out.stdout.contains("␛"), "{format}: {}", out.stdout);
        assert!(!out.stdout.contains('\u{202e}'), "{format}: {}", out.stdout);
    }
}

#[tokio::test]
async fn an_expensive_run_needs_a_yes_without_a_terminal() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    // 3 cases × 2 repeats on a model at $0.02 an output token, 100 tokens each: about $12.
    let suite = write(
        home.path(),
        "dear.toml",
        "columns = [\"b/dear\"]\n[defaults]\nmax_tokens = 100\nrepeat = 2\n[[cases]]\nprompt = \"a\"\n[[cases]]\nprompt = \"b\"\n[[cases]]\nprompt = \"c\"\n",
    );
    let out = eval(home.path(), &fake, &[suite.to_str().unwrap()]).await;
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(out.stderr.contains("pass --yes"), "{}", out.stderr);
    assert!(
        out.stderr.contains("b/dear"),
        "the estimate is shown: {}",
        out.stderr
    );
    assert!(fake.chat_requests().is_empty());
    let out = eval(home.path(), &fake, &[suite.to_str().unwrap(), "--yes"]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(fake.chat_requests().len(), 6);
    // --estimate sends nothing.
    let out = eval(home.path(), &fake, &[suite.to_str().unwrap(), "--estimate"]).await;
    assert_eq!((out.status, fake.chat_requests().len()), (0, 6));
}

#[tokio::test]
async fn max_cost_is_a_hard_budget_with_requests_in_flight() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    // Each answer reports $0.6; the worst case of a request is (1 prompt
    // byte + 16 template tokens) × $0.01 + 30 × $0.02 = $0.77. With $3:
    // three at once ($2.31 reserved), a fourth once they are settled
    // ($1.80 spent + $0.77), then no more ($2.40 + $0.77 > $3).
    fake.script("b/dear", vec![Reply::Stream(cost_reply("b/dear", 0.6))]);
    let mut cases = String::new();
    for i in 0..12 {
        cases.push_str(&format!("[[cases]]\nprompt = \"{}\"\n", i % 10));
    }
    let suite = write(
        home.path(),
        "budget.toml",
        &format!("columns = [\"b/dear\"]\n[defaults]\nmax_tokens = 30\n{cases}"),
    );
    let out = eval(
        home.path(),
        &fake,
        &[
            suite.to_str().unwrap(),
            "--max-cost",
            "3",
            "--yes",
            "--concurrency",
            "8",
            "--format",
            "json",
        ],
    )
    .await;
    assert_eq!(out.status, 1, "{}", out.stderr);
    let report = out.json();
    let spent = report["total_cost_usd"].as_f64().unwrap();
    assert!(spent <= 3.0, "spent {spent}");
    assert!((spent - 2.4).abs() < 1e-9, "spent {spent}");
    assert_eq!(report["results"].as_array().unwrap().len(), 4);
    assert_eq!(report["skipped_for_budget"], json!(8));
    assert_eq!(fake.chat_requests().len(), 4);
    assert!(out.stderr.contains("of --max-cost $3.00"), "{}", out.stderr);
}

fn cost_reply(model: &str, cost: f64) -> StreamReply {
    StreamReply::words(model, [json!({"content": "ok "})], "done", 5, Some(cost))
}

#[tokio::test]
async fn a_rate_limited_model_backs_off_as_the_server_asks() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    let limited = Reply::error(429, "Rate limit exceeded").with_header("retry-after", "1");
    let answer = Reply::Stream(StreamReply::tokens("c/slow", &["ok"]));
    fake.script(
        "c/slow",
        vec![
            limited.clone(),
            limited.clone(),
            limited.clone(),
            limited,
            answer,
        ],
    );
    let mut cases = String::new();
    for i in 0..8 {
        cases.push_str(&format!("[[cases]]\nprompt = \"{i}\"\n"));
    }
    let suite = write(
        home.path(),
        "limited.toml",
        &format!("columns = [\"c/slow\"]\n{cases}"),
    );
    let out = eval(
        home.path(),
        &fake,
        &[suite.to_str().unwrap(), "--concurrency", "4"],
    )
    .await;
    assert_eq!(
        out.status, 0,
        "every case answered in the end: {}",
        out.stderr
    );
    let requests = fake.chat_requests();
    assert_eq!(
        requests.len(),
        12,
        "4 rate-limited, then 8 answers: nothing hammered, nothing dropped"
    );
    let first_429 = requests[0].received_at;
    let early = requests[4..]
        .iter()
        .filter(|r| r.received_at < first_429 + Duration::from_millis(950))
        .count();
    assert_eq!(
        early, 0,
        "no request during the second the server asked for"
    );
    assert!(
        out.stderr.contains("c/slow is rate-limited (429)"),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn kill_dash_9_loses_only_what_was_in_flight_and_resume_finishes() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.catalog(catalog());
    fake.any_model(|model| {
        Reply::Stream(
            StreamReply::tokens(model, &["ok"]).first_token_delay(Duration::from_millis(150)),
        )
    });
    let mut cases = String::new();
    for i in 0..40 {
        cases.push_str(&format!("[[cases]]\nid = \"c{i}\"\nprompt = \"{i}\"\n"));
    }
    let suite = write(
        home.path(),
        "long.toml",
        &format!("columns = [\"a/cheap\"]\n{cases}"),
    );
    let mut command = eval_cmd(
        home.path(),
        &fake,
        &[suite.to_str().unwrap(), "--concurrency", "3"],
    );
    command.stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = command.spawn().expect("spawn prism");
    let runs = home.path().join("data/prism/runs");
    let started = Instant::now();
    let journal = loop {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no results came"
        );
        let found = std::fs::read_dir(&runs)
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| e.ok())
            .map(|e| e.path());
        if let Some(path) = found
            && std::fs::read_to_string(&path)
                .map_or(0, |t| t.matches("\"type\":\"result\"").count())
                >= 8
        {
            break path;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    child.kill().expect("kill -9");
    let _ = child.wait();
    let sent_before = fake.chat_requests().len();
    let text = std::fs::read_to_string(&journal).unwrap();
    // A kill in the middle of a write may leave a torn last line; resume
    // drops it. Every line that ended parses.
    let whole: Vec<&str> = text
        .split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .collect();
    for line in &whole {
        serde_json::from_str::<Value>(line).expect("every whole line parses");
    }
    let results_before = whole
        .iter()
        .filter(|l| l.contains("\"type\":\"result\""))
        .count();
    assert!(results_before < 40, "killed in the middle");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&journal).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    assert!(!text.contains(TEST_KEY));

    let id = journal.file_stem().unwrap().to_str().unwrap().to_string();
    // The resume talks to a second server, so what it sends is counted
    // apart from requests of the killed process still on their way.
    let resumed = crate::fake().await;
    let out = prism(
        home.path(),
        &[
            "eval",
            "--base-url",
            &resumed.base_url(),
            "--api-key-env",
            "PRISM_TEST_KEY",
            "--resume",
            &id,
            "--format",
            "json",
        ],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let report = out.json();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 40, "no result lost");
    let mut ids: Vec<&str> = results
        .iter()
        .map(|r| r["case_id"].as_str().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 40, "none twice");
    let resent = resumed.chat_requests().len();
    assert_eq!(
        resent,
        40 - results_before,
        "only the missing ones ran again"
    );
    assert!(
        sent_before - results_before <= 3,
        "at most the 3 in flight were lost"
    );
    // Resuming a finished run sends nothing.
    let out = prism(
        home.path(),
        &[
            "eval",
            "--base-url",
            &resumed.base_url(),
            "--api-key-env",
            "PRISM_TEST_KEY",
            "--resume",
            &id,
        ],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(resumed.chat_requests().len(), resent);
    // The same suite with --resume finds the run.
    let out = eval(home.path(), &fake, &[suite.to_str().unwrap(), "--resume"]).await;
    assert!(out.stdout.contains(&format!("run {id}")), "{}", out.stdout);
}

#[tokio::test]
async fn runs_list_show_diff_and_rm() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake().await;
    let suite = write(home.path(), "suite.toml", SUITE);
    assert_eq!(
        eval(home.path(), &fake, &[suite.to_str().unwrap()])
            .await
            .status,
        1
    );
    // The second run: the refund answer no longer mentions a refund.
    fake.script(
        "a/cheap",
        vec![Reply::Stream(StreamReply::tokens("a/cheap", &["{}"]))],
    );
    assert_eq!(
        eval(home.path(), &fake, &[suite.to_str().unwrap()])
            .await
            .status,
        1
    );

    let list = prism(home.path(), &["runs", "list", "--json"]).await;
    assert_eq!(list.status, 0, "{}", list.stderr);
    let runs = list.json()["runs"].as_array().unwrap().clone();
    assert_eq!(runs.len(), 2);
    let (new, old) = (
        runs[0]["id"].as_str().unwrap().to_string(),
        runs[1]["id"].as_str().unwrap().to_string(),
    );
    assert_eq!(
        (runs[0]["results"].as_u64(), runs[0]["complete"].as_bool()),
        (Some(4), Some(true))
    );
    let table = prism(home.path(), &["runs"]).await;
    assert!(
        table.stdout.contains(&old) && table.stdout.contains("refunds"),
        "{}",
        table.stdout
    );

    // Any unambiguous prefix names a run.
    let prefix = (1..=old.len())
        .map(|k| &old[..k])
        .find(|p| !new.starts_with(p))
        .expect("two ids differ");
    let show = prism(home.path(), &["runs", "show", prefix, "--format", "json"]).await;
    assert_eq!(show.status, 0, "{}", show.stderr);
    assert_eq!(show.json()["results"].as_array().unwrap().len(), 4);

    let diff = prism(home.path(), &["runs", "diff", &old, &new]).await;
    assert_eq!(diff.status, 1, "a regression: {}", diff.stdout);
    assert!(diff.stdout.contains("regressions (1)"), "{}", diff.stdout);
    assert!(
        diff.stdout.contains("refund × a/cheap: pass → fail"),
        "{}",
        diff.stdout
    );
    assert!(diff.stdout.contains("fixed (1)"), "{}", diff.stdout);
    let diff = prism(home.path(), &["runs", "diff", &old, &old, "--json"]).await;
    assert_eq!(diff.status, 0);
    assert_eq!(diff.json()["regressions"], json!([]));

    assert_eq!(prism(home.path(), &["runs", "rm", &old]).await.status, 0);
    assert_eq!(prism(home.path(), &["runs", "show", &old]).await.status, 2);
    assert_eq!(
        prism(home.path(), &["runs", "list", "--json"]).await.json()["runs"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
