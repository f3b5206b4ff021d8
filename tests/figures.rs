//! The figures of an answer against a real HTTP server on 127.0.0.1: the
//! wait from the start beside the answering attempt's own times after
//! retries (on a manual clock, so nothing waits and nothing is timed), the
//! first answer token after reasoning, token estimates marked as such until
//! the server counts, exact counts for a cancelled answer from its
//! generation record, and what a BYOK answer really cost.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use prism::clock::ManualClock;
use prism::router::provider::ApiKey;
use prism::router::tokens::{self, Count};
use prism::router::{
    ChatParams, ErrorKind, Provider, ProviderKind, Providers, Router, RouterSettings, RunResult,
    StreamEvent,
};
use support::fake_upstream::{End, FakeUpstream, Piece, Reply, StreamReply, chunk};
use support::{TEST_KEY, fast_settings, messages, target};

const MODEL: &str = "openai/gpt-4o";

fn router(fake: &FakeUpstream, settings: RouterSettings, clock: &ManualClock) -> Router {
    let mut provider = Provider::new("openrouter", &fake.base_url());
    provider.kind = ProviderKind::OpenRouter;
    provider.api_key_env = Some("PRISM_TEST_KEY".into());
    provider.api_key = Some(ApiKey::new(TEST_KEY));
    Router::with_clock(
        Providers::new(vec![provider], "openrouter"),
        settings,
        Arc::new(clock.clone()),
    )
    .expect("router")
}

async fn run(router: &Router) -> RunResult {
    router
        .run(
            &target("openrouter", &[MODEL]),
            &messages(),
            &ChatParams::default(),
            None,
            CancellationToken::new(),
        )
        .await
}

fn rate_limited(retry_after_secs: &str) -> Reply {
    Reply::error(429, "Rate limit exceeded").with_header("Retry-After", retry_after_secs)
}

#[tokio::test]
async fn after_retries_the_wait_from_the_start_and_the_attempts_own_times_are_both_kept() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![
            rate_limited("1"),
            rate_limited("2"),
            Reply::Stream(StreamReply::tokens(MODEL, &["Hel", "lo"])),
        ],
    );
    let clock = ManualClock::new();
    let result = run(&router(&fake, fast_settings(), &clock)).await;

    assert_eq!(result.error, None);
    assert_eq!(result.attempts.len(), 3);
    assert_eq!(
        clock.slept(),
        vec![Duration::from_secs(1), Duration::from_secs(2)]
    );
    // The attempt's own figures are its own; the wait from the start adds
    // the 3 s of backoff (the manual clock does not move while a request runs).
    let ttft = result.ttft_ms.expect("ttft");
    let total = result.total_ms.expect("total");
    assert_eq!(result.start_ttft_ms, Some(3000 + ttft));
    assert_eq!(result.start_total_ms, Some(3000 + total));
}

#[tokio::test]
async fn a_column_that_fails_after_retrying_reports_the_time_it_spent() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![rate_limited("2"), rate_limited("2"), rate_limited("2")],
    );
    let clock = ManualClock::new();
    let result = run(&router(&fake, fast_settings(), &clock)).await;

    assert_eq!(result.error.map(|e| e.kind), Some(ErrorKind::RateLimited));
    assert_eq!(result.attempts.len(), 3);
    assert_eq!(result.start_ttft_ms, None);
    // Two backoffs of 2 s, plus the last attempt's own time.
    let last = result.total_ms.expect("the last attempt's time");
    assert_eq!(result.start_total_ms, Some(4000 + last));
}

#[tokio::test]
async fn a_reasoning_model_records_its_first_token_and_its_first_answer_token() {
    let fake = FakeUpstream::start().await;
    let pieces = vec![
        Piece::Data(chunk(MODEL, json!({"reasoning": "Let me think. "}), None)),
        Piece::Data(chunk(MODEL, json!({"reasoning": "Twice. "}), None)),
        // Thinking takes a while before the answer starts.
        Piece::Pause(Duration::from_millis(40)),
        Piece::Data(chunk(MODEL, json!({"content": "Yes."}), Some("stop"))),
    ];
    fake.script(MODEL, vec![Reply::Stream(StreamReply::new(pieces))]);
    let result = run(&router(&fake, fast_settings(), &ManualClock::new())).await;

    assert_eq!(result.error, None);
    let first = result.ttft_ms.expect("first token");
    let answer = result.first_answer_ms.expect("first answer token");
    assert!(answer > first, "answer {answer} ms, first {first} ms");
}

