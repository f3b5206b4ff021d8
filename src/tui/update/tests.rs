//! Reducer tests: sequences of messages in, whole states and effect lists
//! out. No terminal, no runtime, no clock.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use pretty_assertions::assert_eq;
use rust_decimal::Decimal;

use super::*;
use crate::router::catalog::{Catalog, CatalogSource, parse_models};
use crate::router::catalog_load::Refresh;
use crate::router::events::{RunResult, StreamEvent};
use crate::router::provider::ApiKey;
use crate::router::usage::Usage;
use crate::router::{
    ChatMessage, ChatParams, ErrorKind, ModelRef, Provider, Providers, RouterError, Target,
};
use crate::tui::document::BlockKind;
use crate::tui::msg::{Effect, Msg};
use crate::tui::params::Params;
use crate::tui::picker::PickerOutcome;
use crate::tui::state::{AppState, Focus, NoticeLevel, Overlay, PaneId, PaneStatus, RunId};
use crate::tui::theme::Theme;

pub(crate) fn providers(with_key: bool) -> Providers {
    let mut openrouter = Provider::new("openrouter", "https://openrouter.ai/api/v1");
    openrouter.api_key_env = Some("OPENROUTER_API_KEY".into());
    if with_key {
        openrouter.api_key = Some(ApiKey::new("sk-test"));
    }
    let ollama = Provider::new("ollama", "http://localhost:11434/v1");
    Providers::new(vec![openrouter, ollama], "openrouter")
}

pub(crate) fn target(label: &str) -> Target {
    Target::single(label, ModelRef::new("openrouter", label))
}

pub(crate) fn state_with(models: &[&str], size: (u16, u16)) -> AppState {
    new_state(
        providers(true),
        models.iter().map(|m| target(m)).collect(),
        Params::default(),
        Theme::monochrome(),
        size,
        1_787_011_200 + 86_400,
    )
}

pub(crate) fn catalog() -> Arc<Catalog> {
    let body = br#"{"data":[
        {"id":"openai/gpt-4o","name":"OpenAI: GPT-4o","context_length":128000,"pricing":{"prompt":"0.0000025","completion":"0.00001"}},
        {"id":"openai/gpt-4o-mini","name":"OpenAI: GPT-4o-mini","context_length":128000,"pricing":{"prompt":"0.00000015","completion":"0.0000006"}},
        {"id":"meta-llama/llama-3.1-8b-instruct:free","name":"Llama 3.1 8B (free)","context_length":131072,"pricing":{"prompt":"0","completion":"0"}},
        {"id":"anthropic/claude-sonnet-4.5","name":"Anthropic: Claude Sonnet 4.5","context_length":1000000,"pricing":{"prompt":"0.000003","completion":"0.000015"}}
    ]}"#;
    let parsed = parse_models(body).expect("catalog parses");
    Arc::new(Catalog::new(
        "openrouter",
        CatalogSource::Cache,
        1_787_011_200,
        parsed,
    ))
}

/// The catalog as loaded for "openrouter" (`refreshed`: fetched from the server).
pub(crate) fn catalog_loaded(refreshed: bool) -> Msg {
    Msg::CatalogLoaded {
        provider: "openrouter".into(),
        catalog: Some(catalog()),
        warnings: vec![],
        refreshed,
    }
}

pub(crate) fn with_catalog(state: &mut AppState) {
    update(state, catalog_loaded(true));
}

pub(crate) fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(crate) fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub(crate) fn type_text(state: &mut AppState, text: &str) {
    for c in text.chars() {
        update(state, key(KeyCode::Char(c)));
    }
}

pub(crate) fn runs_of(effects: &[Effect]) -> Vec<(PaneId, RunId)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartRun { pane, run, .. } => Some((*pane, *run)),
            _ => None,
        })
        .collect()
}

/// Feeds one batch of a run's stream events to the reducer.
pub(crate) fn feed(
    state: &mut AppState,
    (pane, run): (PaneId, RunId),
    events: Vec<StreamEvent>,
    at: Instant,
) -> Vec<Effect> {
    update(
        state,
        Msg::Stream {
            pane,
            run,
            events,
            merged: 0,
            at,
        },
    )
}

pub(crate) fn finished(pane: PaneId, run: RunId, result: RunResult, at: Instant) -> Msg {
    Msg::RunFinished {
        pane,
        run,
        result: Box::new(result),
        at,
    }
}

