//! Reducer tests of the panes around the runs: focus, zoom and scrolling,
//! the picker and the parameter form, estimates, pastes, resizes, quitting.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use pretty_assertions::assert_eq;
use rust_decimal::Decimal;

use super::panes;
use super::tests::*;
use crate::router::catalog_load::Refresh;
use crate::router::events::StreamEvent;
use crate::router::{ChatParams, ModelRef, Target};
use crate::tui::msg::{Effect, Msg};
use crate::tui::picker::PickerOutcome;
use crate::tui::state::{Focus, Overlay, PaneId};

#[test]
fn focus_zoom_and_scrolling() {
    let mut state = state_with(&["a/model", "b/model", "c/model"], (120, 40));
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('3'), KeyModifiers::ALT)),
    );
    assert_eq!(state.workspace.focus, Focus::Pane(2));
    update(&mut state, key(KeyCode::Char('z')));
    assert_eq!(state.workspace.zoom, Some(PaneId(2)));
    assert_eq!(state.workspace.layout.panes[2].width, 120);
    update(&mut state, key(KeyCode::Char('z')));
    assert_eq!(state.workspace.zoom, None);

    update(&mut state, key(KeyCode::Char('i')));
    assert_eq!(state.workspace.focus, Focus::Editor);
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
    let pane = &state.workspace.panes[2];
    assert!(pane.scroll.follow);
    let bottom = pane.first_row();
    assert!(bottom > 100);
    update(&mut state, key(KeyCode::Up));
    assert!(!state.workspace.panes[2].scroll.follow);
    assert_eq!(state.workspace.panes[2].first_row(), bottom - 1);
    update(&mut state, key(KeyCode::Char('g')));
    assert_eq!(state.workspace.panes[2].first_row(), 0);
    update(&mut state, key(KeyCode::End));
    assert!(state.workspace.panes[2].scroll.follow);

    // The wheel scrolls the pane under the pointer, not the focused one.
    let rect = state.workspace.layout.panes[0];
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
    assert!(!state.workspace.panes[0].scroll.follow);
    assert!(state.workspace.panes[2].scroll.follow);
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
    assert!(matches!(state.ui.overlay, Some(Overlay::Picker(..))));
    // Unmark the mini (second row by price), mark the free llama.
    let Some(Overlay::Picker(picker, target)) = state.ui.overlay.take() else {
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
        .workspace
        .panes
        .iter()
        .map(|p| p.target.label.as_str())
        .collect();
    assert_eq!(
        labels,
        vec!["openai/gpt-4o", "meta-llama/llama-3.1-8b-instruct:free"]
    );
    assert_eq!(
        state.workspace.panes[0].id,
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
        state.workspace.panes[0].target,
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
    assert_eq!(state.settings.params.temperature, Some(0.5));
    assert!(state.ui.overlay.is_none());

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
        .filter_map(|e| {
            let Effect::StartRun { params, .. } = e else {
                return None;
            };
            Some(params.clone())
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
    assert_eq!(state.workspace.estimate_tokens(), Some(105));
    let costs: Vec<Option<Decimal>> = state
        .workspace
        .panes
        .iter()
        .map(|p| p.estimate.and_then(|e| e.cost_usd))
        .collect();
    assert_eq!(
        costs,
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
    assert_eq!(
        state.record.totals().session.exact_usd(),
        Some(Decimal::new(75, 6))
    );
    let run = state.workspace.panes[0].run.as_ref().expect("run");
    assert_eq!(
        run.result.cost_source,
        Some(crate::router::CostSource::Computed)
    );
}

#[test]
fn pastes_are_sanitised_and_copies_go_out() {
    let mut state = state_with(&["a/model"], (120, 40));
    update(&mut state, Msg::Paste("evil\x1b[2J text".into()));
    assert_eq!(state.workspace.editor_text(), "evil␛[2J text");
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
    assert!(state.workspace.layout.too_small);
    update(&mut state, Msg::Resize(200, 50));
    assert!(!state.workspace.layout.too_small);
    assert_eq!(state.workspace.panes[0].document.width(), 98);
}

#[test]
fn quitting_and_signals() {
    let mut state = state_with(&["a/model"], (120, 40));
    assert_eq!(update(&mut state, ctrl('c')), vec![Effect::Quit]);
    assert!(state.ui.quit);
    let mut state = state_with(&["a/model"], (120, 40));
    assert_eq!(update(&mut state, Msg::Signal), vec![Effect::Quit]);
    let mut state = state_with(&["a/model"], (120, 40));
    update(&mut state, key(KeyCode::F(1)));
    assert!(matches!(state.ui.overlay, Some(Overlay::Help(view)) if view.offset() == 0));
    update(&mut state, key(KeyCode::Down));
    assert!(matches!(state.ui.overlay, Some(Overlay::Help(view)) if view.offset() == 1));
    update(&mut state, key(KeyCode::Char('q')));
    assert!(state.ui.overlay.is_none(), "any key closes help");
    assert!(!state.ui.quit);
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
    let pinned = &state.workspace.panes[1].target;
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
        state.record.session.columns[1].upstream.as_deref(),
        Some("groq"),
        "{:?}",
        state.record.session.columns
    );
}
