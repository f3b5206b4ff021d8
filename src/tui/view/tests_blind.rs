//! Blind mode, through the reducer and on screen: each round seats the
//! panes afresh, every per-pane tell stays hidden until the vote, no view
//! gives the seating away, a vote records where each model sat, and one key
//! starts the next round.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use pretty_assertions::assert_eq;

use super::tests::{answer, frame, stream_answer};
use crate::router::events::{RunResult, StreamEvent};
use crate::router::{ErrorKind, ModelRef, RouterError, Target};
use crate::session::Verdict;
use crate::tui::msg::Msg;
use crate::tui::picker::{PickerAction, PickerOutcome};
use crate::tui::state::{AppState, Overlay, PaneId, RunId};
use crate::tui::update::tests::{
    ctrl, feed, finished, key, send, state_with, type_text, update, with_catalog,
};

const MODELS: [&str; 3] = [
    "openai/gpt-4o",
    "anthropic/claude-sonnet-4.5",
    "meta-llama/llama-3.1-8b-instruct:free",
];

/// Words that would tell a blind pane's model: ids and their parts, the
/// fallback chain's, the pane's own settings.
const TELLS: [&str; 8] = [
    "gpt",
    "openai",
    "claude",
    "anthropic",
    "llama",
    "gemini",
    "google",
    "temp 1.5",
];

fn labels(state: &AppState) -> Vec<String> {
    state
        .workspace
        .panes
        .iter()
        .map(|p| p.target.label.clone())
        .collect()
}

fn shown_names(state: &AppState) -> Vec<String> {
    state
        .workspace
        .panes
        .iter()
        .map(|p| state.pane_label(p))
        .collect()
}

/// A blind workbench of the three models (the last one a fallback chain,
/// the first with its own temperature), catalog loaded.
fn blind_state() -> AppState {
    let mut state = state_with(&MODELS, (160, 40));
    with_catalog(&mut state);
    state.workspace.panes[0].params.temperature = Some(1.5);
    state.workspace.panes[2].target = Target {
        label: "meta-llama/llama-3.1-8b-instruct:free,google/gemini-2.5-flash".into(),
        chain: vec![
            ModelRef::new("openrouter", "meta-llama/llama-3.1-8b-instruct:free"),
            ModelRef::new("openrouter", "google/gemini-2.5-flash"),
        ],
        router: None,
        upstream: None,
    };
    update(&mut state, ctrl('b'));
    state
}

/// Every pane answers (one fails with a message naming its model, one
/// served by its fallback, one with a note); `I` and the figures have
/// something to show.
fn answer_blind(state: &mut AppState) -> Vec<(PaneId, RunId)> {
    let runs = send(state, "Which is best?");
    let t0 = Instant::now();
    for (index, &run) in runs.iter().enumerate() {
        let label = state.workspace.panes[index].target.label.clone();
        if label.starts_with("anthropic") {
            let error = RouterError::new(
                ErrorKind::UnknownModel,
                "anthropic/claude-sonnet-4.5 is not a valid model ID",
            );
            feed(state, run, vec![StreamEvent::Failed(error.clone())], t0);
            let mut failed = RunResult::new(label);
            failed.error = Some(error);
            update(state, finished(run.0, run.1, failed, t0));
        } else {
            let served = label.split(',').next_back().unwrap_or(&label).to_string();
            feed(
                state,
                run,
                vec![StreamEvent::Note(format!("{served}: cost -1 is negative"))],
                t0,
            );
            stream_answer(state, run, answer(&served, "An answer.", "0.0004"), t0);
        }
    }
    runs
}

fn assert_no_tells(what: &str, screen: &str) {
    // (the parameter form's examples name upstreams, not the panes')
    let screen = screen.replace("e.g. openai, azure", "");
    for tell in TELLS {
        assert!(
            !screen.contains(tell),
            "{what} shows {tell:?} while blind:\n{screen}"
        );
    }
}