fn ok_result(model: &str, text: &str, cost: Option<Decimal>) -> RunResult {
    let mut result = RunResult::new(model);
    result.text = text.to_string();
    result.served_model = Some(model.to_string());
    result.via = Some("openrouter".into());
    result.finish_reason = Some("stop".into());
    result.usage = Some(Usage {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        ..Usage::default()
    });
    result.cost_usd = cost;
    result.cost_source = cost.map(|_| crate::router::CostSource::Reported);
    result.ttft_ms = Some(200);
    result.total_ms = Some(900);
    result
}

/// Sends a prompt and returns the runs started.
pub(crate) fn send(state: &mut AppState, prompt: &str) -> Vec<(PaneId, RunId)> {
    type_text(state, prompt);
    runs_of(&update(state, key(KeyCode::Enter)))
}

#[test]
fn starts_idle_with_the_editor_focused() {
    let state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (120, 40));
    assert_eq!(state.panes.len(), 2);
    assert!(state.panes.iter().all(|p| p.status == PaneStatus::Idle));
    assert_eq!(state.focus, Focus::Editor);
    assert_eq!(state.notice, None);
    assert!(!state.layout.too_small);
    assert_eq!(state.panes[0].document.width(), 58);
}

#[test]
fn a_missing_key_is_named_at_start() {
    let state = new_state(
        providers(false),
        vec![target("openai/gpt-4o")],
        Params::default(),
        Theme::monochrome(),
        (120, 40),
        0,
    );
    let notice = state.notice.expect("a notice");
    assert_eq!(notice.level, NoticeLevel::Warning);
    assert!(
        notice.text.contains("OPENROUTER_API_KEY"),
        "{}",
        notice.text
    );
    assert!(notice.text.contains(".env"));
}

#[test]
fn catalogs_load_offline_first_then_refresh() {
    let mut state = state_with(&["openai/gpt-4o", "ollama:llama3.2"], (120, 40));
    state.panes[1].target = Target::single("ollama:llama3.2", ModelRef::new("ollama", "llama3.2"));
    let effects = catalog_effects(&state);
    assert_eq!(
        effects,
        vec![
            Effect::LoadCatalog {
                provider: "ollama".into(),
                refresh: Refresh::Offline
            },
            Effect::LoadCatalog {
                provider: "ollama".into(),
                refresh: Refresh::IfStale
            },
            Effect::LoadCatalog {
                provider: "openrouter".into(),
                refresh: Refresh::Offline
            },
            Effect::LoadCatalog {
                provider: "openrouter".into(),
                refresh: Refresh::IfStale
            },
        ]
    );
}

#[test]
fn enter_sends_the_prompt_to_every_pane() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (120, 40));
    state.params.system = Some("Be brief.".into());
    state.params.temperature = Some(0.2);
    type_text(&mut state, "Hello");
    let mut effects = update(&mut state, key(KeyCode::Enter));
    // The new turn is saved at once.
    assert!(matches!(effects.pop(), Some(Effect::SaveSession(_))));
    assert_eq!(
        effects,
        vec![
            Effect::StartRun {
                pane: PaneId(0),
                run: RunId(0),
                target: target("openai/gpt-4o"),
                messages: vec![ChatMessage::system("Be brief."), ChatMessage::user("Hello")],
                params: ChatParams {
                    temperature: Some(0.2),
                    ..ChatParams::default()
                },
            },
            Effect::StartRun {
                pane: PaneId(1),
                run: RunId(1),
                target: target("openai/gpt-4o-mini"),
                messages: vec![ChatMessage::system("Be brief."), ChatMessage::user("Hello")],
                params: ChatParams {
                    temperature: Some(0.2),
                    ..ChatParams::default()
                },
            },
        ]
    );
    assert!(state.editor.is_empty());
    assert_eq!(state.turns(), 1);
    assert!(state.panes.iter().all(|p| p.status == PaneStatus::Queued));
    assert_eq!(
        state.panes[0]
            .document
            .kind(state.panes[0].document.blocks().next().expect("block")),
        BlockKind::Prompt
    );
}

#[test]
fn newline_keys_do_not_send() {
    let mut state = state_with(&["a/b"], (120, 40));
    type_text(&mut state, "one");
    assert!(
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT))
        )
        .is_empty()
    );
    type_text(&mut state, "two");
    assert!(update(&mut state, ctrl('j')).is_empty());
    type_text(&mut state, "three");
    assert_eq!(state.editor_text(), "one\ntwo\nthree");
    assert_eq!(state.editor_lines, 3);
    assert_eq!(state.layout.editor.height, 5);
}

