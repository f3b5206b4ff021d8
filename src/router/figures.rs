//! Numbers from outside (prices, costs, token counts, timings from servers,
//! caches and session files) are checked once, where they are read: each
//! becomes a sane value or "unknown" with a one-line reason. Sums of them
//! are checked too, so nothing a server or a file says can make prism panic
//! or print `-$7.50` or `$55340232221128.65`.

use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Value};

/// The highest price per token believed: $1, i.e. $1,000,000 per million
/// tokens (the dearest real models charge about $600 per million).
pub const MAX_PRICE_PER_TOKEN_USD: Decimal = Decimal::ONE;

/// The highest cost believed for one answer, one request or one generation.
pub const MAX_COST_USD: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// The most tokens believed in one answer's counts (context windows are
/// millions of tokens; ten billion is no answer).
pub const MAX_TOKENS: u64 = 10_000_000_000;

/// The longest duration believed from a server: a day, in milliseconds.
pub const MAX_DURATION_MS: u64 = 86_400_000;

/// The fastest generation believed, in tokens per second.
pub const MAX_TOKENS_PER_S: u32 = 10_000_000;

/// Why a figure is not used: one line naming the field and the value.
pub type Reason = String;

/// A token count (its JSON text): a whole number from 0 to [`MAX_TOKENS`]; `null` is None.
/// Integral floats (`12.0`) are whole numbers; anything else is a reason.
pub fn token_count(field: &str, json: &str) -> Result<Option<u64>, Reason> {
    let Some((number, text)) = non_negative(field, json)? else {
        return Ok(None);
    };
    if !number.fract().is_zero() {
        return Err(format!("{field} {} is not a whole number", shown(text)));
    }
    match u64::try_from(number) {
        Ok(count) if count <= MAX_TOKENS => Ok(Some(count)),
        _ => Err(format!(
            "{field} {} is more tokens than any answer has",
            shown(text)
        )),
    }
}

/// A cost in USD as the server wrote it (a JSON number's text); `null` is None.
pub fn cost(field: &str, json: &str) -> Result<Option<Decimal>, Reason> {
    let Some((amount, text)) = non_negative(field, json)? else {
        return Ok(None);
    };
    // Servers compute costs in floats and may print their noise
    // (0.0076509169000000005): the shortest text of the float drops it.
    // (Read as serde_json reads floats, as prism always has.)
    let amount = serde_json::from_str::<f64>(text)
        .ok()
        .and_then(exact)
        .unwrap_or(amount);
    check_cost(field, amount, text).map(Some)
}

/// A cost that arrived as a float (a session file, a record kept as f64).
pub fn cost_from_f64(field: &str, amount: f64) -> Result<Decimal, Reason> {
    let text = format!("{amount:?}");
    if !amount.is_finite() {
        return Err(format!("{field} {text} is not a finite number"));
    }
    match exact(amount) {
        Some(decimal) => check_cost(field, decimal, &text),
        None => Err(format!("{field} {} is out of range", shown(&text))),
    }
}

/// A float as the decimal it prints as (its shortest round-trip text, so
/// 7e-8 is 0.00000007, not 6.9999e-8); None when not finite or beyond what
/// a decimal holds.
pub fn exact(amount: f64) -> Option<Decimal> {
    if !amount.is_finite() {
        return None;
    }
    number(&format!("{amount:?}")).map(|value| value.normalize())
}

/// A decimal cost: not negative, at most [`MAX_COST_USD`].
pub fn check_cost(field: &str, amount: Decimal, text: &str) -> Result<Decimal, Reason> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(format!("{field} {} is negative", shown(text)));
    }
    if amount > MAX_COST_USD {
        return Err(format!(
            "{field} {} is above the ${MAX_COST_USD} believable for one answer",
            shown(text)
        ));
    }
    Ok(amount.normalize())
}

/// Milliseconds from a JSON number of milliseconds: not negative, at most
/// [`MAX_DURATION_MS`], rounded; `null` is None.
pub fn millis(field: &str, json: &str) -> Result<Option<u64>, Reason> {
    let Some((ms, text)) = non_negative(field, json)? else {
        return Ok(None);
    };
    match u64::try_from(ms.round()) {
        Ok(ms) if ms <= MAX_DURATION_MS => Ok(Some(ms)),
        _ => Err(format!("{field} {} is longer than a day", shown(text))),
    }
}

/// The most any price or cost a person sets (a flag, the config file, a
/// suite) may be, in USD.
pub const MAX_SETTING_USD: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// A price or a cost in USD that a person set: not negative, not absurd.
pub fn setting_usd(value: Decimal) -> Result<Decimal, String> {
    if (value.is_sign_negative() && !value.is_zero()) || value > MAX_SETTING_USD {
        return Err(setting_usd_range());
    }
    Ok(value.normalize())
}

