use pretty_assertions::assert_eq;
use rust_decimal::Decimal;
use serde_json::json;

use super::*;

fn record(latency_ms: Option<u64>) -> GenerationRecord {
    GenerationRecord {
        id: "gen-1".into(),
        total_cost_usd: None,
        provider_name: None,
        model: None,
        latency_ms,
        generation_time_ms: None,
        native_tokens_prompt: None,
        native_tokens_completion: None,
        native_tokens_reasoning: None,
        upstream_inference_cost_usd: None,
        is_byok: None,
        notes: Vec::new(),
    }
}

#[test]
fn parses_the_spec_example_of_a_generation() {
    // GenerationResponse's example in the OpenAPI spec, abridged.
    let body = json!({"data": {
        "id": "gen-3bhGkxlo4XFrqiabUM7NDtwDzWwG", "total_cost": 0.0015, "latency": 1250,
        "generation_time": 1200, "model": "sao10k/l3-stheno-8b", "provider_name": "Infermatic",
        "native_tokens_prompt": 10, "native_tokens_completion": 25, "native_tokens_reasoning": 5,
        "native_tokens_cached": 3, "streamed": true, "cache_discount": null, "usage": 0.0015
    }});
    let record = parse_generation(body.to_string().as_bytes()).expect("parses");
    assert_eq!(
        record,
        GenerationRecord {
            id: "gen-3bhGkxlo4XFrqiabUM7NDtwDzWwG".into(),
            total_cost_usd: Some(Decimal::new(15, 4)),
            provider_name: Some("Infermatic".into()),
            model: Some("sao10k/l3-stheno-8b".into()),
            latency_ms: Some(1250),
            generation_time_ms: Some(1200),
            native_tokens_prompt: Some(10),
            native_tokens_completion: Some(25),
            native_tokens_reasoning: Some(5),
            upstream_inference_cost_usd: None,
            is_byok: None,
            notes: Vec::new(),
        }
    );
    let nulls = json!({"data": {"id": "gen-2", "latency": null, "generation_time": 812.6}});
    let record = parse_generation(nulls.to_string().as_bytes()).expect("parses");
    assert_eq!(record.latency_ms, None);
    assert_eq!(record.generation_time_ms, Some(813));
    assert!(parse_generation(b"{\"id\":\"gen\"}").is_err());
}

#[test]
fn a_byok_generation_costs_the_fee_plus_what_the_provider_charged() {
    // The spec's example: without BYOK, upstream_inference_cost is what
    // OpenRouter paid the provider, already inside total_cost.
    let plain = json!({"data": {"id": "gen-1", "total_cost": 0.0015,
        "upstream_inference_cost": 0.0012, "is_byok": false}});
    let record = parse_generation(plain.to_string().as_bytes()).expect("parses");
    assert_eq!(
        record.charged_usd(),
        Some(rust_decimal::Decimal::new(15, 4))
    );
    let byok = json!({"data": {"id": "gen-2", "total_cost": 0,
        "upstream_inference_cost": 0.0012, "is_byok": true,
        "native_tokens_prompt": 10, "native_tokens_completion": 25, "native_tokens_reasoning": 5}});
    let record = parse_generation(byok.to_string().as_bytes()).expect("parses");
    assert_eq!(
        record.charged_usd(),
        Some(rust_decimal::Decimal::new(12, 4))
    );
    assert_eq!(
        record
            .usage()
            .map(|u| (u.prompt_tokens, u.completion_tokens, u.reasoning_tokens)),
        Some((10, 25, 5))
    );
}