#[test]
fn an_empty_prompt_or_a_busy_workbench_sends_nothing() {
    let mut state = state_with(&["a/b"], (120, 40));
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        state.notice.as_ref().map(|n| n.text.as_str()),
        Some("type a prompt first")
    );
    send(&mut state, "first");
    type_text(&mut state, "second");
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(
        state
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("still answering"))
    );
    assert_eq!(state.editor_text(), "second", "the prompt is kept");
}

#[test]
fn events_fold_into_states_documents_and_figures() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    let runs = send(&mut state, "Why?");
    let t0 = Instant::now();
    let (pane, run) = runs[0];
    feed(
        &mut state,
        (pane, run),
        vec![StreamEvent::Attempting {
            attempt: 1,
            model: "a/model".into(),
        }],
        t0,
    );
    assert_eq!(state.panes[0].status, PaneStatus::Waiting);
    feed(
        &mut state,
        (pane, run),
        vec![
            StreamEvent::Started {
                served_model: "a/model-2024".into(),
                provider: "Prov".into(),
            },
            StreamEvent::FirstToken { ttft_ms: 250 },
            StreamEvent::Reasoning("Let me think.".into()),
        ],
        t0 + Duration::from_millis(250),
    );
    assert_eq!(state.panes[0].status, PaneStatus::Thinking);
    feed(
        &mut state,
        (pane, run),
        vec![StreamEvent::Content("Because.".into())],
        t0 + Duration::from_millis(400),
    );
    assert_eq!(state.panes[0].status, PaneStatus::Streaming);
    assert_eq!(
        state.panes[1].status,
        PaneStatus::Queued,
        "the other pane is untouched"
    );
    let pane_state = &state.panes[0];
    let run_state = pane_state.run.as_ref().expect("run");
    let reasoning = run_state.reasoning_block.expect("reasoning block");
    let answer = run_state.answer_block.expect("answer block");
    assert_eq!(pane_state.document.text(reasoning), "Let me think.");
    assert_eq!(pane_state.document.text(answer), "Because.");
    assert_eq!(run_state.result.ttft_ms, Some(250));
    assert_eq!(
        run_state.result.served_model.as_deref(),
        Some("a/model-2024")
    );

    feed(
        &mut state,
        (pane, run),
        vec![StreamEvent::Finished {
            finish_reason: Some("stop".into()),
        }],
        t0 + Duration::from_millis(500),
    );
    assert_eq!(state.panes[0].status, PaneStatus::Done);
    update(
        &mut state,
        finished(
            pane,
            run,
            ok_result("a/model", "Because.", Some(Decimal::new(12, 4))),
            t0 + Duration::from_millis(500),
        ),
    );
    assert_eq!(
        state.panes[0].history,
        vec![
            ChatMessage::user("Why?"),
            ChatMessage::assistant("Because.")
        ]
    );
    assert_eq!(state.session_cost_usd, Decimal::new(12, 4));
    assert_eq!(state.turn_cost_usd, Decimal::new(12, 4));
    assert_eq!(state.session_tokens, 15);
}

#[test]
fn a_failure_stays_in_its_pane() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    let runs = send(&mut state, "Q");
    let t0 = Instant::now();
    let error = RouterError::new(
        ErrorKind::RateLimited,
        "rate limited by openrouter (429): slow down",
    );
    feed(
        &mut state,
        runs[0],
        vec![
            StreamEvent::Content("partial".into()),
            StreamEvent::Failed(error.clone()),
        ],
        t0,
    );
    feed(
        &mut state,
        runs[1],
        vec![StreamEvent::Content("fine".into())],
        t0,
    );
    assert_eq!(state.panes[0].status, PaneStatus::Failed);
    assert_eq!(state.panes[0].error_kind(), Some(ErrorKind::RateLimited));
    let blocks: Vec<_> = state.panes[0].document.blocks().collect();
    let last = *blocks.last().expect("blocks");
    assert_eq!(state.panes[0].document.kind(last), BlockKind::Error);
    assert_eq!(
        state.panes[0].document.text(last),
        "✗ rate limited by openrouter (429): slow down"
    );
    assert_eq!(state.panes[1].status, PaneStatus::Streaming);

    // The failed turn with partial text still joins the conversation.
    let mut failed = RunResult::new("a/model");
    failed.text = "partial".into();
    failed.error = Some(error);
    update(&mut state, finished(runs[0].0, runs[0].1, failed, t0));
    assert_eq!(state.panes[0].history.len(), 2);
}

