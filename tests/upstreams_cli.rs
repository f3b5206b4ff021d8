//! The real `prism` binary against fake upstreams: `providers MODEL`, one
//! pinned column per upstream (`--per-provider`, in `compare` and `eval`,
//! checked in the request log), and a model via OpenRouter beside the same
//! model direct (`--via-and-direct`, two fake upstreams).

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

use serde_json::{Value, json};

use support::cli::{Output, openrouter_config, prism_cmd, run, write_config};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};

const SPEC_EXAMPLE: &str =
    include_str!("fixtures/upstream/openrouter/endpoints/openai_gpt-4_spec_example.json");

async fn prism(home: &Path, config: &Path, args: &[&str]) -> Output {
    let mut command = prism_cmd(home);
    command
        .arg("--config")
        .arg(config)
        .args(args)
        .env("PRISM_DIRECT_KEY", "sk-direct-PRISM-TEST");
    run(command, None).await
}

fn upstream(name: &str, tag: &str, p50_ms: u64) -> Value {
    json!({
        "provider_name": name, "tag": tag, "name": format!("{name} | a/model"), "context_length": 131072,
        "quantization": "fp8", "pricing": {"prompt": "0.0000001", "completion": "0.00000032"},
        "latency_last_30m": {"p50": p50_ms, "p75": p50_ms, "p90": p50_ms, "p99": p50_ms},
        "throughput_last_30m": {"p50": 120.5, "p75": 100, "p90": 80, "p99": 40},
        "uptime_last_30m": 99.5
    })
}

fn endpoints(list: Vec<Value>) -> String {
    json!({"data": {"id": "a/model", "name": "A: Model", "endpoints": list}}).to_string()
}

async fn openrouter(home: &Path) -> (FakeUpstream, std::path::PathBuf) {
    let fake = FakeUpstream::start().await;
    fake.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["Hi", "!"])));
    let config = write_config(
        home,
        &openrouter_config(&fake.base_url(), Some("PRISM_TEST_KEY")),
    );
    (fake, config)
}

