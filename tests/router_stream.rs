//! The routing core against a real HTTP server on 127.0.0.1: every framing,
//! fault and fallback path, asserting the exact error kind and the kept text.

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

use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use prism::clock::ManualClock;
use prism::router::events::CostSource;
use prism::router::{ChatParams, ErrorKind, ProviderKind, Router, RunResult, StreamEvent};
use support::fake_upstream::{End, FakeUpstream, Piece, Reply, StreamReply, chunk, usage_chunk};
use support::{TEST_KEY, fast_settings, messages, router_for, router_with_clock, target};

const MODEL: &str = "openai/gpt-4o";

async fn run_with(
    fake: &FakeUpstream,
    kind: ProviderKind,
    settings: prism::router::RouterSettings,
    models: &[&str],
) -> RunResult {
    run_on(&router_for(&fake.base_url(), kind, settings), models).await
}

/// Runs `models` as one column on `router`, without listening to events.
async fn run_on(router: &Router, models: &[&str]) -> RunResult {
    router
        .run(
            &target("openrouter", models),
            &messages(),
            &ChatParams::default(),
            None,
            CancellationToken::new(),
        )
        .await
}

async fn run(fake: &FakeUpstream, models: &[&str]) -> RunResult {
    run_with(fake, ProviderKind::OpenRouter, fast_settings(), models).await
}

#[tokio::test]
async fn streams_an_answer_with_usage_cost_and_the_served_model() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::Stream(StreamReply::tokens(
            MODEL,
            &["Hel", "lo", " there"],
        ))],
    );
    let result = run(&fake, &[MODEL]).await;

    assert_eq!(result.error, None);
    assert_eq!(result.text, "Hello there");
    assert_eq!(result.served_model.as_deref(), Some(MODEL));
    assert_eq!(result.provider.as_deref(), Some("FakeProvider"));
    assert_eq!(result.via.as_deref(), Some("openrouter"));
    assert_eq!(result.finish_reason.as_deref(), Some("stop"));
    let usage = result.usage.expect("usage");
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (12, 3, 15)
    );
    assert_eq!(
        result.cost_usd.map(|c| c.to_string()).as_deref(),
        Some("0.000042")
    );
    assert_eq!(result.cost_source, Some(CostSource::Reported));
    assert!(result.ttft_ms.is_some());
    assert_eq!(result.attempts.len(), 1);

    let requests = fake.chat_requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TEST_KEY}").as_str())
    );
    assert_eq!(request.header("x-title"), Some("prism"));
    assert!(request.header("http-referer").is_some());
    let body = request.json();
    assert_eq!(body["model"], json!(MODEL));
    assert_eq!(body["stream"], json!(true));
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "be brief"})
    );
    assert_eq!(
        body["messages"][1],
        json!({"role": "user", "content": "Say hello"})
    );
}

