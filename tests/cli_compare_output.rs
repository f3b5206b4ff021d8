//! What `prism compare` prints, as a user reads it: the answer alone on
//! stdout (failures and reasoning on stderr, apart), reasoning in the
//! Markdown report when asked, server HTML pages summarised, answers cut
//! short marked, totals that never pass a floor off as the sum, the wait
//! from the start beside the answering attempt's own times, suggestions
//! for unknown ids in every attempt, one answer streamed alone or several
//! as sections in order, and the Markdown report.

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
use std::time::Duration;

use serde_json::json;

use support::cli::{Output, prism_cmd, run};
use support::fake_upstream::{FakeUpstream, Piece, Reply, StreamReply, chunk, usage_chunk};

/// `prism compare` against the fake upstream; no retries unless `extra` asks.
async fn compare(home: &Path, fake: &FakeUpstream, extra: &[&str]) -> Output {
    let mut command = prism_cmd(home);
    let base_url = fake.base_url();
    command.args([
        "compare",
        "--base-url",
        &base_url,
        "--api-key-env",
        "PRISM_TEST_KEY",
    ]);
    if !extra.contains(&"--max-retries") {
        command.args(["--max-retries", "0"]);
    }
    command.args(extra);
    run(command, None).await
}

/// Reasoning, then an answer, with usage and a cost.
fn thinking_reply(model: &str) -> Reply {
    Reply::Stream(StreamReply::new(vec![
        Piece::Data(chunk(model, json!({"reasoning": "Weigh it up."}), None)),
        Piece::Pause(std::time::Duration::from_millis(30)),
        Piece::Data(chunk(
            model,
            json!({"content": "The answer."}),
            Some("stop"),
        )),
        Piece::Data(usage_chunk(model, 5, 7, Some(0.00002))),
    ]))
}

#[tokio::test]
async fn failures_go_to_stderr_and_only_answers_to_stdout() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.script(
        "a/model",
        vec![Reply::Stream(StreamReply::tokens("a/model", &["Fine."]))],
    );
    fake.script("b/model", vec![Reply::error(500, "upstream exploded")]);
    let out = compare(home.path(), &fake, &["-m", "a/model", "-m", "b/model", "Q"]).await;
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "━━ [1/2] a/model ━━\nFine.\n\n━━ [2/2] b/model ━━\n\n"
    );
    assert!(
        out.stderr
            .contains("prism: b/model failed: openrouter failed (500): upstream exploded"),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn reasoning_is_kept_apart_from_the_answer() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(thinking_reply);
    let out = compare(home.path(), &fake, &["-m", "a/model", "--reasoning", "Q"]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "The answer.\n");
    assert!(
        out.stderr
            .starts_with("── reasoning ──\nWeigh it up.\n── end of reasoning ──\n"),
        "{}",
        out.stderr
    );
    // The first answer token after the reasoning is a figure of its own.
    assert!(out.stderr.contains("  answer  "), "{}", out.stderr);

    let quiet = compare(home.path(), &fake, &["-m", "a/model", "Q"]).await;
    assert!(!quiet.stderr.contains("Weigh it up"), "{}", quiet.stderr);

    // Several columns: each one's reasoning comes framed, in column order.
    let two = compare(
        home.path(),
        &fake,
        &["-m", "a/model", "-m", "b/model", "--reasoning", "Q"],
    )
    .await;
    assert!(!two.stdout.contains("Weigh"), "{}", two.stdout);
    let a = two.stderr.find("── reasoning of a/model ──");
    let b = two.stderr.find("── reasoning of b/model ──");
    assert!(a.is_some() && b.is_some() && a < b, "{}", two.stderr);
}

#[tokio::test]
async fn the_markdown_report_includes_reasoning_when_asked() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(thinking_reply);
    let args = ["-m", "a/model", "--format", "markdown", "Q"];
    let plain = compare(home.path(), &fake, &args).await;
    assert!(!plain.stdout.contains("Weigh it up"), "{}", plain.stdout);
    let mut with = args.to_vec();
    with.insert(0, "--reasoning");
    let report = compare(home.path(), &fake, &with).await;
    assert!(
        report
            .stdout
            .contains("**Reasoning**\n\n> Weigh it up.\n\n**Answer**\n\nThe answer.\n"),
        "{}",
        report.stdout
    );
}

