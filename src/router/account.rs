//! OpenRouter's account endpoints: the exact record of a finished generation
//! (`GET /generation?id=`: exact cost, the upstream that served, its latency
//! and generation time) and the key's credit and limits (`GET /key`). Both
//! are fetched after the fact, in the background; a stream never waits on them.

use std::time::Duration;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::{ErrorKind, RouterError};
use super::figures::{RawNumber, checked};
use super::provider::{Provider, ProviderKind};
use super::{Router, figures, pricing};

/// How long to keep asking for a generation record that is not ready yet
/// (OpenRouter answers 404 for a moment after the stream ends).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenerationWait {
    /// The pause after the first 404; it doubles after each one (capped at 2 s).
    pub first_delay: Duration,
    /// No retry starts once this much time has passed since the first request.
    pub max_wait: Duration,
}

impl Default for GenerationWait {
    fn default() -> Self {
        GenerationWait {
            first_delay: Duration::from_millis(250),
            max_wait: Duration::from_secs(5),
        }
    }
}

/// The exact figures of one generation, as OpenRouter recorded them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenerationRecord {
    pub id: String,
    /// What was charged, in USD.
    #[serde(default, with = "super::pricing::usd_json")]
    pub total_cost_usd: Option<Decimal>,
    /// The upstream that served ("OpenAI", "Together").
    pub provider_name: Option<String>,
    pub model: Option<String>,
    /// The upstream's time to first token, as OpenRouter measured it.
    pub latency_ms: Option<u64>,
    /// The upstream's time from first to last token.
    pub generation_time_ms: Option<u64>,
    /// Token counts in the model's own tokenizer.
    pub native_tokens_prompt: Option<u64>,
    pub native_tokens_completion: Option<u64>,
    pub native_tokens_reasoning: Option<u64>,
    /// With your own provider key (BYOK): what that provider charged you,
    /// beside OpenRouter's fee in `total_cost_usd`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::pricing::usd_json"
    )]
    pub upstream_inference_cost_usd: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_byok: Option<bool>,
    /// Figures of the record that are not used, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl GenerationRecord {
    /// What the generation cost you: OpenRouter's charge, plus with your
    /// own provider key (BYOK) what that provider charged (OpenRouter's
    /// `total_cost` is then only its fee, often 0).
    pub fn charged_usd(&self) -> Option<rust_decimal::Decimal> {
        let total = self.total_cost_usd?;
        match self.upstream_inference_cost_usd {
            Some(upstream) if self.is_byok == Some(true) => total.checked_add(upstream),
            _ => Some(total),
        }
    }

    /// The record's token counts as usage, when it has both prompt and
    /// completion counts (the model's own tokenizer: exact).
    pub fn usage(&self) -> Option<super::usage::Usage> {
        let prompt_tokens = self.native_tokens_prompt?;
        let completion_tokens = self.native_tokens_completion?;
        Some(super::usage::Usage {
            prompt_tokens,
            completion_tokens,
            // Both are at most figures::MAX_TOKENS.
            total_tokens: prompt_tokens + completion_tokens,
            reasoning_tokens: self.native_tokens_reasoning.unwrap_or(0),
            ..Default::default()
        })
    }
}

/// A key's credit and limits.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyInfo {
    pub label: Option<String>,
    /// The key's credit limit in USD; None for no limit.
    pub limit_usd: Option<Decimal>,
    pub limit_remaining_usd: Option<Decimal>,
    /// Spent so far, in USD.
    pub usage_usd: Option<Decimal>,
    pub is_free_tier: Option<bool>,
    /// The (deprecated) rate limit, for people: "1000 requests / 1h".
    pub rate_limit: Option<String>,
    /// Amounts the server sent that are beyond belief (left out), and why.
    pub notes: Vec<String>,
}

impl KeyInfo {
    /// One line for the footer: "credit $4.21 left of $10 · free tier".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        match (self.limit_remaining_usd, self.limit_usd) {
            (Some(left), Some(limit)) => {
                parts.push(format!("credit {} left of {}", usd(left), usd(limit)))
            }
            (Some(left), None) => parts.push(format!("credit {} left", usd(left))),
            // A limit or balance left out as beyond belief is unknown, not "no limit".
            (None, _) if !self.notes.is_empty() => parts.push("credit unknown".to_string()),
            (None, _) => {
                if let Some(used) = self.usage_usd {
                    parts.push(format!("{} used · no limit", usd(used)));
                } else {
                    parts.push("no limit".to_string());
                }
            }
        }
        if self.is_free_tier == Some(true) {
            parts.push("free tier".to_string());
        }
        if let Some(rate) = &self.rate_limit {
            parts.push(rate.clone());
        }
        parts.join(" · ")
    }
}

