//! The eval runs from the workbench: F5 lists them (read off the loop),
//! Enter asks for a journal and opens the run in the eval view, the view's
//! keys and effects go through it tagged with the run, q/Esc come back to
//! the list and the workbench is as it was; `w` opens the case's session.

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use pretty_assertions::assert_eq;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;

use crate::eval::record::Outcome;
use crate::tui::eval::runs::{ReadRun, RunRow};
use crate::tui::eval::state::Phase;
use crate::tui::eval::tests::{cell, digest};
use crate::tui::eval::update::{Effect as EvalEffect, Msg as EvalMsg};
use crate::tui::msg::{Effect, Msg};
use crate::tui::state::{AppState, Overlay};
use crate::tui::update::tests::{key, state_with, type_text, update};

fn rows() -> Vec<RunRow> {
    vec![
        RunRow {
            id: "20261204-230000-0a1b".into(),
            started_unix: 1_796_425_200,
            suite: "support replies".into(),
            columns: 3,
            done: 12,
            total: 12,
            passed: 9,
            cost_usd: Some(Decimal::new(412, 4)),
        },
        RunRow {
            id: "20261203-101500-77ff".into(),
            started_unix: 1_796_292_900,
            suite: "extraction \u{1b}[31mevil\u{7} 抽出".into(),
            columns: 2,
            done: 3,
            total: 40,
            passed: 0,
            cost_usd: None,
        },
    ]
}

/// Two columns over two cases; `done` results journalled (of four).
fn read_run(done: usize) -> Box<ReadRun> {
    let mut suite = crate::eval::suite::fixture(&["a/x", "b/y"], &["refund", "greeting"]);
    suite.name = Some("support".into());
    let cells = [cell(0, 0, 0), cell(0, 1, 0), cell(1, 0, 0), cell(1, 1, 0)];
    let digests = cells
        .iter()
        .take(done)
        .enumerate()
        .map(|(index, at)| digest(*at, Outcome::Pass, 100 * index as u64))
        .collect();
    Box::new(ReadRun {
        id: "20261204-230000-0a1b".into(),
        journal: "/runs/20261204-230000-0a1b.jsonl".into(),
        suite,
        digests,
    })
}

fn frame(state: &AppState) -> String {
    let (width, height) = state.workspace.size;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| crate::tui::view::draw(frame, state))
        .expect("draw");
    terminal.backend().to_string()
}

/// A workbench with a prompt typed, the run list open and listed.
fn listed() -> AppState {
    let mut state = state_with(&["openai/gpt-4o"], (120, 30));
    type_text(&mut state, "half-written prompt");
    assert_eq!(
        update(&mut state, key(KeyCode::F(5))),
        vec![Effect::ListEvalRuns]
    );
    assert!(frame(&state).contains("reading the runs…"));
    update(
        &mut state,
        Msg::EvalRunsListed {
            rows: rows(),
            problems: vec!["/runs/x.jsonl: not a journal\u{1b}[2J".into()],
        },
    );
    state
}

fn open_view(state: &AppState) -> Option<&crate::tui::eval::state::EvalView> {
    match &state.ui.overlay {
        Some(Overlay::Runs(list)) => list.open.as_ref().map(|open| &*open.view),
        Some(_) | None => None,
    }
}

/// Opens the first run (journal read with `done` results).
fn opened(done: usize) -> AppState {
    let mut state = listed();
    assert_eq!(
        update(&mut state, key(KeyCode::Enter)),
        vec![Effect::ReadEvalRun("20261204-230000-0a1b".into())]
    );
    // A second Enter while it is read asks nothing more.
    assert_eq!(update(&mut state, key(KeyCode::Enter)), vec![]);
    update(
        &mut state,
        Msg::EvalRunRead {
            id: "20261204-230000-0a1b".into(),
            outcome: Ok(read_run(done)),
        },
    );
    assert!(open_view(&state).is_some());
    state
}

