//! The real `prism compare` with OpenRouter provider preferences (flags over
//! the config's `[preferences]`, the privacy switch), what was sent and the
//! exact generation record in the JSON result, the overhead column, and
//! flag validation, against the fake upstream.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use std::path::Path;
use std::time::Duration;

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use support::cli::{Output, openrouter_config, prism_cmd, run, write_config};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};

/// Runs prism with isolated dirs, the test key in `PRISM_TEST_KEY`, and a
/// config making "openrouter" the fake (OpenRouter kind) plus `extra_config`.
async fn prism(home: &Path, fake: &FakeUpstream, extra_config: &str, args: &[&str]) -> Output {
    let config = write_config(
        home,
        &format!(
            "{}\n[providers.plain]\nbase_url = \"{}\"\nkind = \"openai\"\n\n[discovery]\nenabled = false\n\n{extra_config}",
            openrouter_config(&fake.base_url(), Some("PRISM_TEST_KEY")),
            fake.base_url()
        ),
    );
    let mut command = prism_cmd(home);
    command
        .arg("--config")
        .arg(&config)
        .args(["compare", "--max-retries", "0"])
        .args(args);
    run(command, None).await
}

async fn answering_fake() -> FakeUpstream {
    let fake = FakeUpstream::start().await;
    fake.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["Hi"])));
    fake
}

fn body_for(fake: &FakeUpstream, model: &str) -> Value {
    fake.chat_bodies()
        .into_iter()
        .find(|b| b["model"] == json!(model))
        .unwrap_or_else(|| panic!("no request for {model}"))
}

#[tokio::test]
async fn every_flag_reaches_every_openrouter_column() {
    let home = tempfile::tempdir().expect("home");
    let fake = answering_fake().await;
    let out = prism(
        home.path(),
        &fake,
        "",
        &[
            "-m",
            "openai/gpt-4o",
            "--fallback",
            "a/one,b/two",
            "-m",
            "plain:local-model",
            "--sort",
            "throughput",
            "--provider-order",
            "openai,azure",
            "--only",
            "openai,azure",
            "--ignore",
            "deepinfra",
            "--no-provider-fallbacks",
            "--deny-data-collection",
            "--max-price",
            "1,2.5",
            "--variant",
            "floor",
            "--format",
            "json",
            "Q",
        ],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let provider = json!({
        "sort": "throughput",
        "order": ["openai", "azure"],
        "only": ["openai", "azure"],
        "ignore": ["deepinfra"],
        "allow_fallbacks": false,
        "data_collection": "deny",
        "max_price": {"prompt": "1", "completion": "2.5"}
    });
    assert_eq!(body_for(&fake, "openai/gpt-4o:floor")["provider"], provider);
    let chain = body_for(&fake, "a/one:floor");
    assert_eq!(chain["provider"], provider);
    assert_eq!(chain["models"], json!(["b/two:floor"]));
    // Another kind of server gets none of it.
    let plain = body_for(&fake, "local-model");
    assert!(plain.get("provider").is_none(), "{plain}");

    let value = out.json();
    let request = &value["results"][0]["request"];
    assert_eq!(request["messages"], json!(1));
    assert_eq!(request["model"], json!("openai/gpt-4o:floor"));
    assert_eq!(request["provider"], provider);
    assert!(value["results"][2]["request"].get("provider").is_none());
}

#[tokio::test]
async fn config_preferences_merge_per_model_and_flags_win() {
    let home = tempfile::tempdir().expect("home");
    let fake = answering_fake().await;
    let config = r#"
[preferences]
sort = "price"
ignore = ["deepinfra"]

[preferences."openai/gpt-4o"]
only = ["openai"]
variant = "nitro"
"#;
    let out = prism(
        home.path(),
        &fake,
        config,
        &[
            "-m",
            "openai/gpt-4o",
            "-m",
            "x/other",
            "--sort",
            "latency",
            "--format",
            "json",
            "Q",
        ],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(
        body_for(&fake, "openai/gpt-4o:nitro")["provider"],
        json!({"sort": "latency", "only": ["openai"], "ignore": ["deepinfra"]})
    );
    assert_eq!(
        body_for(&fake, "x/other")["provider"],
        json!({"sort": "latency", "ignore": ["deepinfra"]})
    );
}

#[tokio::test]
async fn the_privacy_switch_in_the_config_covers_every_request() {
    let home = tempfile::tempdir().expect("home");
    let fake = answering_fake().await;
    let out = prism(
        home.path(),
        &fake,
        "[privacy]\ndeny_data_collection = true\n",
        &["-m", "a/one", "-m", "b/two", "--format", "json", "Q"],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    for body in fake.chat_bodies() {
        assert_eq!(body["provider"], json!({"data_collection": "deny"}));
    }
}

#[tokio::test]
async fn json_results_carry_the_exact_record_and_the_overhead() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.script(
        "openai/gpt-4o",
        vec![Reply::Stream(
            StreamReply::tokens("openai/gpt-4o", &["Hel", "lo"])
                .header("X-Generation-Id", "gen-cli-1")
                .first_token_delay(Duration::from_millis(300)),
        )],
    );
    fake.generation(
        "gen-cli-1",
        json!({"id": "gen-cli-1", "total_cost": 0.0021, "latency": 120, "generation_time": 800,
               "provider_name": "Azure", "model": "openai/gpt-4o", "native_tokens_prompt": 9,
               "native_tokens_completion": 2, "native_tokens_reasoning": 0}),
        1,
    );
    let out = prism(
        home.path(),
        &fake,
        "",
        &["-m", "openai/gpt-4o", "--format", "json", "Q"],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let value = out.json();
    let result = &value["results"][0];
    assert_eq!(result["generation_id"], json!("gen-cli-1"));
    assert_eq!(result["generation"]["provider_name"], json!("Azure"));
    assert_eq!(result["generation"]["latency_ms"], json!(120));
    assert_eq!(result["cost_usd"], json!(0.0021));
    let ttft = result["ttft_ms"].as_i64().expect("ttft");
    let overhead = result["overhead_ms"].as_i64().expect("overhead");
    assert_eq!(overhead, ttft - 120);
    assert!((150..500).contains(&overhead), "overhead {overhead}ms");
    assert_eq!(
        fake.requests_to("/generation").len(),
        2,
        "one 404, then the record"
    );
}

#[tokio::test]
async fn text_tables_gain_an_overhead_column_only_when_known() {
    let home = tempfile::tempdir().expect("home");
    let fake = answering_fake().await;
    let out = prism(home.path(), &fake, "", &["-m", "a/one", "Q"]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("overhead"), "{}", out.stderr);

    // Other servers keep no records: no lookup, no column, no waiting.
    let plain = answering_fake().await;
    let out = prism(home.path(), &plain, "", &["-m", "plain:local-model", "Q"]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("overhead"), "{}", out.stderr);
    assert!(plain.requests_to("/generation").is_empty());
}

#[tokio::test]
async fn malformed_preference_flags_are_usage_errors() {
    let home = tempfile::tempdir().expect("home");
    let fake = answering_fake().await;
    for (args, expected) in [
        (vec!["--max-price", "1"], "--max-price"),
        (vec!["--max-price", "-1,2"], "--max-price"),
        (vec!["--max-price", "a,b"], "--max-price"),
        (vec!["--sort", "fastest"], "fastest"),
        (vec!["--variant", "turbo"], "turbo"),
    ] {
        let mut all = vec!["-m", "a/one"];
        all.extend(args.iter().copied());
        all.push("Q");
        let out = prism(home.path(), &fake, "", &all).await;
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
    }
    assert!(fake.chat_requests().is_empty());
}
