//! The workbench with hostile numbers and strings: prices beyond belief
//! while typing, costs that would overflow the totals, notes on figures
//! that are not used, and ids that hide a zero-width space.

use std::sync::Arc;
use std::time::Instant;

use rust_decimal::Decimal;

use super::tests::{feed, finished, screen, send, state_with, type_text, update};
use crate::router::catalog::{Catalog, CatalogSource, parse_models};
use crate::router::events::{RunResult, StreamEvent};
use crate::router::pricing::Price;
use crate::tui::msg::Msg;
use crate::tui::state::AppState;

fn load(state: &mut AppState, catalog: Catalog) {
    update(
        state,
        Msg::CatalogLoaded {
            provider: "openrouter".into(),
            catalog: Some(Arc::new(catalog)),
            warnings: vec![],
            refreshed: true,
        },
    );
}

fn catalog(body: &str) -> Catalog {
    let parsed = parse_models(body.as_bytes()).expect("catalog parses");
    Catalog::new("openrouter", CatalogSource::Live, 1_787_011_200, parsed)
}

/// The input cost estimated for pane `index`, when it is known.
fn cost_estimate(state: &AppState, index: usize) -> Option<Decimal> {
    state.workspace.panes[index].estimate?.cost_usd
}

#[test]
fn prices_beyond_belief_leave_the_estimate_unknown_while_typing() {
    let mut state = state_with(&["huge/price", "fine/model"], (100, 30));
    let mut hostile = catalog(
        r#"{"data":[
            {"id":"huge/price","pricing":{"prompt":"1e28","completion":"1e28"}},
            {"id":"fine/model","pricing":{"prompt":"0.000001","completion":"0.000002"}}
        ]}"#,
    );
    assert_eq!(hostile.models[0].pricing.prompt, Price::Unknown);
    assert_eq!(hostile.notes.len(), 2, "{:?}", hostile.notes);
    load(&mut state, hostile.clone());
    type_text(&mut state, "How many words are in this prompt?");
    assert_eq!(cost_estimate(&state, 0), None);
    assert!(cost_estimate(&state, 1).is_some());

    // A price that skipped the checks (built in code) cannot overflow either.
    hostile.models[0].pricing.prompt = Price::Known(Decimal::MAX);
    load(&mut state, hostile);
    type_text(&mut state, "more");
    assert_eq!(cost_estimate(&state, 0), None);
    let _ = screen(&state);
}

#[test]
fn costs_that_would_overflow_the_totals_never_panic() {
    let mut state = state_with(&["a/one", "b/two"], (100, 30));
    let runs = send(&mut state, "q");
    let at = Instant::now();
    for &run in &runs {
        let mut result = RunResult::new("m");
        result.text = "answer".into();
        result.cost_usd = Some(Decimal::MAX);
        update(&mut state, finished(run.0, run.1, result, at));
    }
    // The sum does not fit: never a panic, and never shown as $0.
    assert_ne!(state.record.totals().turn.label(), "$0");
    let _ = screen(&state);
}

#[test]
fn a_figure_that_is_not_used_says_why_in_its_pane() {
    let mut state = state_with(&["a/one"], (100, 30));
    let runs = send(&mut state, "q");
    let at = Instant::now();
    feed(
        &mut state,
        runs[0],
        vec![
            StreamEvent::Content("kept".into()),
            StreamEvent::Note("usage.cost -7.5 is negative: the cost is unknown".into()),
        ],
        at,
    );
    let shown = screen(&state);
    assert!(shown.contains("⚠ usage.cost -7.5 is negative"), "{shown}");
    assert!(shown.contains("kept"), "{shown}");
}

#[test]
fn the_picker_shows_a_hidden_character_in_an_id() {
    let mut state = state_with(&["fine/model"], (120, 30));
    load(
        &mut state,
        catalog(
            "{\"data\":[{\"id\":\"openai/gpt\\u200b-4o\",\"name\":\"GPT \\u001b]0;x\\u0007 4o\"},{\"id\":\"openai/gpt-4o\"}]}",
        ),
    );
    update(&mut state, super::tests::ctrl('p'));
    let shown = screen(&state);
    assert!(shown.contains("openai/gpt<U+200B>-4o"), "{shown}");
    assert!(shown.contains("GPT ␛]0;x␇ 4o"), "{shown}");
}
