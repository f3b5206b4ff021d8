//! The overlays: opening them (the ones that need data ask for it), what
//! their keymap actions do, and fitting the scrolling ones' pages to the
//! screen so their scroll stays within the text.

use crate::session::leaderboard::Leaderboard;
use crate::session::{StoreError, Verdict};
use crate::tui::browser::{BrowserOutcome, SessionBrowser};
use crate::tui::diff::DiffView;
use crate::tui::keymap::{Action, Context};
use crate::tui::layout;
use crate::tui::msg::Effect;
use crate::tui::params::FormOutcome;
use crate::tui::picker::{PickerOutcome, list_rows};
use crate::tui::scroll::ScrollView;
use crate::tui::state::overlay::{FILTERS, SOURCES};
use crate::tui::state::{AppState, Focus, NoticeLevel, Overlay, PickerTarget, TextView};

use super::{details, eval_runs, notify, panes, record, runs, screen, upstreams};

/// What an overlay's own action does; `Action::Close` leaves any overlay.
pub fn apply(state: &mut AppState, action: Action, effects: &mut Vec<Effect>) {
    let Some(overlay) = state.ui.overlay.take() else {
        return;
    };
    match (overlay, action) {
        (_, Action::Close) => {}
        (Overlay::Picker(mut picker, target), Action::Picker(action)) => {
            match picker.apply(action) {
                PickerOutcome::Continue => {
                    state.ui.overlay = Some(Overlay::Picker(picker, target));
                }
                PickerOutcome::Cancel => {}
                PickerOutcome::Apply(references) => {
                    panes::apply_picker(state, target, references, effects);
                }
            }
        }
        (Overlay::Params(mut form), Action::Form(action)) => match form.apply(action) {
            FormOutcome::Continue => state.ui.overlay = Some(Overlay::Params(form)),
            FormOutcome::Cancel => {}
            FormOutcome::Apply(params) => {
                panes::apply_params(state, form.scope, params, effects);
            }
        },
        (Overlay::Runs(list), Action::Browser(action)) => {
            eval_runs::on_list_key(state, list, action, effects);
        }
        (Overlay::Sessions(mut browser), Action::Browser(action)) => {
            let outcome = browser.apply(action);
            on_browser(state, browser, outcome, effects);
        }
        (Overlay::Vote, Action::VoteBest(index)) => match state.workspace.panes.get(index) {
            Some(pane) => {
                let column = pane.id.0;
                vote(state, Verdict::Best { column }, effects);
            }
            None => notify(
                state,
                NoticeLevel::Warning,
                format!("there is no pane {}", index + 1),
            ),
        },
        (Overlay::Vote, Action::VoteTie) => vote(state, Verdict::Tie, effects),
        (Overlay::Vote, Action::VoteAllBad) => vote(state, Verdict::AllBad, effects),
        (Overlay::DiffPick(from), Action::DiffWith(other)) => open_diff(state, from, other),
        (Overlay::Leaderboard(mut view), Action::NextFilter | Action::PrevFilter) => {
            let step = if action == Action::NextFilter {
                1
            } else {
                FILTERS - 1
            };
            view.shown = (view.shown + step) % FILTERS;
            state.ui.overlay = Some(Overlay::Leaderboard(view));
            fit(state);
        }
        (Overlay::Leaderboard(mut view), Action::NextSource) => {
            view.source = (view.source + 1) % SOURCES;
            state.ui.overlay = Some(Overlay::Leaderboard(view));
            fit(state);
        }
        (Overlay::Picker(picker, PickerTarget::Columns), Action::ExpandUpstreams) => {
            upstreams::expand(state, picker, effects);
        }
        (Overlay::Picker(picker, PickerTarget::Columns), Action::ViaAndDirect) => {
            upstreams::via_and_direct(state, picker, effects);
        }
        (
            overlay @ Overlay::Picker(_, PickerTarget::Fallback(_)),
            Action::ExpandUpstreams | Action::ViaAndDirect,
        ) => {
            state.ui.overlay = Some(overlay);
            notify(
                state,
                NoticeLevel::Info,
                "a fallback chain is one pane: open the picker with Ctrl+P to add panes per upstream or direct",
            );
        }
        (Overlay::Rename(field), Action::SaveName) => {
            let name = field.lines().join(" ").trim().to_string();
            state.record.session.name = (!name.is_empty()).then_some(name);
            record::persist(state, effects, None, true);
            let title = state.record.session.title();
            notify(
                state,
                NoticeLevel::Info,
                format!("session named \"{title}\""),
            );
        }
        // The keymap gives each overlay only its own actions.
        (overlay, _) => state.ui.overlay = Some(overlay),
    }
}

