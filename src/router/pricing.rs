//! Exact prices and costs. OpenRouter sends USD per token as decimal strings;
//! they stay decimals here (never f64) so $0.07/M prints as $0.07, and a
//! price the server does not know (`"-1"` on router models, or no pricing at
//! all on Ollama/vLLM) stays unknown instead of becoming $0.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::usage::Usage;

/// A price in USD per token (or per request, for `Pricing::request`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Price {
    Known(Decimal),
    /// The server sent `-1` (dynamic, e.g. `openrouter/auto`), garbage, or nothing.
    Unknown,
}

impl Price {
    /// Parses a wire value: a decimal string ("0.00000007"), a JSON number
    /// rendered as text, or scientific notation. Negative means unknown.
    pub fn parse(text: &str) -> Price {
        let text = text.trim();
        let parsed = Decimal::from_str(text).or_else(|_| Decimal::from_scientific(text));
        match parsed {
            Ok(value) if value.is_sign_negative() && !value.is_zero() => Price::Unknown,
            Ok(value) => Price::Known(value.normalize()),
            Err(_) => Price::Unknown,
        }
    }

    pub fn known(self) -> Option<Decimal> {
        match self {
            Price::Known(value) => Some(value),
            Price::Unknown => None,
        }
    }

    pub fn is_free(self) -> bool {
        self == Price::Known(Decimal::ZERO)
    }

    /// USD per one million tokens, the unit people compare prices in.
    pub fn per_million(self) -> Option<Decimal> {
        self.known()
            .map(|per_token| (per_token * Decimal::from(1_000_000u32)).normalize())
    }
}

/// What one model costs. Optional fields are absent when the server did not
/// list them (the model has no such charge), which is different from unknown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pricing {
    pub prompt: Price,
    pub completion: Price,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Price>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_reasoning: Option<Price>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_cache_read: Option<Price>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_cache_write: Option<Price>,
}

impl Pricing {
    /// A model whose server publishes no prices (Ollama, vLLM, llama.cpp).
    pub fn unknown() -> Pricing {
        Pricing {
            prompt: Price::Unknown,
            completion: Price::Unknown,
            request: None,
            internal_reasoning: None,
            input_cache_read: None,
            input_cache_write: None,
        }
    }

    pub fn is_known(&self) -> bool {
        self.prompt.known().is_some() && self.completion.known().is_some()
    }

    /// Free means both token prices are exactly zero (OpenRouter's `:free` models).
    pub fn is_free(&self) -> bool {
        self.prompt.is_free()
            && self.completion.is_free()
            && self.request.is_none_or(Price::is_free)
    }

    /// Cost of one answer from its token counts, or None when a price it
    /// needs is unknown. Cached and cache-write tokens are part of
    /// `prompt_tokens` and billed at their own rates when the model lists them;
    /// reasoning tokens are part of `completion_tokens` (as OpenAI and
    /// OpenRouter count them) and billed at `internal_reasoning` when listed.
    pub fn cost(&self, usage: &Usage) -> Option<Decimal> {
        let prompt = self.prompt.known()?;
        let completion = self.completion.known()?;
        let cache_read = self.input_cache_read.unwrap_or(self.prompt).known()?;
        let cache_write = self.input_cache_write.unwrap_or(self.prompt).known()?;
        let reasoning = self.internal_reasoning.unwrap_or(self.completion).known()?;
        let request = match self.request {
            Some(price) => price.known()?,
            None => Decimal::ZERO,
        };

        let cached = usage.cached_tokens.min(usage.prompt_tokens);
        let written = usage
            .cache_write_tokens
            .min(usage.prompt_tokens.saturating_sub(cached));
        let plain_prompt = usage.prompt_tokens - cached - written;
        let reasoning_tokens = usage.reasoning_tokens.min(usage.completion_tokens);
        let plain_completion = usage.completion_tokens - reasoning_tokens;

        let total = Decimal::from(plain_prompt) * prompt
            + Decimal::from(cached) * cache_read
            + Decimal::from(written) * cache_write
            + Decimal::from(plain_completion) * completion
            + Decimal::from(reasoning_tokens) * reasoning
            + request;
        Some(total.normalize())
    }

    /// Estimated cost of sending `prompt_tokens` (before any answer).
    pub fn input_cost(&self, prompt_tokens: u64) -> Option<Decimal> {
        let prompt = self.prompt.known()?;
        let request = match self.request {
            Some(price) => price.known()?,
            None => Decimal::ZERO,
        };
        Some((Decimal::from(prompt_tokens) * prompt + request).normalize())
    }
}

/// A dollar amount for people: cents for amounts of a dollar or more, three
/// significant digits below (`$0.000123`), and `$0` only for exactly zero.
pub fn format_usd(amount: Decimal) -> String {
    if amount.is_zero() {
        return "$0".to_string();
    }
    let sign = if amount.is_sign_negative() { "-" } else { "" };
    let magnitude = amount.abs();
    if magnitude >= Decimal::ONE {
        let cents = magnitude.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        return format!("{sign}${cents:.2}");
    }
    let rounded = magnitude
        .round_sf_with_strategy(3, RoundingStrategy::MidpointAwayFromZero)
        .unwrap_or(magnitude)
        .normalize();
    format!("{sign}${rounded}")
}

