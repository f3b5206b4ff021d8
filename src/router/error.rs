//! Every way a stream can fail, as one typed error with a one-line message a
//! person can act on, and the classification that decides what is retried.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::provider::{Provider, WithheldKey, host_label};
use super::wire::{WireError, one_line, parse_error_body};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No key in the environment or `.env` for a provider that needs one.
    MissingApiKey,
    /// 401: the key is wrong, disabled or expired.
    InvalidKey,
    /// 402: no credits left, or the key's limit is spent.
    InsufficientCredits,
    /// 403: moderation, a guardrail, or no permission.
    Moderation,
    /// 404 (or 400 naming the model): the server does not know the model.
    UnknownModel,
    /// 404 from the endpoint itself: the base URL is probably wrong.
    EndpointNotFound,
    /// The prompt does not fit the model's context window.
    ContextLength,
    /// 400/413/422: the server refused the request's parameters.
    BadRequest,
    /// 429: too many requests.
    RateLimited,
    /// 5xx, 408: the server or the model upstream failed.
    ServerError,
    /// No connection or response within the allowed time.
    Timeout,
    /// Nothing listens at the URL.
    ConnectionRefused,
    /// Any other transport failure (DNS, TLS, reset).
    Connection,
    /// No bytes for the idle timeout.
    StreamStalled,
    /// The connection closed before `[DONE]` or a finish reason.
    StreamEndedEarly,
    /// The server sent something that is not what the API says.
    MalformedResponse,
    /// An answer or a catalog passed its size cap (`[limits]`).
    TooLarge,
    /// The user stopped it.
    Cancelled,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::MissingApiKey => "missing_api_key",
            ErrorKind::InvalidKey => "invalid_key",
            ErrorKind::InsufficientCredits => "insufficient_credits",
            ErrorKind::Moderation => "moderation",
            ErrorKind::UnknownModel => "unknown_model",
            ErrorKind::EndpointNotFound => "endpoint_not_found",
            ErrorKind::ContextLength => "context_length",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::ServerError => "server_error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::ConnectionRefused => "connection_refused",
            ErrorKind::Connection => "connection",
            ErrorKind::StreamStalled => "stream_stalled",
            ErrorKind::StreamEndedEarly => "stream_ended_early",
            ErrorKind::MalformedResponse => "malformed_response",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Cancelled => "cancelled",
        }
    }

    /// Worth another try of the same request after a pause.
    pub fn is_retriable(self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimited
                | ErrorKind::ServerError
                | ErrorKind::Timeout
                | ErrorKind::Connection
                | ErrorKind::StreamStalled
                | ErrorKind::StreamEndedEarly
        )
    }
}

/// A failure with its kind, the HTTP status (or the mid-stream error code)
/// when there was one, and one line for people. The error that caused it,
/// when there was one, stays attached as its `source` (for logs and reports;
/// sessions and JSON keep only the line).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct RouterError {
    pub kind: ErrorKind,
    pub status: Option<u16>,
    pub message: String,
    /// How long the server asked us to wait (Retry-After), if it said.
    #[serde(skip)]
    pub retry_after: Option<Duration>,
    #[serde(skip)]
    #[source]
    pub source: Option<Cause>,
}

/// The error beneath a `RouterError`: shared, so the error stays cheap to
/// clone into events and results. Two causes are equal when they read alike.
#[derive(Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Cause {
        Cause(Arc::new(error))
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Cause) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl Eq for Cause {}

