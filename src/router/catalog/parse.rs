//! Reads a `GET {base}/models` body from any OpenAI-compatible server into
//! `ModelInfo`s. Tolerant by design: a field of the wrong type falls back to
//! None/empty, and an entry that cannot be used is recorded, never dropped.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{ModelInfo, ParsedModels, SkippedEntry};
use crate::router::pricing::{Price, Pricing};

/// Why a whole `/models` body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the model list is not valid JSON: {0}")]
    NotJson(#[from] serde_json::Error),
    #[error("the model list has no `data` array (found {found})")]
    NoDataArray { found: &'static str },
    #[error("the model list is an {0}")]
    Page(String),
    /// A parse error whose text quoted a key: only its redacted text is
    /// kept (the cause would quote the key again).
    #[error("{0}")]
    Redacted(String),
}

/// Parses the three shapes servers send: `{"data":[...]}` (OpenRouter, OpenAI,
/// Ollama, vLLM, llama.cpp), or a bare array of entries (a saved `.data`).
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "serde_json's Value: only the kinds named are read"
)]
pub fn parse_models(body: &[u8]) -> Result<ParsedModels, CatalogError> {
    if crate::router::html::is_html(body) {
        return Err(CatalogError::Page(crate::router::html::html_summary(body)));
    }
    let root: Value = serde_json::from_slice(body)?;
    let entries = match root {
        Value::Array(entries) => entries,
        Value::Object(mut object) => match object.remove("data") {
            Some(Value::Array(entries)) => entries,
            Some(other) => {
                return Err(CatalogError::NoDataArray {
                    found: match other {
                        Value::Null => "`data` is null",
                        _ => "`data` is not an array",
                    },
                });
            }
            None => {
                return Err(CatalogError::NoDataArray {
                    found: "an object without `data`",
                });
            }
        },
        other => {
            return Err(CatalogError::NoDataArray {
                found: json_kind(&other),
            });
        }
    };

    let mut parsed = ParsedModels::default();
    let mut seen_ids: HashSet<String> = HashSet::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        match parse_entry(entry, &mut parsed.notes) {
            Ok(model) if seen_ids.contains(&model.id) => parsed.skipped.push(SkippedEntry {
                index,
                reason: format!("duplicate id `{}` (the first entry is kept)", model.id),
            }),
            Ok(model) => {
                seen_ids.insert(model.id.clone());
                parsed.models.push(model);
            }
            Err(reason) => parsed.skipped.push(SkippedEntry { index, reason }),
        }
    }
    Ok(parsed)
}

fn parse_entry(entry: &Value, notes: &mut Vec<String>) -> Result<ModelInfo, String> {
    let Some(object) = entry.as_object() else {
        return Err(format!("entry is {}, not an object", json_kind(entry)));
    };
    let id = match object.get("id") {
        Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
        Some(Value::String(_)) => return Err("`id` is empty".to_string()),
        Some(other) => return Err(format!("`id` is {}, not a string", json_kind(other))),
        None => return Err("no `id`".to_string()),
    };
    let name = match object.get("name") {
        Some(Value::String(name)) if !name.trim().is_empty() => name.clone(),
        _ => id.clone(),
    };
    let top_provider = object.get("top_provider").and_then(Value::as_object);
    let count = |value: Option<&Value>| value.and_then(lenient_u64).filter(|&count| count > 0);
    // OpenRouter's `context_length`, else vLLM's `max_model_len`, else the
    // top provider's. Zero (non-chat models on OpenRouter) means "not said".
    let context_length = count(object.get("context_length"))
        .or_else(|| count(object.get("max_model_len")))
        .or_else(|| count(top_provider.and_then(|top| top.get("context_length"))));
    let max_completion_tokens =
        count(top_provider.and_then(|top| top.get("max_completion_tokens")))
            .or_else(|| count(object.get("max_completion_tokens")));
    let (input_modalities, output_modalities) = modalities(object.get("architecture"));

    Ok(ModelInfo {
        name,
        created_unix: object.get("created").and_then(lenient_i64),
        context_length,
        max_completion_tokens,
        input_modalities,
        output_modalities,
        supported_parameters: strings(object.get("supported_parameters")),
        pricing: pricing(&id, object.get("pricing"), notes),
        id,
    })
}

/// `architecture.input_modalities/output_modalities`, or, when those are
/// missing, the older `architecture.modality` summary ("text+image->text").
fn modalities(architecture: Option<&Value>) -> (Vec<String>, Vec<String>) {
    let Some(architecture) = architecture.and_then(Value::as_object) else {
        return (Vec::new(), Vec::new());
    };
    let mut input = strings(architecture.get("input_modalities"));
    let mut output = strings(architecture.get("output_modalities"));
    if let Some(Value::String(summary)) = architecture.get("modality")
        && let Some((left, right)) = summary.split_once("->")
    {
        let split = |side: &str| -> Vec<String> {
            side.split('+')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(str::to_string)
                .collect()
        };
        if input.is_empty() {
            input = split(left);
        }
        if output.is_empty() {
            output = split(right);
        }
    }
    (input, output)
}

/// The model's prices; one beyond belief is unknown, with a note naming
/// the model and the price.
pub(crate) fn pricing(id: &str, value: Option<&Value>, notes: &mut Vec<String>) -> Pricing {
    let Some(prices) = value.and_then(Value::as_object) else {
        return Pricing::unknown();
    };
    let mut price = |key: &str| price(id, prices, key, notes);
    Pricing {
        prompt: price("prompt").unwrap_or(Price::Unknown),
        completion: price("completion").unwrap_or(Price::Unknown),
        request: price("request"),
        internal_reasoning: price("internal_reasoning"),
        input_cache_read: price("input_cache_read"),
        input_cache_write: price("input_cache_write"),
    }
}

/// None when the key is absent or null (the model has no such charge); a
/// value that is not a believable price becomes Unknown, so a cost is never
/// understated (nor made up).
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "serde_json's Value: only the kinds named are read"
)]
fn price(
    id: &str,
    prices: &Map<String, Value>,
    key: &str,
    notes: &mut Vec<String>,
) -> Option<Price> {
    let text = match prices.get(key)? {
        Value::Null => return None,
        Value::String(text) => text.clone(),
        // serde_json renders a number by its shortest round-trip text
        // ("7e-8"), which Price::parse reads back as the exact decimal.
        Value::Number(number) => number.to_string(),
        other => other.to_string(),
    };
    let checked = Price::parse_checked(&format!("pricing.{key}"), &text);
    Some(checked.unwrap_or_else(|reason| {
        notes.push(format!("{id}: {reason}"));
        Price::Unknown
    }))
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// A count as a JSON integer, an integral float (`128000.0`) or a digit string.
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "serde_json's Value: only the kinds named are read"
)]
fn lenient_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64().or_else(|| {
            number
                .as_f64()
                .filter(|float| float.fract() == 0.0 && *float >= 0.0 && *float < 1.8e19)
                .map(|float| float as u64)
        }),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "serde_json's Value: only the kinds named are read"
)]
fn lenient_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64().or_else(|| {
            number
                .as_f64()
                .filter(|float| float.fract() == 0.0 && float.abs() < 9.2e18)
                .map(|float| float as i64)
        }),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