#[tokio::test]
async fn other_providers_get_no_openrouter_headers() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::Stream(StreamReply::tokens(MODEL, &["ok"]))],
    );
    let result = run_with(&fake, ProviderKind::OpenAi, fast_settings(), &[MODEL]).await;
    assert_eq!(result.text, "ok");
    let request = &fake.chat_requests()[0];
    assert_eq!(request.header("x-title"), None);
    assert_eq!(request.header("http-referer"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_framing_gives_the_same_answer() {
    let tokens = ["Hé", "llo ", "wörld ", "日本語 ", "🦀"];
    let expected: String = tokens.concat();
    let cases = [
        (false, None),
        (true, None),
        (false, Some(1)),
        (true, Some(1)),
        (true, Some(7)),
        (false, Some(3)),
    ];
    // Byte-by-byte writes are paced a millisecond apart; the cases run side by side.
    let mut tasks = Vec::new();
    for (crlf, split) in cases {
        tasks.push(tokio::spawn(async move {
            let fake = FakeUpstream::start().await;
            let mut reply = StreamReply::tokens(MODEL, &tokens);
            if crlf {
                reply = reply.crlf();
            }
            if let Some(n) = split {
                reply = reply.split(n);
            }
            fake.script(MODEL, vec![Reply::Stream(reply)]);
            (crlf, split, run(&fake, &[MODEL]).await)
        }));
    }
    for task in tasks {
        let (crlf, split, result) = task.await.expect("case");
        assert_eq!(result.error, None, "crlf={crlf} split={split:?}");
        assert_eq!(result.text, expected, "crlf={crlf} split={split:?}");
        assert_eq!(result.usage.map(|u| u.completion_tokens), Some(5));
    }
}

#[tokio::test]
async fn ttft_measures_the_wait_for_the_first_token() {
    let fake = FakeUpstream::start().await;
    let delay = Duration::from_millis(300);
    fake.script(
        MODEL,
        vec![Reply::Stream(
            StreamReply::tokens(MODEL, &["a", "b", "c", "d"])
                .first_token_delay(delay)
                .piece_delay(Duration::from_millis(20)),
        )],
    );
    let result = run(&fake, &[MODEL]).await;
    // Lower bounds only: the server waits that long, a loaded machine longer.
    let ttft = result.ttft_ms.expect("ttft");
    assert!(ttft >= 300, "ttft {ttft}ms for a 300ms delay");
    let total = result.total_ms.expect("total");
    assert!(total >= ttft + 60, "total {total}ms");
    assert!(result.tokens_per_s.is_some());
}

#[tokio::test]
async fn insufficient_credits_fail_at_once() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::error(
            402,
            "Insufficient credits. Add more using https://openrouter.ai/credits",
        )],
    );
    let result = run(&fake, &[MODEL]).await;
    let error = result.error.expect("error");
    assert_eq!(error.kind, ErrorKind::InsufficientCredits);
    assert_eq!(error.status, Some(402));
    assert!(error.message.contains("Add more"), "{}", error.message);
    assert_eq!(fake.chat_requests().len(), 1, "402 is not retried");
}

#[tokio::test]
async fn invalid_key_names_the_variable() {
    let fake = FakeUpstream::start().await;
    fake.script(MODEL, vec![Reply::error(401, "User not found.")]);
    let result = run(&fake, &[MODEL]).await;
    let error = result.error.expect("error");
    assert_eq!(error.kind, ErrorKind::InvalidKey);
    assert!(
        error.message.contains("PRISM_TEST_KEY"),
        "{}",
        error.message
    );
    assert!(!error.message.contains(TEST_KEY));
    assert_eq!(fake.chat_requests().len(), 1);
}

#[tokio::test]
async fn rate_limits_are_retried_after_the_server_says() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![
            Reply::error(429, "Rate limit exceeded").with_header("retry-after", "1"),
            Reply::Stream(StreamReply::tokens(MODEL, &["fine"])),
        ],
    );
    let clock = ManualClock::new();
    let router = router_with_clock(
        &fake.base_url(),
        ProviderKind::OpenRouter,
        fast_settings(),
        Arc::new(clock.clone()),
    );
    let result = run_on(&router, &[MODEL]).await;
    assert_eq!(result.error, None);
    assert_eq!(result.text, "fine");
    assert_eq!(
        clock.slept(),
        vec![Duration::from_secs(1)],
        "Retry-After: 1 was honoured, and only it"
    );
    assert_eq!(fake.chat_requests().len(), 2);
    assert_eq!(result.attempts.len(), 2);
    assert_eq!(
        result.attempts[0].error.as_ref().map(|e| e.kind),
        Some(ErrorKind::RateLimited)
    );
}

