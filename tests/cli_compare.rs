//! The real `prism` binary against the fake upstream: the `compare` and
//! `models` contracts (output formats, exit statuses, ordering, errors)
//! as scripts see them.

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

use support::TEST_KEY;
use support::cli::{Output, openrouter_config, prism_cmd, run, write_config};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};

/// Runs prism with isolated config/cache/data dirs and the test key in `PRISM_TEST_KEY`.
async fn prism(home: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = prism_cmd(home);
    command.args(args);
    run(command, stdin).await
}

fn base_args(fake: &FakeUpstream) -> Vec<String> {
    vec![
        "compare".into(),
        "--base-url".into(),
        fake.base_url(),
        "--api-key-env".into(),
        "PRISM_TEST_KEY".into(),
        "--max-retries".into(),
        "0".into(),
    ]
}

async fn compare(home: &Path, fake: &FakeUpstream, extra: &[&str], stdin: Option<&str>) -> Output {
    let mut args = base_args(fake);
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    prism(home, &args, stdin).await
}

fn catalog_json() -> String {
    json!({"data": [
        {"id": "openai/gpt-4o", "name": "OpenAI: GPT-4o", "created": 1715367049, "context_length": 128000,
         "pricing": {"prompt": "0.0000025", "completion": "0.00001"}, "top_provider": {"max_completion_tokens": 16384},
         "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]}, "supported_parameters": ["temperature"]},
        {"id": "openai/gpt-4o-mini", "name": "OpenAI: GPT-4o-mini", "created": 1721260800, "context_length": 128000,
         "pricing": {"prompt": "0.00000015", "completion": "0.0000006"}},
        {"id": "meta-llama/llama-3.1-8b-instruct:free", "name": "Meta: Llama 3.1 8B (free)", "created": 1721692800, "context_length": 131072,
         "pricing": {"prompt": "0", "completion": "0"}},
        {"id": "openrouter/auto", "name": "Auto Router", "created": 1699401600, "context_length": 2000000,
         "pricing": {"prompt": "-1", "completion": "-1"}}
    ]})
    .to_string()
}

#[tokio::test]
async fn json_results_in_order_with_a_failure_kept_apart() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.script(
        "a/first",
        vec![Reply::Stream(StreamReply::tokens(
            "a/first",
            &["One", " two"],
        ))],
    );
    fake.script("b/broke", vec![Reply::error(402, "Insufficient credits")]);
    fake.script(
        "c/third",
        vec![Reply::Stream(StreamReply::tokens("c/third", &["Three"]))],
    );
    let out = compare(
        home.path(),
        &fake,
        &[
            "-m",
            "a/first",
            "--fallback",
            "b/broke",
            "-m",
            "c/third",
            "--format",
            "json",
            "Hello?",
        ],
        None,
    )
    .await;
    assert_eq!(out.status, 1, "one column failed: {}", out.stderr);
    let value = out.json();
    assert_eq!(value["prompt"], json!("Hello?"));
    let results = value["results"].as_array().expect("results");
    let models: Vec<&str> = results
        .iter()
        .map(|r| r["model"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        models,
        vec!["a/first", "b/broke", "c/third"],
        "the order given"
    );
    assert_eq!(results[0]["text"], json!("One two"));
    assert_eq!(results[0]["served_model"], json!("a/first"));
    assert_eq!(results[0]["provider"], json!("FakeProvider"));
    assert_eq!(results[0]["finish_reason"], json!("stop"));
    assert_eq!(results[0]["usage"]["prompt_tokens"], json!(12));
    assert_eq!(results[0]["usage"]["completion_tokens"], json!(2));
    assert_eq!(results[0]["usage"]["total_tokens"], json!(14));
    assert_eq!(results[0]["cost_usd"], json!(0.000042));
    assert_eq!(results[0]["cost_source"], json!("reported"));
    assert!(results[0]["ttft_ms"].is_u64());
    assert!(results[0]["total_ms"].is_u64());
    assert!(results[0]["error"].is_null());
    assert_eq!(results[0]["attempts"].as_array().map(Vec::len), Some(1));
    assert_eq!(results[1]["error"]["kind"], json!("insufficient_credits"));
    assert_eq!(results[1]["error"]["status"], json!(402));
    assert!(
        results[1]["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("Insufficient credits")
    );
    assert_eq!(results[1]["text"], json!(""));
    assert!(results[1]["cost_usd"].is_null());
    assert_eq!(results[2]["text"], json!("Three"));
    assert_eq!(value["total_cost_usd"], json!(0.000084));
}

#[tokio::test]
async fn the_prompt_can_come_from_stdin() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.script(
        "a/model",
        vec![Reply::Stream(StreamReply::tokens("a/model", &["ok"]))],
    );
    let out = compare(
        home.path(),
        &fake,
        &[
            "-m",
            "a/model",
            "--format",
            "json",
            "--system",
            "Be terse",
            "--temperature",
            "0.3",
            "--max-tokens",
            "50",
        ],
        Some("Piped prompt\nwith two lines"),
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let value = out.json();
    assert_eq!(value["prompt"], json!("Piped prompt\nwith two lines"));
    let body = fake.chat_requests()[0].json();
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "Be terse"})
    );
    assert_eq!(
        body["messages"][1]["content"],
        json!("Piped prompt\nwith two lines")
    );
    assert_eq!(body["temperature"], json!(0.3));
    assert_eq!(body["max_tokens"], json!(50));
    assert_eq!(
        fake.chat_requests()[0].header("authorization"),
        Some(format!("Bearer {TEST_KEY}").as_str())
    );
}

