use super::*;
use crate::router::error::ErrorKind;
use crate::router::pricing::Price;

#[test]
fn folds_a_stream() {
    let mut result = RunResult::new("openai/gpt-4o");
    let events = [
        StreamEvent::Attempting {
            attempt: 1,
            model: "openai/gpt-4o".into(),
        },
        StreamEvent::Started {
            served_model: "openai/gpt-4o-2024".into(),
            provider: "OpenAI".into(),
        },
        StreamEvent::FirstToken { ttft_ms: 120 },
        StreamEvent::Reasoning("hm".into()),
        StreamEvent::Content("Hel".into()),
        StreamEvent::Content("lo".into()),
        StreamEvent::ToolCall(ToolCallDelta {
            index: 0,
            id: Some("call_1".into()),
            name: Some("get".into()),
            arguments: "{\"a\":".into(),
        }),
        StreamEvent::ToolCall(ToolCallDelta {
            index: 0,
            id: None,
            name: None,
            arguments: "1}".into(),
        }),
        StreamEvent::Finished {
            finish_reason: Some("stop".into()),
        },
        StreamEvent::Usage {
            usage: Some(Usage {
                prompt_tokens: 5,
                completion_tokens: 11,
                total_tokens: 16,
                ..Usage::default()
            }),
            reported_cost_usd: Some(Decimal::new(12, 6)),
        },
    ];
    for event in &events {
        result.apply(event);
    }
    result.total_ms = Some(1120);
    result.compute_rate();
    assert_eq!(result.text, "Hello");
    assert_eq!(result.reasoning, "hm");
    assert_eq!(result.served_model.as_deref(), Some("openai/gpt-4o-2024"));
    assert_eq!(result.finish_reason.as_deref(), Some("stop"));
    assert_eq!(result.tool_calls[0].arguments, "{\"a\":1}");
    assert_eq!(result.cost_source, Some(CostSource::Reported));
    assert_eq!(result.tokens_per_s, Some(10.0));
    assert!(result.is_ok());
}

#[test]
fn computed_cost_only_when_none_reported() {
    let pricing = Pricing {
        prompt: Price::parse("0.000001"),
        completion: Price::parse("0.000002"),
        ..Pricing::unknown()
    };
    let mut result = RunResult::new("m");
    result.usage = Some(Usage {
        prompt_tokens: 10,
        completion_tokens: 10,
        total_tokens: 20,
        ..Usage::default()
    });
    result.apply_pricing(&pricing);
    assert_eq!(result.cost_usd, Some(Decimal::new(3, 5)));
    assert_eq!(result.cost_source, Some(CostSource::Computed));
    result.apply_pricing(&Pricing::unknown());
    assert_eq!(result.cost_source, Some(CostSource::Computed));
}

fn priced(id: &str, prompt: &str) -> ModelInfo {
    let mut info = ModelInfo::unlisted(id, id);
    info.pricing = Pricing {
        prompt: Price::parse(prompt),
        completion: Price::parse("0"),
        ..Pricing::unknown()
    };
    info
}

/// A run of `chain` served by `served` through `via`, 1M prompt tokens.
fn served(via: &str, served: Option<&str>) -> RunResult {
    let mut result = RunResult::new("chain");
    result.via = Some(via.into());
    result.served_model = served.map(str::to_string);
    result.usage = Some(Usage {
        prompt_tokens: 1_000_000,
        total_tokens: 1_000_000,
        ..Usage::default()
    });
    result
}

#[test]
fn the_catalog_prices_the_model_that_served_never_another() {
    let catalog = [
        ("openrouter", priced("openai/gpt-4o", "0.0000025")),
        (
            "openrouter",
            priced("anthropic/claude-sonnet-4.5", "0.000003"),
        ),
        ("ollama", priced("llama3.2:3b", "0")),
    ];
    let lookup = |provider: &str, model: &str| {
        catalog
            .iter()
            .find(|(p, m)| *p == provider && m.id == model)
            .map(|(_, m)| m)
    };
    let chain = [
        ModelRef::new("openrouter", "openai/gpt-4o"),
        ModelRef::new("openrouter", "anthropic/claude-sonnet-4.5"),
        ModelRef::new("ollama", "llama3.2:3b"),
    ];
    let cost = |mut result: RunResult| {
        result.price_from_catalog(&chain, lookup);
        result.cost_usd
    };
    // The served id as listed.
    let exact = served("openrouter", Some("anthropic/claude-sonnet-4.5"));
    assert_eq!(cost(exact), Some(Decimal::from(3)));
    // A dated id: the chain's model it extends, not the chain's first.
    let dated = served("openrouter", Some("anthropic/claude-sonnet-4.5-20250929"));
    assert_eq!(cost(dated), Some(Decimal::from(3)));
    // Served by the fallback on another provider.
    let local = served("ollama", Some("llama3.2:3b"));
    assert_eq!(cost(local), Some(Decimal::ZERO));
    // Nothing says which of two models served: unknown, not a guess.
    assert_eq!(cost(served("openrouter", None)), None);
    assert_eq!(cost(served("openrouter", Some("mistral/other"))), None);
    // One model asked there: that one.
    let mut single = served("ollama", None);
    single.price_from_catalog(&chain[2..], lookup);
    assert_eq!(single.cost_usd, Some(Decimal::ZERO));
    // A reported cost is never replaced.
    let mut reported = served("openrouter", Some("openai/gpt-4o"));
    reported.cost_usd = Some(Decimal::new(1, 2));
    reported.cost_source = Some(CostSource::Reported);
    assert_eq!(cost(reported), Some(Decimal::new(1, 2)));
}

#[test]
fn failure_keeps_partial_text() {
    let mut result = RunResult::new("m");
    result.apply(&StreamEvent::Content("partial".into()));
    result.apply(&StreamEvent::Failed(RouterError::ended_early()));
    assert_eq!(result.text, "partial");
    assert_eq!(
        result.error.as_ref().map(|e| e.kind),
        Some(ErrorKind::StreamEndedEarly)
    );
}

#[test]
fn json_cost_is_a_plain_number() {
    let mut result = RunResult::new("m");
    result.cost_usd = Some(Decimal::new(7, 8));
    let json = serde_json::to_value(&result).expect("serializes");
    assert_eq!(json["cost_usd"].to_string(), "7e-8");
    let back: RunResult = serde_json::from_value(json).expect("deserializes");
    assert_eq!(back.cost_usd, Some(Decimal::new(7, 8)));
}
