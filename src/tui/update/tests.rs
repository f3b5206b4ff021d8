//! Reducer tests: sequences of messages in, whole states and effect lists
//! out. No terminal, no runtime, no clock: every message is stamped with a
//! time the test chooses.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pretty_assertions::assert_eq;
use rust_decimal::Decimal;

use super::*;
use crate::router::catalog::{Catalog, CatalogSource, parse_models};
use crate::router::catalog_load::Refresh;
use crate::router::events::{RunResult, StreamEvent};
use crate::router::provider::ApiKey;
use crate::router::usage::Usage;
use crate::router::{ChatMessage, ChatParams, ModelRef, Provider, Providers, Target};
use crate::tui::document::BlockKind;
use crate::tui::msg::{Effect, Msg, Now, Stamped};
use crate::tui::params::Params;
use crate::tui::state::{AppState, Focus, NoticeLevel, PaneId, PaneStatus, RunId};
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

/// The wall clock at the tests' start: a day after the bundled catalog.
pub(crate) const START_UNIX: i64 = 1_787_011_200 + 86_400;

/// A workbench with a fixed seed and clock, so every test sees the same state.
pub(crate) fn startup(providers: Providers, models: &[&str], size: (u16, u16)) -> Startup {
    Startup {
        providers,
        targets: models.iter().map(|m| target(m)).collect(),
        params: Params::default(),
        theme: Theme::monochrome(),
        size,
        now: Now {
            at: Instant::now(),
            unix: START_UNIX,
        },
        seed: 7,
    }
}

pub(crate) fn state_with(models: &[&str], size: (u16, u16)) -> AppState {
    new_state(startup(providers(true), models, size))
}

/// A message as the runtime hands it in: stamped with a time.
pub(crate) trait IntoStamped {
    fn stamped(self, state: &AppState) -> Stamped;
}

/// A bare message happens at the state's own time (nothing passed).
impl IntoStamped for Msg {
    fn stamped(self, state: &AppState) -> Stamped {
        Stamped::new(self, state.now)
    }
}

impl IntoStamped for Stamped {
    fn stamped(self, _: &AppState) -> Stamped {
        self
    }
}

/// The whole screen as the workbench draws it now.
pub(crate) fn screen(state: &AppState) -> String {
    let (width, height) = state.workspace.size;
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
        .expect("test terminal");
    terminal
        .draw(|frame| crate::tui::view::draw(frame, state))
        .expect("draw");
    terminal.backend().to_string()
}

/// Runs the reducer on one message.
pub(crate) fn update(state: &mut AppState, msg: impl IntoStamped) -> Vec<Effect> {
    let stamped = msg.stamped(state);
    super::update(state, stamped)
}

/// `msg` happening at `at` (the wall clock as far as the state knows).
pub(crate) fn at(state: &AppState, msg: Msg, at: Instant) -> Stamped {
    Stamped::new(
        msg,
        Now {
            at,
            unix: state.now.unix,
        },
    )
}

/// `msg` happening `later` after the state's latest time, on both clocks.
pub(crate) fn after(state: &AppState, later: Duration, msg: Msg) -> Stamped {
    let secs = i64::try_from(later.as_secs()).unwrap_or(i64::MAX);
    Stamped::new(
        msg,
        Now {
            at: state.now.at + later,
            unix: state.now.unix + secs,
        },
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
        .filter_map(|e| {
            let Effect::StartRun { pane, run, .. } = e else {
                return None;
            };
            Some((*pane, *run))
        })
        .collect()
}

/// Feeds one batch of a run's stream events to the reducer, arriving `when`.
pub(crate) fn feed(
    state: &mut AppState,
    (pane, run): (PaneId, RunId),
    events: Vec<StreamEvent>,
    when: Instant,
) -> Vec<Effect> {
    let msg = Msg::Stream {
        pane,
        run,
        events,
        merged: 0,
    };
    let stamped = at(state, msg, when);
    update(state, stamped)
}

/// The end of a run, arriving `when`.
pub(crate) fn finished(pane: PaneId, run: RunId, result: RunResult, when: Instant) -> Stamped {
    let msg = Msg::RunFinished {
        pane,
        run,
        result: Box::new(result),
    };
    Stamped::new(msg, Now { at: when, unix: 0 })
}

pub(crate) fn ok_result(model: &str, text: &str, cost: Option<Decimal>) -> RunResult {
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
    assert_eq!(state.workspace.panes.len(), 2);
    assert!(
        state
            .workspace
            .panes
            .iter()
            .all(|p| p.status == PaneStatus::Idle)
    );
    assert_eq!(state.workspace.focus, Focus::Editor);
    assert_eq!(state.ui.notice, None);
    assert!(!state.workspace.layout.too_small);
    assert_eq!(state.workspace.panes[0].document.width(), 58);
}

#[test]
fn a_missing_key_is_named_at_start() {
    let state = new_state(startup(providers(false), &["openai/gpt-4o"], (120, 40)));
    let notice = state.ui.notice.expect("a notice");
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
    state.workspace.panes[1].target =
        Target::single("ollama:llama3.2", ModelRef::new("ollama", "llama3.2"));
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
    state.settings.params.system = Some("Be brief.".into());
    state.settings.params.temperature = Some(0.2);
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
    assert!(state.workspace.editor.is_empty());
    assert_eq!(state.record.turns(), 1);
    assert!(
        state
            .workspace
            .panes
            .iter()
            .all(|p| p.status == PaneStatus::Queued)
    );
    assert_eq!(
        state.workspace.panes[0].document.kind(
            state.workspace.panes[0]
                .document
                .blocks()
                .next()
                .expect("block")
        ),
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
    assert_eq!(state.workspace.editor_text(), "one\ntwo\nthree");
    assert_eq!(state.workspace.editor_lines, 3);
    assert_eq!(state.workspace.layout.editor.height, 5);
}

#[test]
fn an_empty_prompt_or_a_busy_workbench_sends_nothing() {
    let mut state = state_with(&["a/b"], (120, 40));
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        state.ui.notice.as_ref().map(|n| n.text.as_str()),
        Some("type a prompt first")
    );
    send(&mut state, "first");
    type_text(&mut state, "second");
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(
        state
            .ui
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("still answering"))
    );
    assert_eq!(
        state.workspace.editor_text(),
        "second",
        "the prompt is kept"
    );
}