#[tokio::test]
async fn usage_errors_exit_2_with_the_reason() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    let out = compare(home.path(), &fake, &["Q"], None).await;
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("no models to compare"),
        "{}",
        out.stderr
    );

    let out = compare(home.path(), &fake, &["-m", "x/y"], Some("   ")).await;
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("prompt is empty"), "{}", out.stderr);

    let config = home.path().join("bad.toml");
    std::fs::write(&config, "[network]\nmax_retrys = 1\n").expect("write config");
    let out = prism(
        home.path(),
        &[
            "--config",
            config.to_str().unwrap_or_default(),
            "compare",
            "-m",
            "x",
            "Q",
        ],
        None,
    )
    .await;
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("bad.toml") && out.stderr.contains("max_retrys"),
        "{}",
        out.stderr
    );

    let out = prism(
        home.path(),
        &["compare", "--format", "yaml", "-m", "x", "Q"],
        None,
    )
    .await;
    assert_eq!(out.status, 2);
}

#[tokio::test]
async fn models_come_from_the_server_then_the_cache() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.catalog(catalog_json());
    let url = fake.base_url();
    let out = prism(
        home.path(),
        &["models", "--base-url", &url, "--sort", "price"],
        None,
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["id", "context", "$/1M", "in", "$/1M", "out"]
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        [
            "meta-llama/llama-3.1-8b-instruct:free",
            "131k",
            "free",
            "free"
        ]
    );
    assert_eq!(
        lines[2].split_whitespace().collect::<Vec<_>>(),
        ["openai/gpt-4o-mini", "128k", "$0.15", "$0.60"]
    );
    assert_eq!(
        lines[3].split_whitespace().collect::<Vec<_>>(),
        ["openai/gpt-4o", "128k", "$2.50", "$10.00"]
    );
    assert_eq!(
        lines[4].split_whitespace().collect::<Vec<_>>(),
        ["openrouter/auto", "2M", "?", "?"]
    );
    assert!(out.stderr.contains("catalog: live"), "{}", out.stderr);

    let out = prism(
        home.path(),
        &["models", "--base-url", &url, "--json", "--free"],
        None,
    )
    .await;
    let value = out.json();
    assert_eq!(value["source"], json!("cache"));
    assert_eq!(value["count"], json!(1));
    assert_eq!(
        value["models"][0]["id"],
        json!("meta-llama/llama-3.1-8b-instruct:free")
    );
    assert_eq!(value["models"][0]["usd_per_1m_input"], json!("0"));
    assert_eq!(fake.requests_to("/models").len(), 1, "fresh cache used");

    let out = prism(
        home.path(),
        &[
            "models",
            "--base-url",
            &url,
            "--json",
            "--search",
            "4o mini",
        ],
        None,
    )
    .await;
    let value = out.json();
    assert_eq!(value["models"][0]["usd_per_1m_output"], json!("0.6"));
    assert_eq!(value["count"], json!(1));

    drop(fake);
    let out = prism(
        home.path(),
        &["models", "--base-url", &url, "--refresh"],
        None,
    )
    .await;
    assert_eq!(out.status, 0);
    assert!(out.stderr.contains("could not refresh"), "{}", out.stderr);
    assert!(
        out.stderr.contains("catalog: cache, fetched"),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn unknown_models_get_suggestions_and_unpriced_answers_get_computed_costs() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.catalog(catalog_json());
    fake.script(
        "gpt-4o",
        vec![Reply::error(404, "Model gpt-4o does not exist")],
    );
    fake.script(
        "openai/gpt-4o",
        vec![Reply::Stream(
            StreamReply::tokens("openai/gpt-4o", &["a", "b"]).without_cost(),
        )],
    );
    let out = compare(
        home.path(),
        &fake,
        &[
            "-m",
            "gpt-4o",
            "-m",
            "openai/gpt-4o",
            "--format",
            "json",
            "Q",
        ],
        None,
    )
    .await;
    assert_eq!(out.status, 1);
    let value = out.json();
    let error = &value["results"][0]["error"];
    assert_eq!(error["kind"], json!("unknown_model"));
    let message = error["message"].as_str().unwrap_or("");
    assert!(message.contains("did you mean openai/gpt-4o"), "{message}");
    // 12 prompt tokens at $2.50/M + 2 completion tokens at $10/M.
    assert_eq!(value["results"][1]["cost_usd"], json!(0.00005));
    assert_eq!(value["results"][1]["cost_source"], json!("computed"));
}

