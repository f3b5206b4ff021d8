//! The figures panes, the footer and the details view show, driven through
//! the reducer with message times the tests choose: the wait from Enter
//! beside the attempt's own ttft, the first answer token, estimated tokens
//! marked `~`, a retry countdown that counts down, floors instead of $0,
//! cut-short answers, the model a fallback served, closest ids for an
//! unknown model.

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use pretty_assertions::assert_eq;
use rust_decimal::Decimal;

use super::tests::{answer, frame, stream_answer};
use crate::router::account::GenerationRecord;
use crate::router::events::{RunResult, StreamEvent};
use crate::router::usage::Usage;
use crate::router::{ErrorKind, ModelRef, RouterError, Target};
use crate::tui::msg::{Effect, Msg};
use crate::tui::state::{AppState, PaneId, RunId};
use crate::tui::update::tests::{at, feed, finished, key, send, state_with, update, with_catalog};

/// The frame's row `n` (0 is the panes' top border).
fn row(state: &AppState, n: usize) -> String {
    frame(state).lines().nth(n).unwrap_or_default().to_string()
}

/// The panes' bottom border: where the figures are.
fn figures_row(state: &AppState) -> String {
    let rect = state.workspace.layout.panes[0];
    row(state, usize::from(rect.y + rect.height - 1))
}

fn attempting() -> StreamEvent {
    StreamEvent::Attempting {
        attempt: 1,
        model: "m".into(),
    }
}

fn rate_limited(delay_ms: u64) -> StreamEvent {
    StreamEvent::Retrying {
        attempt: 1,
        error: RouterError::new(ErrorKind::RateLimited, "rate limited (429)").with_status(429),
        delay_ms,
    }
}

/// A 429, 2 s of backoff, then an attempt whose first token took 252 ms.
fn retried(state: &mut AppState, run: (PaneId, RunId), t0: Instant) {
    let ms = |ms| t0 + Duration::from_millis(ms);
    feed(state, run, vec![attempting()], ms(0));
    feed(state, run, vec![rate_limited(2_000)], ms(300));
    feed(state, run, vec![attempting()], ms(2_300));
    feed(
        state,
        run,
        vec![StreamEvent::FirstToken { ttft_ms: 252 }],
        ms(2_552),
    );
}

#[test]
fn a_retried_answer_shows_the_wait_from_enter_beside_the_attempts_ttft() {
    let mut state = state_with(&["openai/gpt-4o"], (100, 16));
    let runs = send(&mut state, "Hi");
    let t0 = state.now.at;
    retried(&mut state, runs[0], t0);
    // Live: measured by message times.
    assert!(
        figures_row(&state).contains("wait 2.6s · ttft 252ms"),
        "{}",
        figures_row(&state)
    );
    // Finished: the router's own figures, exactly.
    let mut result = answer("openai/gpt-4o", "Hello!", "0.00002");
    result.ttft_ms = Some(252);
    result.start_ttft_ms = Some(2_552);
    result.attempts = Vec::new();
    let end = t0 + Duration::from_millis(3_000);
    update(&mut state, finished(runs[0].0, runs[0].1, result, end));
    let figures = figures_row(&state);
    assert!(figures.contains("wait 2.6s · ttft 252ms"), "{figures}");

    // Without a wait before it, ttft alone.
    let mut state = state_with(&["openai/gpt-4o"], (100, 16));
    let runs = send(&mut state, "Hi");
    let mut result = answer("openai/gpt-4o", "Hello!", "0.00002");
    result.start_ttft_ms = Some(430);
    let now = state.now.at;
    stream_answer(&mut state, runs[0], result, now);
    let figures = figures_row(&state);
    assert!(figures.contains("ttft 412ms"), "{figures}");
    assert!(!figures.contains("wait"), "{figures}");
}