#[tokio::test]
async fn rate_limit_without_retries_says_when_to_come_back() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::error(429, "Rate limit exceeded").with_header("retry-after", "30")],
    );
    let mut settings = fast_settings();
    settings.retry.max_retries = 0;
    let result = run_with(&fake, ProviderKind::OpenRouter, settings, &[MODEL]).await;
    let error = result.error.expect("error");
    assert_eq!(error.kind, ErrorKind::RateLimited);
    assert!(
        error.message.contains("retry after 30s"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn server_errors_fail_n_times_then_succeed() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![
            Reply::error(502, "Bad gateway"),
            Reply::error(503, "Overloaded"),
            Reply::Stream(StreamReply::tokens(MODEL, &["third time"])),
        ],
    );
    let result = run(&fake, &[MODEL]).await;
    assert_eq!(result.error, None);
    assert_eq!(result.text, "third time");
    assert_eq!(fake.chat_requests().len(), 3);
}

#[tokio::test]
async fn retries_are_bounded() {
    let fake = FakeUpstream::start().await;
    fake.script(MODEL, vec![Reply::error(500, "boom")]);
    let result = run(&fake, &[MODEL]).await;
    let error = result.error.expect("error");
    assert_eq!(error.kind, ErrorKind::ServerError);
    assert_eq!(fake.chat_requests().len(), 3, "1 try + 2 retries");
}

#[tokio::test]
async fn a_mid_stream_error_keeps_the_partial_text_and_usage() {
    let fake = FakeUpstream::start().await;
    let error_chunk = json!({
        "id": "gen-x", "model": MODEL, "provider": "Minimax", "object": "chat.completion.chunk",
        "error": {"code": 400, "message": "Token limit reached"},
        "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": null}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11, "cost": 0.0001}
    })
    .to_string();
    fake.script(
        MODEL,
        vec![Reply::Stream(StreamReply::new(vec![
            Piece::Data(chunk(MODEL, json!({"content": "Partial "}), None)),
            Piece::Data(chunk(MODEL, json!({"content": "answer"}), None)),
            Piece::Data(error_chunk),
        ]))],
    );
    let result = run(&fake, &[MODEL]).await;
    let error = result.error.expect("error");
    assert_eq!(error.kind, ErrorKind::BadRequest);
    assert!(
        error.message.starts_with("mid-stream: "),
        "{}",
        error.message
    );
    assert!(error.message.contains("Token limit reached"));
    assert_eq!(result.text, "Partial answer");
    assert_eq!(result.usage.map(|u| u.completion_tokens), Some(2));
    assert_eq!(
        fake.chat_requests().len(),
        1,
        "no retry after tokens were shown"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_an_early_end_with_text_kept() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::Stream(
            StreamReply::new(vec![
                Piece::Data(chunk(MODEL, json!({"content": "Half an "}), None)),
                Piece::Data(chunk(MODEL, json!({"content": "answ"}), None)),
            ])
            .end(End::Drop),
        )],
    );
    let result = run(&fake, &[MODEL]).await;
    assert_eq!(
        result.error.map(|e| e.kind),
        Some(ErrorKind::StreamEndedEarly)
    );
    assert_eq!(result.text, "Half an answ");
}

#[tokio::test]
async fn a_clean_end_without_done_or_finish_is_early() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::Stream(
            StreamReply::new(vec![Piece::Data(chunk(
                MODEL,
                json!({"content": "cut"}),
                None,
            ))])
            .end(End::NoDone),
        )],
    );
    let result = run(&fake, &[MODEL]).await;
    assert_eq!(
        result.error.map(|e| e.kind),
        Some(ErrorKind::StreamEndedEarly)
    );
    assert_eq!(result.text, "cut");
}

#[tokio::test]
async fn a_finish_reason_without_done_is_a_normal_end() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::Stream(
            StreamReply::new(vec![
                Piece::Data(chunk(MODEL, json!({"content": "whole"}), None)),
                Piece::Data(chunk(MODEL, json!({}), Some("stop"))),
            ])
            .end(End::NoDone),
        )],
    );
    let result = run(&fake, &[MODEL]).await;
    assert_eq!(result.error, None);
    assert_eq!(result.text, "whole");
}

