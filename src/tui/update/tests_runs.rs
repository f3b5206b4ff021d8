//! Reducer tests of runs: events folding into panes, failures, stale
//! runs, conversations, cancelling and retrying.

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use pretty_assertions::assert_eq;
use rust_decimal::Decimal;

use super::tests::*;
use crate::router::events::{RunResult, StreamEvent};
use crate::router::{ChatMessage, ErrorKind, RouterError};
use crate::tui::document::BlockKind;
use crate::tui::msg::Effect;
use crate::tui::state::{Focus, PaneId, PaneStatus, RunId};

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
    assert_eq!(state.workspace.panes[0].status, PaneStatus::Waiting);
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
    assert_eq!(state.workspace.panes[0].status, PaneStatus::Thinking);
    feed(
        &mut state,
        (pane, run),
        vec![StreamEvent::Content("Because.".into())],
        t0 + Duration::from_millis(400),
    );
    assert_eq!(state.workspace.panes[0].status, PaneStatus::Streaming);
    assert_eq!(
        state.workspace.panes[1].status,
        PaneStatus::Queued,
        "the other pane is untouched"
    );
    let pane_state = &state.workspace.panes[0];
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
    assert_eq!(state.workspace.panes[0].status, PaneStatus::Done);
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
        state.workspace.panes[0].history(),
        vec![
            ChatMessage::user("Why?"),
            ChatMessage::assistant("Because.")
        ]
    );
    assert_eq!(
        state.record.totals().session.exact_usd(),
        Some(Decimal::new(12, 4))
    );
    assert_eq!(
        state.record.totals().turn.exact_usd(),
        Some(Decimal::new(12, 4))
    );
    assert_eq!(state.record.totals().session_tokens, 15);
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
    assert_eq!(state.workspace.panes[0].status, PaneStatus::Failed);
    assert_eq!(
        state.workspace.panes[0].error_kind(),
        Some(ErrorKind::RateLimited)
    );
    let blocks: Vec<_> = state.workspace.panes[0].document.blocks().collect();
    let last = *blocks.last().expect("blocks");
    assert_eq!(
        state.workspace.panes[0].document.kind(last),
        BlockKind::Error
    );
    assert_eq!(
        state.workspace.panes[0].document.text(last),
        "✗ rate limited by openrouter (429): slow down"
    );
    assert_eq!(state.workspace.panes[1].status, PaneStatus::Streaming);

    // The failed turn with partial text still joins the conversation.
    let mut failed = RunResult::new("a/model");
    failed.text = "partial".into();
    failed.error = Some(error);
    update(&mut state, finished(runs[0].0, runs[0].1, failed, t0));
    assert_eq!(state.workspace.panes[0].history().len(), 2);
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
    assert_eq!(state.workspace.panes[0].status, PaneStatus::Queued);
    assert!(
        state.workspace.panes[0]
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
    assert_ne!(state.record.totals().session.label(), "$0");
}

#[test]
fn cancel_retry_and_new_conversation() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    let t0 = Instant::now();
    let runs = send(&mut state, "Q");
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(state.workspace.focus, Focus::Pane(0));
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
    assert_eq!(state.workspace.panes[0].status, PaneStatus::Cancelled);
    assert!(
        state.workspace.panes[0].history().is_empty(),
        "no answer, no history"
    );

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
            .workspace
            .panes
            .iter()
            .all(|p| p.document.is_empty() && p.history().is_empty())
    );
    assert!(
        state
            .workspace
            .panes
            .iter()
            .all(|p| p.status == PaneStatus::Idle)
    );
}
