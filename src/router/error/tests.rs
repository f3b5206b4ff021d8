use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue};

use super::*;

fn ctx() -> ErrorContext<'static> {
    ErrorContext {
        provider: "openrouter",
        model: "openai/gpt-4o",
        url: "https://openrouter.ai/api/v1",
        key_env: Some("OPENROUTER_API_KEY"),
        withheld: None,
    }
}

fn classify_body(status: u16, body: &str) -> RouterError {
    from_http(status, body.as_bytes(), None, &ctx())
}

#[test]
fn statuses_map_to_kinds() {
    let cases = [
        (
            401,
            r#"{"error":{"code":401,"message":"No auth credentials found"}}"#,
            ErrorKind::InvalidKey,
        ),
        (
            402,
            r#"{"error":{"code":402,"message":"Insufficient credits"}}"#,
            ErrorKind::InsufficientCredits,
        ),
        (
            403,
            r#"{"error":{"code":403,"message":"flagged","metadata":{"reasons":["violence"]}}}"#,
            ErrorKind::Moderation,
        ),
        (
            404,
            r#"{"error":{"code":404,"message":"No endpoints found for x/y."}}"#,
            ErrorKind::UnknownModel,
        ),
        (404, "404 page not found", ErrorKind::EndpointNotFound),
        (
            400,
            r#"{"error":{"code":400,"message":"openai/gpt-5o is not a valid model ID"}}"#,
            ErrorKind::UnknownModel,
        ),
        (
            400,
            r#"{"error":{"code":400,"message":"This endpoint's maximum context length is 8192 tokens"}}"#,
            ErrorKind::ContextLength,
        ),
        (
            400,
            r#"{"error":{"message":"Input must have at least 1 token.","code":400,"metadata":{"provider_name":null}}}"#,
            ErrorKind::BadRequest,
        ),
        (
            429,
            r#"{"error":{"code":429,"message":"Rate limit exceeded"}}"#,
            ErrorKind::RateLimited,
        ),
        (502, "<html>Bad gateway</html>", ErrorKind::ServerError),
        (
            503,
            r#"{"error":{"code":503,"message":"No instances available"}}"#,
            ErrorKind::ServerError,
        ),
        (408, "", ErrorKind::ServerError),
    ];
    for (status, body, kind) in cases {
        let error = classify_body(status, body);
        assert_eq!(error.kind, kind, "{status} {body}");
        assert_eq!(error.status, Some(status));
        assert!(!error.message.contains('\n'));
    }
}

#[test]
fn messages_say_what_to_do() {
    let invalid = classify_body(401, r#"{"error":{"code":401,"message":"User not found."}}"#);
    assert_eq!(
        invalid.message,
        "openrouter rejected the API key in OPENROUTER_API_KEY (401): User not found."
    );
    let not_found = classify_body(404, "<h1>Not Found</h1>");
    assert!(
        not_found.message.contains("is the base URL right"),
        "{}",
        not_found.message
    );
    let moderation = classify_body(
        403,
        r#"{"error":{"code":403,"message":"Your input was flagged","metadata":{"reasons":["harassment"],"provider_name":"OpenAI"}}}"#,
    );
    assert_eq!(
        moderation.message,
        "refused by openrouter (403, moderation or permission): Your input was flagged (provider OpenAI) [harassment]"
    );
}

#[test]
fn rate_limit_says_when_to_retry() {
    let error = from_http(
        429,
        br#"{"error":{"code":429,"message":"Rate limit exceeded: free-models-per-min"}}"#,
        Some(Duration::from_secs(35)),
        &ctx(),
    );
    assert_eq!(error.kind, ErrorKind::RateLimited);
    assert_eq!(error.retry_after, Some(Duration::from_secs(35)));
    assert!(
        error.message.ends_with("(retry after 35s)"),
        "{}",
        error.message
    );
}

#[test]
fn real_anthropic_400_through_openrouter() {
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/upstream/openrouter/recordings/ai-sdk-provider/6gmSSczGYDL/response.json"
    ))
    .expect("fixture");
    let error = from_http(400, &body, None, &ctx());
    assert_eq!(error.kind, ErrorKind::BadRequest);
    assert_eq!(
        error.message,
        "openrouter refused the request (400): messages.0: all messages must have non-empty content except for the optional final assistant message (provider Anthropic)"
    );
}