#[tokio::test]
async fn a_stalled_stream_fails_after_the_idle_timeout() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::Stream(
            StreamReply::new(vec![Piece::Data(chunk(
                MODEL,
                json!({"content": "then nothing"}),
                None,
            ))])
            .end(End::Stall(Duration::from_secs(10))),
        )],
    );
    let mut settings = fast_settings();
    settings.idle_timeout = Duration::from_millis(300);
    let result = run_with(&fake, ProviderKind::OpenRouter, settings, &[MODEL]).await;
    // Stalled, not the end of the 10 s silence.
    assert_eq!(result.error.map(|e| e.kind), Some(ErrorKind::StreamStalled));
    assert_eq!(result.text, "then nothing");
}

#[tokio::test]
async fn comments_do_not_count_as_stalls_but_silence_before_headers_does() {
    let fake = FakeUpstream::start().await;
    // Six comments 300 ms apart: 1.8 s in all, well past the 1.2 s idle
    // timeout, while no gap comes near it (room for a loaded machine).
    let mut pieces = Vec::new();
    for _ in 0..6 {
        pieces.push(Piece::Comment("OPENROUTER PROCESSING".into()));
        pieces.push(Piece::Pause(Duration::from_millis(300)));
    }
    pieces.push(Piece::Data(chunk(
        MODEL,
        json!({"content": "late but alive"}),
        Some("stop"),
    )));
    fake.script(MODEL, vec![Reply::Stream(StreamReply::new(pieces))]);
    let mut settings = fast_settings();
    settings.idle_timeout = Duration::from_millis(1200);
    let result = run_with(&fake, ProviderKind::OpenRouter, settings.clone(), &[MODEL]).await;
    assert_eq!(result.error, None);
    assert_eq!(result.text, "late but alive");
    assert!(result.ttft_ms.unwrap_or(0) >= 1500);

    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::Stream(
            StreamReply::tokens(MODEL, &["x"]).header_delay(Duration::from_secs(10)),
        )],
    );
    settings.retry.max_retries = 0;
    let result = run_with(&fake, ProviderKind::OpenRouter, settings, &[MODEL]).await;
    assert_eq!(result.error.map(|e| e.kind), Some(ErrorKind::Timeout));
}

#[tokio::test]
async fn an_oversized_event_is_a_clear_error() {
    let fake = FakeUpstream::start().await;
    let huge = "x".repeat(200_000);
    fake.script(
        MODEL,
        vec![Reply::Stream(
            StreamReply::new(vec![
                Piece::Data(chunk(MODEL, json!({"content": "before "}), None)),
                Piece::Data(chunk(MODEL, json!({"content": huge}), None)),
            ])
            .split(16 * 1024),
        )],
    );
    let mut settings = fast_settings();
    settings.max_event_bytes = 64 * 1024;
    let result = run_with(&fake, ProviderKind::OpenRouter, settings, &[MODEL]).await;
    let error = result.error.expect("error");
    assert_eq!(error.kind, ErrorKind::MalformedResponse);
    assert!(error.message.contains("larger than"), "{}", error.message);
    assert_eq!(result.text, "before ");
}

#[tokio::test]
async fn invalid_utf8_becomes_a_replacement_and_the_answer_goes_on() {
    let fake = FakeUpstream::start().await;
    let mut bad =
        b"data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a".to_vec();
    bad.push(0xFF);
    bad.extend_from_slice(b"b\"}}]}\n\n");
    fake.script(
        MODEL,
        vec![Reply::Stream(StreamReply::new(vec![
            Piece::Raw(bad),
            Piece::Data(chunk(
                MODEL,
                json!({"content": " and the rest"}),
                Some("stop"),
            )),
        ]))],
    );
    let result = run(&fake, &[MODEL]).await;
    assert_eq!(result.error, None);
    assert_eq!(result.text, "a\u{FFFD}b and the rest");
}

