//! Exact prices and costs. OpenRouter sends USD per token as decimal strings;
//! they stay decimals here (never f64) so $0.07/M prints as $0.07, and a
//! price the server does not know (`"-1"` on router models, or no pricing at
//! all on Ollama/vLLM) stays unknown instead of becoming $0. A price beyond
//! belief (negative, above $1 a token) is unknown too, with the reason; every
//! product and sum is checked, so no price or count can overflow.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::figures::{self, MAX_COST_USD, MAX_PRICE_PER_TOKEN_USD, Reason};
use super::usage::Usage;

/// A price in USD per token (or per request, for `Pricing::request`).
/// Read back from a cache or file through the same checks as from a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", from = "StoredPrice")]
pub enum Price {
    Known(Decimal),
    /// The server sent `-1` (dynamic, e.g. `openrouter/auto`), garbage,
    /// something beyond belief, or nothing.
    Unknown,
}

/// `Price` as serialized, before its checks.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredPrice {
    Known(Decimal),
    Unknown,
}

impl From<StoredPrice> for Price {
    fn from(stored: StoredPrice) -> Price {
        match stored {
            StoredPrice::Known(value) => {
                Price::check("price", value, &value.to_string()).unwrap_or(Price::Unknown)
            }
            StoredPrice::Unknown => Price::Unknown,
        }
    }
}

impl Price {
    /// Parses a wire value: a decimal string ("0.00000007"), a JSON number
    /// rendered as text, or scientific notation. Anything that is not a
    /// believable price is unknown (see [`Price::parse_checked`] for why).
    pub fn parse(text: &str) -> Price {
        Price::parse_checked("price", text).unwrap_or(Price::Unknown)
    }

    /// As [`Price::parse`], with the reason when a value is not used: `-1`
    /// (OpenRouter's "dynamic") is unknown without one; other negative
    /// prices, garbage and prices above $1 a token are unknown with one.
    pub fn parse_checked(field: &str, text: &str) -> Result<Price, Reason> {
        let text = text.trim();
        let parsed = Decimal::from_str(text).or_else(|_| Decimal::from_scientific(text));
        match parsed {
            Ok(value) if value == Decimal::NEGATIVE_ONE => Ok(Price::Unknown),
            Ok(value) => Price::check(field, value, text),
            Err(_) => Err(format!("{field} {} is not a price", figures::shown(text))),
        }
    }

    fn check(field: &str, value: Decimal, text: &str) -> Result<Price, Reason> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(format!("{field} {} is negative", figures::shown(text)));
        }
        if value > MAX_PRICE_PER_TOKEN_USD {
            return Err(format!(
                "{field} {} is above ${MAX_PRICE_PER_TOKEN_USD} a token",
                figures::shown(text)
            ));
        }
        Ok(Price::Known(value.normalize()))
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
        self.known()?
            .checked_mul(Decimal::from(1_000_000u32))
            .map(|value| value.normalize())
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

    /// Cost of one answer from its token counts: Ok(None) when a price it
    /// needs is unknown, Err when the product is beyond belief (out of range,
    /// or above the ceiling for one answer). Cached and cache-write tokens
    /// are part of `prompt_tokens` and billed at their own rates when the
    /// model lists them; reasoning tokens are part of `completion_tokens` (as
    /// OpenAI and OpenRouter count them) and billed at `internal_reasoning`.
    pub fn cost(&self, usage: &Usage) -> Result<Option<Decimal>, Reason> {
        let Some(rates) = self.rates() else {
            return Ok(None);
        };
        let cached = usage.cached_tokens.min(usage.prompt_tokens);
        let written = usage
            .cache_write_tokens
            .min(usage.prompt_tokens.saturating_sub(cached));
        let plain_prompt = usage.prompt_tokens.saturating_sub(cached + written);
        let reasoning_tokens = usage.reasoning_tokens.min(usage.completion_tokens);
        let plain_completion = usage.completion_tokens.saturating_sub(reasoning_tokens);
        let parts = [
            (plain_prompt, rates.prompt),
            (cached, rates.cache_read),
            (written, rates.cache_write),
            (plain_completion, rates.completion),
            (reasoning_tokens, rates.reasoning),
            (1, rates.request),
        ];
        priced_total(&parts).map(Some)
    }

    /// Estimated cost of sending `prompt_tokens` (before any answer); None
    /// when the price is unknown or the product beyond belief.
    pub fn input_cost(&self, prompt_tokens: u64) -> Option<Decimal> {
        let prompt = self.prompt.known()?;
        let request = match self.request {
            Some(price) => price.known()?,
            None => Decimal::ZERO,
        };
        priced_total(&[(prompt_tokens, prompt), (1, request)]).ok()
    }

    fn rates(&self) -> Option<Rates> {
        Some(Rates {
            prompt: self.prompt.known()?,
            completion: self.completion.known()?,
            cache_read: self.input_cache_read.unwrap_or(self.prompt).known()?,
            cache_write: self.input_cache_write.unwrap_or(self.prompt).known()?,
            reasoning: self.internal_reasoning.unwrap_or(self.completion).known()?,
            request: match self.request {
                Some(price) => price.known()?,
                None => Decimal::ZERO,
            },
        })
    }
}

