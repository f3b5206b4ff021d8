//! Replies that are not what they claim: an HTTP status other than 200 in
//! the 2xx range (or none a server should send), an HTML page (a captive
//! portal, a proxy's login), a JSON body that is no chat completion (`{}`, a
//! model list), a stream whose events hold no chat chunk. Each is a
//! `malformed_response` with one line saying what came, never an empty
//! answer that passes for a success, and never raw markup.

use serde_json::Value;

use super::error::RouterError;
use super::html;
use super::wire::{self, Chunk, WireError};

/// How much of a body is kept to say what it was.
pub const HEAD_BYTES: usize = 4096;

/// A 2xx that is not 200 (`201`, `204`, `299`): the request did not get an
/// answer, whatever the body holds.
pub fn unexpected_success(status: u16, body: &[u8]) -> RouterError {
    RouterError::malformed(format!(
        "HTTP {status} instead of 200 OK: {}",
        describe(body)
    ))
    .with_status(status)
}

/// A non-streaming body read as one completion: a chat completion (with a
/// `choices` array) or an error object; anything else is malformed.
pub fn completion_from_json(body: &[u8]) -> Result<Chunk, RouterError> {
    let text = String::from_utf8_lossy(wire::trim_leading_space(body));
    let repaired = wire::repair_lone_surrogates(&text);
    let value: Value = serde_json::from_str(repaired.as_deref().unwrap_or(&text))
        .map_err(|_| RouterError::malformed(describe(body)))?;
    if let Some(what) = not_a_completion(&value) {
        return Err(RouterError::malformed(what));
    }
    serde_json::from_value(value).map_err(|e| {
        RouterError::malformed(format!("the JSON body is not a chat completion: {e}")).caused_by(e)
    })
}

/// Why a JSON value is no chat completion; None when it is one (it has a
/// `choices` array with an entry, or an `error` object to report).
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "serde_json's Value: only the kinds named are read"
)]
pub fn not_a_completion(value: &Value) -> Option<String> {
    let object = match value {
        Value::Object(object) => object,
        Value::Array(_) => return Some("a JSON array, not a chat completion".into()),
        other => return Some(format!("a JSON {}, not a chat completion", kind(other))),
    };
    if object.get("error").is_some_and(|e| !e.is_null()) {
        return None;
    }
    match object.get("choices") {
        Some(Value::Array(choices)) if !choices.is_empty() => None,
        Some(Value::Array(_)) => Some("a chat completion without any choice".into()),
        _ if object.is_empty() => Some("an empty JSON object ({}), not a chat completion".into()),
        _ if object.get("data").is_some_and(Value::is_array) => {
            Some("a model list (what /models answers), not a chat completion".into())
        }
        _ => {
            let keys: Vec<String> = object
                .keys()
                .take(5)
                .map(|k| crate::units::clip(k, 24))
                .collect();
            let more = if object.len() > 5 { ", …" } else { "" };
            Some(format!(
                "a JSON object without `choices` (keys: {}{more}), not a chat completion",
                keys.join(", ")
            ))
        }
    }
}

/// An error object sent as the whole body of a 200 (some proxies do).
pub fn error_object(body: &[u8]) -> Option<WireError> {
    let value: Value = serde_json::from_slice(wire::trim_leading_space(body)).ok()?;
    value.get("error").filter(|e| !e.is_null())?;
    wire::parse_error_body(body)
}

/// One line for a body that is not what was expected: an HTML page by its
/// title, JSON by what it holds, anything else by its first words.
pub fn describe(body: &[u8]) -> String {
    let trimmed = wire::trim_leading_space(body);
    if trimmed.is_empty() {
        return "an empty body".into();
    }
    if html::is_html(trimmed) {
        return html::html_summary(trimmed);
    }
    if let Ok(value) = serde_json::from_slice::<Value>(trimmed) {
        return not_a_completion(&value).unwrap_or_else(|| "a JSON chat completion".into());
    }
    let text = String::from_utf8_lossy(trimmed);
    format!(
        "a {}-byte body that is neither JSON nor an event stream: {}",
        body.len(),
        crate::units::clip(&wire::one_line(&text), 60)
    )
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_pages_are_named_by_their_title_never_their_markup() {
        let portal = b"\n<!DOCTYPE html><html><head><TITLE>Hotel &amp; Spa\n Wi-Fi</TITLE><script>x</script></head><body>Log in</body></html>";
        assert!(html::is_html(portal));
        assert_eq!(
            describe(portal),
            "HTML page from the server (title: Hotel & Spa Wi-Fi)"
        );
        assert_eq!(
            describe(b"<html><body>no title</body></html>"),
            "HTML page from the server (no title)"
        );
        assert_eq!(
            describe(b"<html><title></title></html>"),
            "HTML page from the server (no title)"
        );
    }

    #[test]
    fn json_that_is_no_completion_says_what_it_is() {
        let what = |body: &str| completion_from_json(body.as_bytes()).unwrap_err().message;
        assert_eq!(
            what("{}"),
            "malformed response: an empty JSON object ({}), not a chat completion"
        );
        assert_eq!(
            what(r#"{"object":"list","data":[{"id":"a/b"}]}"#),
            "malformed response: a model list (what /models answers), not a chat completion"
        );
        assert_eq!(
            what(r#"{"id":"x","choices":[]}"#),
            "malformed response: a chat completion without any choice"
        );
        assert_eq!(
            what(r#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}"#),
            "malformed response: a JSON object without `choices` (keys: a, b, c, d, e, …), not a chat completion"
        );
        assert_eq!(
            what("[1]"),
            "malformed response: a JSON array, not a chat completion"
        );
        assert_eq!(
            what("<html><title>Portal</title></html>"),
            "malformed response: HTML page from the server (title: Portal)"
        );
        let chunk = completion_from_json(
            br#"{"choices":[{"index":0,"message":{"content":"hi \ud800"},"finish_reason":"stop"}]}"#,
        )
        .expect("a completion");
        assert_eq!(
            chunk.choices[0]
                .message
                .as_ref()
                .and_then(|m| m.content.clone()),
            Some("hi \u{FFFD}".into())
        );
        assert!(completion_from_json(br#"{"error":{"message":"no"}}"#).is_ok());
    }

    #[test]
    fn other_bodies_by_their_first_words() {
        assert_eq!(describe(b""), "an empty body");
        assert_eq!(
            describe(b"Service temporarily\nunavailable"),
            "a 31-byte body that is neither JSON nor an event stream: Service temporarily unavailable"
        );
        assert_eq!(
            unexpected_success(299, b"{}").message,
            "malformed response: HTTP 299 instead of 200 OK: an empty JSON object ({}), not a chat completion"
        );
    }
}
