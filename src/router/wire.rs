//! The JSON of OpenAI-compatible chat streams as servers really send it:
//! chunks, error bodies and non-streaming completions. Everything optional,
//! unknown fields ignored, so one server's extra keys never break another;
//! a malformed optional field (a number where text belongs, a repeated key,
//! half a UTF-16 surrogate pair) costs that field, never the chunk.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::usage::WireUsage;

/// One `data:` payload of a chat completion stream.
#[derive(Debug, Default, Deserialize)]
pub struct Chunk {
    #[serde(default, deserialize_with = "lenient_text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub model: Option<String>,
    /// OpenRouter names the upstream that served ("OpenAI", "Google", ...).
    #[serde(default, deserialize_with = "lenient_text")]
    pub provider: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub usage: Option<WireUsage>,
    /// A top-level error object mid-stream (OpenRouter, vLLM).
    #[serde(default)]
    pub error: Option<WireError>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Choice {
    #[serde(default)]
    pub index: Option<u32>,
    #[serde(default)]
    pub delta: Option<Delta>,
    /// Non-streaming responses carry `message` instead of `delta`.
    #[serde(default)]
    pub message: Option<Delta>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Delta {
    #[serde(default)]
    pub content: Option<String>,
    /// OpenRouter, Ollama and vLLM.
    #[serde(default)]
    pub reasoning: Option<String>,
    /// llama.cpp (and older vLLM, DeepSeek).
    #[serde(default)]
    pub reasoning_content: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub reasoning_details: Vec<ReasoningDetail>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub tool_calls: Vec<WireToolCall>,
}

impl Delta {
    /// The readable reasoning text of this delta. OpenRouter sends the same
    /// text both as `reasoning` and in `reasoning_details`, so the details
    /// are only used when neither plain field is present.
    pub fn reasoning_text(&self) -> Option<String> {
        if let Some(text) = self.reasoning.as_ref().or(self.reasoning_content.as_ref()) {
            return Some(text.clone());
        }
        let joined: String = self
            .reasoning_details
            .iter()
            .filter_map(|detail| detail.text.as_deref().or(detail.summary.as_deref()))
            .collect();
        (!joined.is_empty()).then_some(joined)
    }
}

/// An entry of `reasoning_details`: `reasoning.text`, `reasoning.summary` or
/// `reasoning.encrypted` (whose data is opaque and not shown).
#[derive(Debug, Default, Deserialize)]
pub struct ReasoningDetail {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct WireToolCall {
    #[serde(default)]
    pub index: Option<u32>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub function: Option<WireFunction>,
}

#[derive(Debug, Default, Deserialize)]
pub struct WireFunction {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub arguments: Option<String>,
}

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
    if super::html::is_html(text.as_bytes()) {
        super::html::html_summary(text.as_bytes())
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

/// Parses one chunk. The common case is one pass; a chunk that does not
/// parse is tried again with lone UTF-16 surrogates (`"\ud800"`, which JSON
/// allows and Rust strings cannot hold) made U+FFFD, then through a `Value`,
/// where a repeated key keeps its last value, as browsers do.
pub fn parse_chunk(data: &str) -> Result<Chunk, serde_json::Error> {
    let first = match serde_json::from_str(data) {
        Ok(chunk) => return Ok(chunk),
        Err(error) => error,
    };
    let repaired = repair_lone_surrogates(data);
    let text = repaired.as_deref().unwrap_or(data);
    if repaired.is_some()
        && let Ok(chunk) = serde_json::from_str(text)
    {
        return Ok(chunk);
    }
    serde_json::from_str::<Value>(text)
        .and_then(serde_json::from_value)
        .map_err(|_| first)
}

/// Replaces every `\uXXXX` escape of a surrogate that is not half of a
/// pair with `\ufffd`; None when there is none (the usual case).
pub fn repair_lone_surrogates(json: &str) -> Option<String> {
    if !json.contains("\\u") {
        return None;
    }
    let bytes = json.as_bytes();
    let surrogate = |at: usize| -> Option<u16> {
        let hex = json.get(at + 2..at + 6)?;
        (bytes.get(at) == Some(&b'\\') && bytes.get(at + 1) == Some(&b'u'))
            .then(|| u16::from_str_radix(hex, 16).ok())
            .flatten()
            .filter(|unit| (0xD800..=0xDFFF).contains(unit))
    };
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut in_string = false;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if let Some(unit) = surrogate(at) {
                    let paired =
                        unit < 0xDC00 && surrogate(at + 6).is_some_and(|low| low >= 0xDC00);
                    if paired {
                        at += 12;
                        continue;
                    }
                    let text = out.get_or_insert_with(|| String::with_capacity(json.len()));
                    text.push_str(&json[copied..at]);
                    text.push_str("\\ufffd");
                    at += 6;
                    copied = at;
                    continue;
                }
                // Any other escape: skip the escaped character.
                at += 2;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    let mut text = out?;
    text.push_str(&json[copied..]);
    Some(text)
}

/// A text field that holds something else (a number, an object) is absent,
/// not a reason to drop the chunk. (A visitor, not an untagged enum: the
/// text of every chunk passes here, and nothing is buffered.)
fn lenient_text<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Text;

    impl<'de> serde::de::Visitor<'de> for Text {
        type Value = Option<String>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
            Ok(Some(text.to_string()))
        }

        fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Self::Value, E> {
            Ok(Some(text))
        }

        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: serde::Deserializer<'de>>(
            self,
            inner: D,
        ) -> Result<Self::Value, D::Error> {
            inner.deserialize_any(Text)
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }

    deserializer.deserialize_any(Text)
}

/// OpenRouter may send blank keep-alive lines before a JSON body.
pub fn trim_leading_space(body: &[u8]) -> &[u8] {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    &body[start..]
}

/// Collapses whitespace runs (newlines included) so a message fits one line.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_real_openrouter_chunk() {
        let chunk: Chunk = serde_json::from_str(
            r#"{"id":"gen-1762141316-q3fB","provider":"OpenAI","model":"openai/o3","object":"chat.completion.chunk","created":1762141317,"choices":[{"index":0,"delta":{"role":"assistant","content":"I"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}"#,
        )
        .expect("chunk parses");
        assert_eq!(chunk.provider.as_deref(), Some("OpenAI"));
        let delta = chunk.choices[0].delta.as_ref().expect("delta");
        assert_eq!(delta.content.as_deref(), Some("I"));
        assert_eq!(delta.reasoning_text(), None);
    }

