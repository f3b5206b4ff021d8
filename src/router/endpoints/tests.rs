use pretty_assertions::assert_eq;
use serde_json::json;

use super::*;
use crate::router::pricing::Price;

const SPEC_EXAMPLE: &str = include_str!(
    "../../../tests/fixtures/upstream/openrouter/endpoints/openai_gpt-4_spec_example.json"
);
const SPEC_EMPTY: &str = include_str!(
    "../../../tests/fixtures/upstream/openrouter/endpoints/openai_gpt-4_spec_example_empty.json"
);

fn list(endpoints: serde_json::Value) -> Vec<u8> {
    json!({"data": {"id": "a/model", "name": "A: Model", "endpoints": endpoints}})
        .to_string()
        .into_bytes()
}

fn upstream(provider: &str, tag: &str) -> serde_json::Value {
    json!({
        "provider_name": provider, "tag": tag, "name": format!("{provider} | a/model"),
        "context_length": 131072, "pricing": {"prompt": "0.0000001", "completion": "0.0000003"},
        "latency_last_30m": {"p50": 412, "p75": 530, "p90": 800, "p99": 1900},
        "throughput_last_30m": {"p50": 85.5, "p75": 70, "p90": 50, "p99": 20},
        "uptime_last_30m": 99.9
    })
}

#[test]
fn the_spec_example_parses_whole() {
    let parsed = parse_endpoints(SPEC_EXAMPLE.as_bytes()).expect("parses");
    let expected = Endpoint {
        provider_name: "OpenAI".into(),
        tag: "openai".into(),
        name: "OpenAI: GPT-4".into(),
        quantization: Some("fp16".into()),
        context_length: Some(8192),
        max_completion_tokens: Some(4096),
        max_prompt_tokens: Some(8192),
        pricing: Pricing {
            prompt: Price::parse("0.00003"),
            completion: Price::parse("0.00006"),
            request: Some(Price::parse("0")),
            ..Pricing::unknown()
        },
        discount: None,
        status: Some(0),
        uptime_last_5m: Some(100.0),
        uptime_last_30m: Some(99.5),
        uptime_last_1d: Some(99.8),
        latency_last_30m_ms: Some(Percentiles {
            p50: Some(0.25),
            p75: Some(0.35),
            p90: Some(0.48),
            p99: Some(0.85),
        }),
        throughput_last_30m: Some(Percentiles {
            p50: Some(45.2),
            p75: Some(38.5),
            p90: Some(28.3),
            p99: Some(15.1),
        }),
        supported_parameters: vec!["temperature".into(), "top_p".into(), "max_tokens".into()],
        supports_implicit_caching: Some(true),
    };
    assert_eq!(parsed.id, "openai/gpt-4");
    assert_eq!(parsed.name, "GPT-4");
    assert_eq!(parsed.endpoints, vec![expected]);
    // The example's latency reads like seconds: kept as sent, and said so.
    assert_eq!(
        parsed.notes,
        vec![
            "OpenAI: latency_last_30m p50 is 0.25: under a millisecond, which no upstream \
             answers in; OpenRouter documents milliseconds, so it is shown as sent (it may be seconds)"
                .to_string()
        ]
    );
    let empty = parse_endpoints(SPEC_EMPTY.as_bytes()).expect("parses");
    assert!(empty.endpoints.is_empty() && empty.notes.is_empty());
}

#[test]
fn real_looking_milliseconds_raise_no_note() {
    let parsed =
        parse_endpoints(&list(json!([upstream("DeepInfra", "deepinfra/fp8")]))).expect("parses");
    let endpoint = &parsed.endpoints[0];
    assert_eq!(
        endpoint.latency_last_30m_ms.and_then(|l| l.p50),
        Some(412.0)
    );
    assert_eq!(endpoint.throughput_last_30m.and_then(|t| t.p50), Some(85.5));
    assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
}

