//! Narrow panes drop figures in one order of importance, and every pane on
//! screen drops the same ones, whatever figures each pane has.

use std::time::Duration;

use insta::assert_snapshot;
use pretty_assertions::assert_eq;

use super::figures::Figure;
use super::tests::{answer, frame, stream_answer};
use crate::tui::state::AppState;
use crate::tui::update::tests::{send, state_with};

/// Three answers whose figures differ: the first waited through a retry
/// and went through the routing hop, the second is a reasoning model with a
/// late first answer token, the third a local model with no price.
fn three_different_answers(size: (u16, u16)) -> AppState {
    let mut state = state_with(
        &[
            "openai/gpt-4o",
            "deepseek/deepseek-r1",
            "ollama:llama3.2:3b",
        ],
        size,
    );
    let runs = send(&mut state, "Hi");
    let done = state.now.at + Duration::from_secs(3);
    let mut retried = answer("openai/gpt-4o", "Hello!", "0.0012");
    retried.ttft_ms = Some(252);
    retried.start_ttft_ms = Some(2_552);
    retried.overhead_ms = Some(38);
    stream_answer(&mut state, runs[0], retried, done);
    let mut reasoning = answer("deepseek/deepseek-r1", "Because", "0.0004");
    reasoning.ttft_ms = Some(300);
    reasoning.first_answer_ms = Some(1_900);
    reasoning.tokens_per_s = Some(71.6);
    stream_answer(&mut state, runs[1], reasoning, done);
    let mut local = answer("llama3.2:3b", "Hi there!", "");
    local.cost_source = None;
    local.tokens_per_s = Some(118.0);
    stream_answer(&mut state, runs[2], local, done);
    state
}

/// Each pane's bottom border, cut at the pane's edges.
fn figure_rows(state: &AppState) -> Vec<String> {
    let screen: Vec<Vec<char>> = frame(state).lines().map(|l| l.chars().collect()).collect();
    let rects = &state.workspace.layout.panes;
    rects
        .iter()
        .map(|r| {
            let row = screen.get(usize::from(r.y + r.height - 1));
            let (from, to) = (usize::from(r.x), usize::from(r.x + r.width));
            // (frame lines are quoted: skip the opening '"')
            row.and_then(|row| row.get(from + 1..to + 1))
                .unwrap_or_default()
                .iter()
                .collect()
        })
        .collect()
}

/// Which kinds of figure a bottom border shows.
fn kinds(row: &str) -> Vec<&'static str> {
    [
        ("ttft", "ttft"),
        ("tok/s", "rate"),
        (" tok ", "tokens"),
        ("$", "cost"),
        ("cost ?", "cost"),
        ("hop", "hop"),
    ]
    .into_iter()
    .filter(|(mark, _)| row.contains(mark))
    .map(|(_, kind)| kind)
    .collect()
}

#[test]
fn at_80_columns_every_pane_drops_the_same_figures_in_one_order() {
    let state = three_different_answers((80, 16));
    // Timing, tokens and the hop give way in every pane, rate and cost stay:
    // even in the third pane, a whole row wide, so the panes compare like for like.
    for row in figure_rows(&state) {
        assert_eq!(kinds(&row), vec!["rate", "cost"], "{row}");
    }
    assert_snapshot!(frame(&state));
}

#[test]
fn wider_panes_keep_more_figures_and_still_the_same_ones() {
    // 120 columns: the first pane's long timing ("wait 2.6s · ttft 252ms")
    // does not fit beside its rate and cost, so no pane shows a timing.
    let state = three_different_answers((120, 12));
    let rows = figure_rows(&state);
    assert_eq!(kinds(&rows[0]), vec!["rate", "cost"], "{}", rows[0]);
    assert_eq!(kinds(&rows[1]), vec!["rate", "cost"], "{}", rows[1]);
    assert_eq!(kinds(&rows[2]), vec!["rate", "cost"], "{}", rows[2]);
    // 200 columns: the first pane's hop still does not fit (no other pane has one).
    let state = three_different_answers((200, 12));
    let rows = figure_rows(&state);
    assert_eq!(kinds(&rows[0]), vec!["ttft", "rate", "tokens", "cost"]);
    // 240 columns: room for everything each pane has.
    let state = three_different_answers((240, 12));
    let rows = figure_rows(&state);
    assert_eq!(
        kinds(&rows[0]),
        vec!["ttft", "rate", "tokens", "cost", "hop"]
    );
    assert_eq!(kinds(&rows[1]), vec!["ttft", "rate", "tokens", "cost"]);
    assert_eq!(kinds(&rows[2]), vec!["ttft", "rate", "tokens", "cost"]);
}

#[test]
fn figures_rank_strictly_from_hop_to_scroll() {
    let ranked = [
        Figure::Hop,
        Figure::Tokens,
        Figure::Timing,
        Figure::Rate,
        Figure::Cost,
        Figure::Scroll,
    ];
    assert!(ranked.windows(2).all(|pair| pair[0] < pair[1]));
}
