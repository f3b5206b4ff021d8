use super::*;
use crate::router::pricing::{Price, Pricing};

/// A model as OpenRouter lists it (ids, names, dates and prices copied from
/// assets/catalog/openrouter-models.json); prices in USD per token.
pub(super) fn model(
    id: &str,
    name: &str,
    created: i64,
    context: u64,
    prompt: &str,
    completion: &str,
) -> PickerEntry {
    PickerEntry {
        reference: id.to_string(),
        provider: "openrouter".to_string(),
        model: ModelInfo {
            id: id.to_string(),
            name: name.to_string(),
            created_unix: Some(created),
            context_length: Some(context),
            max_completion_tokens: None,
            input_modalities: vec!["text".to_string()],
            output_modalities: vec!["text".to_string()],
            supported_parameters: Vec::new(),
            pricing: Pricing {
                prompt: Price::parse(prompt),
                completion: Price::parse(completion),
                ..Pricing::unknown()
            },
        },
    }
}

/// A local model as Ollama lists it: no context, no prices.
pub(super) fn ollama(id: &str) -> PickerEntry {
    let mut entry = model(id, id, 1_786_000_000, 0, "-1", "-1");
    entry.reference = format!("ollama:{id}");
    entry.provider = "ollama".to_string();
    entry.model.context_length = None;
    entry.model.pricing = Pricing::unknown();
    entry
}

/// Id, name, created, context length, $/token in, $/token out.
#[rustfmt::skip]
const OPENROUTER: &[(&str, &str, i64, u64, &str, &str)] = &[
    ("openai/gpt-4o", "OpenAI: GPT-4o", 1715558400, 128000, "0.0000025", "0.00001"),
    ("openai/gpt-4o-mini", "OpenAI: GPT-4o-mini", 1721260800, 128000, "0.00000015", "0.0000006"),
    ("anthropic/claude-sonnet-4.5", "Anthropic: Claude Sonnet 4.5", 1759161676, 1000000, "0.000003", "0.000015"),
    ("anthropic/claude-sonnet-4", "Anthropic: Claude Sonnet 4", 1747930371, 1000000, "0.000003", "0.000015"),
    ("anthropic/claude-haiku-4.5", "Anthropic: Claude Haiku 4.5", 1760547638, 200000, "0.000001", "0.000005"),
    ("meta-llama/llama-3.1-8b-instruct", "Meta: Llama 3.1 8B Instruct", 1721692800, 131072, "0.00000005", "0.00000008"),
    ("openai/gpt-oss-20b:free", "OpenAI: gpt-oss-20b (free)", 1754414229, 131072, "0", "0"),
    ("nvidia/nemotron-nano-9b-v2:free", "NVIDIA: Nemotron Nano 9B V2 (free)", 1757106807, 128000, "0", "0"),
    ("google/gemini-2.5-pro", "Google: Gemini 2.5 Pro", 1750169544, 1048576, "0.00000125", "0.00001"),
    ("deepseek/deepseek-chat-v3.1", "DeepSeek: DeepSeek V3.1", 1755779628, 163840, "0.00000025", "0.00000095"),
    // A router: OpenRouter sends "-1" for its prices.
    ("openrouter/auto", "Auto Router", 1699401600, 2000000, "-1", "-1"),
];

/// Eleven OpenRouter models and two local Ollama ones.
pub(super) fn catalog() -> Vec<PickerEntry> {
    let openrouter = OPENROUTER
        .iter()
        .map(|&(id, name, created, context, prompt, completion)| {
            model(id, name, created, context, prompt, completion)
        });
    openrouter
        .chain([ollama("llama3.2:3b"), ollama("qwen2.5-coder:7b")])
        .collect()
}

pub(super) fn columns(chosen: &[&str]) -> PickerState {
    let chosen = chosen.iter().map(|r| r.to_string()).collect();
    PickerState::new(PickerPurpose::Columns, catalog(), chosen, SortKey::Price)
}

pub(super) fn fallback() -> PickerState {
    PickerState::new(
        PickerPurpose::Fallback,
        catalog(),
        Vec::new(),
        SortKey::Price,
    )
}

pub(super) fn type_query(state: &mut PickerState, query: &str) {
    for c in query.chars() {
        assert_eq!(state.apply(PickerAction::Input(c)), PickerOutcome::Continue);
    }
}

/// Moves the cursor onto `reference`, which must be visible.
pub(super) fn go_to(state: &mut PickerState, reference: &str) {
    state.apply(PickerAction::Top);
    while state.cursor_reference() != Some(reference) {
        let before = state.cursor_reference().map(str::to_string);
        state.apply(PickerAction::Down);
        assert_ne!(
            state.cursor_reference().map(str::to_string),
            before,
            "{reference} not visible"
        );
    }
}

pub(super) fn mark(state: &mut PickerState, reference: &str) {
    go_to(state, reference);
    state.apply(PickerAction::Toggle);
}