impl RouterError {
    /// The message is for people: on one line, and sanitised here, so
    /// whatever a server put in it (escape sequences, bidi overrides) is
    /// harmless wherever the error goes (a pane, a file, JSON).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> RouterError {
        RouterError {
            kind,
            status: None,
            message: crate::sanitize::one_line(&one_line(&message.into())).into_owned(),
            retry_after: None,
            source: None,
        }
    }

    /// Keeps the error that caused this one.
    pub fn caused_by(
        mut self,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> RouterError {
        self.source = Some(Cause::new(cause));
        self
    }

    pub fn with_status(mut self, status: u16) -> RouterError {
        self.status = Some(status);
        self
    }

    pub fn cancelled() -> RouterError {
        RouterError::new(ErrorKind::Cancelled, "cancelled")
    }

    pub fn missing_key(provider: &str, env_var: &str) -> RouterError {
        RouterError::new(
            ErrorKind::MissingApiKey,
            format!(
                "no API key for {provider}: set {env_var} in the environment or in a .env file"
            ),
        )
    }

    pub fn stalled(idle: Duration) -> RouterError {
        RouterError::new(
            ErrorKind::StreamStalled,
            format!(
                "stream stalled: no data for {}s (raise --idle-timeout to wait longer)",
                idle.as_secs()
            ),
        )
    }

    pub fn ended_early() -> RouterError {
        RouterError::new(
            ErrorKind::StreamEndedEarly,
            "stream ended early: the connection closed before the answer finished",
        )
    }

    /// The whole request took longer than the deadline (a trickling body,
    /// keep-alive comments without an answer).
    pub fn deadline(limit: Duration) -> RouterError {
        RouterError::new(
            ErrorKind::Timeout,
            format!(
                "no complete answer within {}s, the request deadline (raise --request-timeout or [network] request_timeout_secs to wait longer)",
                limit.as_secs()
            ),
        )
    }

    /// `what` passed `limit_bytes`; `setting` names the knob that raises it.
    pub fn too_large(what: &str, limit_bytes: usize, setting: &str) -> RouterError {
        RouterError::new(
            ErrorKind::TooLarge,
            format!(
                "{what} passed {}, the cap ({setting}); stopped reading",
                crate::units::size(limit_bytes)
            ),
        )
    }

    pub fn malformed(detail: impl Into<String>) -> RouterError {
        RouterError::new(
            ErrorKind::MalformedResponse,
            format!("malformed response: {}", detail.into()),
        )
    }
}

/// What the request was, for messages that name the model, key or URL.
pub struct ErrorContext<'a> {
    pub provider: &'a str,
    pub model: &'a str,
    pub url: &'a str,
    /// The variable of the key that was sent, if one was.
    pub key_env: Option<&'a str>,
    /// A key held back because it belongs to another host.
    pub withheld: Option<&'a WithheldKey>,
}

impl<'a> ErrorContext<'a> {
    /// The context of a request to `provider` about `model`.
    pub fn of(provider: &'a Provider, model: &'a str) -> ErrorContext<'a> {
        ErrorContext {
            provider: &provider.name,
            model,
            url: &provider.base_url,
            key_env: provider.api_key_env.as_deref(),
            withheld: provider.withheld_key.as_ref(),
        }
    }
}

/// Classifies a non-2xx response from its status, body and Retry-After.
pub fn from_http(
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
    ctx: &ErrorContext<'_>,
) -> RouterError {
    let wire = parse_error_body(body);
    let detail = match &wire {
        Some(error) => error.describe(),
        None => snippet(body),
    };
    let error_type = wire.as_ref().and_then(WireError::error_type).unwrap_or("");
    let mut error = classify(status, error_type, &detail, wire.is_some(), ctx);
    error.status = Some(status);
    error.retry_after = retry_after;
    if error.kind == ErrorKind::RateLimited {
        error.message = match retry_after {
            Some(wait) => format!("{} (retry after {}s)", error.message, wait.as_secs().max(1)),
            None => error.message,
        };
    }
    error
}