#[test]
fn stale_runs_are_ignored() {
    let mut state = state_with(&["a/model"], (120, 40));
    let runs = send(&mut state, "Q");
    let t0 = Instant::now();
    feed(
        &mut state,
        (runs[0].0, RunId(99)),
        vec![StreamEvent::Content("ghost".into())],
        t0,
    );
    assert_eq!(state.panes[0].status, PaneStatus::Queued);
    assert!(
        state.panes[0]
            .run
            .as_ref()
            .and_then(|r| r.answer_block)
            .is_none()
    );
}

#[test]
fn the_next_prompt_continues_each_conversation() {
    let mut state = state_with(&["a/model"], (120, 40));
    let t0 = Instant::now();
    let runs = send(&mut state, "Q1");
    update(
        &mut state,
        finished(runs[0].0, runs[0].1, ok_result("a/model", "A1", None), t0),
    );
    type_text(&mut state, "Q2");
    let effects = update(&mut state, key(KeyCode::Enter));
    let Some(Effect::StartRun { messages, .. }) = effects.first() else {
        panic!("no run started: {effects:?}");
    };
    assert_eq!(
        messages,
        &vec![
            ChatMessage::user("Q1"),
            ChatMessage::assistant("A1"),
            ChatMessage::user("Q2")
        ]
    );
    assert!(!state.turn_cost_complete || state.session_cost_usd.is_zero());
}

#[test]
fn cancel_retry_and_new_conversation() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    let t0 = Instant::now();
    let runs = send(&mut state, "Q");
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(state.focus, Focus::Pane(0));
    assert_eq!(
        update(&mut state, key(KeyCode::Char('c'))),
        vec![Effect::CancelRun(runs[0].1)]
    );
    assert_eq!(
        update(&mut state, ctrl('x')),
        vec![Effect::CancelRun(runs[0].1), Effect::CancelRun(runs[1].1)]
    );
    let mut cancelled = RunResult::new("a/model");
    cancelled.error = Some(RouterError::cancelled());
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Failed(RouterError::cancelled())],
        t0,
    );
    update(&mut state, finished(runs[0].0, runs[0].1, cancelled, t0));
    assert_eq!(state.panes[0].status, PaneStatus::Cancelled);
    assert!(state.panes[0].history.is_empty(), "no answer, no history");

    let effects = update(&mut state, key(KeyCode::Char('r')));
    let Some(Effect::StartRun { messages, pane, .. }) = effects.first() else {
        panic!("retry started nothing: {effects:?}");
    };
    assert_eq!(*pane, PaneId(0));
    assert_eq!(messages, &vec![ChatMessage::user("Q")]);

    let effects = update(&mut state, ctrl('n'));
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::CancelRun(_)))
            .count(),
        2,
        "both live runs are cancelled: {effects:?}"
    );
    assert!(
        matches!(effects.last(), Some(Effect::SaveSession(_))),
        "the old session is saved"
    );
    assert!(
        state
            .panes
            .iter()
            .all(|p| p.document.is_empty() && p.history.is_empty())
    );
    assert!(state.panes.iter().all(|p| p.status == PaneStatus::Idle));
}

#[test]
fn focus_zoom_and_scrolling() {
    let mut state = state_with(&["a/model", "b/model", "c/model"], (120, 40));
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('3'), KeyModifiers::ALT)),
    );
    assert_eq!(state.focus, Focus::Pane(2));
    update(&mut state, key(KeyCode::Char('z')));
    assert_eq!(state.zoom, Some(PaneId(2)));
    assert_eq!(state.layout.panes[2].width, 120);
    update(&mut state, key(KeyCode::Char('z')));
    assert_eq!(state.zoom, None);

    update(&mut state, key(KeyCode::Char('i')));
    assert_eq!(state.focus, Focus::Editor);
    let runs = send(&mut state, "long");
    let long: String = (0..200).map(|i| format!("line {i}\n")).collect();
    feed(
        &mut state,
        runs[2],
        vec![StreamEvent::Content(long)],
        Instant::now(),
    );
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('3'), KeyModifiers::ALT)),
    );
    let pane = &state.panes[2];
    assert!(pane.scroll.follow);
    let bottom = pane.first_row();
    assert!(bottom > 100);
    update(&mut state, key(KeyCode::Up));
    assert!(!state.panes[2].scroll.follow);
    assert_eq!(state.panes[2].first_row(), bottom - 1);
    update(&mut state, key(KeyCode::Char('g')));
    assert_eq!(state.panes[2].first_row(), 0);
    update(&mut state, key(KeyCode::End));
    assert!(state.panes[2].scroll.follow);

    // The wheel scrolls the pane under the pointer, not the focused one.
    let rect = state.layout.panes[0];
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Content("x\n".repeat(100))],
        Instant::now(),
    );
    update(
        &mut state,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollUp,
            column: rect.x + 2,
            row: rect.y + 2,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert!(!state.panes[0].scroll.follow);
    assert!(state.panes[2].scroll.follow);
}

