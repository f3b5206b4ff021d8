//! The screen's smaller promises: notices expire and the figures come back,
//! `d` can be undone, raw text says so while it lasts, the "too small"
//! message says what is needed, the leaderboard's method line wraps.

use std::time::Duration;

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::router::ChatMessage;
use crate::router::events::RunResult;
use crate::tui::msg::Msg;
use crate::tui::state::AppState;
use crate::tui::update::tests::{
    after, ctrl, finished, key, send, state_with, update, with_catalog,
};

fn frame(state: &AppState) -> String {
    let (width, height) = state.workspace.size;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| super::draw(frame, state))
        .expect("draw");
    terminal.backend().to_string()
}

/// Sends `prompt` to every pane and finishes each run with `answer`.
fn answered(state: &mut AppState, prompt: &str, answer: &str) {
    let runs = send(state, prompt);
    for (pane, run) in runs {
        let mut result = RunResult::new("m");
        result.text = answer.into();
        result.finish_reason = Some("stop".into());
        // A priced answer: the footer's turn cost is a sum, not "unknown".
        result.cost_usd = Some(rust_decimal::Decimal::new(1, 5));
        update(state, finished(pane, run, result, state.now.at));
    }
}

fn footer(state: &AppState) -> String {
    frame(state)
        .lines()
        .rev()
        .nth(1)
        .unwrap_or_default()
        .trim_matches('"')
        .to_string()
}

#[test]
fn a_notice_expires_and_the_costs_come_back_while_raw_text_stays_marked() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (80, 24));
    with_catalog(&mut state);
    answered(&mut state, "Hi?", "Hello.");
    assert!(footer(&state).starts_with("turn $"), "{}", footer(&state));
    update(&mut state, ctrl('t'));
    assert!(footer(&state).contains("answers shown as raw text"));
    let expires = state.notice_expires_at().expect("a notice");
    assert_eq!(expires, state.now.at + Duration::from_secs(5));

    let tick = after(&state, Duration::from_secs(4), Msg::Tick);
    update(&mut state, tick);
    assert!(footer(&state).contains("answers shown as raw text"));
    let tick = after(&state, Duration::from_secs(2), Msg::Tick);
    update(&mut state, tick);
    assert_eq!(state.ui.notice, None);
    assert_eq!(state.notice_expires_at(), None, "no more wake-ups");
    // The costs are back, and raw text still says so.
    assert_snapshot!(frame(&state));
}

#[test]
fn a_removed_pane_comes_back_with_its_answers() {
    let mut state = state_with(&["a/model", "b/model", "c/model"], (120, 40));
    answered(&mut state, "First?", "One.");
    update(
        &mut state,
        Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('2'),
            crossterm::event::KeyModifiers::ALT,
        )),
    );
    update(&mut state, key(KeyCode::Char('d')));
    let labels = |state: &AppState| -> Vec<String> {
        state
            .workspace
            .panes
            .iter()
            .map(|p| p.target.label.clone())
            .collect()
    };
    assert_eq!(labels(&state), ["a/model", "c/model"]);
    assert!(footer(&state).contains("removed b/model · u on a pane puts it back"));
    let active = |state: &AppState| {
        state
            .record
            .session
            .columns
            .iter()
            .filter(|c| c.active)
            .count()
    };
    assert_eq!(active(&state), 2);

    update(&mut state, key(KeyCode::Char('u')));
    assert_eq!(labels(&state), ["a/model", "b/model", "c/model"]);
    assert_eq!(
        state.workspace.panes[1].history(),
        vec![ChatMessage::user("First?"), ChatMessage::assistant("One.")]
    );
    assert_eq!(active(&state), 3);
    assert!(footer(&state).contains("put back b/model"));
    // Only once.
    update(&mut state, key(KeyCode::Char('u')));
    assert_eq!(state.workspace.panes.len(), 3);
}

#[test]
fn a_blind_pane_is_removed_under_its_letter() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    update(&mut state, ctrl('b'));
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('d')));
    let shown = footer(&state);
    assert!(shown.contains("removed Model "), "{shown}");
    assert!(!shown.contains("a/model"), "{shown}");
}

#[test]
fn too_small_says_what_is_needed_without_contradicting_itself() {
    let tiny = state_with(&["a/model"], (36, 10));
    let text = frame(&tiny).replace(['\n', '"'], " ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("(36x10): prism needs at least 40x12"),
        "{text}"
    );

    let models: Vec<String> = (1..=8).map(|i| format!("m{i}/model")).collect();
    let models: Vec<&str> = models.iter().map(String::as_str).collect();
    let crowded = state_with(&models, (60, 20));
    assert!(crowded.workspace.layout.too_small);
    let text = frame(&crowded).replace(['\n', '"'], " ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("8 panes do not fit in 60x20"), "{text}");
    assert!(!text.contains("needs 40x12"), "{text}");
}

#[test]
fn the_leaderboard_method_line_wraps_instead_of_being_cut() {
    let mut state = state_with(&["openai/gpt-4o"], (100, 24));
    update(&mut state, ctrl('l'));
    update(
        &mut state,
        Msg::LeaderboardLoaded {
            boards: super::tests::sample_boards(),
            problems: vec![],
        },
    );
    let shown = frame(&state);
    assert!(shown.contains("observed information"), "{shown}");
    assert!(shown.contains("1 counted (1 yours, 0 judges')"), "{shown}");
    assert_snapshot!(shown);
}

#[test]
fn the_leaderboards_average_cost_counts_the_unpriced_answers() {
    let mut session = crate::session::fixtures::sample();
    // gpt-4o's second answer came with no price (a local model's, say).
    session.turns[1].answers[0].result.cost_usd = None;
    let boards = crate::tui::state::LeaderboardView::compute_boards(&[session]);
    let mut state = state_with(&["openai/gpt-4o"], (140, 20));
    update(&mut state, ctrl('l'));
    update(
        &mut state,
        Msg::LeaderboardLoaded {
            boards,
            problems: vec![],
        },
    );
    let shown = frame(&state);
    // The average over the priced answer, and how many were left out of it.
    assert!(shown.contains("$0.00012 (1 unpriced)"), "{shown}");
    assert!(!shown.contains(" ? "), "{shown}");
}
