//! The real `prism` binary against a hostile server and hostile files:
//! escape sequences in every string a server supplies, numbers beyond
//! belief, and 200 replies that are no chat completion. What reaches stdout
//! and stderr is checked byte for byte (valid UTF-8, no ESC, no other C0
//! but newline and tab, no C1, no DEL, no bidi override), and the exit
//! status is the documented one (never 101, a panic).

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
use std::time::Duration;

use serde_json::{Value, json};

use support::TEST_KEY;
use support::cli::{openrouter_config, prism_cmd, write_config};
use support::fake_upstream::{FakeUpstream, Piece, Reply, StreamReply};
use support::hostile_data::{
    HOSTILE, LOOKALIKE_ID, answer_with_raw_usage, captive_portal, hostile_strings_reply, ok_with,
};

/// What a run wrote, as bytes: a lossy conversion would hide a raw C1 byte.
struct Raw {
    status: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Raw {
    fn out(&self) -> &str {
        std::str::from_utf8(&self.stdout).expect("stdout is UTF-8")
    }

    fn err(&self) -> &str {
        std::str::from_utf8(&self.stderr).expect("stderr is UTF-8")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}\n{}", self.out(), self.err()))
    }

    /// Both streams clean, and the status as expected (a panic is 101).
    fn expect(&self, status: i32) -> &Raw {
        assert_clean("stdout", &self.stdout);
        assert_clean("stderr", &self.stderr);
        assert_ne!(self.status, 101, "prism panicked: {}", self.err());
        assert_eq!(
            self.status,
            status,
            "stdout: {}\nstderr: {}",
            self.out(),
            self.err()
        );
        self
    }
}

/// Nothing a terminal acts on: valid UTF-8 with no control character but
/// newline and tab, and no bidi override. The key never shows.
fn assert_clean(stream: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes)
        .unwrap_or_else(|e| panic!("{stream} is not UTF-8 ({e}): {bytes:?}"));
    for (at, c) in text.char_indices() {
        let acts = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        assert!(
            !acts,
            "{stream} holds U+{:04X} at byte {at}: …{}…",
            c as u32,
            text[at.saturating_sub(40)..]
                .chars()
                .take(80)
                .collect::<String>()
        );
    }
    assert!(!text.contains(TEST_KEY), "{stream} shows the key");
}

async fn prism(home: &Path, args: &[&str]) -> Raw {
    let mut command = tokio::process::Command::from(prism_cmd(home));
    command.args(args).stdin(Stdio::null());
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("prism finished in time")
        .expect("prism ran");
    Raw {
        status: output.status.code().unwrap_or(-1),
        stdout: output.stdout,
        stderr: output.stderr,
    }
}

/// `prism --config CONFIG compare` against the fake, no retries.
async fn compare(home: &Path, fake: &FakeUpstream, args: &[&str]) -> Raw {
    let config = write_config(
        home,
        &openrouter_config(&fake.base_url(), Some("PRISM_TEST_KEY")),
    );
    let config = config.to_string_lossy().into_owned();
    let mut all = vec!["--config", &config, "compare"];
    if !args.contains(&"--max-retries") {
        all.extend(["--max-retries", "0"]);
    }
    all.extend_from_slice(args);
    prism(home, &all).await
}

fn result(value: &Value, index: usize) -> &Value {
    &value["results"][index]
}

