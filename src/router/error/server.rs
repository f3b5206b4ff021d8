//! What a server said when it refused: an HTTP status with its error body,
//! or an error object inside a 200 stream, classified into a kind and one
//! line that names the model, key or URL.

use std::time::Duration;

use super::{ErrorKind, RouterError};
use crate::router::provider::{Provider, WithheldKey, host_label};
use crate::router::wire::{WireError, one_line, parse_error_body};

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

/// The start of a non-JSON body on one line; an HTML page by its title.
fn snippet(body: &[u8]) -> String {
    if crate::router::html::is_html(body) {
        return crate::router::html::html_summary(body);
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
