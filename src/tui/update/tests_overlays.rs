//! Reducer tests of the overlays: naming, diffing, and the four that
//! scroll (help, diff, leaderboard, details).

use std::time::Instant;

use crossterm::event::KeyCode;
use pretty_assertions::assert_eq;

use super::tests::{ctrl, feed, finished, key, send, state_with, type_text, update};
use super::tests_sessions::saved;
use super::*;
use crate::router::events::{RunResult, StreamEvent};
use crate::session::Verdict;
use crate::tui::msg::Msg;
use crate::tui::state::Overlay;

fn answered(model: &str, text: &str) -> RunResult {
    let mut result = RunResult::new(model);
    result.text = text.into();
    result.finish_reason = Some("stop".into());
    result
}

#[test]
fn rename_and_diff() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    let runs = send(&mut state, "Q");
    feed(
        &mut state,
        runs[0],
        vec![StreamEvent::Content("the quick fox".into())],
        Instant::now(),
    );
    feed(
        &mut state,
        runs[1],
        vec![StreamEvent::Content("the slow fox".into())],
        Instant::now(),
    );
    update(&mut state, key(KeyCode::F(2)));
    // The field starts from the name the session goes by (its first prompt).
    let Some(Overlay::Rename(field)) = &state.ui.overlay else {
        panic!("renaming");
    };
    assert_eq!(field.lines(), ["Q"]);
    update(&mut state, key(KeyCode::Backspace));
    type_text(&mut state, "Foxes");
    let effects = update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.record.session.name.as_deref(), Some("Foxes"));
    // And from its own name next time.
    update(&mut state, key(KeyCode::F(2)));
    let Some(Overlay::Rename(field)) = &state.ui.overlay else {
        panic!("renaming");
    };
    assert_eq!(field.lines(), ["Foxes"]);
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(saved(&effects).len(), 1);

    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('D')));
    let Some(Overlay::Diff(view)) = &state.ui.overlay else {
        panic!("no diff: {:?}", state.ui.overlay.is_some());
    };
    assert_eq!((view.added_words, view.removed_words), (1, 1));
    update(&mut state, key(KeyCode::Char('x')));
    assert!(state.ui.overlay.is_none());
}

/// Help, the diff, the leaderboard and the details scroll alike, and never
/// past their text: the last page is as far as they go.
#[test]
fn the_scrolling_overlays_stay_within_their_text() {
    use crate::session::fixtures::{answer, column, vote};
    // A vote over 30 models: a leaderboard longer than the screen.
    let mut session = crate::session::fixtures::sample();
    session.columns = (1..=30)
        .map(|id| column(id, &format!("vendor/model-{id}"), &[]))
        .collect();
    session.turns.truncate(1);
    session.turns[0].answers = (1..=30)
        .map(|id| answer(id, &format!("vendor/model-{id}"), "A"))
        .collect();
    session.turns[0].vote = Some(vote(Verdict::Best { column: 1 }, false));
    let boards = crate::tui::state::LeaderboardView::compute_boards(&[session.clone()]);

    let mut state = state_with(&["a/model", "b/model"], (100, 20));
    let long = (0..200).map(|i| format!("word{i} ")).collect::<String>();
    let runs = send(&mut state, "Q");
    for (index, (pane, run)) in runs.iter().enumerate() {
        let text = if index == 0 {
            long.clone()
        } else {
            long.replace("word50", "other")
        };
        feed(
            &mut state,
            (*pane, *run),
            vec![StreamEvent::Content(text.clone())],
            Instant::now(),
        );
        let mut result = answered("m", &text);
        // What was sent, long enough to scroll the details.
        let fields: serde_json::Map<String, serde_json::Value> = (0..40)
            .map(|i| (format!("field{i}"), serde_json::Value::from(i)))
            .collect();
        result.request = Some(serde_json::Value::Object(fields));
        update(&mut state, finished(*pane, *run, result, Instant::now()));
    }
    update(&mut state, key(KeyCode::Tab));

    let mut opened = 0;
    for open in [
        key(KeyCode::Char('?')),
        key(KeyCode::Char('D')),
        ctrl('l'),
        key(KeyCode::Char('I')),
    ] {
        update(&mut state, open);
        if matches!(state.ui.overlay, Some(Overlay::Leaderboard(_))) {
            update(
                &mut state,
                Msg::LeaderboardLoaded {
                    boards: boards.clone(),
                    problems: vec![],
                },
            );
        }
        let scroll = |state: &mut AppState| {
            *state
                .ui
                .overlay
                .as_mut()
                .and_then(Overlay::scroll_mut)
                .expect("a scrolling overlay")
        };
        let start = scroll(&mut state);
        assert!(start.page() > 0 && start.scrolls(), "{opened}: {start:?}");
        for _ in 0..start.rows() + 10 {
            update(&mut state, key(KeyCode::Down));
        }
        let bottom = scroll(&mut state);
        assert_eq!(bottom.offset(), bottom.rows() - bottom.page(), "{bottom:?}");
        update(&mut state, key(KeyCode::PageDown));
        assert_eq!(scroll(&mut state).offset(), bottom.offset());
        update(&mut state, key(KeyCode::Home));
        assert_eq!(scroll(&mut state).offset(), 0);
        // A larger screen: the page grows and the offset follows.
        update(&mut state, key(KeyCode::End));
        update(&mut state, Msg::Resize(100, 200));
        let resized = scroll(&mut state);
        assert_eq!(resized.offset(), resized.max_offset(), "{resized:?}");
        update(&mut state, Msg::Resize(100, 20));
        // Any other key closes.
        update(&mut state, key(KeyCode::Char('q')));
        assert!(state.ui.overlay.is_none());
        opened += 1;
    }
    assert_eq!(opened, 4);
}
