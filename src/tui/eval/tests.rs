//! The reducer, pure: events fill the grid, keys move and open, effects
//! are asked for with the right offsets, stale answers are dropped, and
//! quitting a run that goes on cancels it (twice for q, at once for Ctrl+C).

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pretty_assertions::assert_eq;
use rust_decimal::Decimal;

use crate::eval::checks::CheckOutcome;
use crate::eval::events::EvalEvent;
use crate::eval::record::{CellKey, Digest, EvalResult, Outcome};
use crate::router::events::RunResult;
use crate::tui::theme::Theme;

use super::state::{Answers, EvalView, Init, Overlay, Phase, Slot};
use super::update::{Effect, Msg, prepare, update};

pub(crate) fn cell(case: u32, column: u16, repeat: u32) -> CellKey {
    CellKey {
        case,
        column,
        repeat,
    }
}

/// A digest with figures that differ by column (column 0 dear, 1 cheap).
pub(crate) fn digest(at: CellKey, outcome: Outcome, offset: u64) -> Digest {
    Digest {
        cell: at,
        outcome,
        cost_usd: Some(if at.column == 0 {
            Decimal::new(5, 3)
        } else {
            Decimal::new(4, 4)
        }),
        ttft_ms: Some(200 + 100 * u64::from(at.column)),
        total_ms: Some(1200 + 300 * u64::from(at.case)),
        tokens_per_s: Some(40.0),
        answer_hash: (outcome != Outcome::Error).then_some(7),
        reason: (outcome != Outcome::Pass).then(|| "contains: \"refund\" not found".into()),
        answer_chars: 20,
        judged: Box::new([]),
        offset,
    }
}

/// A view of `columns` × `cases` with `repeat` repeats at `size`.
pub(crate) fn view_of(columns: &[&str], cases: &[&str], repeat: u32, size: (u16, u16)) -> EvalView {
    let mut suite = crate::eval::suite::fixture(columns, cases);
    suite.name = Some("support".into());
    suite.defaults.repeat = repeat;
    for (index, case) in suite.cases.iter_mut().enumerate() {
        case.prompt = format!(
            "A customer asks about order {}. Reply in one sentence.",
            index + 1
        );
    }
    EvalView::new(Init {
        run_id: "20261204-210000-abcd".into(),
        suite: Arc::new(suite),
        earlier: Vec::new(),
        volume: None,
        theme: Theme::monochrome(),
        size,
    })
}

pub(crate) fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(crate) fn finished(
    view: &mut EvalView,
    at: CellKey,
    outcome: Outcome,
    offset: u64,
) -> Vec<Effect> {
    update(
        view,
        Msg::Run(EvalEvent::Finished {
            digest: digest(at, outcome, offset),
        }),
    )
}

pub(crate) fn result(column: &str, text: &str, pass: bool) -> EvalResult {
    let answer = RunResult {
        text: text.into(),
        total_ms: Some(1500),
        cost_usd: Some(Decimal::new(4, 4)),
        served_model: Some(column.into()),
        ..RunResult::default()
    };
    let check = CheckOutcome {
        kind: "icontains".into(),
        pass: Some(pass),
        reason: (!pass).then(|| "icontains: \"refund\" not found (any case)".into()),
        judged: None,
    };
    EvalResult::with_outcomes("c1", column, 0, answer, vec![check])
}

#[test]
fn events_fill_the_grid_and_the_tally() {
    let mut view = view_of(&["a/dear", "b/cheap"], &["c1", "c2"], 2, (80, 24));
    update(
        &mut view,
        Msg::Run(EvalEvent::Planned { total: 8, done: 0 }),
    );
    update(
        &mut view,
        Msg::Run(EvalEvent::Started {
            cell: cell(0, 0, 0),
        }),
    );
    assert_eq!(view.cell(0, 0), [Slot::Running, Slot::Pending]);
    finished(&mut view, cell(0, 0, 0), Outcome::Pass, 100);
    finished(&mut view, cell(1, 1, 1), Outcome::Error, 200);
    update(
        &mut view,
        Msg::Run(EvalEvent::SkippedForBudget {
            cell: cell(1, 0, 0),
        }),
    );
    assert_eq!(view.cell(0, 0), [Slot::Done(0), Slot::Pending]);
    assert_eq!(view.cell(1, 1), [Slot::Pending, Slot::Done(1)]);
    assert_eq!(view.cell(1, 0), [Slot::SkippedForBudget, Slot::Pending]);
    assert_eq!(
        (
            view.tally.done,
            view.tally.passed,
            view.tally.errors,
            view.tally.skipped
        ),
        (2, 1, 1, 1)
    );
    // A cell outside the suite (a journal from elsewhere) is ignored.
    finished(&mut view, cell(9, 0, 0), Outcome::Pass, 300);
    assert_eq!(view.digests.len(), 2);
    // The summary waits for the frame.
    assert!(view.summary_stale);
    prepare(&mut view);
    assert!(!view.summary_stale);
    assert_eq!(view.summary[0].passed, 1);
    assert_eq!(view.summary[1].errors, 1);
    assert_eq!(
        view.front,
        [1, 0]
            .into_iter()
            .filter(|c| view.summary[*c].pass_rate.is_some())
            .collect::<Vec<_>>()
    );
}