/// Classifies an error object that arrived inside a 200 stream.
pub fn from_stream_error(wire: &WireError, ctx: &ErrorContext<'_>) -> RouterError {
    let detail = wire.describe();
    let error_type = wire.error_type().unwrap_or("");
    let status = wire.numeric_code();
    let mut error = match status {
        Some(code) => classify(code, error_type, &detail, true, ctx),
        None if error_type.contains("rate_limit") => classify(429, error_type, &detail, true, ctx),
        None if error_type.contains("context_length") => {
            classify(400, error_type, &detail, true, ctx)
        }
        None => RouterError::new(
            ErrorKind::ServerError,
            format!("{} failed mid-stream: {}", ctx.model, or_unknown(&detail)),
        ),
    };
    error.status = status;
    error.message = format!("mid-stream: {}", error.message);
    error
}

fn classify(
    status: u16,
    error_type: &str,
    detail: &str,
    body_was_json: bool,
    ctx: &ErrorContext<'_>,
) -> RouterError {
    let lower = detail.to_ascii_lowercase();
    let mentions_model = lower.contains("model")
        || error_type.contains("model")
        || lower.contains("no endpoints found");
    let context = error_type.contains("context_length")
        || lower.contains("context length")
        || lower.contains("context_length")
        || lower.contains("maximum context")
        || lower.contains("too many tokens");
    let detail = or_unknown(detail);
    let provider = ctx.provider;
    let (kind, message) = match status {
        401 => match (ctx.key_env, ctx.withheld) {
            (Some(var), _) => (
                ErrorKind::InvalidKey,
                format!("{provider} rejected the API key in {var} (401): {detail}"),
            ),
            // No key was sent, so none can be invalid.
            (None, Some(withheld)) => (
                ErrorKind::MissingApiKey,
                format!(
                    "{provider} wants an API key (401); prism held back the key in {var} on purpose: it belongs to {home}, not {here}. To send it to {here}, pass --api-key-env {var}",
                    var = withheld.var,
                    home = withheld.home,
                    here = host_label(ctx.url),
                ),
            ),
            (None, None) => (
                ErrorKind::MissingApiKey,
                format!(
                    "{provider} wants an API key (401) and none was sent: set api_key_env for it in the config file or pass --api-key-env VAR"
                ),
            ),
        },
        402 => (
            ErrorKind::InsufficientCredits,
            format!("insufficient credits on {provider} (402): {detail}"),
        ),
        403 => (
            ErrorKind::Moderation,
            format!("refused by {provider} (403, moderation or permission): {detail}"),
        ),
        404 if body_was_json || mentions_model => (
            ErrorKind::UnknownModel,
            format!(
                "unknown model '{}' on {provider} (404): {detail}",
                ctx.model
            ),
        ),
        404 => (
            ErrorKind::EndpointNotFound,
            format!(
                "{} answered 404: is the base URL right? (OpenAI-compatible URLs usually end in /v1)",
                ctx.url
            ),
        ),
        400 | 413 | 422 if context => (
            ErrorKind::ContextLength,
            format!(
                "the prompt does not fit {}'s context ({status}): {detail}",
                ctx.model
            ),
        ),
        400 | 422
            if lower.contains("not a valid model")
                || lower.contains("model_not_found")
                || lower.contains("does not exist")
                || lower.contains("unknown model")
                || error_type == "model_not_found" =>
        {
            (
                ErrorKind::UnknownModel,
                format!(
                    "unknown model '{}' on {provider} ({status}): {detail}",
                    ctx.model
                ),
            )
        }
        400 | 405 | 413 | 415 | 422 => (
            ErrorKind::BadRequest,
            format!("{provider} refused the request ({status}): {detail}"),
        ),
        429 => (
            ErrorKind::RateLimited,
            format!("rate limited by {provider} (429): {detail}"),
        ),
        408 | 500..=599 => (
            ErrorKind::ServerError,
            format!("{provider} failed ({status}): {detail}"),
        ),
        400..=499 => (
            ErrorKind::BadRequest,
            format!("{provider} answered HTTP {status}: {detail}"),
        ),
        // 1xx, a redirect that was not followed, 600 and above: no answer.
        _ => (
            ErrorKind::MalformedResponse,
            format!(
                "malformed response: {provider} answered HTTP {status}, which is no answer: {detail}"
            ),
        ),
    };
    RouterError::new(kind, message)
}