#[tokio::test]
async fn non_json_data_is_malformed() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::Stream(StreamReply::new(vec![
            Piece::Data(chunk(MODEL, json!({"content": "ok so far"}), None)),
            Piece::Data("<html>oops</html>".into()),
        ]))],
    );
    let result = run(&fake, &[MODEL]).await;
    assert_eq!(
        result.error.map(|e| e.kind),
        Some(ErrorKind::MalformedResponse)
    );
    assert_eq!(result.text, "ok so far");
}

#[tokio::test]
async fn usage_in_every_known_shape() {
    // 1: beside an empty delta after the finish chunk (Nov 2025 to Jan 2026)
    let beside_delta = json!({"model": MODEL, "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": null}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}).to_string();
    // 2: with choices: [] (OpenAI, Bedrock)
    let empty_choices = usage_chunk(MODEL, 3, 1, None);
    // 3: repeating finish_reason (Jul/Aug 2026)
    let repeating = json!({"model": MODEL, "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}).to_string();
    for usage in [beside_delta, empty_choices, repeating] {
        let fake = FakeUpstream::start().await;
        fake.script(
            MODEL,
            vec![Reply::Stream(StreamReply::new(vec![
                Piece::Data(chunk(MODEL, json!({"content": "x"}), None)),
                Piece::Data(chunk(MODEL, json!({}), Some("stop"))),
                Piece::Data(usage),
            ]))],
        );
        let result = run(&fake, &[MODEL]).await;
        assert_eq!(result.error, None);
        assert_eq!(result.usage.map(|u| u.total_tokens), Some(4));
        assert_eq!(result.finish_reason.as_deref(), Some("stop"));
        assert_eq!(result.cost_usd, None, "no cost reported, none invented");
    }
}

#[tokio::test]
async fn reasoning_from_every_field() {
    let fake = FakeUpstream::start().await;
    fake.script(
        MODEL,
        vec![Reply::Stream(StreamReply::new(vec![
            Piece::Data(chunk(MODEL, json!({"reasoning": "one ", "reasoning_details": [{"type": "reasoning.text", "text": "one "}]}), None)),
            Piece::Data(chunk(MODEL, json!({"reasoning_content": "two "}), None)),
            Piece::Data(chunk(MODEL, json!({"reasoning_details": [{"type": "reasoning.summary", "summary": "three"}]}), None)),
            Piece::Data(chunk(MODEL, json!({"content": "answer"}), Some("stop"))),
        ]))],
    );
    let result = run(&fake, &[MODEL]).await;
    assert_eq!(result.reasoning, "one two three");
    assert_eq!(result.text, "answer");
}

#[tokio::test]
async fn client_side_fallback_moves_on_before_the_first_token() {
    let fake = FakeUpstream::start().await;
    fake.script(
        "bad/model",
        vec![Reply::error(404, "No endpoints found for bad/model.")],
    );
    fake.script("busy/model", vec![Reply::error(503, "Overloaded")]);
    fake.script(
        "good/model",
        vec![Reply::Stream(StreamReply::tokens("good/model", &["saved"]))],
    );
    let mut settings = fast_settings();
    settings.retry.max_retries = 1;
    let result = run_with(
        &fake,
        ProviderKind::OpenAi,
        settings,
        &["bad/model", "busy/model", "good/model"],
    )
    .await;
    assert_eq!(result.error, None);
    assert_eq!(result.text, "saved");
    assert_eq!(result.served_model.as_deref(), Some("good/model"));
    let kinds: Vec<Option<ErrorKind>> = result
        .attempts
        .iter()
        .map(|a| a.error.as_ref().map(|e| e.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            Some(ErrorKind::UnknownModel),
            Some(ErrorKind::ServerError),
            Some(ErrorKind::ServerError),
            None
        ]
    );
    let models: Vec<&str> = result.attempts.iter().map(|a| a.model.as_str()).collect();
    assert_eq!(
        models,
        vec!["bad/model", "busy/model", "busy/model", "good/model"]
    );
}

#[tokio::test]
async fn client_side_fallback_reports_every_attempt_when_all_fail() {
    let fake = FakeUpstream::start().await;
    fake.script("a/one", vec![Reply::error(404, "No endpoints found")]);
    fake.script(
        "b/two",
        vec![Reply::error(
            400,
            "context length exceeded: maximum context length is 8192",
        )],
    );
    let result = run_with(
        &fake,
        ProviderKind::OpenAi,
        fast_settings(),
        &["a/one", "b/two"],
    )
    .await;
    let error = result.error.expect("error");
    assert_eq!(error.kind, ErrorKind::ContextLength);
    assert!(
        error.message.contains("all 2 attempts failed"),
        "{}",
        error.message
    );
    assert_eq!(result.attempts.len(), 2);
}

#[tokio::test]
async fn openrouter_fallback_is_one_request_with_models() {
    let fake = FakeUpstream::start().await;
    fake.server_side_fallback(true);
    fake.script(
        "google/gemini-2.0-flash-exp:free",
        vec![Reply::error(429, "rate-limited upstream")],
    );
    fake.script(
        "x-ai/grok-4",
        vec![Reply::Stream(StreamReply::tokens(
            "x-ai/grok-4",
            &["I am Grok"],
        ))],
    );
    let result = run(&fake, &["google/gemini-2.0-flash-exp:free", "x-ai/grok-4"]).await;
    assert_eq!(result.error, None);
    assert_eq!(result.text, "I am Grok");
    assert_eq!(result.served_model.as_deref(), Some("x-ai/grok-4"));
    let requests = fake.chat_requests();
    assert_eq!(requests.len(), 1);
    let body = requests[0].json();
    assert_eq!(body["model"], json!("google/gemini-2.0-flash-exp:free"));
    assert_eq!(body["models"], json!(["x-ai/grok-4"]));
}

#[tokio::test]
async fn connection_refused_names_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let base = format!("http://{addr}/v1");
    let router = router_for(&base, ProviderKind::OpenAi, fast_settings());
    let result = run_on(&router, &[MODEL]).await;
    let error = result.error.expect("error");
    assert_eq!(error.kind, ErrorKind::ConnectionRefused);
    assert!(error.message.contains(&base), "{}", error.message);
    // The cause stays attached, down to the operating system's error...
    let mut chain = Vec::new();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        chain.push(inner.to_string());
        cause = inner.source();
    }
    assert!(
        chain.iter().any(|c| c.to_lowercase().contains("refused")),
        "{chain:?}"
    );
    assert!(
        result.attempts[0]
            .error
            .as_ref()
            .is_some_and(|e| e.source.is_some()),
        "and in the attempt's copy"
    );
    // ...while what is saved is the kind, status and line only.
    let json = serde_json::to_value(&error).expect("serializes");
    assert_eq!(
        json,
        json!({"kind": "connection_refused", "status": null, "message": error.message})
    );
}

