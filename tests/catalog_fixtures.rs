//! The three real OpenRouter `/models` dumps in tests/fixtures parse completely
//! through the public API: every entry becomes a model (none skipped), and
//! spot-checked prices and limits match the raw JSON exactly.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

use std::str::FromStr;

use rust_decimal::Decimal;

use prism::router::catalog::*;
use prism::router::catalog_cache::{BUNDLED_SNAPSHOT_UNIX, bundled_openrouter};
use prism::router::pricing::*;
use prism::units::format_date_utc;

const DUMPS_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/upstream/openrouter/models/"
);
const TEXT_2026_08_18: &str = "openrouter_models_2026-08-18_text.json";
const ALL_2026_08_18: &str = "openrouter_models_2026-08-18_all_modalities.json";
const DATA_ONLY_2026_05_01: &str = "openrouter_models_data_only_2026-05-01.json";

fn load(file: &str) -> Catalog {
    let path = format!("{DUMPS_DIR}{file}");
    let body = std::fs::read(&path).unwrap_or_else(|error| panic!("read {path}: {error}"));
    let parsed = parse_models(&body).unwrap_or_else(|error| panic!("parse {path}: {error}"));
    Catalog::new("openrouter", CatalogSource::Cache, 0, parsed)
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("test decimal")
}

fn known(text: &str) -> Price {
    Price::Known(dec(text))
}

fn model<'a>(catalog: &'a Catalog, id: &str) -> &'a ModelInfo {
    catalog
        .get(id)
        .unwrap_or_else(|| panic!("{id} is in the dump"))
}

/// Counts and invariants that hold for every dump. Numbers were read with jq
/// (`length`, and `select(.pricing.prompt == "-1")` / `== "0"` for the others).
fn check_whole_dump(catalog: &Catalog, models: usize, unknown_prices: usize, free: usize) {
    assert_eq!(catalog.models.len(), models);
    assert!(catalog.skipped.is_empty(), "{:?}", catalog.skipped);
    let mut unknown_seen = 0;
    for model in &catalog.models {
        assert!(!model.name.trim().is_empty(), "{} has a name", model.id);
        assert_ne!(model.name, model.id, "{} has its own name", model.id);
        assert!(
            model.created_unix.is_some(),
            "{} has a created time",
            model.id
        );
        assert!(
            !model.output_modalities.is_empty(),
            "{} has outputs",
            model.id
        );
        match model.pricing.prompt {
            Price::Known(price) => assert!(price >= Decimal::ZERO, "{}: {price}", model.id),
            Price::Unknown => unknown_seen += 1,
        }
        assert_eq!(catalog.get(&model.id), Some(model));
    }
    assert_eq!(unknown_seen, unknown_prices);
    assert_eq!(catalog.models.iter().filter(|m| m.is_free()).count(), free);
    if let Some(auto) = catalog.get("openrouter/auto") {
        assert_eq!(auto.pricing.prompt, Price::Unknown);
        assert_eq!(auto.pricing.completion, Price::Unknown);
        assert_eq!(auto.context_length, Some(2_000_000));
        assert_eq!(auto.max_completion_tokens, None);
    }
}

#[test]
fn text_listing_of_2026_08_18_parses_completely() {
    let catalog = load(TEXT_2026_08_18);
    check_whole_dump(&catalog, 414, 5, 20);
    assert!(catalog.models.iter().all(|m| m.context_length.is_some()));

    let sonnet = model(&catalog, "anthropic/claude-sonnet-4.5");
    assert_eq!(sonnet.name, "Anthropic: Claude Sonnet 4.5");
    assert_eq!(sonnet.created_unix, Some(1_759_161_676));
    assert_eq!(sonnet.context_length, Some(1_000_000));
    assert_eq!(sonnet.max_completion_tokens, Some(64_000));
    assert_eq!(sonnet.input_modalities, ["text", "image", "file"]);
    assert_eq!(sonnet.output_modalities, ["text"]);
    assert_eq!(
        sonnet.pricing,
        Pricing {
            prompt: known("0.000003"),
            completion: known("0.000015"),
            request: None,
            internal_reasoning: None,
            input_cache_read: Some(known("0.0000003")),
            input_cache_write: Some(known("0.00000375")),
        }
    );
    assert_eq!(format_per_million(sonnet.pricing.prompt), "$3.00");
    assert_eq!(format_per_million(sonnet.pricing.completion), "$15.00");

    let gemini = model(&catalog, "google/gemini-2.5-pro");
    assert_eq!(gemini.context_length, Some(1_048_576));
    assert_eq!(gemini.max_completion_tokens, Some(65_536));
    assert_eq!(gemini.pricing.prompt, known("0.00000125"));
    assert_eq!(gemini.pricing.internal_reasoning, Some(known("0.00001")));
    assert_eq!(gemini.pricing.input_cache_read, Some(known("0.000000125")));

    let qwen = model(&catalog, "qwen/qwen3.8-27b");
    assert_eq!(qwen.pricing.prompt.per_million(), Some(dec("0.45")));
    assert_eq!(qwen.pricing.completion.per_million(), Some(dec("3.2")));
    assert_eq!(qwen.context_length, Some(262_144));
    assert!(qwen.supported_parameters.iter().any(|p| p == "tools"));

    let free = model(&catalog, "openai/gpt-oss-20b:free");
    assert!(free.is_free());
    assert_eq!(free.max_completion_tokens, Some(32_768));
}

