//! The workbench's side of routing choices: provider preferences and the
//! privacy switch in what is sent, pacing's countdown, OpenRouter's exact
//! records, the key's credit, local servers, and the cost warning.

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use pretty_assertions::assert_eq;
use rust_decimal::Decimal;

use super::tests::{feed, finished, key, send, state_with, type_text, update, with_catalog};
use crate::router::account::{GenerationRecord, KeyInfo};
use crate::router::events::{RunResult, StreamEvent};
use crate::router::preferences::{ProviderPrefs, ProviderSort};
use crate::tui::msg::{Effect, Msg};
use crate::tui::state::{Overlay, PaneStatus};

fn prefs_sent(effects: &[Effect]) -> Vec<ProviderPrefs> {
    effects
        .iter()
        .filter_map(|e| {
            let Effect::StartRun { params, .. } = e else {
                return None;
            };
            Some((*params.provider_prefs).clone())
        })
        .collect()
}

#[test]
fn preferences_and_the_privacy_switch_go_out_with_each_run() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (120, 40));
    state.settings.params.prefs.only = vec!["openai".into()];
    state.workspace.panes[1].params.prefs.sort = Some(ProviderSort::Throughput);
    type_text(&mut state, "Q");
    let sent = prefs_sent(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(sent[0].only, vec!["openai".to_string()]);
    assert_eq!(sent[0].sort, None);
    assert_eq!(sent[1].sort, Some(ProviderSort::Throughput));
    assert_eq!(sent[1].deny_data_collection, None);

    // Finish, then turn privacy on: every run asks for no data collection.
    let runs: Vec<_> = state
        .workspace
        .panes
        .iter()
        .filter_map(|p| p.run.as_ref().map(|r| (p.id, r.id)))
        .collect();
    for (pane, run) in runs {
        update(
            &mut state,
            finished(pane, run, RunResult::new("m"), Instant::now()),
        );
    }
    update(&mut state, key(KeyCode::F(3)));
    assert!(state.settings.privacy);
    type_text(&mut state, "Again");
    let sent = prefs_sent(&update(&mut state, key(KeyCode::Enter)));
    assert!(sent.iter().all(|p| p.deny_data_collection == Some(true)));
}

#[test]
fn pacing_counts_down_in_the_title() {
    let mut state = state_with(&["meta-llama/llama-3.3-70b-instruct:free"], (120, 40));
    let runs = send(&mut state, "Q");
    let t0 = Instant::now();
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Queued { wait_ms: 12_000 }],
        t0,
    );
    assert_eq!(state.workspace.panes[0].status, PaneStatus::Queued);
    assert_eq!(
        state.workspace.panes[0]
            .run
            .as_ref()
            .and_then(|r| r.queued_until),
        Some(t0 + Duration::from_secs(12))
    );
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Attempting {
            attempt: 1,
            model: "m".into(),
        }],
        t0 + Duration::from_secs(12),
    );
    assert_eq!(state.workspace.panes[0].status, PaneStatus::Waiting);
    assert_eq!(
        state.workspace.panes[0]
            .run
            .as_ref()
            .and_then(|r| r.queued_until),
        None
    );
}

