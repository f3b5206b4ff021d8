//! Reducer tests of what is kept: session records, saves while streaming,
//! votes, blind mode, reopening a session, and the overlays that use them.

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use pretty_assertions::assert_eq;

use super::tests::{ctrl, feed, finished, key, send, state_with, type_text, update};
use super::*;
use crate::router::events::{RunResult, StreamEvent};
use crate::router::{ChatMessage, ErrorKind, RouterError};
use crate::session::{Session, Verdict};
use crate::tui::msg::{Effect, Msg};
use crate::tui::state::{Overlay, PaneStatus};

pub(super) fn saved(effects: &[Effect]) -> Vec<Session> {
    effects
        .iter()
        .filter_map(|e| {
            let Effect::SaveSession(session) = e else {
                return None;
            };
            Some((**session).clone())
        })
        .collect()
}

fn answered(model: &str, text: &str) -> RunResult {
    let mut result = RunResult::new(model);
    result.text = text.into();
    result.finish_reason = Some("stop".into());
    result
}

#[test]
fn a_turn_is_saved_as_it_starts_streams_and_ends() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    type_text(&mut state, "Q");
    let effects = update(&mut state, key(KeyCode::Enter));
    let first = saved(&effects);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].turns.len(), 1);
    assert_eq!(first[0].turns[0].prompt, "Q");
    assert_eq!(
        first[0]
            .columns
            .iter()
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>(),
        ["a/model", "b/model"]
    );
    let runs = super::tests::runs_of(&effects);

    // While streaming: at most one save per half second of message time,
    // counted from the save of the turn as it started.
    let t0 = state.now.at;
    let at = |ms: u64| t0 + Duration::from_millis(ms);
    let mut saves = Vec::new();
    for ms in [0, 100, 200, 300, 400, 550, 700, 1200] {
        saves.extend(saved(&feed(
            &mut state,
            runs[0],
            vec![StreamEvent::Content("x".into())],
            at(ms),
        )));
    }
    assert_eq!(saves.len(), 2, "saves at 550 and 1200 ms");
    let last = saves.last().expect("a save");
    let live = &last.turns[0].answers;
    assert_eq!(live.len(), 2, "both live answers are in the snapshot");
    assert_eq!(live[0].result.text, "xxxxxxxx");
    assert!(!live[0].complete);

    let effects = update(
        &mut state,
        finished(
            runs[0].0,
            runs[0].1,
            answered("a/model", "xxxxxxxx"),
            at(1300),
        ),
    );
    let end = saved(&effects);
    assert_eq!(end.len(), 1, "a finished answer is saved at once");
    let answer = end[0].turns[0]
        .answers
        .iter()
        .find(|a| a.column == runs[0].0.0)
        .expect("answer");
    assert!(answer.complete);
    assert_eq!(answer.result.finish_reason.as_deref(), Some("stop"));
}

#[test]
fn quitting_saves_the_latest_state_first() {
    let mut state = state_with(&["a/model"], (120, 40));
    let runs = send(&mut state, "Q");
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Content("partial".into())],
        Instant::now(),
    );
    let effects = update(&mut state, ctrl('c'));
    assert!(matches!(effects.last(), Some(Effect::Quit)));
    let snapshot = saved(&effects);
    assert_eq!(snapshot.len(), 1);
    assert_eq!(snapshot[0].turns[0].answers[0].result.text, "partial");
    assert!(!snapshot[0].turns[0].answers[0].complete);
}

#[test]
fn an_empty_session_is_never_written() {
    let mut state = state_with(&["a/model"], (120, 40));
    assert!(saved(&update(&mut state, ctrl('c'))).is_empty());
}

#[test]
fn votes_are_recorded_and_saved() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    assert!(update(&mut state, ctrl('v')).is_empty());
    assert!(state.ui.overlay.is_none(), "nothing to vote on yet");
    let runs = send(&mut state, "Q");
    for (pane, run) in &runs {
        update(
            &mut state,
            finished(*pane, *run, answered("m", "A"), Instant::now()),
        );
    }
    update(&mut state, ctrl('v'));
    assert!(matches!(state.ui.overlay, Some(Overlay::Vote)));
    let effects = update(&mut state, key(KeyCode::Char('2')));
    let session = saved(&effects).pop().expect("saved");
    let vote = session.turns[0].vote.as_ref().expect("vote");
    assert_eq!(vote.verdict, Verdict::Best { column: 1 });
    assert!(!vote.blind);
    assert!(
        state
            .ui
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("b/model is best"))
    );

    update(&mut state, ctrl('v'));
    update(&mut state, key(KeyCode::Char('t')));
    assert_eq!(
        state.record.session.turns[0]
            .vote
            .as_ref()
            .map(|v| v.verdict),
        Some(Verdict::Tie),
        "a vote can be changed"
    );
}

