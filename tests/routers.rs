//! Routers end to end: the real binary with a config file defining routers,
//! against the fake upstream. A router column asks the model its rules pick
//! for the prompt, beside fixed columns; `prism route` explains a decision
//! without sending anything.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::json;

use support::cli::{Output, prism_cmd, run, write_config};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};

const CHEAP: &str = "cheap/small";
const PREMIUM: &str = "premium/big";

const CONFIG: &str = r#"
[routers.saver]
description = "short classification to the small model, the rest to the big one"
default = "premium/big"

[[routers.saver.rules]]
name = "short classification"
max_prompt_tokens = 50
pattern = '(?i)\bclassify\b'
model = "cheap/small"

[routers.budget]
default = "premium/big"

[[routers.budget.rules]]
name = "under a dollar"
max_price_per_million = 1.0
models = ["premium/big", "cheap/small"]
"#;

/// Runs prism with isolated dirs, `--config` and (when given) the fake as the default provider.
async fn prism(home: &Path, fake: Option<&FakeUpstream>, args: &[&str]) -> Output {
    let config = write_config(home, CONFIG);
    let mut command = prism_cmd(home);
    command.args(args).arg("--config").arg(&config);
    if let Some(fake) = fake {
        command.args([
            "--base-url",
            &fake.base_url(),
            "--api-key-env",
            "PRISM_TEST_KEY",
        ]);
    }
    run(command, None).await
}

async fn fake_with_both_models() -> FakeUpstream {
    let fake = FakeUpstream::start().await;
    fake.script(
        CHEAP,
        vec![Reply::Stream(StreamReply::tokens(CHEAP, &["spam"]))],
    );
    fake.script(
        PREMIUM,
        vec![Reply::Stream(StreamReply::tokens(
            PREMIUM,
            &["A long answer"],
        ))],
    );
    fake
}

/// The model ids the fake was asked for, in the order the requests arrived.
fn asked(fake: &FakeUpstream) -> Vec<String> {
    fake.chat_bodies()
        .iter()
        .map(|body| body["model"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_router_column_beside_a_fixed_one_picks_per_prompt() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake_with_both_models().await;

    // A short classification prompt: the router asks the cheap model.
    let out = prism(
        home.path(),
        Some(&fake),
        &[
            "compare",
            "--router",
            "saver",
            "-m",
            PREMIUM,
            "--format",
            "json",
            "Classify this email: WIN A PRIZE NOW",
        ],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let value = out.json();
    let results = value["results"].as_array().expect("results");
    assert_eq!(results[0]["model"], json!("router:saver"));
    assert_eq!(results[0]["served_model"], json!(CHEAP));
    assert_eq!(results[0]["text"], json!("spam"));
    assert_eq!(
        results[0]["route"],
        json!({
            "router": "saver",
            "model": CHEAP,
            "rule": "short classification",
            "reason": "≈9 tokens ≤ 50 · matches /(?i)\\bclassify\\b/",
            "prompt_tokens": 9,
            "complexity": 0.0036,
        })
    );
    assert_eq!(results[1]["model"], json!(PREMIUM));
    assert!(
        results[1].get("route").is_none(),
        "fixed columns have no route"
    );
    let models: BTreeSet<String> = asked(&fake).into_iter().collect();
    assert_eq!(
        models,
        BTreeSet::from([CHEAP.to_string(), PREMIUM.to_string()])
    );

    // A long prompt: the router falls to its default, the premium model;
    // the column keeps its place after the fixed one given first.
    let long = format!("Classify these: {}", "one more item, ".repeat(20));
    let out = prism(
        home.path(),
        Some(&fake),
        &[
            "compare",
            "-m",
            PREMIUM,
            "-m",
            "router:saver",
            "--format",
            "json",
            &long,
        ],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let value = out.json();
    let results = value["results"].as_array().expect("results");
    assert_eq!(results[0]["model"], json!(PREMIUM));
    assert_eq!(results[1]["model"], json!("router:saver"));
    assert_eq!(results[1]["route"]["rule"], json!("default"));
    assert_eq!(results[1]["route"]["reason"], json!("no rule matched"));
    assert_eq!(results[1]["served_model"], json!(PREMIUM));
    assert_eq!(
        asked(&fake)[2..],
        [PREMIUM.to_string(), PREMIUM.to_string()]
    );
}

#[tokio::test]
async fn text_and_markdown_show_the_decision() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake_with_both_models().await;
    let args = [
        "compare",
        "--router",
        "saver",
        "-m",
        PREMIUM,
        "classify: hi",
    ];
    let out = prism(home.path(), Some(&fake), &args).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let title = "router:saver → cheap/small (short classification)";
    assert!(
        out.stdout.contains(&format!("━━ [1/2] {title} ━━")),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains(title), "figures table: {}", out.stderr);

    let mut args = args.to_vec();
    args.extend(["--format", "markdown"]);
    let out = prism(home.path(), Some(&fake), &args).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!("## 1. {title}")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("*Routed by saver, rule “short classification”: ≈3 tokens ≤ 50 · matches /(?i)\\\\bclassify\\\\b/*"),
        "{}",
        out.stdout
    );
}

#[tokio::test]
async fn route_prints_the_decision_without_sending() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    let out = prism(
        home.path(),
        Some(&fake),
        &[
            "route",
            "saver",
            "--json",
            "Please classify: refund request",
        ],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let decision = out.json();
    assert_eq!(decision["router"], json!("saver"));
    assert_eq!(decision["model"], json!(CHEAP));
    assert_eq!(decision["rule"], json!("short classification"));
    assert_eq!(decision["prompt_tokens"], json!(8));

    let out = prism(
        home.path(),
        None,
        &["route", "saver", "Why is the sky blue?"],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "router      saver\nmodel       premium/big\nrule        default\nreason      no rule matched\n\
         tokens      ≈5\ncomplexity  0.102\n\
         skipped     short classification: no match for /(?i)\\bclassify\\b/\n"
    );
    assert!(fake.requests().is_empty(), "route sends nothing");
}

#[tokio::test]
async fn unknown_routers_and_broken_rules_exit_2() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    for args in [
        &["compare", "--router", "nope", "hi"][..],
        &["compare", "-m", "router:nope", "hi"],
        &["route", "nope", "hi"],
    ] {
        let out = prism(home.path(), Some(&fake), args).await;
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("unknown router 'nope'; known routers: budget, saver"),
            "{}",
            out.stderr
        );
    }
    let out = prism(
        home.path(),
        Some(&fake),
        &["compare", "--fallback", "a/b,router:saver", "hi"],
    )
    .await;
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("cannot be part of a fallback chain"),
        "{}",
        out.stderr
    );
    assert!(fake.requests().is_empty(), "nothing was sent");

    let config = write_config(
        home.path(),
        "[routers.bad]\ndefault = 'a'\n[[routers.bad.rules]]\npattern = '(oops'\nmodel = 'b'\n",
    );
    let mut command = prism_cmd(home.path());
    command
        .args(["route", "bad", "hi", "--config"])
        .arg(&config);
    let out = run(command, None).await;
    assert_eq!(out.status, 2);
    let stderr = out.stderr;
    assert!(
        stderr.contains("router 'bad', rule 1: pattern \"(oops\" is not a valid regex"),
        "{stderr}"
    );
}

