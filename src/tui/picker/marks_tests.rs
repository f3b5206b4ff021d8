//! Marks and what Apply gives: column sets, fallback chains, the cursor row
//! when nothing is marked, and references no catalog lists.

use super::row::split_reference;
use super::tests::{catalog, columns, fallback, go_to, mark, model, type_query};
use super::*;

#[test]
fn marks_survive_queries_sorting_and_refreshes() {
    let mut state = columns(&[]);
    mark(&mut state, "openai/gpt-4o");
    type_query(&mut state, "claude");
    mark(&mut state, "anthropic/claude-sonnet-4.5");
    state.apply(PickerAction::ClearQuery);
    state.apply(PickerAction::CycleSort);
    go_to(&mut state, "google/gemini-2.5-pro");
    state.set_entries(catalog().into_iter().rev().collect());
    assert_eq!(state.cursor_reference(), Some("google/gemini-2.5-pro"));
    assert_eq!(
        state.apply(PickerAction::Apply),
        PickerOutcome::Apply(vec![
            "openai/gpt-4o".into(),
            "anthropic/claude-sonnet-4.5".into()
        ])
    );
}

#[test]
fn set_entries_keeps_query_and_adds_new_models() {
    let mut state = columns(&[]);
    type_query(&mut state, "gpt");
    let mut entries = catalog();
    entries.push(model(
        "openai/gpt-5",
        "OpenAI: GPT-5",
        1754587413,
        400000,
        "0.00000125",
        "0.00001",
    ));
    state.set_entries(entries);
    assert_eq!(state.query(), "gpt");
    assert!(state.visible().contains(&"openai/gpt-5"));
}

#[test]
fn columns_apply_keeps_shown_models_in_order_then_new_marks() {
    let mut state = columns(&[
        "openai/gpt-4o",
        "anthropic/claude-sonnet-4.5",
        "google/gemini-2.5-pro",
    ]);
    mark(&mut state, "deepseek/deepseek-chat-v3.1");
    mark(&mut state, "anthropic/claude-sonnet-4.5"); // unmark a shown one
    mark(&mut state, "ollama:llama3.2:3b");
    mark(&mut state, "anthropic/claude-sonnet-4.5"); // and mark it again: keeps its place
    assert_eq!(
        state.apply(PickerAction::Apply),
        PickerOutcome::Apply(vec![
            "openai/gpt-4o".into(),
            "anthropic/claude-sonnet-4.5".into(),
            "google/gemini-2.5-pro".into(),
            "deepseek/deepseek-chat-v3.1".into(),
            "ollama:llama3.2:3b".into(),
        ])
    );
}

#[test]
fn fallback_apply_gives_the_chain_in_marking_order() {
    let mut state = fallback();
    mark(&mut state, "anthropic/claude-sonnet-4.5");
    mark(&mut state, "openai/gpt-4o");
    mark(&mut state, "ollama:llama3.2:3b");
    assert_eq!(state.mark_position("openai/gpt-4o"), Some(2));
    mark(&mut state, "openai/gpt-4o"); // unmark: the rest move up
    assert_eq!(state.mark_position("ollama:llama3.2:3b"), Some(2));
    mark(&mut state, "openai/gpt-4o"); // mark again: appended
    assert_eq!(
        state.apply(PickerAction::Apply),
        PickerOutcome::Apply(vec![
            "anthropic/claude-sonnet-4.5".into(),
            "ollama:llama3.2:3b".into(),
            "openai/gpt-4o".into(),
        ])
    );
    assert_eq!(state.purpose(), PickerPurpose::Fallback);
}

#[test]
fn apply_with_nothing_marked_picks_the_cursor_row() {
    let mut state = fallback();
    type_query(&mut state, "haiku");
    assert_eq!(
        state.apply(PickerAction::Apply),
        PickerOutcome::Apply(vec!["anthropic/claude-haiku-4.5".into()])
    );
    let mut state = columns(&["openai/gpt-4o"]);
    mark(&mut state, "openai/gpt-4o"); // unmark the only column
    go_to(&mut state, "google/gemini-2.5-pro");
    assert_eq!(
        state.apply(PickerAction::Apply),
        PickerOutcome::Apply(vec!["google/gemini-2.5-pro".into()])
    );
    assert_eq!(state.apply(PickerAction::Cancel), PickerOutcome::Cancel);
}

#[test]
fn chosen_references_missing_from_the_catalog_stay_chosen() {
    let mut state = columns(&["vllm:mistral-7b", "openai/gpt-4o"]);
    assert_eq!(state.visible().len(), catalog().len() + 1);
    let unknown_prices = &state.visible()[10..];
    assert!(
        unknown_prices.contains(&"vllm:mistral-7b"),
        "{unknown_prices:?}"
    );
    type_query(&mut state, "vllm");
    assert_eq!(state.visible(), ["vllm:mistral-7b"]);
    state.set_entries(catalog());
    assert_eq!(state.visible(), ["vllm:mistral-7b"]);
    mark(&mut state, "vllm:mistral-7b");
    mark(&mut state, "vllm:mistral-7b");
    assert_eq!(
        state.apply(PickerAction::Apply),
        PickerOutcome::Apply(vec!["vllm:mistral-7b".into(), "openai/gpt-4o".into()])
    );
    assert_eq!(split_reference("vllm:mistral-7b"), ("vllm", "mistral-7b"));
    assert_eq!(
        split_reference("meta-llama/llama-3.1-8b:free"),
        ("", "meta-llama/llama-3.1-8b:free")
    );
}

#[test]
fn marks_missing_after_a_refresh_stay_visible() {
    let mut state = columns(&[]);
    mark(&mut state, "openai/gpt-4o");
    let entries = catalog()
        .into_iter()
        .filter(|e| e.reference != "openai/gpt-4o")
        .collect();
    state.set_entries(entries);
    assert!(state.visible().contains(&"openai/gpt-4o"));
    assert_eq!(
        state.apply(PickerAction::Apply),
        PickerOutcome::Apply(vec!["openai/gpt-4o".into()])
    );
}