#[test]
fn an_openrouter_answer_fetches_its_exact_record_and_the_key() {
    let mut state = state_with(&["openai/gpt-4o"], (120, 40));
    let runs = send(&mut state, "Q");
    let mut result = RunResult::new("openai/gpt-4o");
    result.text = "A".into();
    result.via = Some("openrouter".into());
    result.generation_id = Some("gen-123".into());
    result.ttft_ms = Some(303);
    result.cost_usd = Some(Decimal::new(2, 3));
    result.cost_source = Some(crate::router::CostSource::Reported);
    let effects = update(
        &mut state,
        finished(runs[0].0, runs[0].1, result, Instant::now()),
    );
    assert!(effects.contains(&Effect::FetchGeneration {
        pane: runs[0].0,
        run: runs[0].1,
        provider: "openrouter".into(),
        id: "gen-123".into(),
    }));
    assert!(
        effects.contains(&Effect::FetchKey("openrouter".into())),
        "the turn is over: credit changed"
    );

    let record = GenerationRecord {
        id: "gen-123".into(),
        total_cost_usd: Some(Decimal::new(21, 4)),
        provider_name: Some("Azure".into()),
        model: Some("openai/gpt-4o".into()),
        latency_ms: Some(120),
        generation_time_ms: Some(900),
        native_tokens_prompt: None,
        native_tokens_completion: None,
        native_tokens_reasoning: None,
        upstream_inference_cost_usd: None,
        is_byok: None,
        notes: Vec::new(),
    };
    let effects = update(
        &mut state,
        Msg::GenerationFetched {
            pane: runs[0].0,
            run: runs[0].1,
            record: Ok(record),
        },
    );
    let result = &state.workspace.panes[0].run.as_ref().expect("run").result;
    assert_eq!(result.overhead_ms, Some(183));
    assert_eq!(result.cost_usd, Some(Decimal::new(21, 4)));
    assert_eq!(
        state.record.totals().session.exact_usd(),
        Some(Decimal::new(21, 4)),
        "totals follow the exact cost"
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::SaveSession(_))));

    update(
        &mut state,
        Msg::KeyFetched(Ok(KeyInfo {
            label: None,
            limit_usd: Some(Decimal::new(10, 0)),
            limit_remaining_usd: Some(Decimal::new(421, 2)),
            usage_usd: None,
            is_free_tier: Some(false),
            rate_limit: None,
            notes: Vec::new(),
        })),
    );
    assert!(state.catalogs.key_info.is_some());
}

#[test]
fn local_servers_found_join_the_catalogs() {
    let mut state = state_with(&["openai/gpt-4o"], (120, 40));
    // As the runtime parses it from the server's `/models`.
    let found = crate::router::discovery::Found {
        provider: "ollama".into(),
        base_url: "http://127.0.0.1:11434/v1".into(),
        body: br#"{"object":"list","data":[{"id":"llama3.2:3b","object":"model","owned_by":"library"}]}"#.to_vec(),
        model_count: 1,
    };
    let catalog = found.catalog(state.now.unix, false).expect("parses");
    update(
        &mut state,
        Msg::LocalFound(vec![std::sync::Arc::new(catalog)]),
    );
    assert!(state.model_info("ollama", "llama3.2:3b").is_some());
    assert!(
        state
            .ui
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("ollama (1 models)"))
    );
}

#[test]
fn a_costly_turn_needs_a_second_enter() {
    let mut state = state_with(&["openai/gpt-4o"], (120, 40));
    with_catalog(&mut state);
    state.settings.warn_turn_cost_usd = Some(Decimal::new(1, 4));
    type_text(&mut state, &"long prompt ".repeat(40));
    assert!(
        update(&mut state, key(KeyCode::Enter)).is_empty(),
        "warned, not sent"
    );
    assert!(
        state
            .ui
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("Enter again"))
    );
    let effects = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        super::tests::runs_of(&effects).len(),
        1,
        "sent on the second Enter"
    );
}

#[test]
fn details_show_what_was_sent() {
    let mut state = state_with(&["openai/gpt-4o"], (120, 40));
    let runs = send(&mut state, "Q");
    let mut result = RunResult::new("openai/gpt-4o");
    result.text = "A".into();
    result.served_model = Some("openai/gpt-4o".into());
    result.provider = Some("OpenAI".into());
    result.request = Some(
        serde_json::json!({"model": "openai/gpt-4o", "messages": 1, "provider": {"sort": "throughput"}}),
    );
    update(
        &mut state,
        finished(runs[0].0, runs[0].1, result, Instant::now()),
    );
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('I')));
    let Some(Overlay::Details(view)) = &state.ui.overlay else {
        panic!("no details");
    };
    let text = view.lines.join("\n");
    assert!(text.contains("served by\tOpenAI"), "{text}");
    assert!(text.contains("\"sort\": \"throughput\""), "{text}");
}