#[test]
fn all_modalities_listing_of_2026_08_18_parses_completely() {
    let catalog = load(ALL_2026_08_18);
    check_whole_dump(&catalog, 549, 5, 83);
    // Transcription and image models report a context of 0, read as unknown.
    let without_context = catalog.models.iter().filter(|m| m.context_length.is_none());
    assert_eq!(without_context.count(), 54);
    let stt = model(&catalog, "mistralai/voxtral-small-24b-2507-stt");
    assert_eq!(stt.output_modalities, ["transcription"]);
    assert_eq!(stt.pricing.prompt, known("0.00005"));
    assert_eq!(stt.context_length, None);
    let embeddings = model(&catalog, "voyageai/voyage-code-4");
    assert_eq!(embeddings.output_modalities, ["embeddings"]);
    assert_eq!(embeddings.context_length, Some(32_000));
    assert_eq!(embeddings.pricing.prompt, known("0.00000012"));
    // The text listing is a subset of this one.
    let text = load(TEXT_2026_08_18);
    for model in &text.models {
        assert_eq!(catalog.get(&model.id), Some(model), "{}", model.id);
    }
}

#[test]
fn data_only_array_of_2026_05_01_parses_completely() {
    let catalog = load(DATA_ONLY_2026_05_01);
    check_whole_dump(&catalog, 371, 3, 33);
    let gpt_4o = model(&catalog, "openai/gpt-4o");
    assert_eq!(gpt_4o.context_length, Some(128_000));
    assert_eq!(gpt_4o.max_completion_tokens, Some(16_384));
    assert_eq!(gpt_4o.pricing.prompt, known("0.0000025"));
    assert_eq!(gpt_4o.pricing.completion, known("0.00001"));
    // In May the listing had no cache price for gpt-4o; in August it did.
    assert_eq!(gpt_4o.pricing.input_cache_read, None);
    let r1 = model(&catalog, "deepseek/deepseek-r1");
    assert_eq!(r1.pricing.prompt, known("0.0000007"));
    assert_eq!(r1.pricing.completion, known("0.0000025"));
    assert_eq!(r1.context_length, Some(64_000));
    assert_eq!(
        model(&catalog, "openai/gpt-oss-20b:free").max_completion_tokens,
        Some(8_192)
    );
}

#[test]
fn bundled_snapshot_is_the_text_listing_of_2026_08_18() {
    let bundled = bundled_openrouter();
    let source = load(TEXT_2026_08_18);
    assert_eq!(bundled.models.len(), 414);
    assert!(bundled.skipped.is_empty());
    // Same models, same order, every parsed field equal.
    assert_eq!(bundled.models, source.models);
    assert_eq!(bundled.source, CatalogSource::Bundled);
    assert_eq!(bundled.fetched_at_unix, BUNDLED_SNAPSHOT_UNIX);
    assert_eq!(format_date_utc(BUNDLED_SNAPSHOT_UNIX), "2026-08-18");
}

#[test]
fn queries_work_on_a_real_listing() {
    let catalog = load(TEXT_2026_08_18);
    assert_eq!(catalog.closest_ids("gpt-4o", 1), ["openai/gpt-4o"]);
    let sonnets = catalog.closest_ids("claude sonnet", 3);
    assert_eq!(sonnets.len(), 3);
    assert!(
        sonnets
            .iter()
            .all(|id| id.contains("anthropic/claude-sonnet")),
        "{sonnets:?}"
    );
    assert!(catalog.closest_ids("xyzzy", 5).is_empty());

    let found = catalog.search("gemini 2.5 pro");
    assert!(found.iter().any(|m| m.id == "google/gemini-2.5-pro"));
    assert!(
        found
            .iter()
            .all(|m| m.id.contains("gemini") || m.name.contains("Gemini"))
    );

    let mut by_price: Vec<&ModelInfo> = catalog.models.iter().collect();
    sort_models(&mut by_price, SortKey::Price);
    assert!(by_price[0].is_free());
    assert_eq!(
        by_price.last().map(|m| m.pricing.prompt),
        Some(Price::Unknown)
    );
    let mut newest: Vec<&ModelInfo> = catalog.models.iter().collect();
    sort_models(&mut newest, SortKey::Created);
    // The newest model in the dump (jq: max_by(.created)).
    assert_eq!(newest[0].id, "qwen/qwen3.8-27b");
}
