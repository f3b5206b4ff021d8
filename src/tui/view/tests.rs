//! Snapshots of whole frames (monochrome, so the snapshots show text and
//! layout; colours are the theme's job). Time comes from fixed instants, so
//! elapsed timers are stable.

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;

use crate::router::events::{RunResult, StreamEvent};
use crate::router::usage::Usage;
use crate::router::{CostSource, ErrorKind, RouterError};
use crate::tui::msg::Msg;
use crate::tui::state::{AppState, PaneId, RunId};
use crate::tui::update::tests::{
    ctrl, feed, finished, key, send, state_with, type_text, update, with_catalog,
};

pub(super) fn frame(state: &AppState) -> String {
    let (width, height) = state.workspace.size;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| super::draw(frame, state))
        .expect("draw");
    terminal.backend().to_string()
}

pub(super) fn answer(model: &str, text: &str, cost: &str) -> RunResult {
    let mut result = RunResult::new(model);
    result.text = text.into();
    result.served_model = Some(model.into());
    result.provider = Some("Prov".into());
    result.finish_reason = Some("stop".into());
    result.usage = Some(Usage {
        prompt_tokens: 14,
        completion_tokens: 42,
        total_tokens: 56,
        ..Usage::default()
    });
    result.cost_usd = cost.parse::<Decimal>().ok();
    result.cost_source = Some(CostSource::Reported);
    result.ttft_ms = Some(412);
    result.total_ms = Some(1650);
    result.tokens_per_s = Some(33.1);
    result
}

/// Streams `result`'s text to a run, finishes the stream, then the run with `result`.
pub(super) fn stream_answer(
    state: &mut AppState,
    run: (PaneId, RunId),
    result: RunResult,
    at: Instant,
) {
    let events = vec![
        StreamEvent::Content(result.text.clone()),
        StreamEvent::Finished {
            finish_reason: Some("stop".into()),
        },
    ];
    feed(state, run, events, at);
    update(state, finished(run.0, run.1, result, at));
}

#[test]
fn empty_start() {
    let mut state = state_with(&["openai/gpt-4o", "anthropic/claude-sonnet-4.5"], (80, 24));
    with_catalog(&mut state);
    assert_snapshot!(frame(&state));
}

#[test]
fn three_panes_streaming() {
    let mut state = state_with(
        &[
            "openai/gpt-4o",
            "openai/gpt-4o-mini",
            "anthropic/claude-sonnet-4.5",
        ],
        (160, 48),
    );
    with_catalog(&mut state);
    let runs = send(&mut state, "Explain backpressure in two short paragraphs.");
    // Enter was pressed at the state's time: the first tokens come at their ttft.
    let t0 = state.now.at;
    let at = |ms: u64| t0 + Duration::from_millis(ms);
    for &run in &runs {
        feed(
            &mut state,
            run,
            vec![StreamEvent::Attempting {
                attempt: 1,
                model: "m".into(),
            }],
            at(0),
        );
    }
    let first = |ttft_ms| vec![StreamEvent::FirstToken { ttft_ms }];
    feed(&mut state, runs[0], first(380), at(380));
    feed(&mut state, runs[1], first(210), at(210));
    feed(&mut state, runs[2], first(600), at(600));
    feed(
        &mut state,
        runs[0],
        vec![
            StreamEvent::Started { served_model: "openai/gpt-4o".into(), provider: "OpenAI".into() },
            StreamEvent::Content("## Backpressure\n\nWhen a **consumer** is slower than its producer, the producer must *wait*:\n\n- bounded queues\n- `send().await`\n".into()),
        ],
        at(900),
    );
    feed(
        &mut state,
        runs[1],
        vec![StreamEvent::Content(
            "Backpressure is how a slow reader tells a fast writer to slow down.".into(),
        )],
        at(900),
    );
    feed(
        &mut state,
        runs[2],
        vec![StreamEvent::Reasoning(
            "The user wants two paragraphs. Start with the idea,".into(),
        )],
        at(900),
    );
    let tick = crate::tui::update::tests::at(&state, Msg::Tick, at(1000));
    update(&mut state, tick);
    assert_snapshot!(frame(&state));
}