#[test]
fn parses_the_spec_example_of_a_key() {
    let body = json!({"data": {
        "label": "sk-or-v1-au7...890", "limit": 100, "limit_remaining": 74.5, "limit_reset": "monthly",
        "usage": 25.5, "usage_daily": 25.5, "is_free_tier": false,
        "rate_limit": {"interval": "1h", "note": "This field is deprecated and safe to ignore.", "requests": 1000}
    }});
    let key = parse_key(body.to_string().as_bytes()).expect("parses");
    assert_eq!(
        key,
        KeyInfo {
            label: Some("sk-or-v1-au7...890".into()),
            limit_usd: Some(Decimal::new(100, 0)),
            limit_remaining_usd: Some(Decimal::new(745, 1)),
            usage_usd: Some(Decimal::new(255, 1)),
            is_free_tier: Some(false),
            rate_limit: Some("1000 requests / 1h".into()),
            notes: Vec::new(),
        }
    );
    assert_eq!(
        key.summary(),
        "credit $74.50 left of $100 · 1000 requests / 1h"
    );
}

#[test]
fn key_summaries() {
    let key = KeyInfo {
        label: None,
        limit_usd: Some(Decimal::new(10, 0)),
        limit_remaining_usd: Some(Decimal::new(421, 2)),
        usage_usd: Some(Decimal::new(579, 2)),
        is_free_tier: Some(true),
        rate_limit: None,
        notes: Vec::new(),
    };
    assert_eq!(key.summary(), "credit $4.21 left of $10 · free tier");
    let unlimited = KeyInfo {
        limit_usd: None,
        limit_remaining_usd: None,
        is_free_tier: Some(false),
        ..key.clone()
    };
    assert_eq!(unlimited.summary(), "$5.79 used · no limit");
    let nothing = KeyInfo {
        usage_usd: None,
        ..unlimited
    };
    assert_eq!(nothing.summary(), "no limit");
    let tiny = KeyInfo {
        limit_remaining_usd: Some(Decimal::new(42, 4)),
        ..key
    };
    assert_eq!(tiny.summary(), "credit $0.0042 left of $10 · free tier");
}

#[test]
fn key_amounts_beyond_belief_are_unknown_never_negative() {
    let body = json!({"data": {"limit": 10, "limit_remaining": -7.5, "usage": "lots", "is_free_tier": false,
        "rate_limit": {"requests": -1, "interval": "1h"}}});
    let key = parse_key(body.to_string().as_bytes()).expect("parses");
    assert_eq!(key.limit_remaining_usd, None);
    assert_eq!(key.usage_usd, None);
    assert_eq!(key.rate_limit, None);
    assert_eq!(key.notes.len(), 3, "{:?}", key.notes);
    assert_eq!(key.summary(), "credit unknown");
    assert!(!key.summary().contains('-'));
}

#[test]
fn generation_figures_beyond_belief_are_left_out_with_a_note() {
    let body = json!({"data": {"id": "gen-1", "total_cost": 7e28, "latency": -5, "generation_time": 1e300,
        "native_tokens_prompt": 2.5, "native_tokens_completion": 18446744073709551615u64, "provider_name": "P"}});
    let record =
        parse_generation(body.to_string().as_bytes()).expect("the rest of the record stands");
    assert_eq!(record.total_cost_usd, None);
    assert_eq!(record.latency_ms, None);
    assert_eq!(record.generation_time_ms, None);
    assert_eq!(record.native_tokens_prompt, None);
    assert_eq!(record.native_tokens_completion, None);
    assert_eq!(record.provider_name.as_deref(), Some("P"));
    assert_eq!(record.notes.len(), 5, "{:?}", record.notes);
    assert_eq!(overhead_ms(Some(u64::MAX), &record), None);
}

#[test]
fn overhead_is_ttft_minus_the_upstream_latency() {
    assert_eq!(overhead_ms(Some(640), &record(Some(500))), Some(140));
    assert_eq!(overhead_ms(Some(400), &record(Some(500))), Some(-100));
    assert_eq!(overhead_ms(None, &record(Some(500))), None);
    assert_eq!(overhead_ms(Some(400), &record(None)), None);
}

#[test]
fn ids_are_escaped_in_the_query() {
    assert_eq!(query_escape("gen-1762141316-q3fB"), "gen-1762141316-q3fB");
    assert_eq!(query_escape("a&b=c d"), "a%26b%3Dc%20d");
}