#[test]
fn earlier_results_of_a_resumed_run_are_in_the_grid_and_the_tally() {
    let mut suite = crate::eval::suite::fixture(&["a/x"], &["c1", "c2"]);
    suite.defaults.repeat = 1;
    let view = EvalView::new(Init {
        run_id: "r".into(),
        suite: Arc::new(suite),
        earlier: vec![digest(cell(1, 0, 0), Outcome::Fail, 40)],
        volume: None,
        theme: Theme::monochrome(),
        size: (80, 24),
    });
    assert_eq!(view.cell(1, 0), [Slot::Done(0)]);
    assert_eq!((view.tally.done, view.tally.failures), (1, 1));
}

#[test]
fn enter_opens_the_case_and_asks_for_its_answers_by_offset() {
    let mut view = view_of(&["a/dear", "b/cheap"], &["c1", "c2"], 1, (120, 40));
    finished(&mut view, cell(1, 1, 0), Outcome::Fail, 512);
    update(&mut view, key(KeyCode::Down));
    assert_eq!(view.cursor, 1);
    let effects = update(&mut view, key(KeyCode::Enter));
    assert_eq!(
        effects,
        [Effect::LoadCase {
            case: 1,
            repeat: 0,
            offsets: vec![None, Some(512)],
        }]
    );
    assert!(matches!(&view.overlay, Overlay::Case(open) if open.answers == Answers::Loading));
    // A new answer of the open case asks for the answers again.
    let effects = finished(&mut view, cell(1, 0, 0), Outcome::Pass, 900);
    assert_eq!(
        effects,
        [Effect::LoadCase {
            case: 1,
            repeat: 0,
            offsets: vec![Some(900), Some(512)],
        }]
    );
    // Answers for another case (stale) are dropped; these are kept and diffed.
    update(
        &mut view,
        Msg::CaseLoaded {
            case: 0,
            repeat: 0,
            answers: Ok(vec![None, None]),
        },
    );
    assert!(matches!(&view.overlay, Overlay::Case(open) if open.answers == Answers::Loading));
    let answers = vec![
        Some(result("a/dear", "We refund the kettle.", true)),
        Some(result("b/cheap", "We replace the kettle.", false)),
    ];
    update(
        &mut view,
        Msg::CaseLoaded {
            case: 1,
            repeat: 0,
            answers: Ok(answers),
        },
    );
    let Overlay::Case(open) = &view.overlay else {
        panic!("the case is open");
    };
    assert!(matches!(open.answers, Answers::Loaded(_)));
    assert_eq!(open.diffs[0], None, "the leftmost is the base");
    let diff = open.diffs[1].as_ref().expect("a diff against the base");
    let changed: Vec<(crate::tui::diff::Change, &str)> = diff
        .iter()
        .filter(|p| p.change != crate::tui::diff::Change::Same)
        .map(|p| (p.change, p.text.trim()))
        .collect();
    assert_eq!(
        changed,
        [
            (crate::tui::diff::Change::Removed, "refund"),
            (crate::tui::diff::Change::Added, "replace"),
        ]
    );
    // n moves to the next case (and the grid's cursor with it); Esc goes back.
    let effects = update(&mut view, key(KeyCode::Char('p')));
    assert_eq!(view.cursor, 0);
    assert!(matches!(
        effects.as_slice(),
        [Effect::LoadCase { case: 0, .. }]
    ));
    update(&mut view, key(KeyCode::Esc));
    assert_eq!(view.overlay, Overlay::None);
}