/// A USD setting from the text of a flag or a form ("0.5", "1e-3"), read
/// exactly; "NaN", "inf" and "-1" are refused.
pub fn parse_setting_usd(text: &str) -> Result<Decimal, String> {
    let text = text.trim();
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map_err(|_| setting_usd_range())
        .and_then(setting_usd)
}

/// A USD setting that a file wrote as a float (TOML, a suite): the decimal
/// it prints as, so `0.1` is 0.1.
pub fn setting_usd_from_f64(value: f64) -> Result<Decimal, String> {
    exact(value)
        .ok_or_else(setting_usd_range)
        .and_then(setting_usd)
}

fn setting_usd_range() -> String {
    format!("must be a number from 0 to {MAX_SETTING_USD} (USD)")
}

/// An exact amount as the float a JSON or TOML number holds: the nearest
/// one, whose shortest text is the decimal again (7e-8, not 6.9999e-8).
pub fn to_f64(amount: Decimal) -> f64 {
    f64::from_str(&amount.normalize().to_string()).unwrap_or(0.0)
}

/// A duration in milliseconds that keeps its fraction (a latency
/// percentile, 636.5): not negative, at most [`MAX_DURATION_MS`]; `null` is None.
pub fn millis_exact(field: &str, json: &str) -> Result<Option<f64>, Reason> {
    let Some((ms, text)) = non_negative(field, json)? else {
        return Ok(None);
    };
    if ms > Decimal::from(MAX_DURATION_MS) {
        return Err(format!("{field} {} is longer than a day", shown(text)));
    }
    Ok(ms.to_f64())
}

/// Tokens per second: not negative, at most [`MAX_TOKENS_PER_S`]; `null` is None.
pub fn rate(field: &str, json: &str) -> Result<Option<f64>, Reason> {
    let Some((rate, text)) = non_negative(field, json)? else {
        return Ok(None);
    };
    if rate > Decimal::from(MAX_TOKENS_PER_S) {
        return Err(format!("{field} {} is not a believable rate", shown(text)));
    }
    Ok(rate.to_f64())
}

/// A percentage (an uptime): from 0 to 100; `null` is None.
pub fn percent(field: &str, json: &str) -> Result<Option<f64>, Reason> {
    let Some((value, text)) = non_negative(field, json)? else {
        return Ok(None);
    };
    if value > Decimal::ONE_HUNDRED {
        return Err(format!("{field} {} is above 100%", shown(text)));
    }
    Ok(value.to_f64())
}

/// A number as a server wrote it, read later through one of the checks here.
pub(crate) type RawNumber = Option<Box<serde_json::value::RawValue>>;

/// Reads one figure with `check`: its value, or None with the reason kept
/// in `notes` ("…: shown as unknown").
pub(crate) fn checked<T>(
    notes: &mut Vec<String>,
    field: &str,
    raw: &RawNumber,
    check: impl Fn(&str, &str) -> Result<Option<T>, Reason>,
) -> Option<T> {
    let raw = raw.as_ref()?;
    check(field, raw.get()).unwrap_or_else(|reason| {
        notes.push(format!("{reason}: shown as unknown"));
        None
    })
}

/// A dollar amount of an account (a credit limit, what is left): finite,
/// not negative, and under a trillion.
pub fn account_usd(field: &str, json: &str) -> Result<Option<Decimal>, Reason> {
    let Some((amount, text)) = non_negative(field, json)? else {
        return Ok(None);
    };
    if amount > Decimal::from(1_000_000_000_000u64) {
        return Err(format!("{field} {} is beyond belief", shown(text)));
    }
    Ok(Some(amount.normalize()))
}

/// The sum of costs, or None when it would overflow (it cannot for costs
/// under the ceiling, but the sum never panics).
pub fn checked_sum(costs: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    costs
        .into_iter()
        .try_fold(Decimal::ZERO, |total, cost| total.checked_add(cost))
}

/// A JSON number's text read as a decimal that is not negative, with the
/// text (trimmed) for reasons; `null` is None.
fn non_negative<'a>(field: &str, json: &'a str) -> Result<Option<(Decimal, &'a str)>, Reason> {
    let text = json.trim();
    if text == "null" {
        return Ok(None);
    }
    let Some(value) = number(text) else {
        return Err(not_a_number(field, text));
    };
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("{field} {} is negative", shown(text)));
    }
    Ok(Some((value, text)))
}