#[tokio::test]
async fn a_missing_key_fails_before_any_request() {
    let fake = FakeUpstream::start().await;
    let mut provider = prism::router::Provider::new("openrouter", &fake.base_url());
    provider.api_key_env = Some("NO_SUCH_KEY_VAR".into());
    let router = prism::router::Router::new(
        prism::router::Providers::new(vec![provider], "openrouter"),
        fast_settings(),
    )
    .expect("router");
    let result = run_on(&router, &[MODEL]).await;
    let error = result.error.expect("error");
    assert_eq!(error.kind, ErrorKind::MissingApiKey);
    assert!(error.message.contains("NO_SUCH_KEY_VAR"));
    assert!(fake.chat_requests().is_empty());
}

#[tokio::test]
async fn cancelling_stops_at_once_and_keeps_the_text() {
    let fake = FakeUpstream::start().await;
    let tokens: Vec<String> = (0..200).map(|i| format!("t{i} ")).collect();
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    fake.script(
        MODEL,
        vec![Reply::Stream(
            StreamReply::tokens(MODEL, &tokens).piece_delay(Duration::from_millis(20)),
        )],
    );
    let router = router_for(&fake.base_url(), ProviderKind::OpenRouter, fast_settings());
    let cancel = CancellationToken::new();
    let (tx, mut rx) = mpsc::channel(16);
    let task = {
        let cancel = cancel.clone();
        let target = target("openrouter", &[MODEL]);
        tokio::spawn(async move {
            router
                .run(
                    &target,
                    &messages(),
                    &ChatParams::default(),
                    Some(tx),
                    cancel,
                )
                .await
        })
    };
    let mut contents = 0;
    while let Some(event) = rx.recv().await {
        if matches!(event, StreamEvent::Content(_)) {
            contents += 1;
            if contents == 5 {
                cancel.cancel();
            }
        }
    }
    let result = task.await.expect("task");
    assert_eq!(result.error.map(|e| e.kind), Some(ErrorKind::Cancelled));
    assert!(
        result.text.starts_with("t0 t1 t2 t3 t4 "),
        "{}",
        result.text
    );
    assert!(result.text.len() < 200 * 4);
}

