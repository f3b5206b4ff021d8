//! Router-level OpenRouter capabilities against the fake upstream: provider
//! preferences and variants in the request body (and never sent to other
//! servers), the privacy switch, what was sent kept in the result, the exact
//! generation record with its overhead, the key's credit, and client-side pacing.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use rust_decimal::Decimal;
use std::sync::Arc;
use std::time::Duration;

use pretty_assertions::assert_eq;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use prism::clock::{Clock, ManualClock, SystemClock};
use prism::router::{
    ChatParams, ErrorKind, MaxPrice, ProviderKind, ProviderPrefs, ProviderSort, Router,
    RouterSettings, RunResult, StreamEvent, Target, Variant,
};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};
use support::{TEST_KEY, fast_settings, messages, router_for, router_with_clock, target};

fn prefs() -> ProviderPrefs {
    ProviderPrefs {
        sort: Some(ProviderSort::Price),
        order: vec!["openai".into(), "azure".into()],
        only: vec!["openai".into(), "azure".into()],
        ignore: vec!["deepinfra".into()],
        allow_fallbacks: Some(false),
        deny_data_collection: Some(true),
        max_price: Some(MaxPrice {
            prompt: Some(Decimal::ONE),
            completion: Some(Decimal::TWO),
        }),
        variant: Some(Variant::Nitro),
    }
}

/// Every model answers "Hi" (its id echoed as the served model).
async fn fake() -> FakeUpstream {
    let fake = FakeUpstream::start().await;
    fake.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["Hi"])));
    fake
}

async fn run(router: &Router, target: &Target, params: &ChatParams) -> RunResult {
    router
        .run(target, &messages(), params, None, CancellationToken::new())
        .await
}

fn with_prefs(prefs: ProviderPrefs) -> ChatParams {
    ChatParams {
        provider_prefs: Box::new(prefs),
        ..ChatParams::default()
    }
}

#[tokio::test]
async fn preferences_and_variants_go_to_openrouter() {
    let fake = fake().await;
    fake.server_side_fallback(true);
    let router = router_for(&fake.base_url(), ProviderKind::OpenRouter, fast_settings());
    let chain = target(
        "openrouter",
        &["openai/gpt-4o", "anthropic/claude-3.5-sonnet:nitro"],
    );
    let result = run(&router, &chain, &with_prefs(prefs())).await;
    assert!(result.is_ok(), "{:?}", result.error);
    let body = fake.chat_requests()[0].json();
    assert_eq!(body["model"], json!("openai/gpt-4o:nitro"));
    // Every fallback gets the variant, never twice.
    assert_eq!(body["models"], json!(["anthropic/claude-3.5-sonnet:nitro"]));
    assert_eq!(
        body["provider"],
        json!({
            "sort": "price",
            "order": ["openai", "azure"],
            "only": ["openai", "azure"],
            "ignore": ["deepinfra"],
            "allow_fallbacks": false,
            "data_collection": "deny",
            "max_price": {"prompt": "1", "completion": "2"}
        })
    );
}

#[tokio::test]
async fn other_servers_never_see_preferences() {
    let fake = fake().await;
    let router = router_for(&fake.base_url(), ProviderKind::OpenRouter, fast_settings());
    let result = run(
        &router,
        &target("local", &["llama3.2:3b"]),
        &with_prefs(prefs()),
    )
    .await;
    assert!(result.is_ok(), "{:?}", result.error);
    let body = fake.chat_requests()[0].json();
    assert_eq!(body["model"], json!("llama3.2:3b"));
    assert!(body.get("provider").is_none(), "{body}");
    assert_eq!(
        result.request.as_ref().and_then(|r| r.get("provider")),
        None
    );
}