/// A JSON number's text as an exact decimal (plain or scientific); None for
/// anything else, or a number beyond what a decimal holds.
fn number(text: &str) -> Option<Decimal> {
    let first = text.bytes().next()?;
    if !(first == b'-' || first.is_ascii_digit()) || text.contains('_') {
        return None;
    }
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

fn not_a_number(field: &str, text: &str) -> Reason {
    if text.starts_with('-') || text.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        format!("{field} {} is out of range", shown(text))
    } else {
        format!("{field} {} is not a number", shown(text))
    }
}

/// The value as it stood, short and on one line (it may be anything).
pub(crate) fn shown(text: &str) -> String {
    const MAX_CHARS: usize = 24;
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::units::clip(&line, MAX_CHARS)
}

/// Checks the figures of one answer as a session file holds it (a
/// `RunResult` as JSON, before it is typed): each one beyond belief or of
/// the wrong kind becomes null (unknown; token counts all together) and
/// says why in the answer's `notes`. Returns how many were dropped.
pub fn check_stored_result(result: &mut Map<String, Value>) -> usize {
    let mut notes = Vec::new();
    for field in [
        "ttft_ms",
        "first_answer_ms",
        "total_ms",
        "start_ttft_ms",
        "start_total_ms",
    ] {
        check_field(result, field, field, &mut notes, |f, j| {
            millis(f, j).map(|_| ())
        });
    }
    check_field(result, "overhead_ms", "overhead_ms", &mut notes, |f, j| {
        let text = j.trim().trim_start_matches('-');
        millis(f, text).map(|_| ())
    });
    check_field(
        result,
        "tokens_per_s",
        "tokens_per_s",
        &mut notes,
        |f, j| rate(f, j).map(|_| ()),
    );
    check_field(result, "cost_usd", "cost_usd", &mut notes, |f, j| {
        cost(f, j).map(|_| ())
    });
    if let Some(Value::Object(usage)) = result.get("usage") {
        let bad = USAGE_FIELDS.iter().find_map(|name| {
            let value = usage.get(*name)?;
            token_count(&format!("usage.{name}"), &value.to_string()).err()
        });
        if let Some(reason) = bad {
            result.insert("usage".into(), Value::Null);
            notes.push(format!("{reason}: the token counts are unknown"));
        }
    } else if result.get("usage").is_some_and(|u| !u.is_null()) {
        result.insert("usage".into(), Value::Null);
        notes.push("usage is not an object: the token counts are unknown".into());
    }
    if let Some(Value::Object(record)) = result.get_mut("generation") {
        check_field(
            record,
            "total_cost_usd",
            "generation.total_cost_usd",
            &mut notes,
            |f, j| cost(f, j).map(|_| ()),
        );
        for field in ["latency_ms", "generation_time_ms"] {
            let name = format!("generation.{field}");
            check_field(record, field, &name, &mut notes, |f, j| {
                millis(f, j).map(|_| ())
            });
        }
        for field in [
            "native_tokens_prompt",
            "native_tokens_completion",
            "native_tokens_reasoning",
        ] {
            let name = format!("generation.{field}");
            check_field(record, field, &name, &mut notes, |f, j| {
                token_count(f, j).map(|_| ())
            });
        }
    }
    if let Some(Value::Array(attempts)) = result.get_mut("attempts") {
        for attempt in attempts.iter_mut().filter_map(Value::as_object_mut) {
            let ok = attempt
                .get("elapsed_ms")
                .is_none_or(|v| millis("elapsed_ms", &v.to_string()).is_ok_and(|ms| ms.is_some()));
            if !ok {
                attempt.insert("elapsed_ms".into(), Value::from(0u64));
                notes.push("an attempt's elapsed_ms is beyond belief: counted as 0".into());
            }
        }
    }
    let dropped = notes.len();
    if dropped > 0 {
        let stored = result
            .entry("notes")
            .or_insert_with(|| Value::Array(Vec::new()));
        if !stored.is_array() {
            *stored = Value::Array(Vec::new());
        }
        if let Value::Array(stored) = stored {
            stored.extend(notes.into_iter().map(Value::String));
        }
    }
    dropped
}

/// The counts of a stored `Usage`.
const USAGE_FIELDS: [&str; 6] = [
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "reasoning_tokens",
    "cached_tokens",
    "cache_write_tokens",
];

/// Runs `check` on the JSON text of `object[key]`; on a reason, the value
/// becomes null and the reason a note.
fn check_field(
    object: &mut Map<String, Value>,
    key: &str,
    field: &str,
    notes: &mut Vec<String>,
    check: impl Fn(&str, &str) -> Result<(), Reason>,
) {
    let Some(value) = object.get(key) else {
        return;
    };
    if let Err(reason) = check(field, &value.to_string()) {
        object.insert(key.into(), Value::Null);
        notes.push(format!("{reason}: shown as unknown"));
    }
}

pub mod usd_setting;

#[cfg(test)]
mod tests;
