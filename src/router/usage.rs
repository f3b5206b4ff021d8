//! Token counts of one answer, read from whichever chunk carries them. Servers
//! disagree on the shape (OpenRouter, OpenAI, Ollama, llama.cpp, vLLM), so the
//! wire form is all optional and flattens into one plain `Usage`.

use serde::{Deserialize, Serialize};

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

/// `usage` as it arrives in a chunk; every field may be missing or null.
#[derive(Debug, Default, Deserialize)]
pub struct WireUsage {
    #[serde(default)]
    pub prompt_tokens: Option<u64>,
    #[serde(default)]
    pub completion_tokens: Option<u64>,
    #[serde(default)]
    pub total_tokens: Option<u64>,
    /// OpenRouter's charge in USD credits, as a JSON float.
    #[serde(default)]
    pub cost: Option<f64>,
    #[serde(default)]
    pub prompt_tokens_details: Option<PromptDetails>,
    #[serde(default)]
    pub completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PromptDetails {
    #[serde(default)]
    pub cached_tokens: Option<u64>,
    #[serde(default)]
    pub cache_write_tokens: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CompletionDetails {
    #[serde(default)]
    pub reasoning_tokens: Option<u64>,
}

impl WireUsage {
    pub fn to_usage(&self) -> Usage {
        let prompt_tokens = self.prompt_tokens.unwrap_or(0);
        let completion_tokens = self.completion_tokens.unwrap_or(0);
        let prompt_details = self.prompt_tokens_details.as_ref();
        let completion_details = self.completion_tokens_details.as_ref();
        Usage {
            prompt_tokens,
            completion_tokens,
            total_tokens: self
                .total_tokens
                .unwrap_or(prompt_tokens + completion_tokens),
            reasoning_tokens: completion_details
                .and_then(|d| d.reasoning_tokens)
                .unwrap_or(0),
            cached_tokens: prompt_details.and_then(|d| d.cached_tokens).unwrap_or(0),
            cache_write_tokens: prompt_details
                .and_then(|d| d.cache_write_tokens)
                .unwrap_or(0),
        }
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
        let usage = wire.to_usage();
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
        assert_eq!(wire.cost, Some(0.000837));
    }

    #[test]
    fn tolerates_nulls_and_missing_fields() {
        let wire: WireUsage = serde_json::from_str(
            r#"{"prompt_tokens":4,"completion_tokens":2,"prompt_tokens_details":null}"#,
        )
        .expect("usage parses");
        let usage = wire.to_usage();
        assert_eq!(usage.total_tokens, 6);
        assert_eq!(usage.cached_tokens, 0);
        assert_eq!(wire.cost, None);
    }
}