#[tokio::test]
async fn a_server_without_prices_gives_unknown_cost_not_zero() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.catalog(json!({"object": "list", "data": [{"id": "llama3.2:3b", "object": "model", "owned_by": "library"}]}).to_string());
    fake.script(
        "llama3.2:3b",
        vec![Reply::Stream(
            StreamReply::tokens("llama3.2:3b", &["local"]).without_cost(),
        )],
    );
    let out = compare(
        home.path(),
        &fake,
        &["-m", "llama3.2:3b", "--format", "json", "Q"],
        None,
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let value = out.json();
    assert!(value["results"][0]["cost_usd"].is_null());
    assert!(value["results"][0]["cost_source"].is_null());
    assert!(value["total_cost_usd"].is_null());
    let out = compare(home.path(), &fake, &["-m", "llama3.2:3b", "Q"], None).await;
    assert!(out.stderr.contains("unknown"), "{}", out.stderr);
}

#[tokio::test]
async fn openrouter_kind_from_the_config_sends_chains_server_side() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.server_side_fallback(true);
    fake.script("a/down", vec![Reply::error(503, "down")]);
    fake.script(
        "b/up",
        vec![Reply::Stream(StreamReply::tokens("b/up", &["from b"]))],
    );
    let config = write_config(
        home.path(),
        &openrouter_config(&fake.base_url(), Some("PRISM_TEST_KEY")),
    );
    let config = config.to_string_lossy().to_string();
    let out = prism(
        home.path(),
        &[
            "--config",
            &config,
            "compare",
            "--fallback",
            "a/down,b/up",
            "--format",
            "json",
            "Q",
        ],
        None,
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let value = out.json();
    assert_eq!(value["results"][0]["model"], json!("a/down,b/up"));
    assert_eq!(value["results"][0]["served_model"], json!("b/up"));
    let requests = fake.chat_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].json()["models"], json!(["b/up"]));
    assert_eq!(requests[0].header("x-title"), Some("prism"));
}

#[tokio::test]
async fn reported_ttft_tracks_the_upstream_delay() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.script(
        "a/model",
        vec![Reply::Stream(
            StreamReply::tokens("a/model", &["x", "y"])
                .first_token_delay(Duration::from_millis(400)),
        )],
    );
    let out = compare(
        home.path(),
        &fake,
        &["-m", "a/model", "--format", "json", "Q"],
        None,
    )
    .await;
    let value = out.json();
    let ttft = value["results"][0]["ttft_ms"].as_u64().expect("ttft");
    // A lower bound: the upstream waits that long, a loaded machine longer.
    assert!(ttft >= 400, "ttft {ttft}ms for a 400ms upstream delay");
}

#[tokio::test]
async fn a_missing_key_says_what_to_set() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    // OpenRouter as configured by default, but at the fake's address.
    let config = write_config(home.path(), &openrouter_config(&fake.base_url(), None));
    let config = config.to_string_lossy().to_string();
    let out = prism(
        home.path(),
        &[
            "--config",
            &config,
            "compare",
            "-m",
            "openai/gpt-4o",
            "--format",
            "json",
            "Q",
        ],
        None,
    )
    .await;
    assert_eq!(out.status, 1);
    let value = out.json();
    let error = &value["results"][0]["error"];
    assert_eq!(error["kind"], json!("missing_api_key"));
    assert!(
        error["message"]
            .as_str()
            .unwrap_or("")
            .contains("OPENROUTER_API_KEY")
    );
    assert!(fake.chat_requests().is_empty());
}