#[test]
fn each_blind_round_seats_the_models_afresh_and_letters_them_left_to_right() {
    let mut state = state_with(&MODELS, (160, 40));
    let mut seatings = Vec::new();
    update(&mut state, ctrl('b'));
    for _ in 0..8 {
        let mut seating = labels(&state);
        assert_eq!(shown_names(&state), vec!["Model A", "Model B", "Model C"]);
        seatings.push(seating.clone());
        seating.sort();
        let mut models = MODELS.map(String::from).to_vec();
        models.sort();
        assert_eq!(seating, models, "the same models each round");
        // A round voted on, then the next one with one key.
        send(&mut state, "Hi");
        let runs: Vec<_> = state
            .workspace
            .panes
            .iter()
            .map(|p| (p.id, p.run.as_ref().expect("run").id))
            .collect();
        for run in runs {
            let label = state
                .workspace
                .pane_index(run.0)
                .map(|i| state.workspace.panes[i].target.label.clone())
                .unwrap_or_default();
            stream_answer(
                &mut state,
                run,
                answer(&label, "Hi!", "0.0001"),
                Instant::now(),
            );
        }
        update(&mut state, ctrl('v'));
        update(&mut state, key(KeyCode::Char('1')));
        assert!(!state.hidden(), "the vote reveals the names");
        let before = state.record.session.id.clone();
        update(&mut state, ctrl('r'));
        assert!(state.hidden(), "the next round is blind again");
        assert_ne!(state.record.session.id, before, "as a new session");
        assert!(state.record.session.turns.is_empty());
    }
    let distinct: std::collections::BTreeSet<_> = seatings.iter().collect();
    assert!(distinct.len() >= 3, "{seatings:?}");
    assert!(
        seatings.iter().any(|s| s[0] != MODELS[0]),
        "the first -m is not always on the left: {seatings:?}"
    );
}

#[test]
fn the_next_round_key_waits_for_the_vote() {
    let mut state = blind_state();
    answer_blind(&mut state);
    let before = state.record.session.clone();
    update(&mut state, ctrl('r'));
    assert_eq!(state.record.session, before, "an unvoted round is kept");
    let notice = state.ui.notice.clone().expect("a notice").text;
    assert!(notice.contains("vote on this round first"), "{notice}");
    update(&mut state, ctrl('v'));
    update(&mut state, key(KeyCode::Char('t')));
    let notice = state.ui.notice.clone().expect("a notice").text;
    assert!(notice.contains("Ctrl+R: next blind round"), "{notice}");
}

#[test]
fn a_vote_records_where_each_model_sat() {
    let mut state = blind_state();
    answer_blind(&mut state);
    let seats: Vec<u64> = state.workspace.panes.iter().map(|p| p.id.0).collect();
    update(&mut state, ctrl('v'));
    update(&mut state, key(KeyCode::Char('2')));
    let vote = state.record.session.turns[0].vote.clone().expect("a vote");
    assert_eq!(vote.shown_order, seats);
    assert_eq!(
        vote.verdict,
        Verdict::Best {
            column: state.workspace.panes[1].id.0
        }
    );
    assert!(vote.blind);
}

