//! Snapshots of the live view (monochrome: text and layout): the grid and
//! summary mid-run, the wide layout with the chart and its Pareto front,
//! the chart full screen, a case's answers side by side with their checks,
//! help, and hostile names and answers drawn through the sanitiser.

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::eval::events::EvalEvent;
use crate::eval::record::Outcome;
use crate::tui::eval::state::EvalView;
use crate::tui::eval::tests::{cell, finished, key, result, view_of};
use crate::tui::eval::update::{Msg, prepare, update};

fn frame(view: &mut EvalView) -> String {
    prepare(view);
    let (width, height) = view.size;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| super::draw(frame, view))
        .expect("draw");
    terminal.backend().to_string()
}

/// Three columns over four cases, two repeats, part-way through: column 1
/// dear and good, 2 cheap and nearly as good, 3 failing.
fn mid_run(size: (u16, u16)) -> EvalView {
    let mut view = view_of(
        &["openai/gpt-4o", "meta-llama/llama-3.1-8b", "mistral/small"],
        &["refund", "shipping", "greeting", "escalate"],
        2,
        size,
    );
    update(
        &mut view,
        Msg::Run(EvalEvent::Planned { total: 24, done: 0 }),
    );
    let mut offset = 0;
    for case in 0..4 {
        for repeat in 0..2 {
            for column in 0..3u16 {
                if case == 3 && repeat == 1 {
                    update(
                        &mut view,
                        Msg::Run(EvalEvent::Started {
                            cell: cell(case, column, repeat),
                        }),
                    );
                    continue;
                }
                let outcome = match (column, case, repeat) {
                    (2, _, _) if case % 2 == 0 => Outcome::Error,
                    (2, _, _) => Outcome::Fail,
                    (1, 2, 1) => Outcome::Fail,
                    _ => Outcome::Pass,
                };
                offset += 1000;
                finished(&mut view, cell(case, column, repeat), outcome, offset);
            }
        }
    }
    view
}

#[test]
fn grid_and_summary_mid_run_at_80x24() {
    let mut view = mid_run((80, 24));
    assert_snapshot!(frame(&mut view));
}

#[test]
fn wide_layout_with_the_chart_and_its_pareto_front() {
    let mut view = mid_run((160, 40));
    update(&mut view, key(KeyCode::Down));
    assert_snapshot!(frame(&mut view));
}

#[test]
fn the_chart_full_screen() {
    let mut view = mid_run((100, 30));
    update(&mut view, key(KeyCode::Char('c')));
    assert_snapshot!(frame(&mut view));
}

#[test]
fn a_case_side_by_side_with_its_diff_and_checks() {
    let mut view = mid_run((120, 30));
    update(&mut view, key(KeyCode::Enter));
    let loading = frame(&mut view);
    assert!(loading.contains("reading the journal…"), "{loading}");
    update(
        &mut view,
        Msg::CaseLoaded {
            case: 0,
            repeat: 0,
            answers: Ok(vec![
                Some(result(
                    "openai/gpt-4o",
                    "We will refund the broken kettle today.",
                    true,
                )),
                Some(result(
                    "meta-llama/llama-3.1-8b",
                    "We can replace the broken kettle today.",
                    false,
                )),
                None,
            ]),
        },
    );
    assert_snapshot!(frame(&mut view));
}

#[test]
fn help_lists_every_key() {
    let mut view = mid_run((100, 40));
    update(&mut view, key(KeyCode::Char('?')));
    let screen = frame(&mut view);
    for (_, rows) in crate::tui::eval::keys::help_sections() {
        for (_, what) in rows {
            let start: String = what.chars().take(20).collect();
            assert!(screen.contains(&start), "help lacks {what}:\n{screen}");
        }
    }
    assert_snapshot!(screen);
}