#[test]
fn the_retry_countdown_counts_down_as_the_clock_ticks() {
    let mut state = state_with(&["openai/gpt-4o"], (100, 16));
    let runs = send(&mut state, "Hi");
    let t0 = state.now.at;
    feed(
        &mut state,
        runs[0],
        vec![attempting(), rate_limited(2_000)],
        t0,
    );
    assert!(
        row(&state, 0).contains("rate limited · retry in 2.0s"),
        "{}",
        row(&state, 0)
    );
    let mut shown = Vec::new();
    for ms in [1_000, 1_250, 1_900, 2_600] {
        state.ui.dirty = false;
        let tick = at(&state, Msg::Tick, t0 + Duration::from_millis(ms));
        update(&mut state, tick);
        assert!(state.ui.dirty, "a tick redraws while the pane waits");
        let title = row(&state, 0);
        let countdown = title
            .split("retry in ")
            .nth(1)
            .and_then(|rest| rest.split('s').next())
            .unwrap_or_default()
            .to_string();
        shown.push(countdown);
    }
    assert_eq!(shown, vec!["1.0", "0.8", "0.1", "0.0"]);
    // The retry goes: the countdown leaves the title.
    feed(
        &mut state,
        runs[0],
        vec![attempting()],
        t0 + Duration::from_millis(2_600),
    );
    assert!(!row(&state, 0).contains("retry in"), "{}", row(&state, 0));
}

#[test]
fn a_reasoning_model_shows_its_first_answer_token_beside_its_first_token() {
    let mut state = state_with(&["deepseek/deepseek-r1"], (100, 16));
    let runs = send(&mut state, "Why?");
    let t0 = state.now.at;
    let ms = |ms| t0 + Duration::from_millis(ms);
    feed(&mut state, runs[0], vec![attempting()], ms(0));
    feed(
        &mut state,
        runs[0],
        vec![
            StreamEvent::FirstToken { ttft_ms: 300 },
            StreamEvent::Reasoning("Let me think about it.".into()),
        ],
        ms(300),
    );
    feed(
        &mut state,
        runs[0],
        vec![
            StreamEvent::FirstAnswerToken { ms: 1_900 },
            StreamEvent::Content("Because.".into()),
        ],
        ms(1_900),
    );
    let figures = figures_row(&state);
    assert!(
        figures.contains("ttft 300ms · 1st answer 1.9s"),
        "{figures}"
    );
}

#[test]
fn live_tokens_and_rates_are_estimated_from_text_not_chunks() {
    // Both send 160 characters (~40 tokens) in the same second: one in
    // chunks of 4 tokens, the other of 1.
    let mut state = state_with(&["a/big-chunks", "b/small-chunks"], (120, 16));
    let runs = send(&mut state, "Go");
    let t0 = state.now.at;
    let ms = |ms| t0 + Duration::from_millis(ms);
    for &run in &runs {
        feed(
            &mut state,
            run,
            vec![attempting(), StreamEvent::FirstToken { ttft_ms: 100 }],
            ms(100),
        );
    }
    for step in 1..=10u64 {
        feed(
            &mut state,
            runs[0],
            vec![StreamEvent::Content("abcdefghijklmnop".into())],
            ms(100 + step * 100),
        );
        let small: Vec<StreamEvent> = (0..4)
            .map(|_| StreamEvent::Content("abcd".into()))
            .collect();
        feed(&mut state, runs[1], small, ms(100 + step * 100));
    }
    let figures = figures_row(&state);
    // (40 − 1) tokens over the 1 s since the first token, in both panes.
    assert_eq!(
        figures.matches("~39 tok/s · ~40 tok").count(),
        2,
        "{figures}"
    );
    // The server's count replaces the estimate, and the "~" goes.
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Usage {
            usage: Some(Usage {
                prompt_tokens: 3,
                completion_tokens: 52,
                total_tokens: 55,
                ..Usage::default()
            }),
            reported_cost_usd: None,
        }],
        ms(1_100),
    );
    let figures = figures_row(&state);
    assert!(figures.contains(" 51 tok/s · 52 tok"), "{figures}");
}

