//! The eval runs from the workbench (F5): the list is read off the loop;
//! Enter asks for a run's journal and, once read, shows it in the eval
//! view over the workbench. While the view is open it takes every key
//! through its own reducer; what it asks for (a case's answers, a case as
//! a session) runs as workbench effects tagged with the run, and comes back
//! to it. Leaving the view returns to the list; a case sent to the
//! workbench closes both and opens its session.

use std::sync::Arc;

use crossterm::event::KeyEvent;

use crate::tui::eval::runs::{ListOutcome, OpenRun, ReadRun, RunList, RunRow};
use crate::tui::eval::state::{EvalView, Init};
use crate::tui::eval::update::{self as eval, prepare};
use crate::tui::keymap::BrowserAction;
use crate::tui::msg::Effect;
use crate::tui::state::{AppState, NoticeLevel, Overlay};

use super::notify;

pub fn open_list(state: &mut AppState, effects: &mut Vec<Effect>) {
    // Nothing to fit: the list pages by the screen's size as it draws.
    state.ui.overlay = Some(Overlay::Runs(Box::default()));
    state.touch();
    effects.push(Effect::ListEvalRuns);
}

fn list_mut(state: &mut AppState) -> Option<&mut RunList> {
    match &mut state.ui.overlay {
        Some(Overlay::Runs(list)) => Some(list),
        Some(_) | None => None,
    }
}

pub fn on_listed(state: &mut AppState, rows: Vec<RunRow>, problems: Vec<String>) {
    if let Some(list) = list_mut(state) {
        list.set_rows(rows, problems);
        state.touch();
    }
}

pub fn on_list_key(
    state: &mut AppState,
    mut list: Box<RunList>,
    action: BrowserAction,
    effects: &mut Vec<Effect>,
) {
    let page = RunList::page(state.workspace.size);
    if let ListOutcome::Open(id) = list.apply(action, page) {
        effects.push(Effect::ReadEvalRun(id));
    }
    state.ui.overlay = Some(Overlay::Runs(list));
}

/// The journal was read: the run opens in the eval view, if the list still
/// waits for it.
pub fn on_read(state: &mut AppState, id: &str, outcome: Result<Box<ReadRun>, String>) {
    let (theme, size) = (state.settings.theme, state.workspace.size);
    let Some(list) = list_mut(state) else {
        return;
    };
    if list.opening.as_deref() != Some(id) {
        return;
    }
    list.opening = None;
    match outcome {
        Ok(run) => {
            let ReadRun {
                id,
                journal,
                suite,
                digests,
            } = *run;
            let mut view = EvalView::new(Init {
                run_id: id,
                suite: Arc::new(suite),
                earlier: digests,
                volume: None,
                theme,
                size,
            })
            .read_only();
            prepare(&mut view);
            list.open = Some(OpenRun {
                view: Box::new(view),
                journal,
            });
            state.touch();
        }
        Err(error) => notify(
            state,
            NoticeLevel::Error,
            format!("cannot open run {id}: {error}"),
        ),
    }
}

/// A key for the open eval view; false when none is open.
pub fn on_view_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    let open = match &state.ui.overlay {
        Some(Overlay::Runs(list)) => list.open.is_some(),
        Some(_) | None => false,
    };
    if open {
        to_view(state, eval::Msg::Key(key), effects);
    }
    open
}

/// What the view asked for came back; dropped when that run is no longer open.
pub fn on_view_msg(state: &mut AppState, run_id: &str, msg: eval::Msg, effects: &mut Vec<Effect>) {
    let same = list_mut(state)
        .and_then(|list| list.open.as_ref())
        .is_some_and(|open| open.view.run_id == run_id);
    if same {
        to_view(state, msg, effects);
    }
}

/// Keeps the open view's size with the screen's.
pub fn fit(list: &mut RunList, size: (u16, u16)) {
    if let Some(open) = &mut list.open
        && open.view.size != size
    {
        // Not running, a resize asks for nothing.
        let _ = eval::update(&mut open.view, eval::Msg::Resize(size.0, size.1));
    }
}

/// Runs the view's reducer; its effects become workbench effects, and its
/// closing returns to the list (or opens the session a case was sent to).
fn to_view(state: &mut AppState, msg: eval::Msg, effects: &mut Vec<Effect>) {
    let Some(list) = list_mut(state) else {
        return;
    };
    let Some(open) = &mut list.open else {
        return;
    };
    for effect in eval::update(&mut open.view, msg) {
        match effect {
            // A run read from its journal is not running: nothing to stop.
            eval::Effect::CancelRun => {}
            effect @ (eval::Effect::LoadCase { .. } | eval::Effect::Handoff { .. }) => {
                effects.push(Effect::EvalView {
                    run_id: open.view.run_id.clone(),
                    journal: open.journal.clone(),
                    suite: open.view.suite.clone(),
                    effect,
                });
            }
        }
    }
    prepare(&mut open.view);
    if open.view.quit {
        let handoff = open.view.handoff.take();
        list.open = None;
        if let Some(id) = handoff {
            state.ui.overlay = None;
            effects.push(Effect::OpenSession(id));
        }
    }
    state.touch();
}