#[test]
fn figures_beyond_belief_are_unknown_with_a_note_naming_the_upstream() {
    // Written out, so each number reaches prism as the server would write it.
    let hostile = r#"{"data": {"id": "a/model", "endpoints": [{
        "provider_name": "Evil\u001b[2J", "tag": "evil", "context_length": -5,
        "uptime_last_30m": 250, "uptime_last_1d": "99",
        "latency_last_30m": {"p50": 1e9, "p75": -1, "p90": null, "p99": 3},
        "throughput_last_30m": {"p50": 1e12},
        "pricing": {"prompt": "-3", "completion": "abc", "discount": 7},
        "status": 1e300
    }]}}"#;
    let parsed = parse_endpoints(hostile.as_bytes()).expect("parses");
    let endpoint = &parsed.endpoints[0];
    assert_eq!(endpoint.context_length, None);
    assert_eq!(endpoint.uptime_last_30m, None);
    assert_eq!(endpoint.uptime_last_1d, None);
    assert_eq!(
        endpoint.latency_last_30m_ms,
        Some(Percentiles {
            p99: Some(3.0),
            ..Percentiles::default()
        })
    );
    assert_eq!(endpoint.throughput_last_30m, None);
    assert_eq!(endpoint.pricing.prompt, Price::Unknown);
    assert_eq!(endpoint.pricing.completion, Price::Unknown);
    assert_eq!(endpoint.discount, None);
    assert_eq!(endpoint.status, None);
    let who = "Evil\u{1b}[2J";
    assert_eq!(
        parsed.notes,
        vec![
            format!("{who}: context_length -5 is negative: shown as unknown"),
            format!("{who}: uptime_last_30m 250 is above 100%: shown as unknown"),
            format!("{who}: uptime_last_1d \"99\" is not a number: shown as unknown"),
            format!("{who}: status 1e300 is not a status code: shown as unknown"),
            format!("{who}: latency_last_30m p50 1e9 is longer than a day: shown as unknown"),
            format!("{who}: latency_last_30m p75 -1 is negative: shown as unknown"),
            format!(
                "{who}: throughput_last_30m p50 1e12 is not a believable rate: shown as unknown"
            ),
            format!("{who}: pricing.discount 7 is not a fraction from 0 to 1: shown as unknown"),
            format!("{who}: pricing.prompt -3 is negative"),
            format!("{who}: pricing.completion abc is not a price"),
        ]
    );
}

#[test]
fn an_entry_that_is_no_endpoint_is_skipped_and_the_rest_kept() {
    let parsed = parse_endpoints(&list(json!([
        "not an endpoint",
        {"provider_name": 42},
        upstream("Groq", "groq")
    ])))
    .expect("parses");
    assert_eq!(parsed.endpoints.len(), 1);
    assert_eq!(parsed.endpoints[0].provider_name, "Groq");
    assert_eq!(parsed.notes.len(), 2, "{:?}", parsed.notes);
    assert!(parsed.notes[0].starts_with("endpoint 1 is skipped: "));
    assert!(parsed.notes[1].starts_with("endpoint 2 is skipped: "));
}

#[test]
fn bodies_that_are_no_endpoint_list_are_malformed() {
    let html = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>";
    for body in [
        &html[..],
        b"{}",
        b"{\"data\": {\"id\": \"a/b\"}}",
        b"{\"data\": []}",
        b"[1, 2]",
        b"",
    ] {
        let error = parse_endpoints(body).expect_err("not a list");
        assert_eq!(error.kind, ErrorKind::MalformedResponse, "{body:?}");
    }
}

#[test]
fn variants_are_split_off_the_id() {
    assert_eq!(split_variant("a/b:free"), ("a/b", Some("free")));
    assert_eq!(split_variant("a/b:nitro"), ("a/b", Some("nitro")));
    assert_eq!(split_variant("a/b"), ("a/b", None));
    // A colon that is no variant is part of the id.
    assert_eq!(split_variant("a/b:7b"), ("a/b:7b", None));
}

#[test]
fn one_pinned_column_per_upstream() {
    let parsed = parse_endpoints(&list(json!([
        upstream("DeepInfra", "deepinfra/fp8"),
        upstream("DeepInfra", "deepinfra/bf16"),
        upstream("Groq", "groq"),
        upstream("Groq", "groq"),
        upstream("Nameless", ""),
        upstream("Hostile", "evil\u{1b}[2J"),
    ])))
    .expect("parses");
    let mut notes = Vec::new();
    let columns = upstream_columns(" a/model ", &parsed, &mut notes);
    assert_eq!(
        columns,
        vec![
            "a/model@deepinfra/fp8",
            "a/model@deepinfra/bf16",
            "a/model@groq"
        ]
    );
    assert_eq!(
        notes,
        vec![
            "Groq: its slug groq is listed twice; one column".to_string(),
            "Nameless: no slug to pin it by; left out".to_string(),
            "Hostile: no slug to pin it by; left out".to_string(),
        ]
    );
    // Each goes through the column grammar to a pinned target.
    let providers = crate::router::Providers::new(
        vec![crate::router::Provider::new(
            "openrouter",
            "https://openrouter.ai/api/v1",
        )],
        "openrouter",
    );
    let args: Vec<_> = columns
        .into_iter()
        .map(crate::router::columns::ColumnArg::Model)
        .collect();
    let targets = crate::router::columns::targets(&providers, &args).expect("columns");
    assert_eq!(targets[2].upstream.as_deref(), Some("groq"));
    assert_eq!(
        targets[2].chain,
        vec![ModelRef::new("openrouter", "a/model")]
    );
}
