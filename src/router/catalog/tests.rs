use std::str::FromStr;

use rust_decimal::Decimal;

use super::*;
use crate::router::pricing::Price;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("test decimal")
}

fn parse(body: &str) -> ParsedModels {
    parse_models(body.as_bytes()).expect("body parses")
}

fn model(id: &str) -> ModelInfo {
    ModelInfo {
        id: id.to_string(),
        name: id.to_string(),
        created_unix: None,
        context_length: None,
        max_completion_tokens: None,
        input_modalities: Vec::new(),
        output_modalities: Vec::new(),
        supported_parameters: Vec::new(),
        pricing: Pricing::unknown(),
    }
}

fn catalog_of(models: Vec<ModelInfo>) -> Catalog {
    let parsed = ParsedModels {
        models,
        ..ParsedModels::default()
    };
    Catalog::new("openrouter", CatalogSource::Live, 0, parsed)
}

fn ids(models: &[&ModelInfo]) -> Vec<String> {
    models.iter().map(|model| model.id.clone()).collect()
}

#[test]
fn parses_an_openrouter_entry_completely() {
    let parsed = parse(
        r#"{"data":[{"id":"qwen/qwen3.8-27b","name":"Qwen: Qwen3.8 27B","created":1786722910,
        "context_length":262144,"architecture":{"modality":"text+image+video->text",
        "input_modalities":["text","image","video"],"output_modalities":["text"]},
        "pricing":{"prompt":"0.00000045","completion":"0.0000032","request":"0","internal_reasoning":"0.000004",
        "input_cache_read":"0.00000005","input_cache_write":"0.000000375","web_search":"0.01",
        "overrides":[{"min_prompt_tokens":200000,"prompt":"0.0000009"}]},
        "top_provider":{"context_length":262144,"max_completion_tokens":131072,"is_moderated":false},
        "supported_parameters":["max_tokens","tools"],"per_request_limits":null}],
        "total_count":1,"links":{"next":null}}"#,
    );
    assert!(parsed.skipped.is_empty());
    assert_eq!(
        parsed.models,
        vec![ModelInfo {
            id: "qwen/qwen3.8-27b".to_string(),
            name: "Qwen: Qwen3.8 27B".to_string(),
            created_unix: Some(1_786_722_910),
            context_length: Some(262_144),
            max_completion_tokens: Some(131_072),
            input_modalities: vec!["text".into(), "image".into(), "video".into()],
            output_modalities: vec!["text".into()],
            supported_parameters: vec!["max_tokens".into(), "tools".into()],
            pricing: Pricing {
                prompt: Price::Known(dec("0.00000045")),
                completion: Price::Known(dec("0.0000032")),
                request: Some(Price::Known(Decimal::ZERO)),
                internal_reasoning: Some(Price::Known(dec("0.000004"))),
                input_cache_read: Some(Price::Known(dec("0.00000005"))),
                input_cache_write: Some(Price::Known(dec("0.000000375"))),
            },
        }]
    );
}

#[test]
fn parses_a_bare_array() {
    let parsed = parse(r#"[{"id":"a/x","pricing":{"prompt":"0","completion":"0"}},{"id":"b/y"}]"#);
    assert_eq!(parsed.models.len(), 2);
    assert!(parsed.models[0].is_free());
    assert!(
        !parsed.models[1].is_free(),
        "no pricing is unknown, not free"
    );
}

#[test]
fn ollama_entries_get_the_id_as_name_and_unknown_prices() {
    let parsed = parse(
        r#"{"object":"list","data":[
        {"id":"llama3.2:latest","object":"model","created":1733000000,"owned_by":"library"},
        {"id":"qwen3:8b","object":"model","created":1733000001,"owned_by":"library"}]}"#,
    );
    assert_eq!(parsed.models.len(), 2);
    let llama = &parsed.models[0];
    assert_eq!(llama.name, "llama3.2:latest");
    assert_eq!(llama.created_unix, Some(1_733_000_000));
    assert_eq!(llama.context_length, None);
    assert_eq!(llama.pricing, Pricing::unknown());
    assert!(!llama.is_free());
}

#[test]
fn vllm_max_model_len_is_the_context_length() {
    let parsed = parse(
        r#"{"object":"list","data":[{"id":"meta-llama/Llama-3.1-8B-Instruct","object":"model",
        "created":1733000000,"owned_by":"vllm","root":"meta-llama/Llama-3.1-8B-Instruct",
        "parent":null,"max_model_len":32768,"permission":[{"id":"modelperm-1"}]}]}"#,
    );
    let vllm = &parsed.models[0];
    assert_eq!(vllm.context_length, Some(32_768));
    assert_eq!(vllm.max_completion_tokens, None);
    assert_eq!(vllm.pricing, Pricing::unknown());
}