#[test]
fn empty_query_sorts_by_price_with_unknown_prices_last() {
    let state = columns(&[]);
    assert_eq!(
        state.visible(),
        [
            "nvidia/nemotron-nano-9b-v2:free",
            "openai/gpt-oss-20b:free",
            "meta-llama/llama-3.1-8b-instruct",
            "openai/gpt-4o-mini",
            "deepseek/deepseek-chat-v3.1",
            "anthropic/claude-haiku-4.5",
            "google/gemini-2.5-pro",
            "openai/gpt-4o",
            "anthropic/claude-sonnet-4",
            "anthropic/claude-sonnet-4.5",
            // Unknown prices, by model id.
            "ollama:llama3.2:3b",
            "openrouter/auto",
            "ollama:qwen2.5-coder:7b",
        ]
    );
    assert_eq!(
        state.cursor_reference(),
        Some("nvidia/nemotron-nano-9b-v2:free")
    );
}

#[test]
fn cycle_sort_goes_through_context_name_and_newest() {
    let mut state = columns(&[]);
    state.apply(PickerAction::CycleSort);
    assert_eq!(state.sort(), SortKey::Context);
    let visible = state.visible();
    assert_eq!(
        visible[..3],
        [
            "openrouter/auto",
            "google/gemini-2.5-pro",
            "anthropic/claude-sonnet-4"
        ]
    );
    assert_eq!(
        visible[11..],
        ["ollama:llama3.2:3b", "ollama:qwen2.5-coder:7b"]
    );

    state.apply(PickerAction::CycleSort);
    assert_eq!(state.sort(), SortKey::Name);
    let visible = state.visible();
    assert_eq!(
        visible[..3],
        [
            "anthropic/claude-haiku-4.5",
            "anthropic/claude-sonnet-4",
            "anthropic/claude-sonnet-4.5"
        ]
    );

    state.apply(PickerAction::CycleSort);
    assert_eq!(state.sort(), SortKey::Created);
    let visible = state.visible();
    // The Ollama models are the newest here; openrouter/auto is the oldest.
    assert_eq!(
        visible[2..4],
        ["anthropic/claude-haiku-4.5", "anthropic/claude-sonnet-4.5"]
    );
    assert_eq!(visible.last(), Some(&"openrouter/auto"));

    state.apply(PickerAction::CycleSort);
    assert_eq!(state.sort(), SortKey::Price);
}

#[test]
fn sorting_keeps_the_cursor_on_its_row() {
    let mut state = columns(&[]);
    go_to(&mut state, "openai/gpt-4o");
    state.apply(PickerAction::CycleSort);
    assert_eq!(state.cursor_reference(), Some("openai/gpt-4o"));
}

#[test]
fn gpt4o_finds_gpt_4o_first() {
    let mut state = columns(&[]);
    type_query(&mut state, "gpt4o");
    let visible = state.visible();
    assert_eq!(visible.first(), Some(&"openai/gpt-4o"));
    assert!(visible.contains(&"openai/gpt-4o-mini"));
    assert!(!visible.contains(&"anthropic/claude-sonnet-4.5"));
    assert_eq!(state.cursor_reference(), Some("openai/gpt-4o"));
}

#[test]
fn smart_case_upper_case_letters_must_match_exactly() {
    let mut state = columns(&[]);
    type_query(&mut state, "gpt");
    assert!(state.visible().contains(&"openai/gpt-oss-20b:free"));
    state.apply(PickerAction::ClearQuery);
    type_query(&mut state, "GPT");
    // Only the names "OpenAI: GPT-4o…" have upper-case GPT.
    let mut visible = state.visible();
    visible.sort_unstable();
    assert_eq!(visible, ["openai/gpt-4o", "openai/gpt-4o-mini"]);
}

#[test]
fn equal_scores_follow_the_sort_key() {
    let mut state = columns(&[]);
    type_query(&mut state, "claude");
    assert_eq!(
        state.visible(),
        [
            "anthropic/claude-haiku-4.5",
            "anthropic/claude-sonnet-4",
            "anthropic/claude-sonnet-4.5"
        ]
    );
    state.apply(PickerAction::CycleSort); // Context
    state.apply(PickerAction::CycleSort); // Name
    state.apply(PickerAction::CycleSort); // Newest
    assert_eq!(
        state.visible(),
        [
            "anthropic/claude-haiku-4.5",
            "anthropic/claude-sonnet-4.5",
            "anthropic/claude-sonnet-4"
        ]
    );
}

#[test]
fn search_matches_names_and_provider_prefixes() {
    let mut state = columns(&[]);
    type_query(&mut state, "Gemini");
    assert_eq!(state.visible(), ["google/gemini-2.5-pro"]);
    state.apply(PickerAction::ClearQuery);
    type_query(&mut state, "ollama:");
    assert_eq!(
        state.visible(),
        ["ollama:llama3.2:3b", "ollama:qwen2.5-coder:7b"]
    );
    state.apply(PickerAction::ClearQuery);
    type_query(&mut state, "zzzz");
    assert!(state.visible().is_empty());
    assert_eq!(state.cursor_reference(), None);
}