/// Classifies a transport error from reqwest, naming the URL.
pub fn from_transport(err: reqwest::Error, url: &str, connect_timeout: Duration) -> RouterError {
    let error = classify_transport(&err, url, connect_timeout);
    error.caused_by(err)
}

fn classify_transport(err: &reqwest::Error, url: &str, connect_timeout: Duration) -> RouterError {
    let chain = error_chain(err);
    let lower = chain.to_ascii_lowercase();
    if err.is_timeout() {
        let phase = if err.is_connect() {
            "connecting to"
        } else {
            "waiting for"
        };
        let detail = if err.is_connect() {
            format!(" after {}s", connect_timeout.as_secs())
        } else {
            String::new()
        };
        return RouterError::new(
            ErrorKind::Timeout,
            format!("timed out {phase} {url}{detail}"),
        );
    }
    if lower.contains("connection refused") {
        return RouterError::new(
            ErrorKind::ConnectionRefused,
            format!("connection refused: nothing is listening at {url}"),
        );
    }
    if lower.contains("dns error") || lower.contains("failed to lookup address") {
        return RouterError::new(
            ErrorKind::Connection,
            format!(
                "cannot reach {url}: the host name does not resolve (offline, or a typo in the URL?)"
            ),
        );
    }
    if err.is_connect() {
        return RouterError::new(
            ErrorKind::Connection,
            format!("cannot connect to {url}: {}", innermost(err)),
        );
    }
    if err.is_body() || err.is_decode() {
        return RouterError::new(
            ErrorKind::StreamEndedEarly,
            format!("stream ended early: the connection broke ({chain})"),
        );
    }
    RouterError::new(
        ErrorKind::Connection,
        format!("request to {url} failed: {chain}"),
    )
}

/// The error and its sources on one line, without repeating the URL reqwest adds.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        let text = match text.split_once(" for url (") {
            Some((head, _)) => head.to_string(),
            None => text,
        };
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    one_line(&parts.join(": "))
}

/// The deepest cause, which names what actually went wrong.
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(source) = current.source() {
        current = source;
    }
    one_line(&current.to_string())
}

/// The start of a non-JSON body on one line; an HTML page by its title.
fn snippet(body: &[u8]) -> String {
    if super::html::is_html(body) {
        return super::html::html_summary(body);
    }
    let text = String::from_utf8_lossy(body);
    crate::units::clip(&one_line(&text), 201)
}

fn or_unknown(detail: &str) -> &str {
    if detail.trim().is_empty() {
        "no details given"
    } else {
        detail
    }
}

/// The longest wait a server can ask for, whatever form it asks in: a day.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

/// Parses `Retry-After` (seconds, or an HTTP date) and OpenRouter's
/// `X-RateLimit-Reset` (epoch milliseconds), each clamped to [`MAX_RETRY_AFTER`].
pub fn retry_after(
    headers: &reqwest::header::HeaderMap,
    now: std::time::SystemTime,
) -> Option<Duration> {
    if let Some(value) = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
    {
        let value = value.trim();
        if let Ok(secs) = value.parse::<f64>()
            && secs.is_finite()
            && secs >= 0.0
        {
            return Some(Duration::from_secs_f64(
                secs.min(MAX_RETRY_AFTER.as_secs_f64()),
            ));
        }
        if let Ok(when) = httpdate::parse_http_date(value) {
            let wait = when.duration_since(now).unwrap_or(Duration::ZERO);
            return Some(wait.min(MAX_RETRY_AFTER));
        }
    }
    let reset_ms = headers
        .get("x-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())?;
    let now_ms = u64::try_from(now.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis()).ok()?;
    // Only trust values that look like epoch milliseconds.
    (reset_ms > 1_000_000_000_000)
        .then(|| Duration::from_millis(reset_ms.saturating_sub(now_ms)).min(MAX_RETRY_AFTER))
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
