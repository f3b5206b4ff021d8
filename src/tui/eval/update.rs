//! The live view's pure reducer: `update(&mut EvalView, Msg) -> Vec<Effect>`.
//! No await, no I/O, no clock; reading a case's answers and saving a
//! session are effects the runtime runs, and their results come back as
//! messages tagged with the case they are for (stale ones are dropped).

use crossterm::event::KeyEvent;

use crate::eval::events::EvalEvent;
use crate::eval::record::{CellKey, EvalResult};
use crate::eval::summary::{SummaryInput, pareto_front, summarize};
use crate::sanitize::one_line;
use crate::tui::diff::word_diff;

use super::keys::{Act, lookup};
use super::layout;
use super::state::{Answers, CaseView, EvalView, Overlay, Phase, Slot};
use crate::tui::scroll::ScrollStep;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    Run(EvalEvent),
    /// The run sends no more events; `interrupted` when it was stopped.
    RunEnded {
        interrupted: bool,
    },
    CaseLoaded {
        case: usize,
        repeat: u32,
        answers: Result<Vec<Option<EvalResult>>, String>,
    },
    /// The case was saved as a workbench session (its id), or why not.
    Handed(Result<String, String>),
    /// SIGTERM, SIGHUP, SIGQUIT or SIGINT.
    Signal,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Stop the run (what is done stays in the journal).
    CancelRun,
    /// Read a case's results for one repeat: per column, its journal offset.
    LoadCase {
        case: usize,
        repeat: u32,
        offsets: Vec<Option<u64>>,
    },
    /// Save the case as a workbench session.
    Handoff {
        case: usize,
        repeat: u32,
        offsets: Vec<Option<u64>>,
    },
}

pub fn update(view: &mut EvalView, msg: Msg) -> Vec<Effect> {
    view.dirty = true;
    match msg {
        Msg::Key(key) => on_key(view, &key),
        Msg::Resize(width, height) => {
            view.size = (width, height);
            follow_cursor(view);
            let (width, columns) = (view.size.0, view.columns.len());
            if let Some(case) = view.overlay.case_mut() {
                refresh_diffs(case, width, columns);
            }
            Vec::new()
        }
        Msg::Run(event) => on_event(view, event),
        Msg::RunEnded { interrupted } => {
            if view.phase == Phase::Running {
                view.phase = if interrupted {
                    Phase::Interrupted
                } else {
                    Phase::Finished
                };
            }
            view.quit_armed = false;
            for slot in &mut view.slots {
                if *slot == Slot::Running {
                    *slot = Slot::Pending;
                }
            }
            view.tally.running = 0;
            Vec::new()
        }
        Msg::CaseLoaded {
            case,
            repeat,
            answers,
        } => {
            let width = view.size.0;
            let columns = view.columns.len();
            if let Some(open) = view.overlay.case_mut()
                && open.case == case
                && open.repeat == repeat
            {
                open.answers = match answers {
                    Ok(answers) => Answers::Loaded(answers),
                    Err(error) => Answers::Failed(one_line(&error).into_owned()),
                };
                open.agreement = agreement(&open.answers);
                refresh_diffs(open, width, columns);
            }
            Vec::new()
        }
        Msg::Handed(Ok(id)) => {
            let id = one_line(&id).into_owned();
            if view.running() {
                view.notice = Some(format!(
                    "saved as session {id}: `prism --resume {id}` continues it in the workbench (the run goes on)"
                ));
            } else {
                view.handoff = Some(id);
                view.quit = true;
            }
            Vec::new()
        }
        Msg::Handed(Err(error)) => {
            view.notice = Some(format!(
                "cannot send the case to the workbench: {}",
                one_line(&error)
            ));
            Vec::new()
        }
        Msg::Signal => quit(view),
    }
}

/// Recomputes the summary and the Pareto front when results came in since.
/// The runtime calls it before drawing (at a capped rate while results
/// stream), so the per-result cost stays O(1).
pub fn prepare(view: &mut EvalView) {
    if !view.summary_stale {
        return;
    }
    view.summary = summarize(&SummaryInput {
        columns: &view.columns,
        cases: view.cases(),
        repeat: view.repeat,
        digests: &view.digests,
        volume: view.volume,
    });
    view.front = pareto_front(&view.summary);
    view.summary_stale = false;
}