#[test]
fn zero_counts_mean_not_said() {
    let parsed = parse(
        r#"[{"id":"a/stt","context_length":0,"top_provider":{"context_length":4096,"max_completion_tokens":0}},
        {"id":"a/none","context_length":0,"top_provider":{"context_length":0}}]"#,
    );
    assert_eq!(parsed.models[0].context_length, Some(4096));
    assert_eq!(parsed.models[0].max_completion_tokens, None);
    assert_eq!(parsed.models[1].context_length, None);
}

#[test]
fn llama_cpp_extra_models_array_is_ignored() {
    let parsed = parse(
        r#"{"models":[{"name":"gemma.gguf","model":"gemma.gguf"}],"object":"list",
        "data":[{"id":"gemma.gguf","object":"model","created":1733000000,"owned_by":"llamacpp",
        "meta":{"n_ctx_train":8192,"n_params":2000000000}}]}"#,
    );
    assert_eq!(parsed.models.len(), 1);
    assert_eq!(parsed.models[0].id, "gemma.gguf");
}

#[test]
fn entries_without_id_are_recorded_not_dropped() {
    let parsed = parse(
        r#"{"data":[{"id":"a/one"},{"name":"no id"},{"id":42},"text",{"id":""},{"id":"a/two"},{"id":"a/one"}]}"#,
    );
    assert_eq!(
        ids(&parsed.models.iter().collect::<Vec<_>>()),
        ["a/one", "a/two"]
    );
    let skipped: Vec<(usize, &str)> = parsed
        .skipped
        .iter()
        .map(|entry| (entry.index, entry.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (1, "no `id`"),
            (2, "`id` is a number, not a string"),
            (3, "entry is a string, not an object"),
            (4, "`id` is empty"),
            (6, "duplicate id `a/one` (the first entry is kept)"),
        ]
    );
}

#[test]
fn wrong_typed_fields_fall_back_without_dropping_the_model() {
    let parsed = parse(
        r#"{"data":[{"id":"odd/model","name":null,"created":"1700000000","context_length":"lots",
        "architecture":{"input_modalities":"text","output_modalities":["text",7]},
        "pricing":{"prompt":true,"completion":null,"request":{"x":1}},
        "top_provider":{"max_completion_tokens":4096.0},"supported_parameters":{"tools":true}},
        {"id":"odd/two","architecture":{"modality":"text+image->text"},"pricing":"free",
        "context_length":-5,"top_provider":null,"created":1.5}]}"#,
    );
    assert!(parsed.skipped.is_empty());
    let first = &parsed.models[0];
    assert_eq!(first.name, "odd/model");
    assert_eq!(first.created_unix, Some(1_700_000_000));
    assert_eq!(first.context_length, None);
    assert_eq!(first.max_completion_tokens, Some(4096));
    assert!(first.input_modalities.is_empty());
    assert_eq!(first.output_modalities, ["text"]);
    assert!(first.supported_parameters.is_empty());
    assert_eq!(first.pricing.prompt, Price::Unknown);
    assert_eq!(first.pricing.completion, Price::Unknown);
    assert_eq!(first.pricing.request, Some(Price::Unknown));
    let second = &parsed.models[1];
    assert_eq!(second.input_modalities, ["text", "image"]);
    assert_eq!(second.output_modalities, ["text"]);
    assert_eq!(second.pricing, Pricing::unknown());
    assert_eq!(second.context_length, None);
    assert_eq!(second.created_unix, None);
}