fn catalog(cheap_prices: Option<(&str, &str)>) -> String {
    let mut cheap = json!({"id": CHEAP, "name": "Cheap", "context_length": 8000});
    if let Some((input, output)) = cheap_prices {
        cheap["pricing"] = json!({"prompt": input, "completion": output});
    }
    json!({"data": [
        {"id": PREMIUM, "name": "Premium", "context_length": 128000,
         "pricing": {"prompt": "0.0000025", "completion": "0.00001"}},
        cheap,
    ]})
    .to_string()
}

#[tokio::test]
async fn a_price_ceiling_uses_the_catalog() {
    let home = tempfile::tempdir().expect("home");
    let fake = fake_with_both_models().await;
    fake.catalog(catalog(Some(("0.0000001", "0.0000002"))));
    let out = prism(
        home.path(),
        Some(&fake),
        &["compare", "--router", "budget", "--format", "json", "Hello"],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let value = out.json();
    let route = &value["results"][0]["route"];
    assert_eq!(route["model"], json!(CHEAP));
    assert_eq!(route["rule"], json!("under a dollar"));
    assert_eq!(
        route["reason"],
        json!("cheap/small $0.1/$0.2 per 1M ≤ $1 (passed over premium/big $2.5/$10 per 1M > $1)")
    );
    assert_eq!(asked(&fake), vec![CHEAP.to_string()]);
    assert_eq!(
        fake.requests_to("/models").len(),
        1,
        "fetched once, then reused for pricing"
    );

    // A price the catalog does not know fails the ceiling: the default, and the reason says so.
    let home = tempfile::tempdir().expect("home");
    fake.catalog(catalog(None));
    let out = prism(
        home.path(),
        Some(&fake),
        &["route", "budget", "--json", "Hello"],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let decision = out.json();
    assert_eq!(decision["model"], json!(PREMIUM));
    assert_eq!(decision["rule"], json!("default"));
    assert_eq!(
        decision["reason"],
        json!(
            "no rule matched (under a dollar: premium/big $2.5/$10 per 1M > $1, price of cheap/small unknown)"
        )
    );
}