/// A price per million tokens for tables: `$0.07`, `$0.60`, `$15.00`, `free`, or `?`
/// (at least cents, more digits only when the price has them).
pub fn format_per_million(price: Price) -> String {
    match price.per_million() {
        Some(value) if value.is_zero() => "free".to_string(),
        Some(value) => {
            let mut value = value
                .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
                .normalize();
            if value.scale() < 2 {
                value.rescale(2);
            }
            format!("${value}")
        }
        None => "?".to_string(),
    }
}

/// Converts an exact amount to a JSON number. f64's shortest round-trip
/// formatting prints the decimal we had (7e-8, not 6.9999e-8).
pub fn to_f64(amount: Decimal) -> f64 {
    f64::from_str(&amount.normalize().to_string()).unwrap_or(0.0)
}

/// Reads a cost the server sent as a JSON float (`usage.cost`) back into a
/// decimal, through its shortest decimal rendering so no binary noise sneaks in.
pub fn from_f64(amount: f64) -> Option<Decimal> {
    if !amount.is_finite() {
        return None;
    }
    let text = format!("{amount}");
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
        .map(|value| value.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).expect("test decimal")
    }

    #[test]
    fn parses_wire_prices_exactly() {
        assert_eq!(Price::parse("0.00000007"), Price::Known(dec("0.00000007")));
        assert_eq!(Price::parse("0"), Price::Known(Decimal::ZERO));
        assert_eq!(Price::parse("-1"), Price::Unknown);
        assert_eq!(Price::parse("7e-8"), Price::Known(dec("0.00000007")));
        assert_eq!(Price::parse("n/a"), Price::Unknown);
        assert_eq!(Price::parse(""), Price::Unknown);
    }

    #[test]
    fn per_million_is_exact() {
        let price = Price::parse("0.00000007");
        assert_eq!(price.per_million(), Some(dec("0.07")));
        assert_eq!(format_per_million(price), "$0.07");
        assert_eq!(format_per_million(Price::parse("0.000015")), "$15.00");
        assert_eq!(format_per_million(Price::parse("0.0000006")), "$0.60");
        assert_eq!(format_per_million(Price::parse("0.000000075")), "$0.075");
        assert_eq!(format_per_million(Price::parse("0")), "free");
        assert_eq!(format_per_million(Price::parse("-1")), "?");
    }

    #[test]
    fn formats_dollars_for_people() {
        assert_eq!(format_usd(dec("0")), "$0");
        assert_eq!(format_usd(dec("0.000837")), "$0.000837");
        assert_eq!(format_usd(dec("0.00012345")), "$0.000123");
        assert_eq!(format_usd(dec("0.0123456")), "$0.0123");
        assert_eq!(format_usd(dec("1.5")), "$1.50");
        assert_eq!(format_usd(dec("12.345")), "$12.35");
    }

    #[test]
    fn float_round_trip_keeps_the_decimal() {
        assert_eq!(from_f64(0.000837), Some(dec("0.000837")));
        assert_eq!(from_f64(7e-8), Some(dec("0.00000007")));
        assert_eq!(to_f64(dec("0.00000007")).to_string(), "0.00000007");
        assert_eq!(from_f64(f64::NAN), None);
    }

    fn pricing(prompt: &str, completion: &str) -> Pricing {
        Pricing {
            prompt: Price::parse(prompt),
            completion: Price::parse(completion),
            ..Pricing::unknown()
        }
    }

    #[test]
    fn cost_of_plain_usage() {
        let usage = Usage {
            prompt_tokens: 254,
            completion_tokens: 5,
            total_tokens: 259,
            ..Usage::default()
        };
        // Claude Sonnet 4.6 on Bedrock: $3/M in, $15/M out; the capture reported $0.000837.
        let cost = pricing("0.000003", "0.000015").cost(&usage);
        assert_eq!(cost, Some(dec("0.000837")));
    }

    #[test]
    fn cached_and_reasoning_tokens_use_their_own_rates() {
        let mut model = pricing("0.000002", "0.000008");
        model.input_cache_read = Some(Price::parse("0.0000005"));
        model.internal_reasoning = Some(Price::parse("0.000004"));
        let usage = Usage {
            prompt_tokens: 1000,
            cached_tokens: 600,
            completion_tokens: 100,
            reasoning_tokens: 40,
            total_tokens: 1100,
            ..Usage::default()
        };
        // 400*2e-6 + 600*5e-7 + 60*8e-6 + 40*4e-6
        assert_eq!(model.cost(&usage), Some(dec("0.00174")));
    }

    #[test]
    fn unknown_prices_give_unknown_cost_never_zero() {
        let usage = Usage {
            prompt_tokens: 10,
            completion_tokens: 10,
            total_tokens: 20,
            ..Usage::default()
        };
        assert_eq!(Pricing::unknown().cost(&usage), None);
        assert_eq!(pricing("-1", "-1").cost(&usage), None);
        assert_eq!(pricing("0", "0").cost(&usage), Some(Decimal::ZERO));
        assert!(pricing("0", "0").is_free());
        assert!(!Pricing::unknown().is_free());
    }

    #[test]
    fn request_price_counts_once() {
        let mut model = pricing("0.000001", "0.000002");
        model.request = Some(Price::parse("0.005"));
        assert_eq!(model.input_cost(1000), Some(dec("0.006")));
    }
}