#[test]
fn the_picker_adds_and_removes_panes() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (120, 40));
    with_catalog(&mut state);
    let effects = update(&mut state, ctrl('p'));
    assert_eq!(
        effects,
        vec![Effect::LoadCatalog {
            provider: "openrouter".into(),
            refresh: Refresh::IfStale
        }]
    );
    assert!(matches!(state.overlay, Some(Overlay::Picker(..))));
    // Unmark the mini (second row by price), mark the free llama.
    let Some(Overlay::Picker(picker, target)) = state.overlay.take() else {
        panic!("picker");
    };
    let mut picker = picker;
    let mut outcome = PickerOutcome::Continue;
    for action in [
        crate::tui::picker::PickerAction::Input('l'),
        crate::tui::picker::PickerAction::Input('l'),
        crate::tui::picker::PickerAction::Input('a'),
        crate::tui::picker::PickerAction::Toggle,
        crate::tui::picker::PickerAction::ClearQuery,
        crate::tui::picker::PickerAction::Input('m'),
        crate::tui::picker::PickerAction::Input('i'),
        crate::tui::picker::PickerAction::Input('n'),
        crate::tui::picker::PickerAction::Input('i'),
        crate::tui::picker::PickerAction::Toggle,
        crate::tui::picker::PickerAction::Apply,
    ] {
        outcome = picker.apply(action);
    }
    let PickerOutcome::Apply(references) = outcome else {
        panic!("apply: {outcome:?}");
    };
    assert_eq!(
        references,
        vec![
            "openai/gpt-4o".to_string(),
            "meta-llama/llama-3.1-8b-instruct:free".to_string()
        ]
    );
    let mut effects = Vec::new();
    panes::apply_picker(&mut state, target, references, &mut effects);
    let labels: Vec<&str> = state
        .panes
        .iter()
        .map(|p| p.target.label.as_str())
        .collect();
    assert_eq!(
        labels,
        vec!["openai/gpt-4o", "meta-llama/llama-3.1-8b-instruct:free"]
    );
    assert_eq!(
        state.panes[0].id,
        PaneId(0),
        "a kept pane keeps its identity"
    );
}

#[test]
fn a_fallback_chain_replaces_a_panes_target() {
    let mut state = state_with(&["openai/gpt-4o"], (120, 40));
    let mut effects = Vec::new();
    panes::apply_picker(
        &mut state,
        crate::tui::state::PickerTarget::Fallback(PaneId(0)),
        vec!["openai/gpt-4o".into(), "ollama:llama3.2:3b".into()],
        &mut effects,
    );
    assert_eq!(
        state.panes[0].target,
        Target {
            label: "openai/gpt-4o,ollama:llama3.2:3b".into(),
            chain: vec![
                ModelRef::new("openrouter", "openai/gpt-4o"),
                ModelRef::new("ollama", "llama3.2:3b")
            ],
            router: None,
            upstream: None,
        }
    );
}

#[test]
fn pane_parameters_override_shared_ones() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    update(&mut state, ctrl('s'));
    type_text(&mut state, "Shared system");
    update(&mut state, key(KeyCode::Tab));
    type_text(&mut state, "0.5");
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.params.temperature, Some(0.5));
    assert!(state.overlay.is_none());

    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('s')));
    update(&mut state, key(KeyCode::Tab));
    type_text(&mut state, "0");
    update(&mut state, key(KeyCode::Tab));
    type_text(&mut state, "64");
    update(&mut state, key(KeyCode::Enter));
    update(&mut state, key(KeyCode::Esc));
    type_text(&mut state, "go");
    let effects = update(&mut state, key(KeyCode::Enter));
    let params: Vec<ChatParams> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartRun { params, .. } => Some(params.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        params,
        vec![
            ChatParams {
                temperature: Some(0.0),
                max_tokens: Some(64),
                ..ChatParams::default()
            },
            ChatParams {
                temperature: Some(0.5),
                ..ChatParams::default()
            },
        ]
    );
}