/// The routing hop the user pays for: prism's time to first token minus the
/// upstream's own latency. Negative when the clocks disagree (kept as it is:
/// rounding the truth to zero would hide it); None when either is unknown
/// or beyond an i64.
pub fn overhead_ms(ttft_ms: Option<u64>, record: &GenerationRecord) -> Option<i64> {
    let ttft = i64::try_from(ttft_ms?).ok()?;
    let latency = i64::try_from(record.latency_ms?).ok()?;
    ttft.checked_sub(latency)
}

/// Dollars for people: "$10", "$4.21", "$0.0042".
fn usd(amount: Decimal) -> String {
    if amount.is_sign_negative() && !amount.is_zero() {
        "?".to_string()
    } else if amount.fract().is_zero() {
        format!("${}", amount.trunc())
    } else {
        pricing::format_usd(amount)
    }
}

/// `GenerationResponse.data` (OpenAPI spec); only what prism shows.
#[derive(Deserialize)]
struct WireGeneration {
    data: WireGenerationData,
}

#[derive(Deserialize)]
struct WireGenerationData {
    id: String,
    #[serde(default)]
    total_cost: RawNumber,
    #[serde(default)]
    provider_name: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    latency: RawNumber,
    #[serde(default)]
    generation_time: RawNumber,
    #[serde(default)]
    native_tokens_prompt: RawNumber,
    #[serde(default)]
    native_tokens_completion: RawNumber,
    #[serde(default)]
    native_tokens_reasoning: RawNumber,
    #[serde(default)]
    upstream_inference_cost: RawNumber,
    #[serde(default)]
    is_byok: Option<bool>,
}

#[derive(Deserialize)]
struct WireKey {
    data: WireKeyData,
}

#[derive(Deserialize)]
struct WireKeyData {
    label: Option<String>,
    #[serde(default)]
    limit: RawNumber,
    #[serde(default)]
    limit_remaining: RawNumber,
    #[serde(default)]
    usage: RawNumber,
    is_free_tier: Option<bool>,
    rate_limit: Option<WireRateLimit>,
}

#[derive(Deserialize)]
struct WireRateLimit {
    #[serde(default)]
    requests: RawNumber,
    interval: Option<String>,
}

/// Parses a `/generation` body. A figure beyond belief is left out, with a
/// note; the rest of the record stands.
pub fn parse_generation(body: &[u8]) -> Result<GenerationRecord, RouterError> {
    let wire: WireGeneration = serde_json::from_slice(body).map_err(|e| {
        RouterError::malformed(format!("the generation record does not parse: {e}")).caused_by(e)
    })?;
    let data = wire.data;
    let mut notes = Vec::new();
    let cost = checked(
        &mut notes,
        "generation total_cost",
        &data.total_cost,
        figures::cost,
    );
    let upstream_cost = checked(
        &mut notes,
        "generation upstream_inference_cost",
        &data.upstream_inference_cost,
        figures::cost,
    );
    let mut millis =
        |field: &str, raw: &RawNumber| checked(&mut notes, field, raw, figures::millis);
    let latency_ms = millis("generation latency", &data.latency);
    let generation_time_ms = millis("generation generation_time", &data.generation_time);
    let mut tokens =
        |field: &str, raw: &RawNumber| checked(&mut notes, field, raw, figures::token_count);
    let native_tokens_prompt = tokens(
        "generation native_tokens_prompt",
        &data.native_tokens_prompt,
    );
    let native_tokens_completion = tokens(
        "generation native_tokens_completion",
        &data.native_tokens_completion,
    );
    let native_tokens_reasoning = tokens(
        "generation native_tokens_reasoning",
        &data.native_tokens_reasoning,
    );
    Ok(GenerationRecord {
        id: data.id,
        total_cost_usd: cost,
        provider_name: data.provider_name,
        model: data.model,
        latency_ms,
        generation_time_ms,
        native_tokens_prompt,
        native_tokens_completion,
        native_tokens_reasoning,
        upstream_inference_cost_usd: upstream_cost,
        is_byok: data.is_byok,
        notes,
    })
}