fn notes(result: &Value) -> Vec<String> {
    result["notes"]
        .as_array()
        .map(|notes| {
            notes
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_catalog_table_and_json_show_hostile_ids_safely_and_absurd_prices_as_unknown() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.hostile();
    let url = fake.base_url();
    // Live, then from the cache on a later run (no panic either time).
    for _ in 0..2 {
        let run = prism(
            home.path(),
            &["models", "--base-url", &url, "--sort", "name"],
        )
        .await;
        run.expect(0);
        let lines: Vec<&str> = run.out().lines().collect();
        // A newline in an id cannot start a row: a header and six models.
        assert_eq!(lines.len(), 7, "{}", run.out());
        assert!(
            run.out().contains("openai/gpt<U+200B>-4o"),
            "a zero-width space is shown: {}",
            run.out()
        );
        assert!(run.out().contains("␛]0;pwned␇"), "{}", run.out());
        for id in ["huge/price", "big/price", "negative/price"] {
            let row = lines.iter().find(|l| l.starts_with(id)).expect(id);
            assert!(
                row.ends_with("?        ?") || row.trim_end().ends_with('?'),
                "{row}"
            );
            assert!(!row.contains('$'), "no made-up price: {row}");
        }
        assert!(
            run.err()
                .contains("prices in the catalog are beyond belief and shown as unknown"),
            "{}",
            run.err()
        );
    }
    assert_eq!(
        fake.requests_to("/models").len(),
        1,
        "the second run used the cache"
    );

    let run = prism(home.path(), &["models", "--base-url", &url, "--json"]).await;
    run.expect(0);
    let text = run.out();
    for escaped in ["\\u001b", "\\u009b", "\\u202e", "\\u200b", "\\u007f"] {
        assert!(text.contains(escaped), "{escaped} escaped: {text}");
    }
    let value = run.json();
    let model = |id: &str| {
        value["models"]
            .as_array()
            .and_then(|models| models.iter().find(|m| m["id"] == json!(id)))
            .unwrap_or_else(|| panic!("{id} listed"))
            .clone()
    };
    assert_eq!(model(LOOKALIKE_ID)["usd_per_1m_input"], json!("2.5"));
    for id in ["huge/price", "big/price", "negative/price"] {
        assert_eq!(model(id)["usd_per_1m_input"], Value::Null, "{id}");
        assert_eq!(model(id)["usd_per_1m_output"], Value::Null, "{id}");
    }
    assert_eq!(
        model(&format!("evil/{HOSTILE}"))["name"],
        json!(format!("Evil {HOSTILE}"))
    );
}

#[tokio::test]
async fn a_hostile_local_server_cannot_reach_the_terminal() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.hostile();
    let config = write_config(
        home.path(),
        &format!(
            "[discovery]\nports = {{ ollama = 0, lmstudio = 0, llamacpp = 0, vllm = {} }}\n",
            fake.addr.port()
        ),
    );
    let config = config.to_string_lossy().into_owned();
    let run = prism(home.path(), &["--config", &config, "models", "--local"]).await;
    run.expect(0);
    assert!(
        run.out().contains("vllm:openai/gpt<U+200B>-4o"),
        "{}",
        run.out()
    );
    assert_eq!(run.out().lines().count(), 7, "{}", run.out());
    assert!(
        run.err()
            .contains("prices in the catalog are beyond belief"),
        "{}",
        run.err()
    );
    let run = prism(
        home.path(),
        &["--config", &config, "models", "--local", "--json"],
    )
    .await;
    run.expect(0);
    assert!(run.out().contains("\\u009b") && run.out().contains("\\u202e"));
}

#[tokio::test]
async fn every_compare_format_shows_server_strings_safely() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.hostile();
    // A retry first: the notice on stderr carries the server's message.
    fake.script(
        "a/retried",
        vec![
            Reply::error(500, &format!("upstream said {HOSTILE}")).with_header("retry-after", "0"),
            hostile_strings_reply(),
        ],
    );
    let models = ["-m", "a/retried", "-m", "b/model"];
    let mut args = vec!["--max-retries", "1"];
    args.extend_from_slice(&models);

    let text = compare(home.path(), &fake, &[&args[..], &["q"]].concat()).await;
    text.expect(0);
    assert!(text.out().contains("answer ␛]0;pwned␇"), "{}", text.out());
    assert!(
        text.err().contains("upstream said ␛]0;pwned␇"),
        "{}",
        text.err()
    );
    // The figures table: one row per model and the total, whatever the
    // strings hold, then the legend of the retried column's figures.
    let table: Vec<&str> = text
        .err()
        .lines()
        .skip_while(|l| !l.starts_with("model"))
        .collect();
    assert_eq!(table.len(), 5, "{}", text.err());
    assert!(
        table[4].starts_with("start→ttft, start→end: "),
        "{}",
        text.err()
    );
    assert!(table[1].contains("stop␛]0;pwned␇"), "{}", table[1]);

    let markdown = compare(
        home.path(),
        &fake,
        &[&models[..], &["--format", "markdown", "q"]].concat(),
    )
    .await;
    markdown.expect(0);
    let rows = markdown
        .out()
        .lines()
        .filter(|l| l.starts_with("| "))
        .count();
    assert_eq!(rows, 4, "header, two models, total: {}", markdown.out());

    let json = compare(
        home.path(),
        &fake,
        &[&models[..], &["--format", "json", "q"]].concat(),
    )
    .await;
    json.expect(0);
    for escaped in ["\\u001b", "\\u009b", "\\u202e", "\\u200b", "\\u007f"] {
        assert!(json.out().contains(escaped), "{escaped}: {}", json.out());
    }
    let value = json.json();
    assert_eq!(
        result(&value, 1)["finish_reason"],
        json!(format!("stop{HOSTILE}"))
    );
    assert_eq!(
        result(&value, 1)["provider"],
        json!(format!("Fake{HOSTILE}Provider"))
    );
}