#[test]
fn the_footer_and_panes_never_show_an_unknown_cost_as_zero() {
    let mut state = state_with(&["openai/gpt-4o", "ollama:llama3.2:3b"], (120, 16));
    let runs = send(&mut state, "Hi");
    let t0 = state.now.at;
    stream_answer(
        &mut state,
        runs[0],
        answer("openai/gpt-4o", "Hello!", "0.0012"),
        t0,
    );
    // A local model: tokens, no price.
    let mut local = answer("llama3.2:3b", "Hi there!", "");
    local.cost_source = None;
    stream_answer(&mut state, runs[1], local, t0);
    let screen = frame(&state);
    assert!(
        screen.contains("turn $0.0012+ (1 unknown) · session $0.0012+ (1 unknown)"),
        "{screen}"
    );
    assert!(!screen.contains("$0 "), "{screen}");
    assert!(
        figures_row(&state).contains("42 tok · cost ?"),
        "{}",
        figures_row(&state)
    );
}

#[test]
fn details_show_tokens_for_every_answer_and_a_cancelled_one_takes_the_exact_record() {
    let mut state = state_with(&["openai/gpt-4o"], (100, 30));
    let runs = send(&mut state, "Hi");
    let t0 = state.now.at;
    let text = "Once upon a time there was a";
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Content(text.into())],
        t0,
    );
    let mut cancelled = RunResult::new("openai/gpt-4o");
    cancelled.text = text.into();
    cancelled.via = Some("openrouter".into());
    cancelled.generation_id = Some("gen-1".into());
    cancelled.error = Some(RouterError::new(ErrorKind::Cancelled, "cancelled"));
    let effects = update(&mut state, finished(runs[0].0, runs[0].1, cancelled, t0));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::FetchGeneration { id, .. } if id == "gen-1")),
        "{effects:?}"
    );
    let details = |state: &mut AppState| {
        update(state, key(KeyCode::Tab));
        update(state, key(KeyCode::Char('I')));
        let screen = frame(state);
        update(state, key(KeyCode::Esc));
        update(state, key(KeyCode::Char('i')));
        screen
    };
    // Before the record: the estimate, marked as one.
    let screen = details(&mut state);
    assert!(
        screen.contains("~7 out (estimated from the text: the server sent no count)"),
        "{screen}"
    );
    // OpenRouter's record of the cancelled generation: exact tokens and cost.
    let record = GenerationRecord {
        id: "gen-1".into(),
        total_cost_usd: Some(Decimal::new(9, 5)),
        provider_name: Some("OpenAI".into()),
        model: Some("openai/gpt-4o".into()),
        latency_ms: None,
        generation_time_ms: None,
        native_tokens_prompt: Some(8),
        native_tokens_completion: Some(9),
        native_tokens_reasoning: None,
        upstream_inference_cost_usd: None,
        is_byok: None,
        notes: Vec::new(),
    };
    update(
        &mut state,
        Msg::GenerationFetched {
            pane: runs[0].0,
            run: runs[0].1,
            record: Ok(record),
        },
    );
    let screen = details(&mut state);
    assert!(screen.contains("8 in → 9 out"), "{screen}");
    assert!(
        figures_row(&state).contains("9 tok · $0.00009"),
        "{}",
        figures_row(&state)
    );
}

#[test]
fn a_cut_short_answer_says_so_in_its_title() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (140, 16));
    let runs = send(&mut state, "Write a long story");
    let t0 = state.now.at;
    for (run, reason) in runs.into_iter().zip(["length", "content_filter"]) {
        let mut result = answer("m", "Once upon", "0.00002");
        result.finish_reason = Some(reason.into());
        feed(
            &mut state,
            run,
            vec![StreamEvent::Content("Once upon".into())],
            t0,
        );
        feed(
            &mut state,
            run,
            vec![StreamEvent::Finished {
                finish_reason: Some(reason.into()),
            }],
            t0,
        );
        update(&mut state, finished(run.0, run.1, result, t0));
    }
    let title = row(&state, 0);
    assert!(title.contains("done · cut: max tokens"), "{title}");
    assert!(title.contains("done · cut: content filter"), "{title}");
}