/// The reducer's clock is the messages' clock: after an idle hour (no
/// stream, so no tick) a vote, a new turn and a new session carry the time
/// they happened, not the time of the last tick.
#[test]
fn after_an_idle_hour_a_vote_records_the_time_it_was_cast() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    let runs = send(&mut state, "Q");
    let done_at = state.now.at;
    for (pane, run) in &runs {
        update(
            &mut state,
            finished(*pane, *run, answered("m", "A"), done_at),
        );
    }
    let sent_at = state.record.session.turns[0].started_at_unix;
    assert_eq!(sent_at, super::tests::START_UNIX);

    let hour = Duration::from_secs(3600);
    let later = super::tests::after(&state, hour, ctrl('v'));
    update(&mut state, later);
    let vote_key = super::tests::after(&state, Duration::from_secs(2), key(KeyCode::Char('1')));
    let saves = saved(&update(&mut state, vote_key));
    let vote = state.record.session.turns[0].vote.clone().expect("voted");
    assert_eq!(vote.at_unix, sent_at + 3602);
    assert_eq!(
        saves[0].updated_at_unix,
        sent_at + 3602,
        "and the save says so"
    );

    type_text(&mut state, "Q2");
    let enter = super::tests::after(&state, hour, key(KeyCode::Enter));
    update(&mut state, enter);
    assert_eq!(
        state.record.session.turns[1].started_at_unix,
        sent_at + 3602 + 3600
    );
    let new_chat = super::tests::after(&state, hour, ctrl('n'));
    update(&mut state, new_chat);
    assert_eq!(state.record.session.created_at_unix, sent_at + 3602 + 7200);
    assert!(
        state.record.session.id.starts_with("20260819-0300"),
        "{}",
        state.record.session.id
    );
}

#[test]
fn blind_sessions_hide_names_until_the_vote() {
    let mut state = state_with(&["a/model", "b/model", "c/model"], (120, 40));
    update(&mut state, ctrl('b'));
    assert!(state.record.session.blind);
    let mut labels: Vec<String> = state
        .workspace
        .panes
        .iter()
        .map(|p| state.pane_label(p))
        .collect();
    labels.sort();
    assert_eq!(labels, ["Model A", "Model B", "Model C"]);
    assert!(state.hidden());

    let runs = send(&mut state, "Q");
    for (pane, run) in &runs {
        update(
            &mut state,
            finished(*pane, *run, answered("m", "A"), Instant::now()),
        );
    }
    update(&mut state, ctrl('v'));
    let effects = update(&mut state, key(KeyCode::Char('1')));
    let session = saved(&effects).pop().expect("saved");
    assert!(session.revealed);
    assert!(session.turns[0].vote.as_ref().expect("vote").blind);
    assert!(!state.hidden());
    assert_eq!(
        state.pane_label(&state.workspace.panes[0]),
        "a/model",
        "names are revealed in place"
    );

    // Toggling after turns starts a new session with the same panes.
    let old_id = state.record.session.id.clone();
    update(&mut state, ctrl('b'));
    assert_ne!(state.record.session.id, old_id);
    assert!(!state.record.session.blind);
    assert_eq!(state.workspace.panes.len(), 3);
    assert!(state.workspace.panes.iter().all(|p| p.document.is_empty()));
}