#[tokio::test]
async fn costs_beyond_belief_are_unknown_with_a_reason_and_the_text_is_kept() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    let cases = [
        (
            "a/huge",
            r#"{"prompt_tokens":5,"completion_tokens":3,"cost":7e28}"#,
        ),
        (
            "b/huge",
            r#"{"prompt_tokens":5,"completion_tokens":3,"cost":7e28}"#,
        ),
        (
            "c/negative",
            r#"{"prompt_tokens":5,"completion_tokens":3,"cost":-7.5}"#,
        ),
        (
            "d/overflow",
            r#"{"prompt_tokens":5,"completion_tokens":3,"cost":1e400}"#,
        ),
        (
            "e/string",
            r#"{"prompt_tokens":5,"completion_tokens":3,"cost":"0.5"}"#,
        ),
        (
            "f/float",
            r#"{"prompt_tokens":5.5,"completion_tokens":-3,"cost":0.0001}"#,
        ),
        (
            "g/dup",
            r#"{"prompt_tokens":5,"completion_tokens":3,"cost":0.5,"cost":0.0002}"#,
        ),
        // Half a surrogate pair in a known field of the chunk (after `usage`).
        (
            "h/surrogate",
            r#"{"prompt_tokens":5,"completion_tokens":3,"cost":0.0003},"provider":"P\ud800""#,
        ),
    ];
    let mut args = Vec::new();
    for (model, usage) in cases {
        fake.script(model, vec![answer_with_raw_usage(model, usage)]);
        args.extend(["-m", model]);
    }
    let text = compare(home.path(), &fake, &[&args[..], &["q"]].concat()).await;
    text.expect(0);
    let stderr = text.err();
    for reason in [
        "a/huge: usage.cost 7e28 is above the $10000 believable for one answer: the cost is unknown",
        "c/negative: usage.cost -7.5 is negative: the cost is unknown",
        "d/overflow: usage.cost 1e400 is out of range: the cost is unknown",
        "e/string: usage.cost \"0.5\" is not a number: the cost is unknown",
        "f/float: usage.prompt_tokens 5.5 is not a whole number: the token counts are unknown",
    ] {
        assert!(stderr.contains(reason), "{reason}\n{stderr}");
    }
    assert!(!stderr.contains("-$"), "{stderr}");
    assert!(!stderr.contains("$70000"), "{stderr}");
    let total = stderr
        .lines()
        .find(|l| l.starts_with("total"))
        .expect("total row");
    // The known costs only, and it says it is a floor.
    assert!(total.ends_with("$0.0006+ (5 unknown)"), "{total}");

    let json = compare(
        home.path(),
        &fake,
        &[&args[..], &["--format", "json", "q"]].concat(),
    )
    .await;
    json.expect(0);
    let value = json.json();
    for index in 0..cases.len() {
        let result = result(&value, index);
        assert_eq!(result["text"], json!("the answer survives"), "{result}");
        assert_eq!(result["error"], Value::Null, "{result}");
    }
    for index in 0..5 {
        assert_eq!(result(&value, index)["cost_usd"], Value::Null);
        assert_eq!(
            notes(result(&value, index)).len(),
            1,
            "{}",
            result(&value, index)
        );
    }
    assert_eq!(result(&value, 5)["usage"], Value::Null);
    assert_eq!(result(&value, 5)["cost_usd"], json!(0.0001));
    assert_eq!(
        result(&value, 6)["cost_usd"],
        json!(0.0002),
        "the last of a repeated key"
    );
    assert_eq!(result(&value, 7)["cost_usd"], json!(0.0003));
    // Some costs are unknown: no total, the known part and how many are missing.
    assert_eq!(value["total_cost_usd"], Value::Null);
    assert_eq!(value["known_cost_usd"], json!(0.0006));
    assert_eq!(value["unpriced_results"], json!(5));
}

#[tokio::test]
async fn catalog_prices_times_token_counts_beyond_belief_are_unknown() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.catalog(
        json!({"data": [
            {"id": "big/price", "pricing": {"prompt": "1e11", "completion": "1e11"}},
            {"id": "dear/model", "pricing": {"prompt": "0.9", "completion": "0.9"}}
        ]})
        .to_string(),
    );
    fake.script(
        "big/price",
        vec![answer_with_raw_usage(
            "big/price",
            r#"{"prompt_tokens":18446744073709551615,"completion_tokens":18446744073709551615}"#,
        )],
    );
    fake.script(
        "dear/model",
        vec![answer_with_raw_usage(
            "dear/model",
            r#"{"prompt_tokens":10000000000,"completion_tokens":10000000000}"#,
        )],
    );
    let run = compare(
        home.path(),
        &fake,
        &["-m", "big/price", "-m", "dear/model", "q"],
    )
    .await;
    run.expect(0);
    let stderr = run.err();
    assert!(
        stderr.contains(
            "big/price: usage.prompt_tokens 18446744073709551615 is more tokens than any answer has"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("dear/model: the cost from catalog prices × tokens is above the $10000 believable for one answer: the cost is unknown"),
        "{stderr}"
    );
    let total = stderr
        .lines()
        .find(|l| l.starts_with("total"))
        .expect("total row");
    assert!(total.ends_with("unknown"), "{total}");
}