#[test]
fn one_pane_failed() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (80, 24));
    with_catalog(&mut state);
    let runs = send(&mut state, "Hi");
    let t0 = Instant::now();
    let error = RouterError::new(
        ErrorKind::InsufficientCredits,
        "insufficient credits on openrouter (402): add credits at openrouter.ai/credits",
    )
    .with_status(402);
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Failed(error.clone())],
        t0,
    );
    let mut failed = RunResult::new("openai/gpt-4o");
    failed.error = Some(error);
    update(&mut state, finished(runs[0].0, runs[0].1, failed, t0));
    stream_answer(
        &mut state,
        runs[1],
        answer("openai/gpt-4o-mini", "Hello! How can I help?", "0.0000273"),
        t0,
    );
    assert_snapshot!(frame(&state));
}

#[test]
fn zoomed_pane() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (80, 24));
    let runs = send(&mut state, "List three colours");
    let t0 = Instant::now();
    stream_answer(
        &mut state,
        runs[1],
        answer(
            "openai/gpt-4o-mini",
            "1. red\n2. green\n3. blue\n",
            "0.00002",
        ),
        t0,
    );
    update(
        &mut state,
        Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('2'),
            crossterm::event::KeyModifiers::ALT,
        )),
    );
    update(&mut state, key(KeyCode::Char('z')));
    assert_snapshot!(frame(&state));
}

#[test]
fn picker_with_a_search() {
    let mut state = state_with(&["openai/gpt-4o"], (100, 30));
    with_catalog(&mut state);
    update(&mut state, ctrl('p'));
    for c in "gpt".chars() {
        update(&mut state, key(KeyCode::Char(c)));
    }
    assert_snapshot!(frame(&state));
}

#[test]
fn help_overlay() {
    let mut state = state_with(&["openai/gpt-4o"], (100, 60));
    update(&mut state, key(KeyCode::F(1)));
    assert_snapshot!(frame(&state));
}

#[test]
fn tiny_terminal() {
    let state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (36, 10));
    assert_snapshot!(frame(&state));
}

#[test]
fn typing_shows_the_input_cost_estimate() {
    let mut state = state_with(
        &["openai/gpt-4o", "meta-llama/llama-3.1-8b-instruct:free"],
        (80, 24),
    );
    with_catalog(&mut state);
    type_text(&mut state, "How many r's are in strawberry?");
    assert_snapshot!(frame(&state));
}

#[test]
fn blind_session_hides_names_and_costs() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (80, 24));
    with_catalog(&mut state);
    // The shuffle comes from the state's seeded generator: the same every run.
    crate::tui::update::start_session(&mut state, true);
    let runs = send(&mut state, "Hi");
    let t0 = Instant::now();
    for &run in &runs {
        stream_answer(&mut state, run, answer("m", "Hello!", "0.00002"), t0);
    }
    update(&mut state, ctrl('v'));
    assert_snapshot!(frame(&state));
}

#[test]
fn session_browser() {
    let mut state = state_with(&["openai/gpt-4o"], (100, 20));
    update(&mut state, ctrl('o'));
    let mut first = crate::session::Session::new("20261124-101500-1a2b".into(), 1_795_515_300);
    first.name = Some("SQL window functions".into());
    let mut second = crate::session::Session::new("20261123-090000-3c4d".into(), 1_795_424_400);
    second.blind = true;
    update(
        &mut state,
        Msg::SessionsListed {
            items: vec![first.summary(), second.summary()],
            texts: vec![],
            problems: vec![],
        },
    );
    assert_snapshot!(frame(&state));
}

#[test]
fn word_diff_overlay() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (80, 20));
    let runs = send(&mut state, "Describe a fox");
    let t0 = Instant::now();
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Content(
            "The quick brown fox jumps over the lazy dog.".into(),
        )],
        t0,
    );
    feed(
        &mut state,
        runs[1],
        vec![StreamEvent::Content(
            "The slow brown fox walks over the lazy dog.".into(),
        )],
        t0,
    );
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('D')));
    assert_snapshot!(frame(&state));
}

#[test]
fn parameters_form() {
    let mut state = state_with(&["openai/gpt-4o"], (100, 30));
    state.settings.params.temperature = Some(0.3);
    state.settings.params.prefs.only = vec!["openai".into(), "azure".into()];
    update(&mut state, ctrl('s'));
    assert_snapshot!(frame(&state));
}