#[test]
fn router_prices_of_minus_one_are_unknown() {
    let parsed = parse(r#"[{"id":"openrouter/auto","pricing":{"prompt":"-1","completion":"-1"}}]"#);
    let auto = &parsed.models[0].pricing;
    assert_eq!(auto.prompt, Price::Unknown);
    assert_eq!(auto.completion, Price::Unknown);
    assert!(!auto.is_known());
}

#[test]
fn number_prices_stay_exact() {
    let parsed = parse(
        r#"[{"id":"n/m","pricing":{"prompt":0.00000007,"completion":1.5e-5,"request":0,"input_cache_read":-1}}]"#,
    );
    let pricing = &parsed.models[0].pricing;
    assert_eq!(pricing.prompt, Price::Known(dec("0.00000007")));
    assert_eq!(pricing.prompt.per_million(), Some(dec("0.07")));
    assert_eq!(pricing.completion, Price::Known(dec("0.000015")));
    assert_eq!(pricing.request, Some(Price::Known(Decimal::ZERO)));
    assert_eq!(pricing.input_cache_read, Some(Price::Unknown));
}

#[test]
fn bodies_that_are_not_model_lists_are_errors() {
    let not_json = parse_models(b"502 Bad Gateway").expect_err("not JSON");
    assert!(matches!(not_json, CatalogError::NotJson(_)));
    assert!(
        not_json
            .to_string()
            .starts_with("the model list is not valid JSON"),
        "{not_json}"
    );
    let page = parse_models(b"<html><title>502 Bad Gateway</title></html>").expect_err("a page");
    assert_eq!(
        page.to_string(),
        "the model list is an HTML page from the server (title: 502 Bad Gateway)"
    );
    for (body, found) in [
        (
            r#"{"error":{"message":"nope"}}"#,
            "an object without `data`",
        ),
        (r#"{"data":null}"#, "`data` is null"),
        (r#"{"data":{"id":"x"}}"#, "`data` is not an array"),
        ("42", "a number"),
    ] {
        let error = parse_models(body.as_bytes()).expect_err(body);
        assert_eq!(
            error.to_string(),
            format!("the model list has no `data` array (found {found})")
        );
    }
}

#[test]
fn get_finds_by_exact_id() {
    let catalog = catalog_of(vec![model("a/x"), model("b/y")]);
    assert_eq!(catalog.get("b/y").map(|m| m.id.as_str()), Some("b/y"));
    assert_eq!(catalog.get("B/Y"), None);
    let mut edited = catalog.clone();
    edited.models.remove(0);
    assert_eq!(edited.get("b/y").map(|m| m.id.as_str()), Some("b/y"));
    assert_eq!(edited.get("a/x"), None);
}

#[test]
fn describes_source_and_age() {
    let mut catalog = catalog_of(vec![]);
    catalog.fetched_at_unix = 1_000_000;
    assert_eq!(catalog.describe(1_000_500), "live");
    catalog.source = CatalogSource::Cache;
    assert_eq!(
        catalog.describe(1_000_000 + 3 * 3_600 + 59),
        "cache, fetched 3h ago"
    );
    assert_eq!(catalog.describe(1_000_003), "cache, fetched just now");
    assert_eq!(catalog.describe(999_000), "cache, fetched just now");
    assert_eq!(catalog.age_secs(999_000), 0);
    catalog.source = CatalogSource::Bundled;
    catalog.fetched_at_unix = 1_787_011_200;
    assert_eq!(
        catalog.describe(1_787_011_200 + 98 * 86_400),
        "bundled snapshot of 2026-08-18 (98 days old)"
    );
    assert_eq!(
        catalog.describe(1_787_011_200 + 86_400),
        "bundled snapshot of 2026-08-18 (1 day old)"
    );
    assert_eq!(
        catalog.describe(1_787_011_200 + 60),
        "bundled snapshot of 2026-08-18 (less than a day old)"
    );
}

fn openrouter_like() -> Catalog {
    catalog_of(
        [
            "openai/gpt-4o-mini",
            "openai/gpt-4o",
            "openai/gpt-4o:batch",
            "openai/gpt-4.1",
            "openai/o3",
            "anthropic/claude-sonnet-4.5",
            "anthropic/claude-3.5-sonnet",
            "anthropic/claude-opus-4.1",
            "google/gemini-2.5-pro",
            "meta-llama/llama-3.3-70b-instruct:free",
        ]
        .into_iter()
        .map(model)
        .collect(),
    )
}

#[test]
fn closest_ids_prefers_partial_matches() {
    let catalog = openrouter_like();
    assert_eq!(
        catalog.closest_ids("gpt-4o", 3),
        ["openai/gpt-4o", "openai/gpt-4o-mini", "openai/gpt-4o:batch"]
    );
    assert_eq!(
        catalog.closest_ids("claude sonnet", 5),
        ["anthropic/claude-sonnet-4.5", "anthropic/claude-3.5-sonnet"]
    );
    assert_eq!(
        catalog.closest_ids("claude-sonnet", 1),
        ["anthropic/claude-sonnet-4.5"]
    );
    assert_eq!(catalog.closest_ids("OpenAI/GPT-4o", 1), ["openai/gpt-4o"]);
    // A variant suffix the catalog lacks still finds the base model.
    assert_eq!(catalog.closest_ids("openai/o3:free", 1), ["openai/o3"]);
    assert_eq!(
        catalog.closest_ids("llama 70b", 1),
        ["meta-llama/llama-3.3-70b-instruct:free"]
    );
}

#[test]
fn closest_ids_tolerates_typos_and_drops_poor_matches() {
    let catalog = openrouter_like();
    assert_eq!(
        catalog.closest_ids("gemini-2.5-pr0", 1),
        ["google/gemini-2.5-pro"]
    );
    assert_eq!(
        catalog.closest_ids("anthropic/claude-sonet-4.5", 1),
        ["anthropic/claude-sonnet-4.5"]
    );
    assert!(catalog.closest_ids("zzzzzz", 5).is_empty());
    assert!(catalog.closest_ids("   ", 5).is_empty());
    assert!(catalog.closest_ids("gpt-4o", 0).is_empty());
}

#[test]
fn search_matches_every_word_in_id_or_name() {
    let mut models = vec![
        model("anthropic/claude-sonnet-4.5"),
        model("openai/gpt-4o"),
        model("x/y"),
    ];
    models[0].name = "Anthropic: Claude Sonnet 4.5".to_string();
    models[2].name = "Sonnet Tribute".to_string();
    let catalog = catalog_of(models);
    assert_eq!(
        ids(&catalog.search("SONNET")),
        ["anthropic/claude-sonnet-4.5", "x/y"]
    );
    assert_eq!(
        ids(&catalog.search("sonnet anthropic")),
        ["anthropic/claude-sonnet-4.5"]
    );
    assert_eq!(ids(&catalog.search("gpt 5")), Vec::<String>::new());
    assert_eq!(catalog.search("").len(), 3);
}

fn priced(id: &str, prompt: &str, completion: &str) -> ModelInfo {
    let mut model = model(id);
    model.pricing.prompt = Price::parse(prompt);
    model.pricing.completion = Price::parse(completion);
    model
}

#[test]
fn sorts_by_price_with_unknown_last() {
    let models = [
        priced("c/pricey", "0.00001", "0.00003"),
        priced("a/auto", "-1", "-1"),
        priced("b/cheap", "0.0000001", "0.0000002"),
        priced("d/free", "0", "0"),
        priced("a/same", "0.0000002", "0.0000001"),
        priced("e/half", "0.000001", "-1"),
    ];
    let mut refs: Vec<&ModelInfo> = models.iter().collect();
    sort_models(&mut refs, SortKey::Price);
    assert_eq!(
        ids(&refs),
        [
            "d/free", "a/same", "b/cheap", "c/pricey", "a/auto", "e/half"
        ]
    );
}

#[test]
fn sorts_by_context_name_and_created() {
    let mut models: Vec<ModelInfo> = ["b/two", "A/one", "c/three", "a/zero"]
        .into_iter()
        .map(model)
        .collect();
    models[0].context_length = Some(8_000);
    models[1].context_length = Some(128_000);
    models[3].context_length = Some(8_000);
    models[0].created_unix = Some(10);
    models[2].created_unix = Some(30);
    models[3].created_unix = Some(30);
    let mut refs: Vec<&ModelInfo> = models.iter().collect();
    sort_models(&mut refs, SortKey::Context);
    assert_eq!(ids(&refs), ["A/one", "a/zero", "b/two", "c/three"]);
    sort_models(&mut refs, SortKey::Name);
    assert_eq!(ids(&refs), ["A/one", "a/zero", "b/two", "c/three"]);
    sort_models(&mut refs, SortKey::Created);
    assert_eq!(ids(&refs), ["a/zero", "c/three", "b/two", "A/one"]);
}

#[test]
fn model_info_round_trips_through_serde() {
    let parsed =
        parse(r#"[{"id":"a/b","name":"A B","pricing":{"prompt":"0.00000007","completion":"-1"}}]"#);
    let json = serde_json::to_string(&parsed.models[0]).expect("serialize");
    let back: ModelInfo = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, parsed.models[0]);
}

#[test]
fn context_sizes_read_like_people_say_them() {
    assert_eq!(format_context(128_000), "128k");
    assert_eq!(format_context(131_072), "131k");
    assert_eq!(format_context(1_000_000), "1M");
    assert_eq!(format_context(1_048_576), "1M");
    assert_eq!(format_context(1_500_000), "1.5M");
    assert_eq!(format_context(512), "512");
}
