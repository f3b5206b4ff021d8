//! The JSON of OpenAI-compatible chat streams as servers really send it:
//! chunks, error bodies and non-streaming completions. Everything optional,
//! unknown fields ignored, so one server's extra keys never break another;
//! a malformed optional field (a number where text belongs, a repeated key,
//! half a UTF-16 surrogate pair) costs that field, never the chunk.
//! Error bodies are read in `error_body`; the leniency that keeps a chunk
//! whole is in `lenient`.

mod error_body;
mod lenient;

use serde::Deserialize;
use serde_json::Value;

use super::usage::WireUsage;
use lenient::lenient_text;

pub use error_body::{WireError, parse_error_body};
pub use lenient::repair_lone_surrogates;

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
    fn null_arrays_are_empty() {
        let chunk: Chunk = serde_json::from_str(r#"{"choices":null,"usage":null}"#).expect("chunk");
        assert!(chunk.choices.is_empty());
        assert!(chunk.usage.is_none());
    }
}
