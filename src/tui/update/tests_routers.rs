//! Router panes: the model is picked per prompt by the config's rules, the
//! pick is shown and kept with the answer.

use std::time::Instant;

use crossterm::event::KeyCode;
use pretty_assertions::assert_eq;

use super::tests::{finished, key, state_with, type_text, update, with_catalog};
use super::*;
use crate::router::events::RunResult;
use crate::router::policy::{Policy, RouterConfig, RuleConfig, router_target};
use crate::router::{ModelRef, Target};
use crate::tui::msg::{Effect, Msg};

fn saver() -> Policy {
    let config = RouterConfig {
        default: "openai/gpt-4o".into(),
        rules: vec![RuleConfig {
            name: Some("short classification".into()),
            max_prompt_tokens: Some(50),
            pattern: Some("(?i)classify|sentiment".into()),
            model: Some("openai/gpt-4o-mini".into()),
            ..RuleConfig::default()
        }],
        description: None,
    };
    Policy::compile("saver", &config).expect("router compiles")
}

fn with_router() -> crate::tui::state::AppState {
    let mut state = state_with(&["openai/gpt-4o"], (120, 40));
    state.settings.policies = vec![saver()];
    state.workspace.panes[0].target = router_target("saver");
    record::sync_columns(&mut state);
    with_catalog(&mut state);
    state
}

fn started(effects: &[Effect]) -> Vec<Target> {
    effects
        .iter()
        .filter_map(|e| {
            let Effect::StartRun { target, .. } = e else {
                return None;
            };
            Some(target.clone())
        })
        .collect()
}

#[test]
fn the_rules_pick_the_model_per_prompt() {
    let mut state = with_router();
    type_text(&mut state, "Classify the sentiment: great!");
    let effects = update(&mut state, key(KeyCode::Enter));
    let targets = started(&effects);
    assert_eq!(
        targets[0].chain,
        vec![ModelRef::new("openrouter", "openai/gpt-4o-mini")]
    );
    assert_eq!(targets[0].label, "router:saver");
    let route = state.workspace.panes[0]
        .run
        .as_ref()
        .and_then(|r| r.result.route.clone())
        .expect("route");
    assert_eq!(route.rule, "short classification");

    // The answer keeps the decision, in memory and in the session.
    let (pane, run) = super::tests::runs_of(&effects)[0];
    update(
        &mut state,
        finished(pane, run, RunResult::new("router:saver"), Instant::now()),
    );
    let saved = &state.record.session.turns[0].answers[0].result;
    assert_eq!(
        saved.route.as_ref().map(|r| r.model.as_str()),
        Some("openai/gpt-4o-mini")
    );
    assert_eq!(
        state.record.session.columns[0].router.as_deref(),
        Some("saver")
    );
    assert!(state.record.session.columns[0].chain.is_empty());

    // A long, open question goes to the default.
    type_text(
        &mut state,
        &"Explain why the sky is blue, in depth. ".repeat(10),
    );
    let targets = started(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(
        targets[0].chain,
        vec![ModelRef::new("openrouter", "openai/gpt-4o")]
    );
}

#[test]
fn the_estimate_prices_what_the_router_would_pick() {
    let mut state = with_router();
    type_text(&mut state, "classify this");
    // ≈ 15 chars → 4 tokens + 4 framing = 8 tokens at gpt-4o-mini's $0.15/M.
    assert_eq!(
        state.workspace.panes[0].estimate.and_then(|e| e.cost_usd),
        Some(rust_decimal::Decimal::new(12, 7))
    );
}

#[test]
fn routers_are_in_the_picker_and_resume_as_routers() {
    let mut state = with_router();
    update(&mut state, super::tests::ctrl('p'));
    let Some(crate::tui::state::Overlay::Picker(picker, _)) = &state.ui.overlay else {
        panic!("picker");
    };
    let mut picker = picker.clone();
    for c in "saver".chars() {
        picker.apply(crate::tui::picker::PickerAction::Input(c));
    }
    assert_eq!(picker.cursor_reference(), Some("router:saver"));

    let session = record::snapshot(&state);
    let mut fresh = state_with(&["x/y"], (120, 40));
    fresh.settings.policies = vec![saver()];
    update(&mut fresh, Msg::SessionOpened(Ok(Box::new(session))));
    assert_eq!(
        fresh.workspace.panes[0].target.router.as_deref(),
        Some("saver")
    );
}

#[test]
fn an_unknown_router_fails_its_pane_only() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (120, 40));
    state.workspace.panes[0].target = router_target("gone");
    type_text(&mut state, "hi");
    let effects = update(&mut state, key(KeyCode::Enter));
    assert_eq!(started(&effects).len(), 1, "the other pane still runs");
    assert_eq!(
        state.workspace.panes[0].status,
        crate::tui::state::PaneStatus::Failed
    );
}