fn on_event(view: &mut EvalView, event: EvalEvent) -> Vec<Effect> {
    view.tally.apply(&event);
    let mut effects = Vec::new();
    match event {
        EvalEvent::Planned { .. } => {}
        EvalEvent::Started { cell } => set_slot(view, cell, Slot::Running),
        EvalEvent::Finished { digest } => {
            let cell = digest.cell;
            view.place(digest);
            // The open case shows the new answer.
            if let Some(open) = view.overlay.case()
                && open.case == cell.case as usize
                && open.repeat == cell.repeat
            {
                effects.push(Effect::LoadCase {
                    case: open.case,
                    repeat: open.repeat,
                    offsets: offsets(view, open.case, open.repeat),
                });
            }
        }
        EvalEvent::SkippedForBudget { cell } => set_slot(view, cell, Slot::SkippedForBudget),
        EvalEvent::Slowed {
            model,
            wait_ms,
            limit,
        } => {
            view.notice = Some(format!(
                "{} is rate-limited (429): its requests wait {}, then at most {limit} at a time",
                one_line(&model),
                crate::units::duration_ms(wait_ms)
            ));
        }
        EvalEvent::JournalFailed { message } => {
            let message = one_line(&message).into_owned();
            view.notice = Some(message.clone());
            view.phase = Phase::Failed(message);
        }
    }
    effects
}

fn set_slot(view: &mut EvalView, cell: CellKey, slot: Slot) {
    if let Some(index) = view.slot_index(cell)
        && !matches!(view.slots[index], Slot::Done(_))
    {
        view.slots[index] = slot;
    }
}

fn on_key(view: &mut EvalView, key: &KeyEvent) -> Vec<Effect> {
    let Some(act) = lookup(view.overlay.place(), key) else {
        return Vec::new();
    };
    if act != Act::Quit {
        view.quit_armed = false;
    }
    let page = layout::grid_rows(view.size, view.columns.len());
    match act {
        Act::Quit if view.running() && !view.quit_armed => {
            view.quit_armed = true;
            view.notice = Some(format!(
                "the run goes on: q again stops it (`prism eval --resume {}` finishes it later)",
                view.run_id
            ));
            Vec::new()
        }
        Act::Quit | Act::Interrupt => quit(view),
        Act::Help => {
            view.overlay = match std::mem::replace(&mut view.overlay, Overlay::None) {
                Overlay::Help { under, .. } => *under,
                under @ (Overlay::None | Overlay::Chart | Overlay::Case(_)) => Overlay::Help {
                    scroll: 0,
                    under: Box::new(under),
                },
            };
            Vec::new()
        }
        Act::Chart => {
            view.overlay = Overlay::Chart;
            Vec::new()
        }
        Act::Close => {
            // Help closes onto what it was opened over; the rest onto the grid.
            view.overlay = match std::mem::replace(&mut view.overlay, Overlay::None) {
                Overlay::Help { under, .. } => *under,
                Overlay::None | Overlay::Chart | Overlay::Case(_) => Overlay::None,
            };
            Vec::new()
        }
        Act::Open => {
            let case = view.cursor;
            if case < view.cases() {
                return open_case(view, case, 0);
            }
            Vec::new()
        }
        Act::Workbench => {
            let (case, repeat) = match view.overlay.case() {
                Some(open) => (open.case, open.repeat),
                None => (view.cursor, 0),
            };
            if case >= view.cases() {
                return Vec::new();
            }
            view.notice = Some(format!(
                "sending case {} to the workbench…",
                view.case_ids[case]
            ));
            vec![Effect::Handoff {
                case,
                repeat,
                offsets: offsets(view, case, repeat),
            }]
        }
        Act::Move(step) => {
            move_by(view, step, page);
            Vec::new()
        }
        Act::Left | Act::Right => {
            shift_columns(view, act == Act::Right);
            Vec::new()
        }
        Act::PrevRepeat | Act::NextRepeat => {
            if let Overlay::Case(open) = &view.overlay {
                let repeat = if act == Act::NextRepeat {
                    (open.repeat + 1) % view.repeat
                } else {
                    (open.repeat + view.repeat - 1) % view.repeat
                };
                if repeat != open.repeat {
                    let case = open.case;
                    return open_case(view, case, repeat);
                }
            }
            Vec::new()
        }
        Act::PrevCase | Act::NextCase => {
            if let Overlay::Case(open) = &view.overlay {
                let cases = view.cases();
                let case = if act == Act::NextCase {
                    (open.case + 1).min(cases.saturating_sub(1))
                } else {
                    open.case.saturating_sub(1)
                };
                if case != open.case {
                    let repeat = open.repeat;
                    view.cursor = case;
                    follow_cursor(view);
                    return open_case(view, case, repeat);
                }
            }
            Vec::new()
        }
        Act::ToggleDiff => {
            if let Overlay::Case(open) = &mut view.overlay {
                open.diff = !open.diff;
            }
            Vec::new()
        }
    }
}

fn quit(view: &mut EvalView) -> Vec<Effect> {
    view.quit = true;
    if view.running() {
        vec![Effect::CancelRun]
    } else {
        Vec::new()
    }
}

