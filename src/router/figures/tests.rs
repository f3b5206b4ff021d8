use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::router::pricing::{Price, Pricing, format_per_million, format_usd};
use crate::router::usage::{Usage, WireUsage};

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("test decimal")
}

#[test]
fn token_counts_are_whole_numbers_within_reason() {
    assert_eq!(token_count("n", "12"), Ok(Some(12)));
    assert_eq!(token_count("n", "12.0"), Ok(Some(12)));
    assert_eq!(token_count("n", "null"), Ok(None));
    assert_eq!(token_count("n", "0"), Ok(Some(0)));
    let reason = |json: &str| token_count("usage.prompt_tokens", json).unwrap_err();
    assert_eq!(reason("-3"), "usage.prompt_tokens -3 is negative");
    assert_eq!(
        reason("3.5"),
        "usage.prompt_tokens 3.5 is not a whole number"
    );
    assert_eq!(
        reason("\"12\""),
        "usage.prompt_tokens \"12\" is not a number"
    );
    assert_eq!(
        reason("18446744073709551615"),
        "usage.prompt_tokens 18446744073709551615 is more tokens than any answer has"
    );
    assert_eq!(reason("1e400"), "usage.prompt_tokens 1e400 is out of range");
    assert_eq!(reason("true"), "usage.prompt_tokens true is not a number");
}

#[test]
fn costs_are_never_negative_or_beyond_the_ceiling() {
    assert_eq!(cost("usage.cost", "0.000837"), Ok(Some(dec("0.000837"))));
    assert_eq!(cost("usage.cost", "7e-8"), Ok(Some(dec("0.00000007"))));
    assert_eq!(cost("usage.cost", "null"), Ok(None));
    assert_eq!(cost("usage.cost", "-0"), Ok(Some(Decimal::ZERO)));
    let reason = |json: &str| cost("usage.cost", json).unwrap_err();
    assert_eq!(reason("-7.5"), "usage.cost -7.5 is negative");
    assert_eq!(
        reason("7e28"),
        "usage.cost 7e28 is above the $10000 believable for one answer"
    );
    assert_eq!(reason("1e400"), "usage.cost 1e400 is out of range");
    assert_eq!(reason("\"0.5\""), "usage.cost \"0.5\" is not a number");
    assert_eq!(
        reason("\"\u{1b}]0;pwned\u{7} and a very long tail\""),
        "usage.cost \"\u{1b}]0;pwned\u{7} and a very … is not a number"
    );
}

#[test]
fn floats_round_trip_through_their_shortest_text() {
    assert_eq!(cost_from_f64("c", 0.000837), Ok(dec("0.000837")));
    assert_eq!(cost_from_f64("c", 7e-8), Ok(dec("0.00000007")));
    assert!(cost_from_f64("c", f64::NAN).is_err());
    assert!(cost_from_f64("c", f64::INFINITY).is_err());
    assert_eq!(
        cost_from_f64("c", 7e28),
        Err("c 7e28 is above the $10000 believable for one answer".into())
    );
    assert_eq!(
        cost_from_f64("c", 1e300),
        Err("c 1e300 is out of range".into())
    );
    assert_eq!(cost_from_f64("c", -7.5), Err("c -7.5 is negative".into()));
    assert_eq!(exact(1e300), None);
}

#[test]
fn durations_and_account_amounts() {
    assert_eq!(millis("latency", "812.6"), Ok(Some(813)));
    assert!(millis("latency", "-1").is_err());
    assert!(millis("latency", "1e300").is_err());
    assert_eq!(account_usd("limit", "100"), Ok(Some(Decimal::from(100))));
    assert!(account_usd("limit", "-7.5").is_err());
    assert!(account_usd("limit", "1e300").is_err());
}

#[test]
fn sums_are_checked() {
    assert_eq!(checked_sum([dec("0.1"), dec("0.2")]), Some(dec("0.3")));
    assert_eq!(checked_sum([Decimal::MAX, Decimal::MAX]), None);
    assert_eq!(checked_sum([]), Some(Decimal::ZERO));
}

#[test]
fn catalog_prices_beyond_belief_are_unknown_with_the_reason() {
    assert_eq!(
        Price::parse_checked("pricing.prompt", "1e28"),
        Err("pricing.prompt 1e28 is above $1 a token".into())
    );
    assert_eq!(Price::parse("1e28"), Price::Unknown);
    assert_eq!(Price::parse_checked("p", "-1"), Ok(Price::Unknown));
    assert_eq!(
        Price::parse_checked("p", "-0.5"),
        Err("p -0.5 is negative".into())
    );
    assert_eq!(
        Price::parse_checked("p", "1"),
        Ok(Price::Known(Decimal::ONE))
    );
    // A cache or file holding such a price reads it through the same check.
    let stored: Price = serde_json::from_value(json!({"known": "1e28"})).expect("parses");
    assert_eq!(stored, Price::Unknown);
    let stored: Price = serde_json::from_value(json!({"known": "0.000001"})).expect("parses");
    assert_eq!(stored, Price::Known(dec("0.000001")));
}

#[test]
fn products_beyond_belief_never_panic() {
    // Prices that skipped the checks (built in code) still cannot overflow.
    let huge = Pricing {
        prompt: Price::Known(dec("1e11")),
        completion: Price::Known(Decimal::MAX),
        ..Pricing::unknown()
    };
    let usage = Usage {
        prompt_tokens: u64::MAX,
        completion_tokens: u64::MAX,
        total_tokens: u64::MAX,
        ..Usage::default()
    };
    let reason = huge.cost(&usage).unwrap_err();
    assert!(reason.contains("above the $10000"), "{reason}");
    assert_eq!(huge.input_cost(u64::MAX), None);
    assert_eq!(Price::Known(Decimal::MAX).per_million(), None);
    assert_eq!(format_per_million(Price::Known(Decimal::MAX)), "?");
}