/// A key no binding names, in an overlay that closes on such keys (the
/// session browser's delete question is answered "no" instead).
pub fn close(state: &mut AppState) {
    match &mut state.ui.overlay {
        Some(Overlay::Sessions(browser)) => browser.keep(),
        Some(
            Overlay::Help(_)
            | Overlay::Picker(..)
            | Overlay::Params(_)
            | Overlay::Vote
            | Overlay::DiffPick(_)
            | Overlay::Diff(_)
            | Overlay::Leaderboard(_)
            | Overlay::Rename(_)
            | Overlay::Details(_)
            | Overlay::Judge(_)
            | Overlay::Runs(_),
        )
        | None => state.ui.overlay = None,
    }
}

fn on_browser(
    state: &mut AppState,
    mut browser: Box<SessionBrowser>,
    outcome: BrowserOutcome,
    effects: &mut Vec<Effect>,
) {
    match outcome {
        BrowserOutcome::Continue => state.ui.overlay = Some(Overlay::Sessions(browser)),
        BrowserOutcome::Open(id) => {
            if id == state.record.session.id {
                notify(state, NoticeLevel::Info, "that session is the one open");
            } else {
                effects.push(Effect::OpenSession(id));
            }
        }
        BrowserOutcome::Delete(id) => {
            if id == state.record.session.id {
                // Deleting the open session leaves an empty new one.
                runs::cancel_all(state, effects);
                runs::clear_panes(state);
                let blind = state.record.session.blind;
                record::start_session(state, blind);
            }
            effects.push(Effect::DeleteSession(id.clone()));
            notify(state, NoticeLevel::Info, format!("deleted session {id}"));
            browser.items = None;
            state.ui.overlay = Some(Overlay::Sessions(browser));
            effects.push(Effect::ListSessions);
        }
    }
}

fn vote(state: &mut AppState, verdict: Verdict, effects: &mut Vec<Effect>) {
    if let Some(said) = record::vote(state, verdict) {
        notify(state, NoticeLevel::Info, said);
        record::persist(state, effects, None, true);
    }
}

/// Fits the open overlay to the screen: the picker's page, the scrolling
/// views' pages and text.
pub fn fit(state: &mut AppState) {
    let screen = screen(state);
    let focused = match state.workspace.focus {
        Focus::Editor => Context::Editor,
        Focus::Pane(_) => Context::Pane,
    };
    match &mut state.ui.overlay {
        Some(Overlay::Help(scroll)) => {
            let help = layout::help(screen, focused);
            scroll.resize(help.rows, help.page());
        }
        Some(Overlay::Picker(picker, _)) => picker.set_page_rows(list_rows(screen)),
        Some(Overlay::Diff(view)) => {
            let text = layout::diff_text(screen);
            view.fit(text.width, usize::from(text.height));
        }
        Some(Overlay::Leaderboard(view)) => {
            let inner = layout::pane_inner(layout::leaderboard_box(screen));
            let page = usize::from(inner.height).saturating_sub(view.header_rows(inner.width));
            let rows = view.board().map_or(0, |b| b.rows.len());
            view.scroll.resize(rows, page);
        }
        Some(Overlay::Details(view) | Overlay::Judge(view)) => {
            let inner = layout::pane_inner(layout::details_box(screen));
            let rows = crate::tui::text_page::rows(&view.lines, inner.width).len();
            view.scroll.resize(rows, usize::from(inner.height));
        }
        Some(Overlay::Runs(list)) => eval_runs::fit(list, state.workspace.size),
        Some(
            Overlay::Params(_)
            | Overlay::Vote
            | Overlay::DiffPick(_)
            | Overlay::Sessions(_)
            | Overlay::Rename(_),
        )
        | None => {}
    }
}