#[tokio::test]
async fn replies_that_are_no_chat_completion_fail_in_one_line() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    let models_body = json!({"object": "list", "data": [{"id": "a/b"}]}).to_string();
    let cases: Vec<(&str, Reply, &str)> = vec![
        (
            "a/empty",
            ok_with("application/json", "{}"),
            "an empty JSON object ({}), not a chat completion",
        ),
        (
            "b/models",
            ok_with("application/json", &models_body),
            "a model list (what /models answers), not a chat completion",
        ),
        (
            "c/portal",
            captive_portal("text/html; charset=utf-8"),
            "HTML page from the server (title: Hotel Wi-Fi ␛[2J Login)",
        ),
        (
            "d/portal",
            captive_portal("text/plain"),
            "HTML page from the server (title: Hotel Wi-Fi ␛[2J Login)",
        ),
        (
            "e/299",
            Reply::status(299, "{}"),
            "HTTP 299 instead of 200 OK",
        ),
        (
            "f/999",
            Reply::status(999, "{}"),
            "answered HTTP 999, which is no answer",
        ),
        (
            "g/events",
            Reply::Stream(StreamReply::new(vec![Piece::Data("{}".into())])),
            "the stream ended without a single chat completion chunk",
        ),
    ];
    let mut args = Vec::new();
    for (model, reply, _) in &cases {
        fake.script(model, vec![reply.clone()]);
        args.extend(["-m", *model]);
    }
    let json = compare(
        home.path(),
        &fake,
        &[&args[..], &["--format", "json", "q"]].concat(),
    )
    .await;
    json.expect(1);
    let value = json.json();
    for (index, (model, _, says)) in cases.iter().enumerate() {
        let error = &result(&value, index)["error"];
        assert_eq!(
            error["kind"],
            json!("malformed_response"),
            "{model}: {error}"
        );
        let message = error["message"].as_str().expect("message");
        assert!(message.contains(says), "{model}: {message}");
        assert!(
            !message.contains('<') && !message.contains('\n'),
            "{model}: {message}"
        );
        assert_eq!(result(&value, index)["text"], json!(""), "{model}");
    }
    let text = compare(home.path(), &fake, &[&args[..], &["q"]].concat()).await;
    text.expect(1);
    // Failures go to stderr; stdout keeps answers only.
    assert!(
        text.err()
            .contains("prism: c/portal failed: malformed response: HTML page from the server"),
        "{}",
        text.err()
    );
    assert!(!text.out().contains("failed"), "{}", text.out());
    assert!(!text.out().contains("<script>") && !text.err().contains("<script>"));
}

/// A session whose two answers report costs of 7e28 (and one of -7.5), with
/// escapes in its labels and server strings, written as a file by hand.
fn hostile_session(id: &str) -> Value {
    let answer = |column: u64, cost: Value, error: Value| {
        json!({"column": column, "complete": true, "result": {
            "model": format!("m{column}"), "served_model": format!("served{HOSTILE}"),
            "provider": format!("P{HOSTILE}"), "via": "openrouter",
            "text": format!("text {HOSTILE}"), "reasoning": "", "finish_reason": format!("stop{HOSTILE}"),
            "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
            "cost_usd": cost, "cost_source": "reported", "ttft_ms": 100, "total_ms": 300,
            "tokens_per_s": 10.0, "attempts": [], "error": error
        }})
    };
    json!({
        "schema_version": 1, "id": id, "name": format!("title {HOSTILE}"),
        "created_at_unix": 1_795_534_200, "updated_at_unix": 1_795_534_260,
        "columns": [
            {"id": 1, "label": format!("evil/{HOSTILE}"), "chain": [{"provider": "openrouter", "model": format!("evil/{HOSTILE}")}]},
            {"id": 2, "label": LOOKALIKE_ID, "chain": [{"provider": "openrouter", "model": "x"}]}
        ],
        "turns": [
            {"prompt": format!("prompt {HOSTILE}"), "started_at_unix": 1_795_534_200,
             "answers": [answer(1, json!(7e28), Value::Null), answer(2, json!(7e28), Value::Null)],
             "vote": {"verdict": {"kind": "best", "column": 1}, "blind": false, "at_unix": 1_795_534_260}},
            {"prompt": "second", "started_at_unix": 1_795_534_230,
             "answers": [
                 answer(1, json!(-7.5), json!({"kind": "server_error", "status": 500, "message": format!("boom {HOSTILE}")})),
                 answer(2, json!(0.25), Value::Null)
             ]}
        ]
    })
}