#[test]
fn repeats_cycle_in_the_case_view() {
    let mut view = view_of(&["a/x"], &["c1"], 3, (80, 24));
    update(&mut view, key(KeyCode::Enter));
    let effects = update(&mut view, key(KeyCode::Char('[')));
    assert!(matches!(
        effects.as_slice(),
        [Effect::LoadCase { repeat: 2, .. }]
    ));
    let effects = update(&mut view, key(KeyCode::Char(']')));
    assert!(matches!(
        effects.as_slice(),
        [Effect::LoadCase { repeat: 0, .. }]
    ));
}

#[test]
fn the_cursor_pages_and_the_grid_follows_it() {
    let ids: Vec<String> = (1..=50).map(|i| format!("case-{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut view = view_of(&["a/x", "b/y"], &ids, 1, (80, 24));
    let rows = super::layout::grid_rows((80, 24), 2);
    update(&mut view, key(KeyCode::PageDown));
    assert_eq!(view.cursor, rows);
    assert_eq!(view.top, 1);
    update(&mut view, key(KeyCode::End));
    assert_eq!((view.cursor, view.top), (49, 50 - rows));
    update(&mut view, key(KeyCode::Char('g')));
    assert_eq!((view.cursor, view.top), (0, 0));
    update(&mut view, key(KeyCode::Up));
    assert_eq!(view.cursor, 0);
    // A smaller terminal keeps the cursor on screen.
    update(&mut view, key(KeyCode::End));
    update(&mut view, Msg::Resize(80, 12));
    let rows = super::layout::grid_rows((80, 12), 2);
    assert!(view.cursor >= view.top && view.cursor < view.top + rows);
}

#[test]
fn q_while_running_asks_once_then_stops_the_run() {
    let mut view = view_of(&["a/x"], &["c1"], 1, (80, 24));
    assert_eq!(update(&mut view, key(KeyCode::Char('q'))), []);
    assert!(!view.quit);
    assert!(
        view.notice
            .as_deref()
            .is_some_and(|n| n.contains("q again"))
    );
    // Another key disarms it.
    update(&mut view, key(KeyCode::Down));
    assert_eq!(update(&mut view, key(KeyCode::Char('q'))), []);
    assert_eq!(
        update(&mut view, key(KeyCode::Char('q'))),
        [Effect::CancelRun]
    );
    assert!(view.quit);
}

#[test]
fn ctrl_c_and_signals_stop_at_once_and_a_finished_run_just_closes() {
    let mut view = view_of(&["a/x"], &["c1"], 1, (80, 24));
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(update(&mut view, ctrl_c), [Effect::CancelRun]);
    assert!(view.quit);

    let mut view = view_of(&["a/x"], &["c1"], 1, (80, 24));
    assert_eq!(update(&mut view, Msg::Signal), [Effect::CancelRun]);

    let mut view = view_of(&["a/x"], &["c1"], 1, (80, 24));
    update(
        &mut view,
        Msg::Run(EvalEvent::Started {
            cell: cell(0, 0, 0),
        }),
    );
    update(&mut view, Msg::RunEnded { interrupted: false });
    assert_eq!(view.phase, Phase::Finished);
    assert_eq!(view.cell(0, 0), [Slot::Pending], "nothing is left running");
    assert_eq!(update(&mut view, key(KeyCode::Char('q'))), []);
    assert!(view.quit);

    let mut view = view_of(&["a/x"], &["c1"], 1, (80, 24));
    update(&mut view, Msg::RunEnded { interrupted: true });
    assert_eq!(view.phase, Phase::Interrupted);
}

#[test]
fn w_sends_the_case_and_opens_the_workbench_once_the_run_is_over() {
    let mut view = view_of(&["a/x", "b/y"], &["c1", "c2"], 1, (80, 24));
    finished(&mut view, cell(0, 1, 0), Outcome::Pass, 77);
    let effects = update(&mut view, key(KeyCode::Char('w')));
    assert_eq!(
        effects,
        [Effect::Handoff {
            case: 0,
            repeat: 0,
            offsets: vec![None, Some(77)],
        }]
    );
    // While the run goes on, the session is saved and the view stays.
    update(&mut view, Msg::Handed(Ok("20261204-210500-beef".into())));
    assert!(!view.quit);
    assert!(
        view.notice
            .as_deref()
            .is_some_and(|n| n.contains("prism --resume 20261204-210500-beef"))
    );
    update(&mut view, Msg::Handed(Err("disk full\u{1b}[2J".into())));
    assert_eq!(
        view.notice.as_deref(),
        Some("cannot send the case to the workbench: disk full␛[2J")
    );
    // Once it is over, the workbench opens on it.
    update(&mut view, Msg::RunEnded { interrupted: false });
    update(&mut view, key(KeyCode::Char('w')));
    update(&mut view, Msg::Handed(Ok("20261204-210600-cafe".into())));
    assert!(view.quit);
    assert_eq!(view.handoff.as_deref(), Some("20261204-210600-cafe"));
}

#[test]
fn hostile_events_reach_the_notice_sanitised_and_a_journal_failure_stops_the_view_s_run() {
    let mut view = view_of(&["a/x"], &["c1"], 1, (80, 24));
    update(
        &mut view,
        Msg::Run(EvalEvent::Slowed {
            model: "evil\u{1b}]0;pwned\u{7}".into(),
            wait_ms: 2500,
            limit: 2,
        }),
    );
    let notice = view.notice.clone().expect("a notice");
    assert!(
        !notice.contains('\u{1b}') && !notice.contains('\u{7}'),
        "{notice}"
    );
    assert!(notice.contains("2.5s") && notice.contains("at most 2"));
    update(
        &mut view,
        Msg::Run(EvalEvent::JournalFailed {
            message: "cannot write\n\u{1b}[2J".into(),
        }),
    );
    assert_eq!(view.phase, Phase::Failed("cannot write␊␛[2J".into()));
}

#[test]
fn the_chart_and_help_open_and_close() {
    let mut view = view_of(&["a/x"], &["c1"], 1, (80, 24));
    update(&mut view, key(KeyCode::Char('c')));
    assert_eq!(view.overlay, Overlay::Chart);
    update(&mut view, key(KeyCode::Esc));
    assert_eq!(view.overlay, Overlay::None);
    update(&mut view, key(KeyCode::Char('?')));
    let help = |scroll, under: Overlay| Overlay::Help {
        scroll,
        under: Box::new(under),
    };
    assert_eq!(view.overlay, help(0, Overlay::None));
    update(&mut view, key(KeyCode::Down));
    assert_eq!(view.overlay, help(1, Overlay::None));
    update(&mut view, key(KeyCode::F(1)));
    assert_eq!(view.overlay, Overlay::None);
    // Help over the chart closes back onto the chart.
    update(&mut view, key(KeyCode::Char('c')));
    update(&mut view, key(KeyCode::F(1)));
    assert_eq!(view.overlay, help(0, Overlay::Chart));
    update(&mut view, key(KeyCode::Esc));
    assert_eq!(view.overlay, Overlay::Chart);
}

#[test]
fn help_from_a_case_closes_back_onto_the_case_which_still_loads() {
    let mut view = view_of(&["a/x", "b/y"], &["c1", "c2"], 1, (100, 30));
    finished(&mut view, cell(1, 0, 0), Outcome::Pass, 40);
    update(&mut view, key(KeyCode::Down));
    update(&mut view, key(KeyCode::Enter));
    let opened = view.overlay.clone();
    assert_eq!(opened.case().map(|open| open.case), Some(1));
    for close in [KeyCode::Char('?'), KeyCode::Esc, KeyCode::Char('q')] {
        update(&mut view, key(KeyCode::F(1)));
        assert!(matches!(&view.overlay, Overlay::Help { under, .. } if **under == opened));
        update(&mut view, key(close));
        assert_eq!(view.overlay, opened, "closing help with {close:?}");
    }
    // Answers that arrive while help is over the case land in it.
    update(&mut view, key(KeyCode::Char('?')));
    update(
        &mut view,
        Msg::CaseLoaded {
            case: 1,
            repeat: 0,
            answers: Ok(vec![Some(result("a/x", "fine", true)), None]),
        },
    );
    update(&mut view, key(KeyCode::Esc));
    let open = view.overlay.case().expect("the case is open");
    assert!(
        matches!(open.answers, Answers::Loaded(_)),
        "{:?}",
        open.answers
    );
}