#[test]
fn the_estimate_prices_the_prompt_per_model() {
    let mut state = state_with(
        &[
            "openai/gpt-4o",
            "meta-llama/llama-3.1-8b-instruct:free",
            "unknown/model",
        ],
        (120, 40),
    );
    update(&mut state, catalog_loaded(false));
    type_text(&mut state, &"x".repeat(400));
    // 401 chars (with the line end) ≈ 101 tokens + 4 framing = 105 tokens.
    assert_eq!(state.estimate_tokens, 105);
    assert_eq!(
        state.estimate,
        vec![Some(Decimal::new(2625, 7)), Some(Decimal::ZERO), None]
    );
}

#[test]
fn computed_costs_come_from_the_catalog() {
    let mut state = state_with(&["openai/gpt-4o"], (120, 40));
    update(&mut state, catalog_loaded(false));
    let runs = send(&mut state, "Q");
    update(
        &mut state,
        finished(
            runs[0].0,
            runs[0].1,
            ok_result("openai/gpt-4o", "A", None),
            Instant::now(),
        ),
    );
    // 10 × $2.5/M + 5 × $10/M
    assert_eq!(state.session_cost_usd, Decimal::new(75, 6));
    let run = state.panes[0].run.as_ref().expect("run");
    assert_eq!(
        run.result.cost_source,
        Some(crate::router::CostSource::Computed)
    );
}

#[test]
fn pastes_are_sanitised_and_copies_go_out() {
    let mut state = state_with(&["a/model"], (120, 40));
    update(&mut state, Msg::Paste("evil\x1b[2J text".into()));
    assert_eq!(state.editor_text(), "evil␛[2J text");
    let runs = send(&mut state, "");
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Content("the answer".into())],
        Instant::now(),
    );
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(
        update(&mut state, key(KeyCode::Char('y'))),
        vec![Effect::CopyToClipboard("the answer".into())]
    );
}

#[test]
fn resizing_reflows_and_tiny_terminals_say_so() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    update(&mut state, Msg::Resize(30, 10));
    assert!(state.layout.too_small);
    update(&mut state, Msg::Resize(200, 50));
    assert!(!state.layout.too_small);
    assert_eq!(state.panes[0].document.width(), 98);
}

#[test]
fn quitting_and_signals() {
    let mut state = state_with(&["a/model"], (120, 40));
    assert_eq!(update(&mut state, ctrl('c')), vec![Effect::Quit]);
    assert!(state.quit);
    let mut state = state_with(&["a/model"], (120, 40));
    assert_eq!(update(&mut state, Msg::Signal), vec![Effect::Quit]);
    let mut state = state_with(&["a/model"], (120, 40));
    update(&mut state, key(KeyCode::F(1)));
    assert!(matches!(state.overlay, Some(Overlay::Help { scroll: 0 })));
    update(&mut state, key(KeyCode::Down));
    assert!(matches!(state.overlay, Some(Overlay::Help { scroll: 1 })));
    update(&mut state, key(KeyCode::Char('q')));
    assert!(state.overlay.is_none(), "any key closes help");
    assert!(!state.quit);
}

#[test]
fn a_picked_model_at_an_upstream_is_a_pinned_pane() {
    let mut state = state_with(&["openai/gpt-4o"], (120, 40));
    let mut effects = Vec::new();
    panes::apply_picker(
        &mut state,
        crate::tui::state::PickerTarget::Columns,
        vec![
            "openai/gpt-4o".into(),
            "meta-llama/llama-3.3-70b-instruct@groq".into(),
        ],
        &mut effects,
    );
    let pinned = &state.panes[1].target;
    assert_eq!(pinned.label, "meta-llama/llama-3.3-70b-instruct@groq");
    assert_eq!(
        pinned.chain,
        vec![ModelRef::new(
            "openrouter",
            "meta-llama/llama-3.3-70b-instruct"
        )]
    );
    assert_eq!(pinned.upstream.as_deref(), Some("groq"));
    // The session keeps the pin, so a resumed pane asks the same upstream.
    assert_eq!(
        state.session.columns[1].upstream.as_deref(),
        Some("groq"),
        "{:?}",
        state.session.columns
    );
}