#[test]
fn usage_keeps_what_it_can() {
    let wire: WireUsage = serde_json::from_str(
        r#"{"prompt_tokens":4,"completion_tokens":2.5,"cost":"0.5","completion_tokens_details":{"reasoning_tokens":1e400}}"#,
    )
    .expect("a malformed field never fails the usage");
    assert_eq!(
        wire.to_usage(),
        Err("usage.completion_tokens 2.5 is not a whole number".into())
    );
    assert_eq!(
        wire.reported_cost_usd(),
        Err("usage.cost \"0.5\" is not a number".into())
    );
    let wire: WireUsage = serde_json::from_str(
        r#"{"prompt_tokens":4,"completion_tokens_details":{"reasoning_tokens":-1}}"#,
    )
    .expect("parses");
    assert_eq!(
        wire.to_usage(),
        Err("usage.completion_tokens_details.reasoning_tokens -1 is negative".into())
    );
    let wire: WireUsage =
        serde_json::from_str(r#"{"prompt_tokens_details":"lots"}"#).expect("parses");
    assert!(wire.to_usage().is_err());
}

#[test]
fn stored_results_drop_what_is_beyond_belief_and_say_why() {
    let mut result = serde_json::to_value(crate::router::RunResult::new("m")).expect("json");
    let object = result.as_object_mut().expect("object");
    let hostile = json!({
        "text": "kept", "cost_usd": 7e28, "ttft_ms": 120,
        "tokens_per_s": -4.0,
        "usage": {"prompt_tokens": 5, "completion_tokens": 18446744073709551615u64, "total_tokens": 5},
        "generation": {"id": "g", "total_cost_usd": -7.5, "latency_ms": 100},
        "attempts": [{"model": "m", "provider": "p", "elapsed_ms": -3, "error": null}],
    });
    object.extend(hostile.as_object().expect("object").clone());
    assert_eq!(check_stored_result(object), 5);
    assert_eq!(result["cost_usd"], Value::Null);
    assert_eq!(result["usage"], Value::Null);
    assert_eq!(result["tokens_per_s"], Value::Null);
    assert_eq!(result["ttft_ms"], json!(120));
    assert_eq!(result["generation"]["total_cost_usd"], Value::Null);
    assert_eq!(result["generation"]["latency_ms"], json!(100));
    assert_eq!(result["attempts"][0]["elapsed_ms"], json!(0));
    let notes: Vec<&str> = result["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes.contains(
            &"cost_usd 7e+28 is above the $10000 believable for one answer: shown as unknown"
        ),
        "{notes:?}"
    );
    let typed: crate::router::RunResult = serde_json::from_value(result).expect("types");
    assert_eq!(typed.cost_usd, None);
    assert_eq!(typed.text, "kept");
    assert_eq!(typed.notes.len(), 5);
}

#[test]
fn dollars_for_people_never_show_a_sign_for_checked_costs() {
    assert_eq!(format_usd(dec("0.000837")), "$0.000837");
    assert_eq!(format_usd(MAX_COST_USD), "$10000.00");
}

proptest! {
    #[test]
    fn any_text_reads_as_a_figure_or_a_reason(text in ".{0,40}") {
        let counted = token_count("n", &text);
        prop_assert!(counted.as_ref().map_or(true, |n| n.is_none_or(|n| n <= MAX_TOKENS)));
        if let Ok(Some(cost)) = cost("c", &text) {
            prop_assert!(cost >= Decimal::ZERO && cost <= MAX_COST_USD);
        }
        if let Price::Known(price) = Price::parse(&text) {
            prop_assert!(price >= Decimal::ZERO && price <= MAX_PRICE_PER_TOKEN_USD);
        }
        let _ = millis("t", &text);
        let _ = account_usd("a", &text);
    }

    #[test]
    fn numbers_of_any_size_never_panic(mantissa in any::<i64>(), exponent in -60i32..60) {
        let text = format!("{mantissa}e{exponent}");
        let _ = token_count("n", &text);
        let _ = cost("c", &text);
        let _ = Price::parse(&text);
        let float = format!("{mantissa}.5e{exponent}").parse::<f64>().unwrap_or(0.0);
        if let Ok(cost) = cost_from_f64("c", float) {
            prop_assert!(cost <= MAX_COST_USD);
            let _ = format_usd(cost);
        }
    }

    #[test]
    fn any_price_times_any_count_never_panics(
        lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(), scale in 0u32..=28,
        prompt in any::<u64>(), completion in any::<u64>(), cached in any::<u64>(), reasoning in any::<u64>(),
    ) {
        let price = Decimal::from_parts(lo, mid, hi, false, scale);
        let pricing = Pricing {
            prompt: Price::Known(price),
            completion: Price::Known(price),
            request: Some(Price::Known(price)),
            ..Pricing::unknown()
        };
        let usage = Usage { prompt_tokens: prompt, completion_tokens: completion, total_tokens: 0,
            cached_tokens: cached, reasoning_tokens: reasoning, cache_write_tokens: cached };
        if let Ok(Some(total)) = pricing.cost(&usage) {
            prop_assert!(total <= MAX_COST_USD);
        }
        let _ = pricing.input_cost(prompt);
        let _ = format_per_million(Price::Known(price));
        let _ = format_usd(price);
    }
}

#[test]
fn float_noise_is_dropped() {
    assert_eq!(
        cost("c", "0.0076509169000000005"),
        Ok(Some(dec("0.0076509169")))
    );
}