/// Per column, the journal offset of the case's result for `repeat`.
fn offsets(view: &EvalView, case: usize, repeat: u32) -> Vec<Option<u64>> {
    (0..view.columns.len())
        .map(|column| {
            let slot = *view.cell(case, column).get(repeat as usize)?;
            view.digest(slot).map(|d| d.offset)
        })
        .collect()
}

fn open_case(view: &mut EvalView, case: usize, repeat: u32) -> Vec<Effect> {
    let (first, diff) = match &view.overlay {
        Overlay::Case(open) => (open.first, open.diff),
        Overlay::None | Overlay::Help { .. } | Overlay::Chart => (0, true),
    };
    view.overlay = Overlay::Case(Box::new(CaseView {
        case,
        repeat,
        answers: Answers::Loading,
        first,
        scroll: 0,
        diff,
        diffs: Vec::new(),
        agreement: None,
    }));
    vec![Effect::LoadCase {
        case,
        repeat,
        offsets: offsets(view, case, repeat),
    }]
}

fn move_by(view: &mut EvalView, step: ScrollStep, page: usize) {
    if let Overlay::Help { scroll, .. } = &mut view.overlay {
        *scroll = if step == ScrollStep::Up {
            scroll.saturating_sub(1)
        } else {
            scroll.saturating_add(1)
        };
        return;
    }
    if let Overlay::Case(open) = &mut view.overlay {
        let case_page = layout::case_page(view.size);
        open.scroll = match step {
            ScrollStep::Up => open.scroll.saturating_sub(1),
            ScrollStep::Down => open.scroll.saturating_add(1),
            ScrollStep::PageUp => open.scroll.saturating_sub(case_page),
            ScrollStep::PageDown => open.scroll.saturating_add(case_page),
            ScrollStep::Top => 0,
            // Not bound in the case view (the answers' length is not known here).
            ScrollStep::Bottom => open.scroll,
        };
        return;
    }
    let last = view.cases().saturating_sub(1);
    view.cursor = match step {
        ScrollStep::Up => view.cursor.saturating_sub(1),
        ScrollStep::Down => (view.cursor + 1).min(last),
        ScrollStep::PageUp => view.cursor.saturating_sub(page),
        ScrollStep::PageDown => (view.cursor + page).min(last),
        ScrollStep::Top => 0,
        ScrollStep::Bottom => last,
    };
    follow_cursor(view);
}

/// Keeps the selected case on screen.
fn follow_cursor(view: &mut EvalView) {
    let rows = layout::grid_rows(view.size, view.columns.len());
    if view.cursor < view.top {
        view.top = view.cursor;
    } else if view.cursor >= view.top + rows {
        view.top = view.cursor + 1 - rows;
    }
    view.top = view.top.min(view.cases().saturating_sub(rows));
}

fn shift_columns(view: &mut EvalView, right: bool) {
    let columns = view.columns.len();
    let (width, columns_width) = (view.size.0, view.columns.len());
    match &mut view.overlay {
        Overlay::Case(open) => {
            let shown = layout::case_panes(width, columns_width);
            let last = columns.saturating_sub(shown);
            open.first = if right {
                (open.first + 1).min(last)
            } else {
                open.first.saturating_sub(1)
            };
            refresh_diffs(open, width, columns);
        }
        Overlay::None | Overlay::Help { .. } | Overlay::Chart => {
            view.first_column = if right {
                (view.first_column + 1).min(columns.saturating_sub(1))
            } else {
                view.first_column.saturating_sub(1)
            };
        }
    }
}

/// How much the loaded answers agree, when two columns or more answered.
fn agreement(answers: &Answers) -> Option<(Vec<usize>, crate::agreement::Agreement)> {
    let Answers::Loaded(answers) = answers else {
        return None;
    };
    let (columns, texts): (Vec<usize>, Vec<&str>) = answers
        .iter()
        .enumerate()
        .filter_map(|(column, r)| {
            let r = r.as_ref().filter(|r| r.error.is_none())?;
            Some((column, r.text.as_str()))
        })
        .unzip();
    (columns.len() >= 2).then(|| (columns, crate::agreement::group(&texts)))
}

/// The word diff of each answer shown against the leftmost one shown.
fn refresh_diffs(open: &mut CaseView, width: u16, columns: usize) {
    let Answers::Loaded(answers) = &open.answers else {
        open.diffs.clear();
        return;
    };
    let shown = layout::case_panes(width, columns);
    open.first = open.first.min(columns.saturating_sub(shown));
    let text = |column: usize| -> Option<&str> {
        answers
            .get(column)?
            .as_ref()
            .filter(|r| r.error.is_none())
            .map(|r| r.text.as_str())
    };
    let base = text(open.first);
    open.diffs = (0..columns)
        .map(|column| {
            let visible = column > open.first && column < open.first + shown;
            match (visible, base, text(column)) {
                (true, Some(base), Some(answer)) => Some(word_diff(base, answer)),
                _ => None,
            }
        })
        .collect();
}