#[test]
fn leaderboard() {
    let mut state = state_with(&["openai/gpt-4o"], (140, 20));
    update(&mut state, ctrl('l'));
    let sessions = [crate::session::fixtures::sample()];
    let boards = crate::tui::state::LeaderboardView::compute_boards(&sessions);
    let problem = crate::session::StoreError::Corrupt {
        path: "/home/u/.local/share/prism/sessions/broken.json".into(),
        detail: "expected value at line 1 column 1".into(),
    };
    update(
        &mut state,
        Msg::LeaderboardLoaded {
            boards,
            problems: vec![problem],
        },
    );
    assert_snapshot!(frame(&state));
}

#[test]
fn naming_the_session() {
    let mut state = state_with(&["openai/gpt-4o"], (80, 24));
    update(&mut state, key(KeyCode::F(2)));
    type_text(&mut state, "SQL window functions");
    assert_snapshot!(frame(&state));
}

#[test]
fn details_of_an_answer() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (100, 30));
    with_catalog(&mut state);
    let runs = send(&mut state, "Hi");
    let mut result = answer("openai/gpt-4o", "Hello!", "0.0000273");
    result.via = Some("openrouter".into());
    result.request = Some(serde_json::json!({
        "model": "openai/gpt-4o",
        "messages": 1,
        "stream": true,
        "provider": {"sort": "throughput"}
    }));
    stream_answer(&mut state, runs[0], result, Instant::now());
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('I')));
    assert_snapshot!(frame(&state));
}

#[test]
fn a_pane_queued_by_pacing_and_one_waiting_to_retry() {
    let mut state = state_with(
        &["meta-llama/llama-3.3-70b-instruct:free", "openai/gpt-4o"],
        (160, 16),
    );
    let runs = send(&mut state, "Hi");
    let t0 = Instant::now();
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Queued { wait_ms: 12_000 }],
        t0,
    );
    let error = RouterError::new(
        ErrorKind::RateLimited,
        "rate limited by openrouter (429): slow down",
    )
    .with_status(429);
    feed(
        &mut state,
        runs[1],
        vec![
            StreamEvent::Attempting {
                attempt: 1,
                model: "openai/gpt-4o".into(),
            },
            StreamEvent::Retrying {
                attempt: 1,
                error,
                delay_ms: 2_000,
            },
        ],
        t0,
    );
    let tick = crate::tui::update::tests::at(&state, Msg::Tick, t0 + Duration::from_millis(1_200));
    update(&mut state, tick);
    assert_snapshot!(frame(&state));
}

#[test]
fn choosing_the_pane_to_diff_against() {
    let mut state = state_with(
        &[
            "openai/gpt-4o",
            "openai/gpt-4o-mini",
            "anthropic/claude-sonnet-4.5",
        ],
        (100, 16),
    );
    answer_all(&mut state);
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('D')));
    assert_snapshot!(frame(&state));
}

#[test]
fn voting_names_the_turn_and_the_panes() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (90, 16));
    answer_all(&mut state);
    update(&mut state, ctrl('v'));
    assert_snapshot!(frame(&state));
}

#[test]
fn credit_and_privacy_in_the_footer() {
    let mut state = state_with(&["openai/gpt-4o", "openai/gpt-4o-mini"], (120, 16));
    with_catalog(&mut state);
    update(&mut state, key(KeyCode::F(3)));
    update(
        &mut state,
        Msg::KeyFetched(Ok(crate::router::account::KeyInfo {
            label: None,
            limit_usd: Some(Decimal::new(10, 0)),
            limit_remaining_usd: Some(Decimal::new(421, 2)),
            usage_usd: None,
            is_free_tier: Some(false),
            rate_limit: None,
            notes: Vec::new(),
        })),
    );
    answer_all(&mut state);
    assert_snapshot!(frame(&state));
}

/// Sends "Hi" and has every pane answer "Hello!" as its own model.
fn answer_all(state: &mut AppState) {
    let runs = send(state, "Hi");
    let models: Vec<String> = state
        .workspace
        .panes
        .iter()
        .map(|p| p.target.label.clone())
        .collect();
    for (run, model) in runs.into_iter().zip(models) {
        stream_answer(
            state,
            run,
            answer(&model, "Hello!", "0.00002"),
            Instant::now(),
        );
    }
}