#[test]
fn hostile_names_and_answers_are_drawn_through_the_sanitiser() {
    let evil_column = "evil/\u{1b}]52;c;cHduZWQ=\u{7}model";
    let evil_case = "case\u{1b}[2J\u{200b}\u{202e}gnp.exe";
    let mut view = view_of(&[evil_column, "b/y"], &[evil_case], 1, (100, 24));
    finished(&mut view, cell(0, 0, 0), Outcome::Fail, 10);
    let grid = frame(&mut view);
    update(&mut view, key(KeyCode::Enter));
    let mut answer = result(
        evil_column,
        "ok\u{1b}[31mred\u{1b}[0m\r\nline two\u{9b}2J",
        false,
    );
    answer.checks[0].reason = Some("regex: \u{1b}]0;title\u{7} not matched".into());
    update(
        &mut view,
        Msg::CaseLoaded {
            case: 0,
            repeat: 0,
            answers: Ok(vec![Some(answer), None]),
        },
    );
    let case = frame(&mut view);
    for screen in [&grid, &case] {
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{200b}', '\r'] {
            assert!(
                !screen.contains(bad),
                "{bad:?} reached the screen:\n{screen}"
            );
        }
    }
    assert!(grid.contains("case␛[2J<U+200B>"), "{grid}");
    assert_snapshot!("hostile_grid", grid);
    assert_snapshot!("hostile_case", case);
}

/// With NO_COLOR (the monochrome theme) every point still says whose it
/// is: its column's number beside it, several where points share a cell;
/// the legend numbers them the same way.
#[test]
fn the_chart_reads_without_colour() {
    let mut view = view_of(
        &["a/dear", "b/cheap", "c/cheap-too", "d/bad"],
        &["c1"],
        1,
        (90, 24),
    );
    for column in 0..4u16 {
        let outcome = if column == 3 {
            Outcome::Fail
        } else {
            Outcome::Pass
        };
        finished(
            &mut view,
            cell(0, column, 0),
            outcome,
            u64::from(column) * 100,
        );
    }
    update(&mut view, key(KeyCode::Char('c')));
    let screen = frame(&mut view);
    assert!(screen.contains("█2,3"), "{screen}");
    assert!(screen.contains("█1 "), "{screen}");
    assert!(screen.contains("█4"), "{screen}");
    assert!(screen.contains("█ 1 a/dear"), "{screen}");
    assert_snapshot!(screen);
}

/// On a narrow chart the dearest cost is shown whole, without its unit,
/// rather than cut on the left ("5.75 /1k calls" with its "$" lost).
#[test]
fn a_narrow_chart_keeps_its_last_cost_whole() {
    let mut view = view_of(&["a/dear", "b/cheap"], &["c1"], 1, (50, 20));
    finished(&mut view, cell(0, 0, 0), Outcome::Pass, 0);
    finished(&mut view, cell(0, 1, 0), Outcome::Pass, 100);
    update(&mut view, key(KeyCode::Char('c')));
    let screen = frame(&mut view);
    assert!(screen.contains("$5.75│"), "{screen}");
    let mut view = view_of(&["a/dear", "b/cheap"], &["c1"], 1, (100, 20));
    finished(&mut view, cell(0, 0, 0), Outcome::Pass, 0);
    update(&mut view, key(KeyCode::Char('c')));
    assert!(frame(&mut view).contains("$5.75 /1k calls│"));
}

#[test]
fn a_case_shows_how_its_answers_agree_and_marks_the_outlier() {
    let mut view = mid_run((120, 30));
    update(&mut view, key(KeyCode::Enter));
    update(
        &mut view,
        Msg::CaseLoaded {
            case: 0,
            repeat: 0,
            answers: Ok(vec![
                Some(result(
                    "openai/gpt-4o",
                    "We will refund the kettle today.",
                    true,
                )),
                Some(result(
                    "meta-llama/llama-3.1-8b",
                    "We cannot refund kettles, sorry.",
                    false,
                )),
                Some(result("x/y", "We will refund the kettle today!", true)),
            ]),
        },
    );
    let screen = frame(&mut view);
    assert!(
        screen.contains("agreement 2 distinct answers of 3 · outlier (≠) 2 meta-llama/llama-3.1-8b · by normalised text similarity"),
        "{screen}"
    );
    assert!(screen.contains("8b ≠ ✗ fail"), "{screen}");
    assert_snapshot!(screen);
}