#[test]
fn a_fallback_pane_names_the_model_that_served() {
    let mut state = state_with(&["openai/gpt-4o"], (120, 16));
    state.workspace.panes[0].target = Target {
        label: "openai/gpt-4o,anthropic/claude-sonnet-4.5".into(),
        chain: vec![
            ModelRef::new("openrouter", "openai/gpt-4o"),
            ModelRef::new("openrouter", "anthropic/claude-sonnet-4.5"),
        ],
        router: None,
        upstream: None,
    };
    let runs = send(&mut state, "Hi");
    let now = state.now.at;
    stream_answer(
        &mut state,
        runs[0],
        answer("anthropic/claude-sonnet-4.5", "Hello!", "0.0001"),
        now,
    );
    let title = row(&state, 0);
    assert!(
        title.contains("→ anthropic/claude-sonnet-4.5 · done"),
        "{title}"
    );
}

#[test]
fn an_unknown_model_pane_suggests_the_closest_catalog_ids() {
    let mut state = state_with(&["anthropic/claude-sonet-4.5"], (140, 16));
    with_catalog(&mut state);
    let runs = send(&mut state, "Hi");
    let t0 = state.now.at;
    let error = RouterError::new(
        ErrorKind::UnknownModel,
        "anthropic/claude-sonet-4.5 is not a valid model ID",
    );
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Failed(error.clone())],
        t0,
    );
    let mut failed = RunResult::new("anthropic/claude-sonet-4.5");
    failed.error = Some(error);
    update(&mut state, finished(runs[0].0, runs[0].1, failed, t0));
    let screen = frame(&state);
    assert!(screen.contains("is not a valid model ID"), "{screen}");
    assert!(
        screen.contains("did you mean anthropic/claude-sonnet-4.5"),
        "{screen}"
    );
}

/// Titles and footers at a glance: a retried pane, a reasoning model cut
/// short, and an unpriced fallback pane.
#[test]
fn figures_in_titles_and_the_footer() {
    let mut state = state_with(
        &[
            "openai/gpt-4o",
            "deepseek/deepseek-r1",
            "openai/gpt-4o-mini",
        ],
        (200, 14),
    );
    state.workspace.panes[2].target = Target {
        label: "openai/gpt-4o-mini,ollama:llama3.2:3b".into(),
        chain: vec![
            ModelRef::new("openrouter", "openai/gpt-4o-mini"),
            ModelRef::new("ollama", "llama3.2:3b"),
        ],
        router: None,
        upstream: None,
    };
    let runs = send(&mut state, "Hi");
    let t0 = state.now.at;
    retried(&mut state, runs[0], t0);
    let mut first = answer("openai/gpt-4o", "Hello!", "0.0012");
    first.ttft_ms = Some(252);
    first.start_ttft_ms = Some(2_552);
    stream_answer(&mut state, runs[0], first, t0 + Duration::from_secs(3));
    let mut reasoning = answer("deepseek/deepseek-r1", "Because", "0.0004");
    reasoning.ttft_ms = Some(300);
    reasoning.first_answer_ms = Some(1_900);
    reasoning.finish_reason = Some("length".into());
    stream_answer(&mut state, runs[1], reasoning, t0 + Duration::from_secs(3));
    let mut local = answer("llama3.2:3b", "Hi there!", "");
    local.cost_source = None;
    stream_answer(&mut state, runs[2], local, t0 + Duration::from_secs(3));
    assert_snapshot!(frame(&state));
}