#[tokio::test]
async fn the_privacy_switch_denies_data_collection_on_every_openrouter_request() {
    let fake = fake().await;
    let settings = RouterSettings {
        deny_data_collection: true,
        ..fast_settings()
    };
    let router = router_for(&fake.base_url(), ProviderKind::OpenRouter, settings);
    let plain = ChatParams::default();
    let sorted = with_prefs(ProviderPrefs {
        sort: Some(ProviderSort::Latency),
        deny_data_collection: Some(false),
        ..ProviderPrefs::default()
    });
    run(&router, &target("openrouter", &["a/one"]), &plain).await;
    run(&router, &target("openrouter", &["a/two"]), &sorted).await;
    run(&router, &target("local", &["a/three"]), &plain).await;
    let bodies = fake.chat_bodies();
    assert_eq!(bodies[0]["provider"], json!({"data_collection": "deny"}));
    assert_eq!(
        bodies[1]["provider"],
        json!({"sort": "latency", "data_collection": "deny"})
    );
    assert!(bodies[2].get("provider").is_none());
}

#[tokio::test]
async fn the_result_keeps_what_was_sent_without_the_conversation() {
    let fake = fake().await;
    let router = router_for(&fake.base_url(), ProviderKind::OpenRouter, fast_settings());
    let params = ChatParams {
        temperature: Some(0.3),
        max_tokens: Some(64),
        provider_prefs: Box::new(ProviderPrefs {
            only: vec!["openai".into()],
            ..ProviderPrefs::default()
        }),
        ..ChatParams::default()
    };
    let result = run(&router, &target("openrouter", &["openai/gpt-4o"]), &params).await;
    assert_eq!(
        result.request,
        Some(json!({
            "model": "openai/gpt-4o",
            "messages": 2,
            "stream": true,
            "stream_options": {"include_usage": true},
            "temperature": 0.3,
            "max_tokens": 64,
            "provider": {"only": ["openai"]}
        }))
    );
    let saved = serde_json::to_string(&result).expect("serializes");
    assert!(saved.contains("\"request\""));
    assert!(!saved.contains(TEST_KEY) && !saved.contains("Say hello"));
}

#[tokio::test]
async fn the_generation_id_comes_from_the_header_else_the_chunks() {
    let fake = fake().await;
    fake.script(
        "a/header",
        vec![Reply::Stream(
            StreamReply::tokens("a/header", &["x"]).header("X-Generation-Id", "gen-from-header"),
        )],
    );
    let router = router_for(&fake.base_url(), ProviderKind::OpenRouter, fast_settings());
    let plain = ChatParams::default();
    let from_header = run(&router, &target("openrouter", &["a/header"]), &plain).await;
    assert_eq!(
        from_header.generation_id.as_deref(),
        Some("gen-from-header")
    );
    let from_chunks = run(&router, &target("openrouter", &["a/chunks"]), &plain).await;
    assert_eq!(from_chunks.generation_id.as_deref(), Some("gen-fake-1"));
    // Another server's chunk ids name nothing that could be looked up.
    let local = run(&router, &target("local", &["a/chunks"]), &plain).await;
    assert_eq!(local.generation_id, None);
    assert_eq!(router.generation_lookup(&local), None);
    assert_eq!(
        router.generation_lookup(&from_header),
        Some(("openrouter".to_string(), "gen-from-header".to_string()))
    );
}

fn quick_generation_settings() -> RouterSettings {
    let mut settings = fast_settings();
    settings.generation_wait.first_delay = Duration::from_millis(20);
    settings.generation_wait.max_wait = Duration::from_millis(600);
    settings
}