/// Without reasoning the first token is the first answer token: one
/// instant, even when the listener is slow to take the first event (a
/// loaded machine; it once showed a 1 ms "Answer" column in `compare`).
#[tokio::test]
async fn without_reasoning_the_first_answer_token_is_the_first_token() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::Stream(StreamReply::tokens(MODEL, &["Yes", "."]))],
    );
    let router = router(&fake, fast_settings(), &ManualClock::new());
    // Room for one event: each send waits for the listener, which takes
    // its time over every event.
    let (tx, mut rx) = mpsc::channel(1);
    let listener = tokio::spawn(async move {
        while rx.recv().await.is_some() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    let result = router
        .run(
            &target("openrouter", &[MODEL]),
            &messages(),
            &ChatParams::default(),
            Some(tx),
            CancellationToken::new(),
        )
        .await;
    listener.await.expect("listener");

    assert_eq!(result.error, None);
    assert!(result.ttft_ms.is_some());
    assert_eq!(result.first_answer_ms, result.ttft_ms);
}

#[tokio::test]
async fn tokens_are_estimated_from_the_text_until_the_server_counts_them() {
    let fake = FakeUpstream::start().await;
    // Three chunks of several tokens each, and no usage chunk at all.
    let deltas = [
        "Streaming servers often send ",
        "three or four tokens in one chunk, ",
        "so chunks are no count of tokens.",
    ];
    let mut pieces: Vec<Piece> = deltas
        .iter()
        .map(|d| Piece::Data(chunk(MODEL, json!({"content": d}), None)))
        .collect();
    pieces.push(Piece::Data(chunk(
        MODEL,
        json!({"content": ""}),
        Some("stop"),
    )));
    fake.script(MODEL, vec![Reply::Stream(StreamReply::new(pieces))]);
    let result = run(&router(&fake, fast_settings(), &ManualClock::new())).await;

    let text = deltas.concat();
    assert_eq!(result.text, text);
    assert_eq!(
        result.completion_count(),
        Some(Count::estimated(tokens::estimate(&text)))
    );
    assert_eq!(result.tokens_text(), "-→~25");

    // With usage, the server's count and nothing marked.
    fake.script(
        MODEL,
        vec![Reply::Stream(StreamReply::tokens(MODEL, &deltas))],
    );
    let counted = run(&router(&fake, fast_settings(), &ManualClock::new())).await;
    assert_eq!(counted.completion_count(), Some(Count::exact(3)));
    assert_eq!(counted.tokens_text(), "12→3");
}

#[tokio::test]
async fn a_cancelled_answer_takes_its_exact_figures_from_the_generation_record() {
    let fake = FakeUpstream::start().await;
    let reply = StreamReply::new(vec![
        Piece::Data(chunk(
            MODEL,
            json!({"content": "A long answer begins"}),
            None,
        )),
        Piece::Data(chunk(MODEL, json!({"content": " and goes on"}), None)),
    ])
    .header("X-Generation-Id", "gen-cancelled-1")
    .end(End::Stall(Duration::from_secs(60)));
    fake.script(MODEL, vec![Reply::Stream(reply)]);
    fake.generation(
        "gen-cancelled-1",
        json!({"id": "gen-cancelled-1", "total_cost": 0.00021, "provider_name": "OpenAI",
               "native_tokens_prompt": 17, "native_tokens_completion": 9, "latency": 100}),
        0,
    );
    let router = router(&fake, fast_settings(), &ManualClock::new());
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let watcher = tokio::spawn(async move {
        let mut seen = String::new();
        while let Some(event) = rx.recv().await {
            if let StreamEvent::Content(text) = event {
                seen.push_str(&text);
                if seen.ends_with("goes on") {
                    stop.cancel();
                }
            }
        }
    });
    let mut result = router
        .run(
            &target("openrouter", &[MODEL]),
            &messages(),
            &ChatParams::default(),
            Some(tx),
            cancel,
        )
        .await;
    watcher.await.expect("watcher");
    assert_eq!(
        result.error.as_ref().map(|e| e.kind),
        Some(ErrorKind::Cancelled)
    );
    // Until the record comes, the figures are estimates, and say so.
    assert_eq!(result.usage, None);
    assert_eq!(result.completion_count(), Some(Count::estimated(8)));
    assert!(result.is_unpriced());

    let (provider, id) = router.generation_lookup(&result).expect("an id to look up");
    let record = router
        .fetch_generation(&provider, &id)
        .await
        .expect("the record");
    result.apply_generation(record);
    assert_eq!(result.completion_count(), Some(Count::exact(9)));
    assert_eq!(result.tokens_text(), "17→9");
    assert_eq!(result.cost_usd, Some(Decimal::new(21, 5)));
    assert!(!result.is_unpriced());
}

#[tokio::test]
async fn a_byok_answer_shows_what_the_provider_charged_not_zero() {
    let fake = FakeUpstream::start().await;
    let usage = json!({
        "id": "gen-byok", "model": MODEL, "object": "chat.completion.chunk", "choices": [],
        "usage": {"prompt_tokens": 43, "completion_tokens": 2, "total_tokens": 45, "cost": 0,
                  "is_byok": true, "cost_details": {"upstream_inference_cost": 0.000669,
                  "upstream_inference_prompt_cost": 0.000129, "upstream_inference_completions_cost": 0.00054}}
    });
    let reply = StreamReply::new(vec![
        Piece::Data(chunk(MODEL, json!({"content": "Hi"}), Some("stop"))),
        Piece::Data(usage.to_string()),
    ]);
    fake.script(MODEL, vec![Reply::Stream(reply)]);
    let result = run(&router(&fake, fast_settings(), &ManualClock::new())).await;
    assert_eq!(result.cost_usd, Some(Decimal::new(669, 6)));
    assert_eq!(result.cost_text().as_deref(), Some("$0.000669"));
}