    #[test]
    fn reasoning_from_any_field_without_duplicates() {
        let both: Delta = serde_json::from_str(
            r#"{"reasoning":"think","reasoning_details":[{"type":"reasoning.text","text":"think"}]}"#,
        )
        .expect("delta");
        assert_eq!(both.reasoning_text().as_deref(), Some("think"));
        let llama: Delta = serde_json::from_str(r#"{"reasoning_content":"hmm"}"#).expect("delta");
        assert_eq!(llama.reasoning_text().as_deref(), Some("hmm"));
        let details: Delta = serde_json::from_str(
            r#"{"reasoning":null,"reasoning_details":[{"type":"reasoning.summary","summary":"S"},{"type":"reasoning.encrypted","data":"xx"}]}"#,
        )
        .expect("delta");
        assert_eq!(details.reasoning_text().as_deref(), Some("S"));
    }

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

    #[test]
    fn a_malformed_optional_field_costs_the_field_not_the_chunk() {
        let delta = r#""choices":[{"index":0,"delta":{"content":"kept"},"finish_reason":"stop"}]"#;
        for data in [
            // Half a surrogate pair, in text and in the model id.
            format!(r#"{{"model":"m\ud800","provider":"P\udc00x",{delta}}}"#),
            // A repeated key: the last one counts.
            format!(r#"{{"model":"a","model":"b",{delta}}}"#),
            // Text fields holding numbers or objects.
            format!(r#"{{"model":5,"provider":{{"x":1}},{delta}}}"#),
            // Usage numbers of every wrong kind.
            format!(
                r#"{{{delta},"usage":{{"prompt_tokens":1.5,"completion_tokens":-2,"cost":"0.5","total_tokens":1e400}}}}"#
            ),
        ] {
            let chunk = parse_chunk(&data).unwrap_or_else(|e| panic!("{data}: {e}"));
            let content = chunk.choices[0]
                .delta
                .as_ref()
                .and_then(|d| d.content.clone());
            assert_eq!(content.as_deref(), Some("kept"), "{data}");
        }
        let chunk = parse_chunk(r#"{"model":"a\ud83d\ude00\ud800"}"#).expect("repaired");
        assert_eq!(chunk.model.as_deref(), Some("a😀\u{fffd}"));
        let chunk = parse_chunk(r#"{"model":"a","model":"b"}"#).expect("dup");
        assert_eq!(chunk.model.as_deref(), Some("b"));
        assert!(parse_chunk("not json").is_err());
    }

    #[test]
    fn only_lone_surrogates_are_repaired() {
        assert_eq!(repair_lone_surrogates(r#"{"a":"plain"}"#), None);
        assert_eq!(repair_lone_surrogates(r#"{"a":"\ud83d\ude00"}"#), None);
        assert_eq!(repair_lone_surrogates(r#"{"a":"\\ud800"}"#), None);
        assert_eq!(
            repair_lone_surrogates(r#"{"a":"x\uD800y\udfff"}"#).as_deref(),
            Some(r#"{"a":"x\ufffdy\ufffd"}"#)
        );
    }

    proptest::proptest! {
        #[test]
        fn repaired_strings_always_parse(text in "\\PC{0,12}", units in proptest::collection::vec(0xD700u16..0xE000, 0..4)) {
            let mut json = serde_json::to_string(&text).expect("json");
            json.pop();
            for unit in units {
                json.push_str(&format!("\\u{unit:04x}"));
            }
            json.push('"');
            let repaired = repair_lone_surrogates(&json).unwrap_or(json);
            proptest::prop_assert!(serde_json::from_str::<String>(&repaired).is_ok(), "{}", repaired);
        }
    }

    #[test]
    fn null_arrays_are_empty() {
        let chunk: Chunk = serde_json::from_str(r#"{"choices":null,"usage":null}"#).expect("chunk");
        assert!(chunk.choices.is_empty());
        assert!(chunk.usage.is_none());
    }
}