#[tokio::test]
async fn the_exact_record_comes_after_a_few_not_ready_answers() {
    let fake = fake().await;
    fake.script(
        "openai/gpt-4o",
        vec![Reply::Stream(
            StreamReply::tokens("openai/gpt-4o", &["Hel", "lo"])
                .header("X-Generation-Id", "gen-exact-1")
                .first_token_delay(Duration::from_millis(300)),
        )],
    );
    fake.generation(
        "gen-exact-1",
        json!({
            "id": "gen-exact-1", "total_cost": 0.00123, "latency": 180, "generation_time": 950.4,
            "provider_name": "Azure", "model": "openai/gpt-4o",
            "native_tokens_prompt": 14, "native_tokens_completion": 2, "native_tokens_reasoning": 0
        }),
        2,
    );
    let router = router_for(
        &fake.base_url(),
        ProviderKind::OpenRouter,
        quick_generation_settings(),
    );
    let mut result = run(
        &router,
        &target("openrouter", &["openai/gpt-4o"]),
        &ChatParams::default(),
    )
    .await;
    let (provider, id) = router
        .generation_lookup(&result)
        .expect("an OpenRouter run");
    let record = router
        .fetch_generation(&provider, &id)
        .await
        .expect("record");
    let asked = fake.requests_to("/generation");
    assert_eq!(asked.len(), 3, "two 404s, then the record");
    assert_eq!(asked[0].path, "/v1/generation?id=gen-exact-1");
    assert_eq!(
        asked[0].header("authorization"),
        Some(format!("Bearer {TEST_KEY}").as_str())
    );
    assert_eq!(record.provider_name.as_deref(), Some("Azure"));
    assert_eq!(record.latency_ms, Some(180));
    assert_eq!(record.generation_time_ms, Some(950));
    assert_eq!(record.native_tokens_prompt, Some(14));

    let ttft = result.ttft_ms.expect("ttft");
    result.apply_generation(record);
    let overhead = result.overhead_ms.expect("overhead");
    assert_eq!(overhead, ttft as i64 - 180);
    assert!(
        (100..400).contains(&overhead),
        "overhead {overhead}ms for a 300ms first token"
    );
    assert_eq!(
        result.cost_usd.map(|c| c.to_string()).as_deref(),
        Some("0.00123")
    );
    let json = serde_json::to_value(&result).expect("serializes");
    assert_eq!(json["generation"]["provider_name"], json!("Azure"));
    assert_eq!(json["overhead_ms"], json!(overhead));
}

#[tokio::test]
async fn a_record_that_never_comes_is_a_bounded_wait() {
    let fake = fake().await;
    fake.generation("gen-late", json!({"id": "gen-late"}), 1000);
    let clock = ManualClock::new();
    let router = router_with_clock(
        &fake.base_url(),
        ProviderKind::OpenRouter,
        quick_generation_settings(),
        Arc::new(clock.clone()),
    );
    let error = router
        .fetch_generation("openrouter", "gen-late")
        .await
        .expect_err("never ready");
    assert_eq!(error.status, Some(404));
    assert!(error.message.contains("gen-late"), "{}", error.message);
    // Doubling pauses from 20 ms while they fit in 600 ms: 20+40+80+160;
    // the next (320) would pass it. One request before each pause, one after.
    let ms = Duration::from_millis;
    assert_eq!(clock.slept(), vec![ms(20), ms(40), ms(80), ms(160)]);
    let asked = fake.requests_to("/generation").len();
    assert_eq!(asked, 5);
    // Servers other than OpenRouter have no such endpoint: no request at all.
    let error = router
        .fetch_generation("local", "gen-late")
        .await
        .expect_err("not OpenRouter");
    assert_eq!(error.kind, ErrorKind::BadRequest);
    assert_eq!(fake.requests_to("/generation").len(), asked);
}