#[tokio::test]
async fn an_html_error_page_is_summarised_never_printed_raw() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
                <body><h1>502</h1><script>alert(1)</script></body></html>";
    // OpenRouter passes an upstream's page on in metadata.raw…
    let wrapped = json!({"error": {"code": 502, "message": "Provider returned error",
        "metadata": {"provider_name": "Lepton", "raw": page}}});
    fake.script("a/model", vec![Reply::status(502, wrapped.to_string())]);
    // …and a proxy may put it in the message itself.
    let inline = json!({"error": {"code": 503, "message": page}});
    fake.script("b/model", vec![Reply::status(503, inline.to_string())]);
    for format in ["text", "json", "markdown"] {
        let out = compare(
            home.path(),
            &fake,
            &["-m", "a/model", "-m", "b/model", "--format", format, "Q"],
        )
        .await;
        assert_eq!(out.status, 1, "{}", out.stderr);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(!all.contains("<html") && !all.contains("script"), "{all}");
        assert!(
            all.contains("HTML page from the server (title: 502 Bad Gateway) (provider Lepton)"),
            "{all}"
        );
        assert!(
            all.contains(
                "openrouter failed (503): HTML page from the server (title: 502 Bad Gateway)"
            ),
            "{all}"
        );
    }
}

#[tokio::test]
async fn answers_cut_short_are_marked() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    let cut = |model: &str, reason: &str| {
        Reply::Stream(StreamReply::new(vec![
            Piece::Data(chunk(
                model,
                json!({"content": "Half an ans"}),
                Some(reason),
            )),
            Piece::Data(usage_chunk(model, 5, 4, Some(0.00001))),
        ]))
    };
    fake.script("a/model", vec![cut("a/model", "length")]);
    fake.script("b/model", vec![cut("b/model", "content_filter")]);
    let args = ["-m", "a/model", "-m", "b/model"];
    let text = compare(home.path(), &fake, &[&args[..], &["Q"]].concat()).await;
    assert_eq!(text.status, 0, "{}", text.stderr);
    assert!(
        text.stderr.contains("cut: max tokens (length)"),
        "{}",
        text.stderr
    );
    assert!(
        text.stderr.contains("cut: content filter (content_filter)"),
        "{}",
        text.stderr
    );
    assert!(
        text.stderr.contains(
            "prism: a/model: the answer was cut short (max tokens, finish reason length)"
        ),
        "{}",
        text.stderr
    );
    let markdown = compare(
        home.path(),
        &fake,
        &[&args[..], &["--format", "markdown", "Q"]].concat(),
    )
    .await;
    assert!(
        markdown
            .stdout
            .contains("> **Cut short** (max tokens, finish reason length)"),
        "{}",
        markdown.stdout
    );
    assert!(
        markdown
            .stdout
            .contains("> **Cut short** (content filter, finish reason content\\_filter)"),
        "{}",
        markdown.stdout
    );
}

#[tokio::test]
async fn a_total_with_an_unknown_cost_is_a_floor_not_the_sum() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    // A server without prices: its catalog has none.
    fake.catalog(json!({"data": [{"id": "b/model"}]}).to_string());
    fake.script(
        "a/model",
        vec![Reply::Stream(StreamReply::tokens("a/model", &["priced"]))],
    );
    fake.script(
        "b/model",
        vec![Reply::Stream(
            StreamReply::tokens("b/model", &["unpriced"]).without_cost(),
        )],
    );
    let args = ["-m", "a/model", "-m", "b/model"];
    let text = compare(home.path(), &fake, &[&args[..], &["Q"]].concat()).await;
    assert_eq!(text.status, 0, "{}", text.stderr);
    let total = text
        .stderr
        .lines()
        .find(|l| l.starts_with("total "))
        .unwrap_or_default();
    assert!(total.ends_with("$0.000042+ (1 unknown)"), "{}", text.stderr);

    let json = compare(
        home.path(),
        &fake,
        &[&args[..], &["--format", "json", "Q"]].concat(),
    )
    .await
    .json();
    assert!(json["total_cost_usd"].is_null(), "{json}");
    assert_eq!(json["known_cost_usd"], json!(0.000042));
    assert_eq!(json["unpriced_results"], json!(1));

    let markdown = compare(
        home.path(),
        &fake,
        &[&args[..], &["--format", "markdown", "Q"]].concat(),
    )
    .await;
    assert!(
        markdown.stdout.contains("$0.000042+ (1 unknown) |"),
        "{}",
        markdown.stdout
    );
}

