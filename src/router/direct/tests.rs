use pretty_assertions::assert_eq;
use rust_decimal::Decimal;
use std::str::FromStr;

use super::*;
use crate::router::provider::{ModelRef, Provider};

fn providers() -> Providers {
    let openai = Provider::new("openai", "https://api.openai.com/v1");
    let groq = Provider::new("groq", "https://api.groq.com/openai/v1");
    Providers::new(
        vec![
            Provider::new("openrouter", "https://openrouter.ai/api/v1"),
            openai,
            groq,
        ],
        "openrouter",
    )
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("decimal")
}

fn prices(prompt: &str, completion: &str) -> Pricing {
    Pricing {
        prompt: Price::parse(prompt),
        completion: Price::parse(completion),
        ..Pricing::unknown()
    }
}

#[test]
fn an_author_named_like_a_provider_maps_by_default() {
    let pair = pair(&providers(), &BTreeMap::new(), " openai/gpt-4o-mini ").expect("pairs");
    assert_eq!(
        pair.routed.chain,
        vec![ModelRef::new("openrouter", "openai/gpt-4o-mini")]
    );
    assert_eq!(
        pair.direct.chain,
        vec![ModelRef::new("openai", "gpt-4o-mini")]
    );
    assert_eq!(pair.direct.label, "openai:gpt-4o-mini");
}

#[test]
fn the_config_table_wins_and_names_ids_that_differ() {
    let table = BTreeMap::from([
        (
            "meta-llama/llama-3.3-70b-instruct".to_string(),
            "groq:llama-3.3-70b-versatile".to_string(),
        ),
        ("openrouter:openai/gpt-4o".to_string(), "groq:x".to_string()),
    ]);
    let pair = pair(&providers(), &table, "meta-llama/llama-3.3-70b-instruct").expect("pairs");
    assert_eq!(
        pair.direct.chain,
        vec![ModelRef::new("groq", "llama-3.3-70b-versatile")]
    );
    let prefixed = super::pair(&providers(), &table, "openai/gpt-4o").expect("pairs");
    assert_eq!(prefixed.direct.chain, vec![ModelRef::new("groq", "x")]);
}

#[test]
fn unmapped_or_misdirected_models_are_refused_with_the_fix() {
    let none =
        pair(&providers(), &BTreeMap::new(), "anthropic/claude-3.5-haiku").expect_err("no map");
    assert!(
        none.contains("[direct] \"anthropic/claude-3.5-haiku\" = \"PROVIDER:MODEL\""),
        "{none}"
    );
    let direct_first = pair(&providers(), &BTreeMap::new(), "groq:llama").expect_err("direct");
    assert!(
        direct_first.contains("is not an OpenRouter model"),
        "{direct_first}"
    );
    let table = BTreeMap::from([("a/b".to_string(), "openrouter:a/b".to_string())]);
    assert!(pair(&providers(), &table, "a/b").is_err());
    let table = BTreeMap::from([("a/b".to_string(), "nowhere-b".to_string())]);
    assert!(pair(&providers(), &table, "a/b").is_err());
}

#[test]
fn markup_is_the_exact_per_million_difference() {
    let routed = prices("0.00000015", "0.0000006");
    let direct = prices("0.000000125", "0.0000006");
    assert_eq!(
        markup(&routed, &direct),
        Markup {
            prompt_per_1m_usd: Some(dec("0.025")),
            completion_per_1m_usd: Some(dec("0")),
        }
    );
    // Cheaper through OpenRouter is a negative markup, not a clamp to zero.
    assert_eq!(
        markup(&direct, &routed).prompt_per_1m_usd,
        Some(dec("-0.025"))
    );
    // An unknown or unbelievable price leaves that side unknown.
    let unknown = prices("abc", "-1");
    assert_eq!(markup(&routed, &unknown), Markup::default());
}

#[test]
fn pair_figures_subtract_direct_from_routed() {
    let pair = pair(&providers(), &BTreeMap::new(), "openai/gpt-4o-mini").expect("pairs");
    let routed = RunResult {
        ttft_ms: Some(412),
        cost_usd: Some(dec("0.000042")),
        overhead_ms: Some(140),
        ..RunResult::new("openai/gpt-4o-mini")
    };
    let direct = RunResult {
        ttft_ms: Some(700),
        cost_usd: Some(dec("0.00004")),
        ..RunResult::new("openai:gpt-4o-mini")
    };
    let routed_prices = prices("0.00000015", "0.0000006");
    let figures = figures(&pair, &routed, &direct, Some(&routed_prices), None);
    assert_eq!(figures.ttft_difference_ms, Some(-288));
    assert_eq!(figures.cost_difference_usd, Some(dec("0.000002")));
    assert_eq!(figures.hop_ms, Some(140));
    assert_eq!(figures.markup, Markup::default());
    // A time beyond i64 is unknown, never wrapped.
    let absurd = RunResult {
        ttft_ms: Some(u64::MAX),
        ..routed.clone()
    };
    assert_eq!(
        super::figures(&pair, &absurd, &direct, None, None).ttft_difference_ms,
        None
    );
}
