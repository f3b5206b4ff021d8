//! Error objects as servers send them, in an HTTP error body or inside a
//! stream: the code, the message, and OpenRouter's metadata, read down to
//! the most specific explanation on one line.

use serde::Deserialize;
use serde_json::Value;

use super::{one_line, trim_leading_space};

/// `{"code": 429 | "server_error", "message": ..., "metadata": {...}}`.
#[derive(Debug, Default, Deserialize)]
pub struct WireError {
    #[serde(default)]
    pub code: Option<Value>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: Option<Value>,
}

impl WireError {
    /// The code as an HTTP-like number when it is one (`429`, `"429"`).
    #[allow(
        clippy::wildcard_enum_match_arm,
        reason = "serde_json's Value: only the kinds named are read"
    )]
    pub fn numeric_code(&self) -> Option<u16> {
        match self.code.as_ref()? {
            Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The code as text (`"server_error"`, `"context_length_exceeded"`).
    #[allow(
        clippy::wildcard_enum_match_arm,
        reason = "serde_json's Value: only the kinds named are read"
    )]
    pub fn text_code(&self) -> Option<&str> {
        match self.code.as_ref()? {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The most specific explanation available, on one line.
    pub fn describe(&self) -> String {
        let mut text = self.message.as_deref().map(unmarked).unwrap_or_default();
        let metadata = self.metadata.as_ref();
        // OpenRouter wraps upstream failures as "Provider returned error" with the detail in metadata.raw.
        if let Some(raw) = metadata.and_then(|m| m.get("raw")).and_then(raw_text) {
            if text.is_empty() || text == "Provider returned error" {
                text = raw;
            } else {
                text = format!("{text}: {raw}");
            }
        }
        if let Some(provider) = metadata
            .and_then(|m| m.get("provider_name"))
            .and_then(Value::as_str)
        {
            text = format!("{text} (provider {provider})");
        }
        if let Some(reasons) = metadata
            .and_then(|m| m.get("reasons"))
            .and_then(Value::as_array)
        {
            let reasons: Vec<&str> = reasons.iter().filter_map(Value::as_str).collect();
            if !reasons.is_empty() {
                text = format!("{text} [{}]", reasons.join(", "));
            }
        }
        one_line(&text)
    }

    /// OpenRouter's `error_type` (`rate_limit_exceeded`, `context_length_exceeded`, ...).
    pub fn error_type(&self) -> Option<&str> {
        self.metadata
            .as_ref()
            .and_then(|m| m.get("error_type"))
            .and_then(Value::as_str)
            .or(self.kind.as_deref())
            .or(self.text_code())
    }
}

/// Text from a server's error, with an HTML page (a gateway's 502 page
/// passed on in `message` or `metadata.raw`) named by its title instead of
/// its markup.
fn unmarked(text: &str) -> String {
    if crate::router::html::is_html(text.as_bytes()) {
        crate::router::html::html_summary(text.as_bytes())
    } else {
        text.to_string()
    }
}

fn raw_text(raw: &Value) -> Option<String> {
    raw_text_marked(raw).map(|text| unmarked(&text))
}

#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "serde_json's Value: only the kinds named are read"
)]
fn raw_text_marked(raw: &Value) -> Option<String> {
    match raw {
        Value::String(s) if !s.trim().is_empty() => {
            // `raw` is often the upstream's JSON body; dig out its message.
            match serde_json::from_str::<Value>(s) {
                Ok(inner) => inner
                    .pointer("/error/message")
                    .or_else(|| inner.get("message"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or_else(|| Some(s.clone())),
                Err(_) => Some(s.clone()),
            }
        }
        Value::Object(_) => raw
            .pointer("/error/message")
            .or_else(|| raw.get("message"))
            .and_then(Value::as_str)
            .map(str::to_string),
        _ => None,
    }
}

/// An HTTP error body: `{"error": {...}}`, `{"error": "text"}`, or
/// `{"message": ...}` (some proxies), parsed as far as it goes.
pub fn parse_error_body(body: &[u8]) -> Option<WireError> {
    let value: Value = serde_json::from_slice(trim_leading_space(body)).ok()?;
    match value.get("error") {
        Some(Value::String(message)) => Some(WireError {
            message: Some(message.clone()),
            ..WireError::default()
        }),
        Some(inner @ Value::Object(_)) => serde_json::from_value(inner.clone()).ok(),
        _ => value
            .get("message")
            .and_then(Value::as_str)
            .map(|message| WireError {
                message: Some(message.to_string()),
                ..WireError::default()
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::wire::Chunk;

    #[test]
    fn error_codes_are_numbers_or_strings() {
        let chunk: Chunk = serde_json::from_str(
            r#"{"error":{"code":"server_error","message":"Provider disconnected unexpectedly"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"#,
        )
        .expect("chunk");
        let error = chunk.error.expect("error");
        assert_eq!(error.numeric_code(), None);
        assert_eq!(error.text_code(), Some("server_error"));
        let chunk: Chunk =
            serde_json::from_str(r#"{"error":{"code":429,"message":"Rate limit exceeded","metadata":{"error_type":"rate_limit_exceeded"}}}"#)
                .expect("chunk");
        let error = chunk.error.expect("error");
        assert_eq!(error.numeric_code(), Some(429));
        assert_eq!(error.error_type(), Some("rate_limit_exceeded"));
    }

    #[test]
    fn real_429_body_names_the_upstream_problem() {
        let body = br#"{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"google/gemini-2.0-flash-exp:free is temporarily rate-limited upstream. Please retry shortly.","provider_name":"Google"}},"user_id":"user_2"}"#;
        let error = parse_error_body(body).expect("error body");
        assert_eq!(error.numeric_code(), Some(429));
        assert_eq!(
            error.describe(),
            "google/gemini-2.0-flash-exp:free is temporarily rate-limited upstream. Please retry shortly. (provider Google)"
        );
    }

    #[test]
    fn other_error_body_shapes() {
        assert_eq!(
            parse_error_body(b"\n\n{\"error\":\"model 'x' not found\"}").and_then(|e| e.message),
            Some("model 'x' not found".to_string())
        );
        assert_eq!(
            parse_error_body(br#"{"message":"Unauthorized"}"#).and_then(|e| e.message),
            Some("Unauthorized".to_string())
        );
        assert!(parse_error_body(b"<html>502 Bad Gateway</html>").is_none());
    }
}