#[test]
fn no_view_gives_a_blind_pane_away_before_the_vote() {
    let mut state = blind_state();
    answer_blind(&mut state);
    assert_no_tells("the workbench", &frame(&state));
    for index in 0..3u8 {
        let focus = || {
            Msg::Key(KeyEvent::new(
                KeyCode::Char(char::from(b'1' + index)),
                KeyModifiers::ALT,
            ))
        };
        for (c, what) in [
            ('I', "the details view"),
            ('D', "the diff"),
            ('s', "a pane's settings"),
            ('F', "a pane's fallback chain"),
        ] {
            update(&mut state, focus());
            update(&mut state, key(KeyCode::Char(c)));
            if matches!(state.ui.overlay, Some(Overlay::DiffPick(_))) {
                update(
                    &mut state,
                    key(KeyCode::Char(if index == 0 { '2' } else { '1' })),
                );
            }
            assert!(
                !matches!(
                    state.ui.overlay,
                    Some(Overlay::Params(_) | Overlay::Picker(..))
                ),
                "{what} opens while blind"
            );
            assert_no_tells(what, &frame(&state));
            update(&mut state, key(KeyCode::Esc));
        }
    }
    for (message, what) in [
        (ctrl('v'), "the vote prompt"),
        (key(KeyCode::F(1)), "help"),
        (key(KeyCode::F(2)), "naming the session"),
        (ctrl('s'), "the shared parameters"),
    ] {
        update(&mut state, message);
        assert_no_tells(what, &frame(&state));
        update(&mut state, key(KeyCode::Esc));
    }
    // Typing: the estimate says no prices.
    type_text(&mut state, "next?");
    assert_no_tells("the estimate", &frame(&state));
    // The leaderboard of this session: no vote yet, no row.
    update(&mut state, ctrl('l'));
    let snapshot = crate::tui::update::record::snapshot(&state);
    let boards = [
        crate::session::VoteFilter::All,
        crate::session::VoteFilter::Blind,
        crate::session::VoteFilter::Sighted,
    ]
    .into_iter()
    .map(|filter| crate::session::leaderboard::compute(std::slice::from_ref(&snapshot), filter))
    .collect();
    update(
        &mut state,
        Msg::LeaderboardLoaded {
            boards,
            problems: vec![],
        },
    );
    assert_no_tells("the leaderboard", &frame(&state));
    update(&mut state, key(KeyCode::Esc));
    // Removing a pane names it as it is shown.
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('d')));
    assert_no_tells("removing a pane", &frame(&state));
    // The exports of the session as saved.
    let snapshot = crate::tui::update::record::snapshot(&state);
    assert_no_tells(
        "the Markdown export",
        &crate::session::export::markdown(&snapshot),
    );
    assert_no_tells("the text export", &crate::session::export::text(&snapshot));
}

#[test]
fn lists_of_models_read_the_same_whatever_the_seating() {
    // The picker and the session list name the models, in an order that
    // does not depend on where they sit.
    let mut screens = std::collections::BTreeSet::new();
    let mut seatings = std::collections::BTreeSet::new();
    for _ in 0..4 {
        let mut state = blind_state();
        for _ in 0..seatings.len() {
            update(&mut state, ctrl('r'));
        }
        seatings.insert(labels(&state));
        update(&mut state, ctrl('p'));
        let Some(Overlay::Picker(mut picker, _)) = state.ui.overlay.take() else {
            panic!("the picker opens");
        };
        // Applied untouched, it hands back what it was opened with, in order.
        let PickerOutcome::Apply(chosen) = picker.apply(PickerAction::Apply) else {
            panic!("the picker applies");
        };
        let summary = crate::tui::update::record::snapshot(&state).summary();
        screens.insert((chosen, summary.models));
    }
    assert!(seatings.len() > 1, "{seatings:?}");
    assert_eq!(screens.len(), 1, "{screens:?}");
}

#[test]
fn the_vote_reveals_names_settings_and_messages() {
    let mut state = blind_state();
    answer_blind(&mut state);
    update(&mut state, ctrl('v'));
    update(&mut state, key(KeyCode::Char('n')));
    let screen = frame(&state);
    for shown in [
        "openai/gpt-4o",
        "sonnet-4.5",
        "temp 1.5",
        "→ google/gemini-2.5-flash",
    ] {
        assert!(
            screen.contains(shown),
            "{shown:?} after the vote:\n{screen}"
        );
    }
}

/// A blind round on screen: Model A, B, C left to right, their seats
/// shuffled, no settings, errors by kind only, costs hidden.
#[test]
fn a_blind_round_on_screen() {
    let mut state = blind_state();
    answer_blind(&mut state);
    assert_snapshot!(frame(&state));
}