#[tokio::test]
async fn concurrent_columns_do_not_disturb_each_other() {
    let fake = FakeUpstream::start().await;
    fake.script(
        "a/fast",
        vec![Reply::Stream(
            StreamReply::tokens("a/fast", &["A1", "A2"]).piece_delay(Duration::from_millis(10)),
        )],
    );
    fake.script(
        "b/broken",
        vec![Reply::Stream(
            StreamReply::new(vec![Piece::Data(chunk(
                "b/broken",
                json!({"content": "B1"}),
                None,
            ))])
            .end(End::Drop),
        )],
    );
    fake.script(
        "c/slow",
        vec![Reply::Stream(
            StreamReply::tokens("c/slow", &["C1", "C2", "C3"])
                .piece_delay(Duration::from_millis(50)),
        )],
    );
    let router = router_for(&fake.base_url(), ProviderKind::OpenRouter, fast_settings());
    let mut tasks = Vec::new();
    for model in ["a/fast", "b/broken", "c/slow"] {
        let router = router.clone();
        tasks.push(tokio::spawn(async move {
            router
                .run(
                    &target("openrouter", &[model]),
                    &messages(),
                    &ChatParams::default(),
                    None,
                    CancellationToken::new(),
                )
                .await
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    assert_eq!(results[0].text, "A1A2");
    assert!(results[0].is_ok());
    assert_eq!(results[1].text, "B1");
    assert_eq!(
        results[1].error.as_ref().map(|e| e.kind),
        Some(ErrorKind::StreamEndedEarly)
    );
    assert_eq!(results[2].text, "C1C2C3");
    assert!(results[2].is_ok());
}

#[tokio::test]
async fn a_plain_json_answer_is_accepted() {
    let fake = FakeUpstream::start().await;
    let body = json!({"id": "x", "model": MODEL, "choices": [{"index": 0, "message": {"role": "assistant", "content": "not streamed"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 2, "completion_tokens": 2, "total_tokens": 4}}).to_string();
    fake.script(MODEL, vec![Reply::status(200, body)]);
    let result = run(&fake, &[MODEL]).await;
    assert_eq!(result.error, None);
    assert_eq!(result.text, "not streamed");
    assert_eq!(result.usage.map(|u| u.total_tokens), Some(4));
}

#[tokio::test]
async fn a_wrong_base_url_is_named() {
    let fake = FakeUpstream::start().await;
    let base = format!("http://{}", fake.addr);
    let router = router_for(&base, ProviderKind::OpenAi, fast_settings());
    let result = run_on(&router, &[MODEL]).await;
    let error = result.error.expect("error");
    assert_eq!(error.kind, ErrorKind::EndpointNotFound);
    assert!(error.message.contains("/v1"), "{}", error.message);
}