#[tokio::test]
async fn providers_lists_the_spec_example_and_keeps_hostile_names_inert() {
    let home = tempfile::tempdir().expect("home");
    let (fake, config) = openrouter(home.path()).await;
    fake.endpoints("openai/gpt-4", SPEC_EXAMPLE);
    let out = prism(home.path(), &config, &["providers", "openai/gpt-4"]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let row = out.stdout.lines().nth(1).expect("a row");
    for cell in [
        "OpenAI", "openai", "fp16", "8k", "$30.00", "$60.00", "0.25", "45.2", "99.5%",
    ] {
        assert!(row.contains(cell), "{cell} in {row}");
    }
    // The example's latency reads like seconds: said so, not rescaled.
    assert!(out.stderr.contains("it may be seconds"), "{}", out.stderr);
    // The key went along (OpenRouter shows latency only to callers with one).
    let asked = fake.requests_to("/models/openai/gpt-4/endpoints");
    assert_eq!(asked.len(), 1);
    assert!(asked[0].header("authorization").is_some());

    let json = prism(
        home.path(),
        &config,
        &["providers", "openai/gpt-4", "--json"],
    )
    .await
    .json();
    assert_eq!(json["endpoints"][0]["prompt_per_1m_usd"], "30");
    assert_eq!(json["endpoints"][0]["column"], "openai/gpt-4@openai");

    fake.endpoints(
        "a/model",
        endpoints(vec![upstream(
            "Evil\u{1b}]52;c;aGk=\u{7}\u{1b}[2J",
            "evil",
            100,
        )]),
    );
    let out = prism(home.path(), &config, &["providers", "a/model"]).await;
    assert_eq!(out.status, 0);
    assert!(
        !out.stdout.contains('\u{1b}') && !out.stderr.contains('\u{1b}'),
        "{:?}",
        out.stdout
    );

    let missing = prism(home.path(), &config, &["providers", "no/such"]).await;
    assert_eq!(missing.status, 1);
    assert!(
        missing.stderr.contains("lists no model 'no/such'"),
        "{}",
        missing.stderr
    );
    let local = prism(home.path(), &config, &["providers", "ollama:llama3"]).await;
    assert_eq!(local.status, 2);
    assert!(
        local
            .stderr
            .contains("only OpenRouter lists a model's upstreams"),
        "{}",
        local.stderr
    );
}

#[tokio::test]
async fn per_provider_columns_pin_each_upstream_in_compare_and_eval() {
    let home = tempfile::tempdir().expect("home");
    let (fake, config) = openrouter(home.path()).await;
    fake.endpoints(
        "a/model",
        endpoints(vec![
            upstream("Groq", "groq", 150),
            upstream("DeepInfra", "deepinfra/fp8", 600),
            upstream("Nameless", "", 1),
        ]),
    );
    fake.any_pinned(|model, slug| {
        let name = if slug == "groq" { "Groq" } else { "DeepInfra" };
        Reply::Stream(StreamReply::tokens(model, &["Hi"]).served_by(name))
    });
    let out = prism(
        home.path(),
        &config,
        &[
            "compare",
            "-m",
            "b/other",
            "--per-provider",
            "a/model",
            "--format",
            "json",
            "Say hi",
        ],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let json = out.json();
    let columns: Vec<(&str, &str)> = json["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["model"].as_str().unwrap_or(""),
                r["provider"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        columns,
        vec![
            ("b/other", "FakeProvider"),
            ("a/model@groq", "Groq"),
            ("a/model@deepinfra/fp8", "DeepInfra")
        ]
    );
    assert!(
        out.stderr
            .contains("Nameless: no slug to pin it by; left out"),
        "{}",
        out.stderr
    );
    let mut sent: Vec<(String, Value)> = fake
        .chat_bodies()
        .into_iter()
        .map(|b| {
            (
                b["model"].as_str().unwrap_or("").to_string(),
                b["provider"].clone(),
            )
        })
        .collect();
    sent.sort_by_key(|a| a.1.to_string());
    assert_eq!(
        sent,
        vec![
            ("b/other".to_string(), Value::Null),
            (
                "a/model".to_string(),
                json!({"only": ["deepinfra/fp8"], "allow_fallbacks": false})
            ),
            (
                "a/model".to_string(),
                json!({"only": ["groq"], "allow_fallbacks": false})
            ),
        ]
    );

    let suite = home.path().join("suite.toml");
    std::fs::write(
        &suite,
        "columns = [\"b/other\"]\n[[cases]]\nprompt = \"Say hi\"\n",
    )
    .expect("suite");
    let before = fake.chat_bodies().len();
    let out = prism(
        home.path(),
        &config,
        &[
            "eval",
            suite.to_str().expect("path"),
            "--per-provider",
            "a/model",
            "--yes",
            "--format",
            "json",
        ],
    )
    .await;
    assert_eq!(out.status, 0, "{}\n{}", out.stdout, out.stderr);
    let pins: Vec<Value> = fake.chat_bodies()[before..]
        .iter()
        .filter_map(|b| b.get("provider").cloned())
        .collect();
    assert_eq!(pins.len(), 2, "{pins:?}");
    assert!(pins.contains(&json!({"only": ["groq"], "allow_fallbacks": false})));
    assert!(
        out.stdout.contains("a/model@deepinfra/fp8"),
        "{}",
        out.stdout
    );
}

#[tokio::test]
async fn via_and_direct_measures_the_pair_against_two_upstreams() {
    let home = tempfile::tempdir().expect("home");
    let routed = FakeUpstream::start().await;
    let direct = FakeUpstream::start().await;
    routed.catalog(
        json!({"data": [{"id": "openai/gpt-4o-mini", "name": "GPT-4o mini", "context_length": 128000,
            "pricing": {"prompt": "0.00000015", "completion": "0.0000006"}}]})
        .to_string(),
    );
    direct.catalog(
        json!({"data": [{"id": "gpt-4o-mini", "name": "gpt-4o-mini", "context_length": 128000,
            "pricing": {"prompt": "0.000000125", "completion": "0.0000006"}}]})
        .to_string(),
    );
    routed.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["Hi"])));
    direct.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["Hi"]).without_cost()));
    let config = format!(
        "{}\n[providers.openai]\nbase_url = \"{}\"\nkind = \"openai\"\napi_key_env = \"PRISM_DIRECT_KEY\"\n",
        openrouter_config(&routed.base_url(), Some("PRISM_TEST_KEY")),
        direct.base_url()
    );
    let config = write_config(home.path(), &config);
    let out = prism(
        home.path(),
        &config,
        &[
            "compare",
            "--via-and-direct",
            "openai/gpt-4o-mini",
            "--format",
            "json",
            "Say hi",
        ],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let json = out.json();
    let pair = &json["via_and_direct"][0];
    assert_eq!(pair["model"], "openai/gpt-4o-mini");
    assert_eq!(pair["direct"], "openai:gpt-4o-mini");
    let (r, d) = (&json["results"][0], &json["results"][1]);
    assert_eq!(
        pair["ttft_difference_ms"].as_i64(),
        Some(r["ttft_ms"].as_i64().expect("ttft") - d["ttft_ms"].as_i64().expect("ttft"))
    );
    assert_eq!(
        pair["markup"],
        json!({"prompt_per_1m_usd": "0.025", "completion_per_1m_usd": "0"})
    );
    // Routed: OpenRouter's reported cost; direct: its catalog's prices × usage.
    assert_eq!(r["cost_usd"], json!(0.000042));
    assert_eq!(d["cost_source"], "computed");
    assert_eq!(pair["hop_ms"].as_i64(), r["overhead_ms"].as_i64());
    assert!(pair["hop_ms"].is_i64(), "{pair}");
    // Each side got its own id, and OpenRouter's preferences went to OpenRouter only.
    assert_eq!(routed.chat_bodies()[0]["model"], "openai/gpt-4o-mini");
    assert_eq!(direct.chat_bodies()[0]["model"], "gpt-4o-mini");
    assert_eq!(
        direct.chat_requests()[0].header("authorization"),
        Some("Bearer sk-direct-PRISM-TEST")
    );

    let text = prism(
        home.path(),
        &config,
        &[
            "compare",
            "--via-and-direct",
            "openai/gpt-4o-mini",
            "Say hi",
        ],
    )
    .await;
    assert_eq!(text.status, 0, "{}", text.stderr);
    assert!(
        text.stderr
            .contains("via OpenRouter vs direct: openai/gpt-4o-mini / openai:gpt-4o-mini")
    );
    assert!(text.stderr.contains("+$0.025"), "{}", text.stderr);

    let unmapped = prism(
        home.path(),
        &config,
        &["compare", "--via-and-direct", "x/y", "hi"],
    )
    .await;
    assert_eq!(unmapped.status, 2);
    assert!(
        unmapped
            .stderr
            .contains("[direct] \"x/y\" = \"PROVIDER:MODEL\""),
        "{}",
        unmapped.stderr
    );
}