#[tokio::test]
async fn the_key_endpoint_gives_credit_and_limits() {
    let fake = fake().await;
    fake.key_info(json!({
        "label": "sk-or-v1-abc...123", "limit": 10, "limit_remaining": 4.21, "limit_reset": null,
        "usage": 5.79, "is_free_tier": true,
        "rate_limit": {"requests": 20, "interval": "10s", "note": "deprecated"}
    }));
    let router = router_for(&fake.base_url(), ProviderKind::OpenRouter, fast_settings());
    let key = router.fetch_key("openrouter").await.expect("key info");
    assert_eq!(key.limit_remaining_usd, Some(Decimal::new(421, 2)));
    assert_eq!(key.rate_limit.as_deref(), Some("20 requests / 10s"));
    assert_eq!(
        key.summary(),
        "credit $4.21 left of $10 · free tier · 20 requests / 10s"
    );
    let asked = fake.requests_to("/key");
    assert_eq!(
        asked[0].header("authorization"),
        Some(format!("Bearer {TEST_KEY}").as_str())
    );
    assert!(router.fetch_key("local").await.is_err());
}

/// Three requests a `window` on `:free` models, waiting on `clock`.
fn paced_router(fake: &FakeUpstream, window: Duration, clock: Arc<dyn Clock>) -> Router {
    let mut settings = fast_settings();
    settings.pacing.free_requests = 3;
    settings.pacing.window = window;
    router_with_clock(&fake.base_url(), ProviderKind::OpenRouter, settings, clock)
}

const FREE: &str = "meta-llama/llama-3.1-8b-instruct:free";

#[tokio::test]
async fn pacing_queues_the_fourth_request_until_the_window_frees() {
    let fake = fake().await;
    let clock = ManualClock::new();
    let router = paced_router(&fake, Duration::from_secs(1), Arc::new(clock.clone()));
    let free = target("openrouter", &[FREE]);
    for _ in 0..3 {
        assert!(run(&router, &free, &ChatParams::default()).await.is_ok());
    }
    // Another model is not held up by this one's window.
    assert!(
        run(
            &router,
            &target("openrouter", &["a/paid"]),
            &ChatParams::default()
        )
        .await
        .is_ok()
    );
    let (tx, mut rx) = mpsc::channel(64);
    let fourth = router
        .run(
            &free,
            &messages(),
            &ChatParams::default(),
            Some(tx),
            CancellationToken::new(),
        )
        .await;
    assert!(fourth.is_ok(), "{:?}", fourth.error);
    let mut events = Vec::new();
    while let Some(event) = rx.recv().await {
        events.push(event);
    }
    let Some(StreamEvent::Queued { wait_ms }) = events.first().cloned() else {
        panic!("the first event is Queued: {events:?}");
    };
    assert!(
        matches!(events.get(1), Some(StreamEvent::Attempting { .. })),
        "{events:?}"
    );
    // The clock stood still while the first three went: the fourth waits
    // the whole window, and only it waited.
    assert_eq!(wait_ms, 1000);
    assert_eq!(clock.slept(), vec![Duration::from_secs(1)]);
    assert_eq!(fake.chat_requests().len(), 5);
}

#[tokio::test]
async fn cancelling_while_queued_returns_at_once() {
    let fake = fake().await;
    // A window long enough that only a cancel can end the wait in time.
    let router = paced_router(&fake, Duration::from_secs(600), Arc::new(SystemClock));
    let free = target("openrouter", &[FREE]);
    for _ in 0..3 {
        assert!(run(&router, &free, &ChatParams::default()).await.is_ok());
    }
    let cancel = CancellationToken::new();
    let (tx, mut rx) = mpsc::channel(64);
    let task = {
        let router = router.clone();
        let free = free.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move {
            router
                .run(&free, &messages(), &ChatParams::default(), Some(tx), cancel)
                .await
        })
    };
    let first = rx.recv().await.expect("an event");
    assert!(matches!(first, StreamEvent::Queued { .. }), "{first:?}");
    cancel.cancel();
    let result = tokio::time::timeout(Duration::from_secs(60), task)
        .await
        .expect("the cancel ends the wait")
        .expect("run task");
    assert_eq!(result.error.map(|e| e.kind), Some(ErrorKind::Cancelled));
    assert_eq!(
        fake.chat_requests().len(),
        3,
        "nothing sent for the cancelled run"
    );
}