#[test]
fn the_run_list_newest_first_with_hostile_names_sanitised() {
    let state = listed();
    let screen = frame(&state);
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn the_list_moves_and_opens_the_selected_run() {
    let mut state = listed();
    update(&mut state, key(KeyCode::Down));
    assert_eq!(
        update(&mut state, key(KeyCode::Enter)),
        vec![Effect::ReadEvalRun("20261203-101500-77ff".into())]
    );
    // A journal that cannot be read: one line, the list stays.
    update(
        &mut state,
        Msg::EvalRunRead {
            id: "20261203-101500-77ff".into(),
            outcome: Err("torn header".into()),
        },
    );
    assert!(matches!(&state.ui.overlay, Some(Overlay::Runs(list)) if list.open.is_none()));
    let notice = state.ui.notice.as_ref().expect("a notice");
    assert!(
        notice
            .text
            .contains("cannot open run 20261203-101500-77ff: torn header")
    );
    // Esc closes the list: back to the prompt as it was.
    update(&mut state, key(KeyCode::Esc));
    assert!(state.ui.overlay.is_none());
    assert_eq!(state.workspace.editor_text(), "half-written prompt");
}

#[test]
fn a_finished_run_opens_in_the_eval_view_and_q_or_esc_come_back() {
    let mut state = opened(4);
    let view = open_view(&state).expect("open");
    assert_eq!(view.phase, Phase::Finished);
    assert_eq!(view.tally.done, 4);
    assert!(
        !view.summary_stale,
        "the summary is computed before drawing"
    );
    let screen = frame(&state);
    assert!(screen.contains("finished 4/4"), "{screen}");
    // Keys go to the view: Enter opens the case and asks for its answers.
    let effects = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::EvalView {
            run_id: "20261204-230000-0a1b".into(),
            journal: "/runs/20261204-230000-0a1b.jsonl".into(),
            suite: open_view(&state).expect("open").suite.clone(),
            effect: EvalEffect::LoadCase {
                case: 0,
                repeat: 0,
                offsets: vec![Some(0), Some(100)],
            },
        }]
    );
    // Answers for another run are dropped; this run's land in the case.
    let answers = |text: &str| EvalMsg::CaseLoaded {
        case: 0,
        repeat: 0,
        answers: Ok(vec![
            Some(crate::tui::eval::tests::result("a/x", text, true)),
            None,
        ]),
    };
    update(
        &mut state,
        Msg::EvalView {
            run_id: "another".into(),
            msg: answers("stale"),
        },
    );
    assert!(!frame(&state).contains("stale"));
    update(
        &mut state,
        Msg::EvalView {
            run_id: "20261204-230000-0a1b".into(),
            msg: answers("We will refund it."),
        },
    );
    assert!(frame(&state).contains("We will refund it."));
    // Esc closes the case, then Esc leaves the view for the list, q too.
    update(&mut state, key(KeyCode::Esc));
    assert!(open_view(&state).is_some());
    update(&mut state, key(KeyCode::Esc));
    assert!(matches!(&state.ui.overlay, Some(Overlay::Runs(list)) if list.open.is_none()));
    assert!(frame(&state).contains("Eval runs (2)"));
    update(&mut state, key(KeyCode::Enter));
    update(
        &mut state,
        Msg::EvalRunRead {
            id: "20261204-230000-0a1b".into(),
            outcome: Ok(read_run(4)),
        },
    );
    update(&mut state, key(KeyCode::Char('q')));
    assert!(open_view(&state).is_none());
    update(&mut state, key(KeyCode::Char('q')));
    assert!(state.ui.overlay.is_none());
    assert_eq!(state.workspace.editor_text(), "half-written prompt");
}

#[test]
fn an_unfinished_run_is_shown_as_it_stands_with_how_to_resume_it() {
    let mut state = opened(3);
    let view = open_view(&state).expect("open");
    assert_eq!(view.phase, Phase::Interrupted);
    // Nothing runs here: Ctrl+C or q just leave, nothing to cancel.
    let screen = frame(&state);
    assert!(
        screen.contains("`prism eval --resume 20261204-230000-0a1b --tui` finishes it"),
        "{screen}"
    );
    assert_snapshot!(screen);
    assert_eq!(update(&mut state, key(KeyCode::Char('q'))), vec![]);
    assert!(open_view(&state).is_none());
}

#[test]
fn w_saves_the_case_and_opens_its_session_in_the_workbench() {
    let mut state = opened(4);
    let effects = update(&mut state, key(KeyCode::Char('w')));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::EvalView {
                effect: EvalEffect::Handoff { case: 0, .. },
                ..
            }]
        ),
        "{effects:?}"
    );
    let effects = update(
        &mut state,
        Msg::EvalView {
            run_id: "20261204-230000-0a1b".into(),
            msg: EvalMsg::Handed(Ok("20261205-000100-beef".into())),
        },
    );
    assert_eq!(
        effects,
        vec![Effect::OpenSession("20261205-000100-beef".into())]
    );
    assert!(state.ui.overlay.is_none());
}

#[test]
fn the_open_view_follows_the_screen_size() {
    let mut state = opened(4);
    update(&mut state, Msg::Resize(90, 26));
    assert_eq!(open_view(&state).expect("open").size, (90, 26));
}