#[tokio::test]
async fn a_column_that_retried_shows_its_wait_from_the_start_beside_its_own_times() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.script(
        "a/model",
        vec![
            Reply::error(429, "slow down").with_header("Retry-After", "0"),
            Reply::Stream(StreamReply::tokens("a/model", &["Late", " but", " here"])),
        ],
    );
    let args = ["-m", "a/model", "--max-retries", "1"];
    let json = compare(
        home.path(),
        &fake,
        &[&args[..], &["--format", "json", "Q"]].concat(),
    )
    .await
    .json();
    let result = &json["results"][0];
    assert_eq!(
        result["attempts"].as_array().map(Vec::len),
        Some(2),
        "{json}"
    );
    let own = result["total_ms"].as_u64().expect("total_ms");
    let from_start = result["start_total_ms"].as_u64().expect("start_total_ms");
    assert!(from_start >= own, "{json}");
    assert!(result["start_ttft_ms"].as_u64().is_some(), "{json}");

    fake.script(
        "a/model",
        vec![
            Reply::error(429, "slow down").with_header("Retry-After", "0"),
            Reply::Stream(StreamReply::tokens("a/model", &["Late"])),
        ],
    );
    let text = compare(home.path(), &fake, &[&args[..], &["Q"]].concat()).await;
    let header = text
        .stderr
        .lines()
        .find(|l| l.starts_with("model "))
        .unwrap_or_default();
    assert!(
        header.contains("ttft") && header.contains("total  start→ttft  start→end"),
        "{}",
        text.stderr
    );
    assert!(
        text.stderr
            .contains("ttft and total: the answering attempt's own"),
        "{}",
        text.stderr
    );
}

#[tokio::test]
async fn unknown_ids_get_suggestions_in_every_attempt_too() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.catalog(
        json!({"data": [{"id": "anthropic/claude-3.5-sonnet", "pricing": {"prompt": "0.000003", "completion": "0.000015"}}]})
            .to_string(),
    );
    fake.script(
        "anthropic/claude-3.5-sonet",
        vec![Reply::error(
            400,
            "anthropic/claude-3.5-sonet is not a valid model ID",
        )],
    );
    let json = compare(
        home.path(),
        &fake,
        &["-m", "anthropic/claude-3.5-sonet", "--format", "json", "Q"],
    )
    .await
    .json();
    let result = &json["results"][0];
    let hint = "did you mean anthropic/claude-3.5-sonnet?";
    let error = result["error"]["message"].as_str().unwrap_or_default();
    assert!(error.ends_with(hint), "{json}");
    let attempt = result["attempts"][0]["error"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(attempt.ends_with(hint), "{json}");
}

#[tokio::test]
async fn text_streams_a_single_answer_to_stdout_and_figures_to_stderr() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.script(
        "a/model",
        vec![Reply::Stream(StreamReply::tokens(
            "a/model",
            &["Just", " the", " answer\x1b[2J"],
        ))],
    );
    let out = compare(home.path(), &fake, &["-m", "a/model", "Q"]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout, "Just the answer␛[2J\n",
        "escape sequences are neutralised"
    );
    assert!(out.stderr.contains("ttft"), "{}", out.stderr);
    assert!(out.stderr.contains("a/model"));
    assert!(out.stderr.contains("$0.000042"));
}

#[tokio::test]
async fn text_prints_several_answers_as_sections_in_order() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    // The second column finishes first; it must still print second.
    fake.script(
        "a/slow",
        vec![Reply::Stream(
            StreamReply::tokens("a/slow", &["slow", " one"])
                .piece_delay(Duration::from_millis(150)),
        )],
    );
    fake.script(
        "b/fast",
        vec![Reply::Stream(StreamReply::tokens("b/fast", &["fast one"]))],
    );
    let out = compare(home.path(), &fake, &["-m", "a/slow", "-m", "b/fast", "Q"]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "━━ [1/2] a/slow ━━\nslow one\n\n━━ [2/2] b/fast ━━\nfast one\n"
    );
}

#[tokio::test]
async fn markdown_is_a_report() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.script(
        "a/model",
        vec![Reply::Stream(StreamReply::tokens(
            "a/model",
            &["**Bold** answer"],
        ))],
    );
    fake.script("b/model", vec![Reply::error(429, "Rate limit exceeded")]);
    let out = compare(
        home.path(),
        &fake,
        &[
            "-m", "a/model", "-m", "b/model", "--format", "markdown", "Explain",
        ],
    )
    .await;
    assert_eq!(out.status, 1, "{out}");
    assert!(
        out.stdout
            .starts_with("# prism comparison\n\n## Prompt\n\n> Explain\n"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("## 1. a/model\n\n*Served by FakeProvider*\n\n**Bold** answer\n"),
        "{out}"
    );
    assert!(out.stdout.contains("## 2. b/model"), "{out}");
    assert!(out.stdout.contains("> **Failed** (rate_limited)"), "{out}");
    assert!(
        out.stdout
            .contains("| Model | Served by | TTFT | Total | Tokens/s | Tokens in→out | Cost |"),
        "{out}"
    );
    assert!(out.stdout.contains("| a/model | FakeProvider |"), "{out}");
}