fn write_session(home: &Path, value: &Value) -> PathBuf {
    let dir = home.join("data").join("prism").join("sessions");
    std::fs::create_dir_all(&dir).expect("sessions dir");
    let path = dir.join(format!("{}.json", value["id"].as_str().expect("id")));
    std::fs::write(&path, serde_json::to_vec_pretty(value).expect("json")).expect("write");
    path
}

#[tokio::test]
async fn session_files_with_costs_beyond_belief_list_show_and_export_safely() {
    let home = tempfile::tempdir().expect("home");
    write_session(home.path(), &hostile_session("20261124-153000-bad0"));
    let mut fine = hostile_session("20261124-153000-f1e0");
    fine["turns"] = json!([]);
    fine["name"] = json!("a fine one");
    write_session(home.path(), &fine);

    let list = prism(home.path(), &["sessions", "list"]).await;
    list.expect(0);
    let rows: Vec<&str> = list.out().lines().collect();
    assert_eq!(rows.len(), 3, "a header and both sessions: {}", list.out());
    let bad = rows
        .iter()
        .find(|r| r.starts_with("20261124-153000-bad0"))
        .expect("listed");
    assert!(
        bad.ends_with("$0.25+ (3 unknown)"),
        "the known cost, a floor: {bad}"
    );
    let list = prism(home.path(), &["sessions", "list", "--json"]).await;
    list.expect(0);
    assert_eq!(list.json()["sessions"].as_array().map(Vec::len), Some(2));

    let show = prism(home.path(), &["sessions", "show", "20261124-153000-bad0"]).await;
    show.expect(0);
    assert!(
        show.out().contains(
            "note: cost_usd 7e+28 is above the $10000 believable for one answer: shown as unknown"
        ),
        "{}",
        show.out()
    );
    assert!(
        show.out()
            .contains("note: cost_usd -7.5 is negative: shown as unknown"),
        "{}",
        show.out()
    );
    assert!(
        show.out().contains("2 turns · 1 vote · cost $0.25"),
        "{}",
        show.out()
    );
    assert!(
        !show.out().contains("-$") && !show.out().contains("$7000"),
        "{}",
        show.out()
    );

    let markdown = prism(home.path(), &["sessions", "export", "20261124-153000-bad0"]).await;
    markdown.expect(0);
    assert!(
        markdown.out().contains("> *Note:* cost_usd 7e+28"),
        "{}",
        markdown.out()
    );
    let exported = prism(
        home.path(),
        &[
            "sessions",
            "export",
            "20261124-153000-bad0",
            "--format",
            "json",
        ],
    )
    .await;
    exported.expect(0);
    assert!(exported.out().contains("\\u009b") && exported.out().contains("\\u202e"));
    assert_eq!(
        exported.json()["turns"][0]["answers"][0]["result"]["cost_usd"],
        Value::Null
    );

    let board = prism(home.path(), &["leaderboard"]).await;
    board.expect(0);
    assert!(board.out().contains("evil/␛]0;pwned␇"), "{}", board.out());
    let board = prism(home.path(), &["leaderboard", "--json"]).await;
    board.expect(0);
}

#[tokio::test]
async fn route_shows_config_text_safely() {
    let home = tempfile::tempdir().expect("home");
    let config = write_config(
        home.path(),
        "[routers.r]\ndefault = \"a/b\"\n[[routers.r.rules]]\nname = \"rule \\u001b]0;pwned\\u0007 \\u202e x\"\nmodel = \"c/d\"\n",
    );
    let config = config.to_string_lossy().into_owned();
    let run = prism(home.path(), &["--config", &config, "route", "r", "hello"]).await;
    run.expect(0);
    assert!(
        run.out().contains("rule ␛]0;pwned␇ \u{FFFD} x"),
        "{}",
        run.out()
    );
    let run = prism(
        home.path(),
        &["--config", &config, "route", "r", "--json", "hello"],
    )
    .await;
    run.expect(0);
    assert!(run.out().contains("\\u202e"), "{}", run.out());
}