#[test]
fn a_saved_session_reopens_ready_to_continue() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    let runs = send(&mut state, "First?");
    update(
        &mut state,
        finished(
            runs[0].0,
            runs[0].1,
            answered("a/model", "One."),
            Instant::now(),
        ),
    );
    let mut failed = RunResult::new("b/model");
    failed.error = Some(RouterError::new(ErrorKind::ServerError, "b failed (502)"));
    update(
        &mut state,
        finished(runs[1].0, runs[1].1, failed, Instant::now()),
    );
    let saved_session = record::snapshot(&state);

    let mut fresh = state_with(&["z/other"], (120, 40));
    update(
        &mut fresh,
        Msg::SessionOpened(Ok(Box::new(saved_session.clone()))),
    );
    assert_eq!(fresh.record.session.id, saved_session.id);
    let labels: Vec<&str> = fresh
        .workspace
        .panes
        .iter()
        .map(|p| p.target.label.as_str())
        .collect();
    assert_eq!(labels, ["a/model", "b/model"]);
    assert_eq!(
        fresh.workspace.panes[0].history(),
        vec![ChatMessage::user("First?"), ChatMessage::assistant("One.")]
    );
    assert_eq!(fresh.workspace.panes[0].status, PaneStatus::Done);
    assert_eq!(fresh.workspace.panes[1].status, PaneStatus::Failed);
    assert!(fresh.workspace.panes[1].history().is_empty());
    assert_eq!(fresh.record.turns(), 1);

    // The next prompt continues pane 1's conversation, in a new turn.
    type_text(&mut fresh, "Second?");
    let effects = update(&mut fresh, key(KeyCode::Enter));
    let Some(Effect::StartRun { messages, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(messages.len(), 3);
    assert_eq!(fresh.record.session.turns.len(), 2);
}

#[test]
fn an_interrupted_answer_reopens_as_interrupted() {
    let mut state = state_with(&["a/model"], (120, 40));
    let runs = send(&mut state, "Q");
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Content("half".into())],
        Instant::now(),
    );
    let snapshot = record::snapshot(&state);
    let mut fresh = state_with(&["a/model"], (120, 40));
    update(&mut fresh, Msg::SessionOpened(Ok(Box::new(snapshot))));
    assert_eq!(fresh.workspace.panes[0].status, PaneStatus::Cancelled);
    assert!(
        fresh
            .ui
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("interrupted"))
    );
    assert_eq!(
        fresh.workspace.panes[0].history().len(),
        2,
        "the partial answer is kept"
    );
}

#[test]
fn the_session_browser_lists_opens_and_deletes() {
    let mut state = state_with(&["a/model"], (120, 40));
    send(&mut state, "Q");
    let effects = update(&mut state, ctrl('o'));
    assert!(matches!(effects.last(), Some(Effect::ListSessions)));
    assert!(matches!(state.ui.overlay, Some(Overlay::Sessions(_))));
    let other =
        crate::session::Session::new("20260101-000000-abcd".into(), 1_767_225_600).summary();
    update(
        &mut state,
        Msg::SessionsListed {
            items: vec![other],
            texts: vec![],
            problems: vec![crate::session::StoreError::Corrupt {
                path: "x.json".into(),
                detail: "not JSON".into(),
            }],
        },
    );
    let effects = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::OpenSession("20260101-000000-abcd".into())]
    );

    update(&mut state, ctrl('o'));
    update(
        &mut state,
        Msg::SessionsListed {
            items: vec![crate::session::Session::new("20260101-000000-abcd".into(), 0).summary()],
            texts: vec![],
            problems: vec![],
        },
    );
    update(&mut state, ctrl('d'));
    let effects = update(&mut state, key(KeyCode::Char('y')));
    assert!(effects.contains(&Effect::DeleteSession("20260101-000000-abcd".into())));
    assert!(effects.contains(&Effect::ListSessions));
}

/// Blind labels and session ids come from the state's generator, seeded by
/// the runtime: the same seed gives the same ones, another seed others.
#[test]
fn the_seed_decides_blind_labels_and_session_ids() {
    let blind_state = |seed: u64| {
        let mut startup = super::tests::startup(
            super::tests::providers(true),
            &["a/1", "b/2", "c/3"],
            (120, 40),
        );
        startup.seed = seed;
        let mut state = new_state(startup);
        start_session(&mut state, true);
        let labels: Vec<Option<String>> = state
            .record
            .session
            .columns
            .iter()
            .map(|c| c.blind_label.clone())
            .collect();
        (state.record.session.id.clone(), labels)
    };
    assert_eq!(blind_state(7), blind_state(7));
    let seeds: Vec<_> = (0..8).map(blind_state).collect();
    assert!(
        seeds.iter().any(|other| other.0 != seeds[0].0),
        "ids vary with the seed"
    );
    assert!(
        seeds.iter().any(|other| other.1 != seeds[0].1),
        "labels vary with the seed"
    );
}
