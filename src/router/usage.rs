//! Token counts of one answer, read from whichever chunk carries them. Servers
//! disagree on the shape (OpenRouter, OpenAI, Ollama, llama.cpp, vLLM), so the
//! wire form is all optional and flattens into one plain `Usage`. The numbers
//! are kept as the server wrote them until they are checked: a count or cost
//! that is malformed or beyond belief makes that figure unknown (with the
//! reason), never the chunk unreadable, so the answer's text is kept.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::figures::{self, Reason};

/// Token counts as the server reported them. Cached and cache-write tokens are
/// part of `prompt_tokens`; reasoning tokens are part of `completion_tokens`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    #[serde(default)]
    pub reasoning_tokens: u64,
    #[serde(default)]
    pub cached_tokens: u64,
    #[serde(default)]
    pub cache_write_tokens: u64,
}

/// A number as the server wrote it, checked when it is read.
type RawNumber = Option<Box<RawValue>>;

/// `usage` as it arrives in a chunk; every field may be missing or null.
#[derive(Debug, Default, Deserialize)]
pub struct WireUsage {
    #[serde(default)]
    pub prompt_tokens: RawNumber,
    #[serde(default)]
    pub completion_tokens: RawNumber,
    #[serde(default)]
    pub total_tokens: RawNumber,
    /// OpenRouter's charge in USD credits, as a JSON number.
    #[serde(default)]
    pub cost: RawNumber,
    #[serde(default)]
    pub prompt_tokens_details: Option<Box<RawValue>>,
    #[serde(default)]
    pub completion_tokens_details: Option<Box<RawValue>>,
}

#[derive(Debug, Default, Deserialize)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: RawNumber,
    #[serde(default)]
    cache_write_tokens: RawNumber,
}

#[derive(Debug, Default, Deserialize)]
struct CompletionDetails {
    #[serde(default)]
    reasoning_tokens: RawNumber,
}

impl WireUsage {
    /// The token counts, or the reason they are unknown: one count that is
    /// not a whole number from 0 to [`figures::MAX_TOKENS`] makes them all
    /// unknown (they are read together, so one bad one taints the rest).
    pub fn to_usage(&self) -> Result<Usage, Reason> {
        let count = |field: &str, raw: &RawNumber| match raw {
            Some(raw) => figures::token_count(field, raw.get()),
            None => Ok(None),
        };
        let prompt_details: PromptDetails =
            details("usage.prompt_tokens_details", &self.prompt_tokens_details)?;
        let completion_details: CompletionDetails = details(
            "usage.completion_tokens_details",
            &self.completion_tokens_details,
        )?;
        let prompt_tokens = count("usage.prompt_tokens", &self.prompt_tokens)?.unwrap_or(0);
        let completion_tokens =
            count("usage.completion_tokens", &self.completion_tokens)?.unwrap_or(0);
        // Both are at most MAX_TOKENS: the sum cannot overflow.
        let total_tokens = count("usage.total_tokens", &self.total_tokens)?
            .unwrap_or(prompt_tokens + completion_tokens);
        Ok(Usage {
            prompt_tokens,
            completion_tokens,
            total_tokens,
            reasoning_tokens: count(
                "usage.completion_tokens_details.reasoning_tokens",
                &completion_details.reasoning_tokens,
            )?
            .unwrap_or(0),
            cached_tokens: count(
                "usage.prompt_tokens_details.cached_tokens",
                &prompt_details.cached_tokens,
            )?
            .unwrap_or(0),
            cache_write_tokens: count(
                "usage.prompt_tokens_details.cache_write_tokens",
                &prompt_details.cache_write_tokens,
            )?
            .unwrap_or(0),
        })
    }

    /// The server's own cost for this answer when it reports one, or the
    /// reason it is not used.
    pub fn reported_cost_usd(&self) -> Result<Option<Decimal>, Reason> {
        match &self.cost {
            Some(raw) => figures::cost("usage.cost", raw.get()),
            None => Ok(None),
        }
    }
}

/// A details object, or its defaults when it is absent or null; anything
/// else is a reason.
fn details<T: Default + for<'de> Deserialize<'de>>(
    field: &str,
    raw: &Option<Box<RawValue>>,
) -> Result<T, Reason> {
    match raw.as_deref().map(RawValue::get) {
        None | Some("null") => Ok(T::default()),
        Some(text) => serde_json::from_str(text)
            .map_err(|_| format!("{field} {} is not an object", figures::shown(text))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_openrouter_usage() {
        let wire: WireUsage = serde_json::from_str(
            r#"{"prompt_tokens":254,"completion_tokens":5,"total_tokens":259,"cost":0.000837,
            "is_byok":false,"prompt_tokens_details":{"cached_tokens":3,"cache_write_tokens":7,"audio_tokens":0},
            "completion_tokens_details":{"reasoning_tokens":2,"image_tokens":0}}"#,
        )
        .expect("usage parses");
        let usage = wire.to_usage().expect("sane counts");
        assert_eq!(
            usage,
            Usage {
                prompt_tokens: 254,
                completion_tokens: 5,
                total_tokens: 259,
                reasoning_tokens: 2,
                cached_tokens: 3,
                cache_write_tokens: 7,
            }
        );
        assert_eq!(
            wire.reported_cost_usd().map(|c| c.map(|c| c.to_string())),
            Ok(Some("0.000837".to_string()))
        );
    }

    #[test]
    fn tolerates_nulls_and_missing_fields() {
        let wire: WireUsage = serde_json::from_str(
            r#"{"prompt_tokens":4,"completion_tokens":2,"prompt_tokens_details":null}"#,
        )
        .expect("usage parses");
        let usage = wire.to_usage().expect("sane counts");
        assert_eq!(usage.total_tokens, 6);
        assert_eq!(usage.cached_tokens, 0);
        assert_eq!(wire.reported_cost_usd(), Ok(None));
    }
}
