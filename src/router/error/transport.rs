//! A request that never got an answer: refused or timed-out connections,
//! names that do not resolve, and bodies that broke off, named by URL.

use std::time::Duration;

use super::{ErrorKind, RouterError};
use crate::router::wire::one_line;

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