#[test]
fn typing_puts_the_cursor_on_the_best_match() {
    let mut state = columns(&[]);
    state.apply(PickerAction::Bottom);
    type_query(&mut state, "haiku");
    assert_eq!(state.cursor_reference(), Some("anthropic/claude-haiku-4.5"));
}

#[test]
fn delete_word_and_clear_query() {
    let mut state = columns(&[]);
    type_query(&mut state, "openai/gpt");
    state.apply(PickerAction::DeleteWord);
    assert_eq!(state.query(), "openai/");
    state.apply(PickerAction::DeleteWord);
    assert_eq!(state.query(), "");
    state.apply(PickerAction::DeleteWord);
    assert_eq!(state.query(), "");
    type_query(&mut state, "claude-son");
    state.apply(PickerAction::Backspace);
    assert_eq!(state.query(), "claude-so");
    state.apply(PickerAction::ClearQuery);
    assert_eq!(state.query(), "");
    assert_eq!(state.visible().len(), catalog().len());
    assert_eq!(
        state.apply(PickerAction::Backspace),
        PickerOutcome::Continue
    );
}

#[test]
fn toggle_free_shows_only_free_models() {
    let mut state = columns(&[]);
    state.apply(PickerAction::ToggleFree);
    assert_eq!(
        state.visible(),
        ["nvidia/nemotron-nano-9b-v2:free", "openai/gpt-oss-20b:free"]
    );
    type_query(&mut state, "oss");
    assert_eq!(state.visible(), ["openai/gpt-oss-20b:free"]);
    state.apply(PickerAction::ToggleFree);
    assert_eq!(state.query(), "oss");
    assert_eq!(state.visible().first(), Some(&"openai/gpt-oss-20b:free"));
    assert_eq!(state.cursor_reference(), Some("openai/gpt-oss-20b:free"));
    state.apply(PickerAction::ClearQuery);
    assert_eq!(state.visible().len(), catalog().len());
}

#[test]
fn cursor_clamps_at_both_ends() {
    let mut state = columns(&[]);
    let count = state.visible().len();
    state.apply(PickerAction::Up);
    assert_eq!(state.cursor_reference(), Some(state.visible()[0]));
    state.apply(PickerAction::PageDown);
    assert_eq!(
        state.cursor_reference(),
        Some(state.visible()[10]),
        "default page is 10 rows"
    );
    state.apply(PickerAction::PageDown);
    assert_eq!(state.cursor_reference(), Some(state.visible()[count - 1]));
    state.apply(PickerAction::Down);
    assert_eq!(state.cursor_reference(), Some(state.visible()[count - 1]));
    state.apply(PickerAction::PageUp);
    state.apply(PickerAction::PageUp);
    assert_eq!(state.cursor_reference(), Some(state.visible()[0]));
    state.apply(PickerAction::Bottom);
    assert_eq!(state.cursor_reference(), Some("ollama:qwen2.5-coder:7b"));
    state.apply(PickerAction::Top);
    assert_eq!(state.cursor_reference(), Some(state.visible()[0]));
}

#[test]
fn empty_list_has_no_cursor_and_apply_gives_nothing() {
    let mut state = columns(&[]);
    type_query(&mut state, "zzzz");
    for action in [
        PickerAction::Down,
        PickerAction::PageDown,
        PickerAction::Bottom,
        PickerAction::Toggle,
    ] {
        assert_eq!(state.apply(action), PickerOutcome::Continue);
    }
    assert_eq!(
        state.apply(PickerAction::Apply),
        PickerOutcome::Apply(Vec::new())
    );
}

#[test]
fn filters_two_thousand_entries() {
    let entries: Vec<PickerEntry> = (0..2000)
        .map(|index| {
            let id = format!("vendor{}/model-{index}-instruct", index % 37);
            let price = format!("0.{:08}", index * 7);
            model(
                &id,
                &format!("Vendor {}: Model {index}", index % 37),
                1_700_000_000 + index,
                8192,
                &price,
                &price,
            )
        })
        .collect();
    let mut state = PickerState::new(PickerPurpose::Columns, entries, Vec::new(), SortKey::Price);
    type_query(&mut state, "v12m12");
    let visible = state.visible();
    assert!(visible.len() < 2000);
    assert!(
        visible.contains(&"vendor12/model-12-instruct"),
        "{visible:?}"
    );
    state.apply(PickerAction::ClearQuery);
    assert_eq!(state.visible().len(), 2000);
}

#[test]
fn inserted_text_filters_like_typing_it() {
    let mut typed = columns(&[]);
    let mut pasted = columns(&[]);
    typed.apply(PickerAction::Down);
    pasted.apply(PickerAction::Down);
    type_query(&mut typed, "gpt4o");
    pasted.insert_str("gpt\u{7}4o");
    assert_eq!(pasted.query(), "gpt4o", "control characters are dropped");
    assert_eq!(pasted.visible(), typed.visible());
    assert_eq!(pasted.cursor_reference(), typed.cursor_reference());
    pasted.insert_str("\u{7}");
    assert_eq!(pasted.query(), "gpt4o");
}
