//! Every way a stream can fail, as one typed error with a one-line message a
//! person can act on, and the classification that decides what is retried.
//! What a server said is classified in `server`, a broken connection in
//! `transport`, and how long a server asked us to wait in `retry_after`.

mod retry_after;
mod server;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::wire::one_line;

pub use retry_after::{MAX_RETRY_AFTER, retry_after};
pub use server::{ErrorContext, from_http, from_stream_error};
pub use transport::from_transport;

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

#[cfg(test)]
mod tests;