/// Opens `overlay` fitted to the screen.
pub(super) fn open(state: &mut AppState, overlay: Overlay) {
    state.ui.overlay = Some(overlay);
    fit(state);
}

pub fn open_help(state: &mut AppState) {
    open(state, Overlay::Help(ScrollView::default()));
}

pub fn open_vote(state: &mut AppState) {
    if state.record.session.turns.is_empty() {
        notify(
            state,
            NoticeLevel::Info,
            "send a prompt first, then vote on the answers",
        );
    } else if state.workspace.any_live() {
        notify(
            state,
            NoticeLevel::Info,
            "wait for every answer before voting",
        );
    } else {
        state.ui.overlay = Some(Overlay::Vote);
    }
}

pub fn open_diff_from(state: &mut AppState, from: usize) {
    match state.workspace.panes.len() {
        0 | 1 => notify(state, NoticeLevel::Info, "a diff needs two panes"),
        2 => open_diff(state, from, 1 - from.min(1)),
        _ => state.ui.overlay = Some(Overlay::DiffPick(from)),
    }
}

fn open_diff(state: &mut AppState, from: usize, to: usize) {
    let panes = &state.workspace.panes;
    if from == to || to >= panes.len() {
        notify(
            state,
            NoticeLevel::Warning,
            "pick another pane to compare with",
        );
        return;
    }
    let (Some(left), Some(right)) = (panes[from].answer_text(), panes[to].answer_text()) else {
        notify(
            state,
            NoticeLevel::Info,
            "both panes need an answer to compare",
        );
        return;
    };
    let name = |i: usize| format!("{} {}", i + 1, state.pane_label(&panes[i]));
    let view = DiffView::new(name(from), name(to), left, right);
    open(state, Overlay::Diff(Box::new(view)));
}

pub fn open_sessions(state: &mut AppState, effects: &mut Vec<Effect>) {
    let browser = SessionBrowser::new(state.record.session.id.clone());
    state.ui.overlay = Some(Overlay::Sessions(Box::new(browser)));
    // The list shows the open session as saved, so save it first (in order).
    record::persist(state, effects, None, true);
    effects.push(Effect::ListSessions);
}

pub fn open_leaderboard(state: &mut AppState, effects: &mut Vec<Effect>) {
    open(state, Overlay::Leaderboard(Box::default()));
    record::persist(state, effects, None, true);
    effects.push(Effect::LoadLeaderboard);
}

pub fn on_leaderboard(state: &mut AppState, boards: Vec<Leaderboard>, problems: &[StoreError]) {
    if let Some(Overlay::Leaderboard(view)) = &mut state.ui.overlay {
        view.boards = Some(boards);
        view.problems = problems.iter().map(ToString::to_string).collect();
        fit(state);
        state.touch();
    }
}

pub fn open_rename(state: &mut AppState) {
    // The name it goes by now: its own, else its first prompt's line.
    let name = match &state.record.session.name {
        Some(name) => name.clone(),
        None if state.record.turns() > 0 => state.record.session.title(),
        None => String::new(),
    };
    let mut field = ratatui_textarea::TextArea::new(vec![name]);
    field.move_cursor(ratatui_textarea::CursorMove::End);
    state.ui.overlay = Some(Overlay::Rename(Box::new(field)));
}

/// The details of a pane's latest answer.
pub fn open_details(state: &mut AppState, index: usize) {
    if index >= state.workspace.panes.len() {
        return;
    }
    let view = TextView {
        title: format!("Details · pane {}", index + 1),
        lines: details::lines(state, index),
        scroll: ScrollView::default(),
    };
    open(state, Overlay::Details(Box::new(view)));
}