#[test]
fn mid_stream_errors() {
    let wire: crate::router::wire::WireError = serde_json::from_str(
        r#"{"code":"server_error","message":"Provider disconnected unexpectedly"}"#,
    )
    .expect("wire");
    let error = from_stream_error(&wire, &ctx());
    assert_eq!(error.kind, ErrorKind::ServerError);
    assert_eq!(error.status, None);
    assert!(
        error.message.starts_with("mid-stream: "),
        "{}",
        error.message
    );

    let wire: crate::router::wire::WireError =
        serde_json::from_str(r#"{"code":400,"message":"Token limit reached"}"#).expect("wire");
    let error = from_stream_error(&wire, &ctx());
    assert_eq!(error.kind, ErrorKind::BadRequest);
    assert_eq!(error.status, Some(400));
    assert!(error.message.contains("Token limit reached"));
}

#[test]
fn retriable_kinds() {
    assert!(ErrorKind::RateLimited.is_retriable());
    assert!(ErrorKind::ServerError.is_retriable());
    for kind in [
        ErrorKind::InvalidKey,
        ErrorKind::InsufficientCredits,
        ErrorKind::Moderation,
        ErrorKind::UnknownModel,
        ErrorKind::BadRequest,
        ErrorKind::ConnectionRefused,
        ErrorKind::Cancelled,
    ] {
        assert!(!kind.is_retriable(), "{kind:?}");
    }
}

#[test]
fn retry_after_forms() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("7"));
    assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));

    headers.insert(
        "retry-after",
        HeaderValue::from_str(&httpdate::fmt_http_date(now + Duration::from_secs(30)))
            .expect("date"),
    );
    assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));

    let mut headers = HeaderMap::new();
    headers.insert(
        "x-ratelimit-reset",
        HeaderValue::from_str(&(1_700_000_012_000u64).to_string()).expect("reset"),
    );
    assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(12)));
    assert_eq!(retry_after(&HeaderMap::new(), now), None);
}

#[test]
fn far_future_waits_are_clamped_in_every_form() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let asked = |name: &'static str, value: &str| {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).expect("header"));
        retry_after(&headers, now)
    };
    for (name, value) in [
        ("retry-after", "1e300".to_string()),
        ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT".to_string()),
        ("x-ratelimit-reset", u64::MAX.to_string()),
    ] {
        assert_eq!(
            asked(name, &value),
            Some(MAX_RETRY_AFTER),
            "{name}: {value}"
        );
    }
    // A retry asked for so far ahead is not waited for at all: the budget says no.
    let policy = crate::router::RetryPolicy::default();
    assert_eq!(
        policy.delay(1, Duration::MAX, Some(MAX_RETRY_AFTER), 0.5),
        None
    );
}

#[test]
fn a_401_without_a_key_says_why_none_was_sent() {
    let withheld = crate::router::provider::WithheldKey {
        var: "OPENROUTER_API_KEY".into(),
        home: "openrouter.ai".into(),
        key: crate::router::provider::ApiKey::new("sk-or-v1-secret"),
    };
    let moved = ErrorContext {
        key_env: None,
        withheld: Some(&withheld),
        url: "http://127.0.0.1:4000/v1",
        ..ctx()
    };
    let error = from_http(401, br#"{"error":{"message":"no auth"}}"#, None, &moved);
    assert_eq!(error.kind, ErrorKind::MissingApiKey);
    assert_eq!(
        error.message,
        "openrouter wants an API key (401); prism held back the key in OPENROUTER_API_KEY on purpose: it belongs to openrouter.ai, not 127.0.0.1:4000. To send it to 127.0.0.1:4000, pass --api-key-env OPENROUTER_API_KEY"
    );
    let keyless = ErrorContext {
        key_env: None,
        ..ctx()
    };
    let error = from_http(401, b"", None, &keyless);
    assert_eq!(error.kind, ErrorKind::MissingApiKey);
    assert!(error.message.contains("none was sent"), "{}", error.message);
}

#[test]
fn kinds_serialize_as_their_names() {
    for kind in [
        ErrorKind::MissingApiKey,
        ErrorKind::StreamEndedEarly,
        ErrorKind::UnknownModel,
    ] {
        let json = serde_json::to_value(kind).expect("kind");
        assert_eq!(json, serde_json::json!(kind.as_str()));
    }
}
