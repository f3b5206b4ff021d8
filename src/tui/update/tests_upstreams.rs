//! Reducer tests of the picker's routes: a model expanded into one pane per
//! upstream (fetched by the runtime, stale lists dropped, failures one
//! line), and a via-OpenRouter / direct pair with its measured difference.

use std::time::Instant;

use crossterm::event::KeyCode;
use pretty_assertions::assert_eq;

use super::tests::{
    ctrl, finished, key, ok_result, send, startup, type_text, update, with_catalog,
};
use super::upstreams::labels;
use super::*;
use crate::router::{Provider, Providers};
use crate::tui::msg::{Effect, Msg, Upstreams};
use crate::tui::state::{NoticeLevel, Overlay};

/// The picker open on `model`'s row (the search narrows to it).
fn picker_on(state: &mut AppState, model: &str) {
    update(state, ctrl('p'));
    type_text(state, model);
    assert!(matches!(state.ui.overlay, Some(Overlay::Picker(..))));
}

#[test]
fn ctrl_e_expands_a_model_into_one_pinned_pane_per_upstream() {
    let mut state = super::tests::state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (160, 48));
    with_catalog(&mut state);
    picker_on(&mut state, "gpt-4o-mini");
    let effects = update(&mut state, ctrl('e'));
    let Some(Effect::FetchUpstreams { ask, model }) = effects.into_iter().last() else {
        panic!("no fetch");
    };
    assert_eq!(model, "openai/gpt-4o-mini");
    assert!(
        state.ui.overlay.is_none(),
        "the picker closes while it is fetched"
    );

    // An older list is dropped.
    let stale = Msg::UpstreamsFetched {
        ask: ask + 1,
        model: model.clone(),
        outcome: Ok(Upstreams {
            columns: vec!["openai/gpt-4o-mini@stale".into()],
            notes: vec![],
        }),
    };
    assert!(update(&mut state, stale).is_empty());
    assert_eq!(labels(&state), ["openai/gpt-4o", "openai/gpt-4o-mini"]);

    let effects = update(
        &mut state,
        Msg::UpstreamsFetched {
            ask,
            model,
            outcome: Ok(Upstreams {
                columns: vec![
                    "openai/gpt-4o-mini@openai".into(),
                    "openai/gpt-4o-mini@azure".into(),
                ],
                notes: vec!["Odd: no slug to pin it by; left out".into()],
            }),
        },
    );
    assert_eq!(
        labels(&state),
        [
            "openai/gpt-4o",
            "openai/gpt-4o-mini@openai",
            "openai/gpt-4o-mini@azure"
        ],
        "the model's pane became its upstreams, in its place"
    );
    let upstreams: Vec<Option<String>> = state
        .workspace
        .panes
        .iter()
        .map(|p| p.target.upstream.clone())
        .collect();
    assert_eq!(
        upstreams,
        [None, Some("openai".into()), Some("azure".into())]
    );
    assert!(
        effects.iter().any(|e| matches!(e, Effect::SaveSession(_))) || state.record.turns() == 0
    );
    let notice = state.ui.notice.clone().expect("a notice");
    assert!(
        notice.text.contains("one pane per upstream (2)"),
        "{notice:?}"
    );
    assert!(notice.text.contains("Odd: no slug"), "{notice:?}");
}

#[test]
fn an_upstream_list_that_fails_is_one_line_and_changes_nothing() {
    let mut state = super::tests::state_with(&["openai/gpt-4o"], (160, 48));
    with_catalog(&mut state);
    picker_on(&mut state, "gpt-4o-mini");
    let effects = update(&mut state, ctrl('e'));
    let Some(Effect::FetchUpstreams { ask, model }) = effects.into_iter().last() else {
        panic!("no fetch");
    };
    update(
        &mut state,
        Msg::UpstreamsFetched {
            ask,
            model,
            outcome: Err("openrouter lists no model 'openai/gpt-4o-mini'\n\u{1b}[2J".into()),
        },
    );
    assert_eq!(labels(&state), ["openai/gpt-4o"]);
    let notice = state.ui.notice.clone().expect("a notice");
    assert_eq!(notice.level, NoticeLevel::Error);
    assert!(
        !notice.text.contains('\n') && !notice.text.contains('\u{1b}'),
        "{notice:?}"
    );
    assert!(
        notice.text.starts_with("upstreams of openai/gpt-4o-mini:"),
        "{notice:?}"
    );
}

/// OpenRouter and OpenAI itself, both with keys.
fn with_openai() -> AppState {
    let mut providers: Vec<Provider> = super::tests::providers(true).iter().cloned().collect();
    let mut openai = Provider::new("openai", "https://api.openai.com/v1");
    openai.api_key = Some(crate::router::provider::ApiKey::new("sk-direct"));
    providers.push(openai);
    new_state(startup(
        Providers::new(providers, "openrouter"),
        &["anthropic/claude-sonnet-4.5"],
        (160, 48),
    ))
}

#[test]
fn ctrl_d_pairs_a_model_via_openrouter_and_direct_and_measures_the_difference() {
    let mut state = with_openai();
    with_catalog(&mut state);
    picker_on(&mut state, "gpt-4o-mini");
    update(&mut state, ctrl('d'));
    assert_eq!(
        labels(&state),
        [
            "anthropic/claude-sonnet-4.5",
            "openai/gpt-4o-mini",
            "openai:gpt-4o-mini"
        ]
    );
    assert_eq!(state.workspace.pairs.len(), 1);
    let runs = send(&mut state, "Hi");
    for (index, (pane, run)) in runs.iter().enumerate() {
        let mut result = ok_result("m", "Hello", None);
        result.ttft_ms = Some([900, 420, 300][index]);
        result.cost_usd = Some(rust_decimal::Decimal::new([30, 12, 10][index], 6));
        update(&mut state, finished(*pane, *run, result, Instant::now()));
    }
    let notice = state.ui.notice.clone().expect("a notice");
    assert!(
        notice
            .text
            .contains("openai/gpt-4o-mini via OpenRouter − direct: ttft +120ms"),
        "{notice:?}"
    );
    // The details of either pane show the whole table.
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('I')));
    let Some(Overlay::Details(view)) = &state.ui.overlay else {
        panic!("details");
    };
    let text = view.lines.join("\n");
    assert!(
        text.contains("via OpenRouter vs direct: openai/gpt-4o-mini / openai:gpt-4o-mini"),
        "{text}"
    );
    assert!(text.contains("+$0.000002"), "routed − direct cost: {text}");
}

#[test]
fn ctrl_d_on_a_model_without_a_direct_provider_says_how_to_map_it() {
    let mut state = with_openai();
    with_catalog(&mut state);
    picker_on(&mut state, "claude-sonnet");
    update(&mut state, ctrl('d'));
    assert_eq!(labels(&state), ["anthropic/claude-sonnet-4.5"]);
    let notice = state.ui.notice.clone().expect("a notice");
    assert_eq!(notice.level, NoticeLevel::Error);
    assert!(notice.text.contains("[direct]"), "{notice:?}");
}