/// Parses a `/key` body; amounts beyond belief (negative, not numbers,
/// above a trillion) are left out, with a note.
pub fn parse_key(body: &[u8]) -> Result<KeyInfo, RouterError> {
    let wire: WireKey = serde_json::from_slice(body).map_err(|e| {
        RouterError::malformed(format!("the key record does not parse: {e}")).caused_by(e)
    })?;
    let data = wire.data;
    let mut notes = Vec::new();
    let rate_limit = data.rate_limit.and_then(|r| {
        let requests = checked(&mut notes, "requests", &r.requests, figures::token_count);
        Some(format!("{} requests / {}", requests?, r.interval?))
    });
    let mut usd =
        |field: &str, raw: &RawNumber| checked(&mut notes, field, raw, figures::account_usd);
    let info = KeyInfo {
        label: data.label,
        limit_usd: usd("limit", &data.limit),
        limit_remaining_usd: usd("limit_remaining", &data.limit_remaining),
        usage_usd: usd("usage", &data.usage),
        is_free_tier: data.is_free_tier,
        rate_limit,
        notes,
    };
    Ok(info)
}

impl Router {
    /// `GET {base}/generation?id=ID` on an OpenRouter-kind provider. A 404
    /// (the record is not ready yet) is asked again with a doubling pause,
    /// for at most `RouterSettings::generation_wait` in all.
    pub async fn fetch_generation(
        &self,
        provider: &str,
        id: &str,
    ) -> Result<GenerationRecord, RouterError> {
        let provider = self.openrouter_provider(provider)?;
        let wait = self.settings().generation_wait;
        let clock = self.clock();
        let started = clock.now();
        let mut delay = wait.first_delay;
        let path = format!("/generation?id={}", query_escape(id));
        loop {
            match self.get_account(provider, &path).await {
                Ok(body) => {
                    let redactor = self.redactor();
                    return parse_generation(&body)
                        .map(|mut record| {
                            redactor.redact_in_place(&mut record.id);
                            redactor.redact_option(&mut record.provider_name);
                            redactor.redact_option(&mut record.model);
                            record
                        })
                        .map_err(|error| redactor.error(error));
                }
                Err(error)
                    if error.status == Some(404)
                        && clock.now().saturating_duration_since(started) + delay
                            <= wait.max_wait =>
                {
                    clock.sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
                Err(mut error) => {
                    if error.status == Some(404) {
                        let waited = clock.now().saturating_duration_since(started);
                        error.message = format!(
                            "no generation record for {} after {}s",
                            crate::sanitize::Outside(id),
                            waited.as_secs_f32().round()
                        );
                    }
                    return Err(error);
                }
            }
        }
    }

    /// What to look up for a finished run: see [`Providers::generation_lookup`].
    pub fn generation_lookup(&self, result: &super::RunResult) -> Option<(String, String)> {
        self.providers().generation_lookup(result)
    }

    /// `GET {base}/key`: the key's credit and limits.
    pub async fn fetch_key(&self, provider: &str) -> Result<KeyInfo, RouterError> {
        let provider = self.openrouter_provider(provider)?;
        let body = self.get_account(provider, "/key").await?;
        let redactor = self.redactor();
        parse_key(&body)
            .map(|mut info| {
                redactor.redact_option(&mut info.label);
                redactor.redact_option(&mut info.rate_limit);
                info
            })
            .map_err(|error| redactor.error(error))
    }

    fn openrouter_provider(&self, name: &str) -> Result<&Provider, RouterError> {
        let provider = self.providers().get(name).ok_or_else(|| {
            RouterError::new(ErrorKind::BadRequest, format!("unknown provider '{name}'"))
        })?;
        if provider.kind != ProviderKind::OpenRouter {
            return Err(RouterError::new(
                ErrorKind::BadRequest,
                format!("{name} is not OpenRouter: it has no account endpoints"),
            ));
        }
        if provider.is_missing_key() {
            let var = provider.api_key_env.as_deref().unwrap_or_default();
            return Err(RouterError::missing_key(name, var));
        }
        Ok(provider)
    }

    /// A small authenticated GET; the body on 2xx, a typed error otherwise.
    async fn get_account(&self, provider: &Provider, path: &str) -> Result<Vec<u8>, RouterError> {
        let url = format!("{}{path}", provider.base_url);
        let timeout = Duration::from_secs(10);
        self.get(provider, &url, timeout, super::MAX_SMALL_BODY_BYTES)
            .await
    }
}

/// Percent-encodes a query value (generation ids are `gen-…` in practice,
/// but nothing from a server goes into a URL unescaped).
pub(super) fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