/// The known prices of one model, per token (and per request).
struct Rates {
    prompt: Decimal,
    completion: Decimal,
    cache_read: Decimal,
    cache_write: Decimal,
    reasoning: Decimal,
    request: Decimal,
}

/// Σ count × price, every step checked, then held to the ceiling of one answer.
fn priced_total(parts: &[(u64, Decimal)]) -> Result<Decimal, Reason> {
    let too_large = || {
        format!(
            "the cost from catalog prices × tokens is above the ${MAX_COST_USD} believable for one answer"
        )
    };
    let mut total = Decimal::ZERO;
    for &(count, price) in parts {
        let part = Decimal::from(count)
            .checked_mul(price)
            .ok_or_else(too_large)?;
        total = total.checked_add(part).ok_or_else(too_large)?;
    }
    if total > MAX_COST_USD {
        return Err(too_large());
    }
    Ok(total.normalize())
}

/// A sum of costs some of which may be unknown, for people: "$0.0012";
/// "$0.0012+ (2 unknown)", a floor marked as such; "unknown" when no cost
/// is known; "-" when there was nothing to cost. Never `$0` for what is unknown.
pub fn format_cost_floor(known: Option<Decimal>, unknown: u64) -> String {
    match (known, unknown) {
        (None, 0) => "-".into(),
        (None, _) => "unknown".into(),
        (Some(cost), 0) => format_usd(cost),
        (Some(cost), n) => format!("{}+ ({n} unknown)", format_usd(cost)),
    }
}

/// A dollar amount for people: cents for amounts of a dollar or more; below,
/// three significant digits but at least cents (`$0.30`, `$0.05`,
/// `$0.000123`); `$0` only for exactly zero.
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
    let mut rounded = magnitude
        .round_sf_with_strategy(3, RoundingStrategy::MidpointAwayFromZero)
        .unwrap_or(magnitude)
        .normalize();
    if rounded.scale() < 2 {
        rounded.rescale(2);
    }
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
    figures::to_f64(amount)
}

/// Reads a cost kept as a float back into a decimal, through its shortest
/// decimal rendering so no binary noise sneaks in; None for what is not a
/// believable cost (see [`figures::cost_from_f64`] for why).
pub fn from_f64(amount: f64) -> Option<Decimal> {
    figures::cost_from_f64("cost", amount).ok()
}

/// Costs are exact decimals inside and plain JSON numbers outside.
pub(crate) mod usd_json {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    use super as pricing;

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(cost) => s.serialize_f64(pricing::to_f64(*cost)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.and_then(pricing::from_f64))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_sum_with_unknown_costs_is_a_floor_never_zero() {
        use super::format_cost_floor;
        use rust_decimal::Decimal;
        assert_eq!(format_cost_floor(Some(Decimal::new(12, 4)), 0), "$0.0012");
        assert_eq!(
            format_cost_floor(Some(Decimal::new(12, 4)), 2),
            "$0.0012+ (2 unknown)"
        );
        assert_eq!(format_cost_floor(Some(Decimal::ZERO), 1), "$0+ (1 unknown)");
        assert_eq!(format_cost_floor(None, 1), "unknown");
        assert_eq!(format_cost_floor(None, 0), "-");
    }

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
        // Below a dollar: three significant digits, never fewer than cents.
        assert_eq!(format_usd(dec("0.3001")), "$0.30");
        assert_eq!(format_usd(dec("0.3")), "$0.30");
        assert_eq!(format_usd(dec("0.05")), "$0.05");
        assert_eq!(format_usd(dec("0.1234")), "$0.123");
        assert_eq!(format_usd(dec("0.005")), "$0.005");
        assert_eq!(format_usd(dec("0.9996")), "$1.00");
        assert_eq!(format_usd(dec("-0.3")), "-$0.30");
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
        assert_eq!(cost, Ok(Some(dec("0.000837"))));
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
        assert_eq!(model.cost(&usage), Ok(Some(dec("0.00174"))));
    }

    #[test]
    fn unknown_prices_give_unknown_cost_never_zero() {
        let usage = Usage {
            prompt_tokens: 10,
            completion_tokens: 10,
            total_tokens: 20,
            ..Usage::default()
        };
        assert_eq!(Pricing::unknown().cost(&usage), Ok(None));
        assert_eq!(pricing("-1", "-1").cost(&usage), Ok(None));
        assert_eq!(pricing("0", "0").cost(&usage), Ok(Some(Decimal::ZERO)));
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
