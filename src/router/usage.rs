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
    /// OpenRouter, with your own provider key (BYOK): `cost` is only its
    /// fee (often 0) and `upstream_inference_cost` here what the provider charged.
    #[serde(default)]
    pub cost_details: Option<Box<RawValue>>,
    #[serde(default)]
    pub is_byok: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
struct CostDetails {
    #[serde(default)]
    upstream_inference_cost: RawNumber,
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
    /// With your own provider key (BYOK) that is OpenRouter's fee plus
    /// what the provider charged (`cost_details.upstream_inference_cost`),
    /// so a BYOK answer's `cost: 0` is not taken for free. Without BYOK the
    /// upstream figure, when sent, is already inside `cost` (a real capture
    /// with a server tool has both), so it is only used when `cost` is 0 or
    /// missing and `is_byok` does not say otherwise.
    pub fn reported_cost_usd(&self) -> Result<Option<Decimal>, Reason> {
        let cost = match &self.cost {
            Some(raw) => figures::cost("usage.cost", raw.get())?,
            None => None,
        };
        let free = cost.is_none_or(|c| c.is_zero());
        let byok = self.is_byok.unwrap_or(free);
        if !byok {
            return Ok(cost);
        }
        let details: CostDetails = details("usage.cost_details", &self.cost_details)?;
        let upstream = match &details.upstream_inference_cost {
            Some(raw) => figures::cost("usage.cost_details.upstream_inference_cost", raw.get())?,
            None => None,
        };
        Ok(match (cost, upstream) {
            (Some(fee), Some(upstream)) => fee.checked_add(upstream),
            (fee, upstream) => fee.or(upstream),
        })
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
    fn a_byok_answer_costs_what_the_provider_charged() {
        // As OpenRouter sends it with your own key: its fee is 0.
        let byok: WireUsage = serde_json::from_str(
            r#"{"prompt_tokens":43,"completion_tokens":36,"total_tokens":79,"cost":0,"is_byok":true,
            "cost_details":{"upstream_inference_cost":0.000669,"upstream_inference_prompt_cost":0.000129,
            "upstream_inference_completions_cost":0.00054}}"#,
        )
        .expect("usage parses");
        assert_eq!(byok.reported_cost_usd(), Ok(Some(Decimal::new(669, 6))));
        // A fee on top is added.
        let fee: WireUsage = serde_json::from_str(
            r#"{"cost":0.00003,"is_byok":true,"cost_details":{"upstream_inference_cost":0.0006}}"#,
        )
        .expect("usage parses");
        assert_eq!(fee.reported_cost_usd(), Ok(Some(Decimal::new(63, 5))));
        // Without BYOK the field is null (a real capture): the cost is `cost`.
        let plain: WireUsage = serde_json::from_str(
            r#"{"cost":0.000669,"is_byok":false,"cost_details":{"upstream_inference_cost":null,
            "upstream_inference_prompt_cost":0.000129,"upstream_inference_completions_cost":0.00054}}"#,
        )
        .expect("usage parses");
        assert_eq!(plain.reported_cost_usd(), Ok(Some(Decimal::new(669, 6))));
        let hostile: WireUsage =
            serde_json::from_str(r#"{"cost":0,"cost_details":{"upstream_inference_cost":-5}}"#)
                .expect("usage parses");
        assert!(hostile.reported_cost_usd().is_err());
        // A real capture (a server tool, no is_byok): the upstream figure
        // is inside `cost`, not on top of it.
        let tool: WireUsage = serde_json::from_str(
            r#"{"cost":0.0145476,"cost_details":{"upstream_inference_cost":0.0001776}}"#,
        )
        .expect("usage parses");
        assert_eq!(tool.reported_cost_usd(), Ok(Some(Decimal::new(145476, 7))));
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
