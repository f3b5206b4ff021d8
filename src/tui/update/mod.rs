//! The reducer: `update(&mut AppState, Msg) -> Vec<Effect>`. Pure: no I/O,
//! no clock, no await; time arrives inside messages. Keys become actions via
//! the keymap; stream batches fold into panes (`runs.rs`); choices from the
//! picker and the parameter form reshape panes (`panes.rs`).

mod actions;
mod overlays;
mod panes;
pub mod record;
mod restore;
mod runs;

use crossterm::event::{KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::keymap::{self, Context};
use super::layout;
use super::msg::{Effect, Msg};
use super::state::{AppState, Focus, Notice, NoticeLevel, Overlay};
use crate::sanitize::sanitize;

pub use panes::{apply_config, catalog_effects, new_state, startup_effects};
pub use record::start_session;
pub use restore::open_session;

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let mut effects = Vec::new();
    match msg {
        Msg::Key(key) => on_key(state, key, &mut effects),
        Msg::Mouse(mouse) => on_mouse(state, mouse),
        Msg::Paste(text) => on_paste(state, &text),
        Msg::Resize(width, height) => {
            state.size = (width, height);
            relayout(state);
        }
        Msg::Stream {
            pane,
            run,
            events,
            merged,
            at,
        } => runs::on_events(state, pane, run, events, merged, at, &mut effects),
        Msg::RunFinished {
            pane,
            run,
            result,
            at,
        } => runs::on_finished(state, pane, run, *result, at, &mut effects),
        Msg::CatalogLoaded {
            provider,
            catalog,
            warnings,
            refreshed,
        } => panes::on_catalog(state, provider, catalog, warnings, refreshed),
        Msg::EditorClosed(outcome) => match outcome {
            Ok(text) => {
                let text = sanitize(text.trim_end_matches('\n')).into_owned();
                state.editor = panes::new_editor(&text);
                editor_changed(state);
            }
            Err(message) => notify(state, NoticeLevel::Error, message),
        },
        Msg::Tick { at, unix } => {
            state.now = Some(at);
            state.now_unix = unix;
            if state.any_live() {
                state.dirty = true;
            }
        }
        Msg::TerminalError(message) => notify(state, NoticeLevel::Error, message),
        Msg::Signal => actions::apply(state, keymap::Action::Quit, &mut effects),
        Msg::Notice(text) => notify(state, NoticeLevel::Warning, text),
        Msg::SessionsListed { items, problems } => {
            if let Some(Overlay::Sessions(browser)) = &mut state.overlay {
                browser.set_items(items, problems);
                state.dirty = true;
            }
        }
        Msg::SessionOpened(outcome) => match outcome {
            Ok(session) => {
                record::persist(state, &mut effects, None, true);
                runs::cancel_all(state, &mut effects);
                restore::open_session(state, *session);
            }
            Err(message) => notify(state, NoticeLevel::Error, message),
        },
        Msg::LeaderboardLoaded { boards, problems } => {
            if let Some(Overlay::Leaderboard(view)) = &mut state.overlay {
                view.boards = Some(boards);
                view.problems = problems;
                state.dirty = true;
            }
        }
        Msg::GenerationFetched { pane, run, record } => {
            runs::on_generation(state, pane, run, record, &mut effects);
        }
        Msg::KeyFetched(outcome) => {
            // Servers without /key (or a key without rights) just show no credit.
            if let Ok(info) = outcome {
                state.key_info = Some(info);
                state.dirty = true;
            }
        }
        Msg::LocalFound(found) => panes::on_local_found(state, found),
        Msg::SaveFailed(message) => notify(
            state,
            NoticeLevel::Error,
            format!(
                "could not save the session ({message}); it is kept in memory and saved again on the next change"
            ),
        ),
    }
    effects
}

/// A one-line notice in the footer; it often carries a server's words
/// (a catalog warning, an error), so it goes through the sanitiser.
pub(super) fn notify(state: &mut AppState, level: NoticeLevel, text: impl Into<String>) {
    let text = text.into();
    state.notice = Some(Notice {
        text: crate::sanitize::one_line(&text).into_owned(),
        level,
    });
    state.dirty = true;
}

fn on_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    state.dirty = true;
    if state.overlay.is_some() {
        overlays::on_key(state, key, effects);
        return;
    }
    let context = match state.focus {
        Focus::Editor => Context::Editor,
        Focus::Pane(_) => Context::Pane,
    };
    match keymap::lookup(context, &key) {
        Some(action) => actions::apply(state, action, effects),
        None if context == Context::Editor && state.editor.input(key) => editor_changed(state),
        None => {}
    }
}

fn on_mouse(state: &mut AppState, mouse: MouseEvent) {
    if state.overlay.is_some() {
        return;
    }
    let at = Position::new(mouse.column, mouse.row);
    let pane = state.layout.panes.iter().position(|r| r.contains(at));
    match mouse.kind {
        MouseEventKind::ScrollUp => {
            if let Some(index) = pane {
                actions::scroll_by(state, index, -3);
            }
        }
        MouseEventKind::ScrollDown => {
            if let Some(index) = pane {
                actions::scroll_by(state, index, 3);
            }
        }
        MouseEventKind::Down(_) => {
            if let Some(index) = pane {
                state.focus = Focus::Pane(index);
                state.dirty = true;
            } else if state.layout.editor.contains(at) {
                state.focus = Focus::Editor;
                state.dirty = true;
            }
        }
        _ => {}
    }
}

fn on_paste(state: &mut AppState, text: &str) {
    let text = sanitize(text);
    state.dirty = true;
    match &mut state.overlay {
        Some(Overlay::Params(form)) => {
            let focus = form.focus;
            form.fields[focus].insert_str(text.replace('\n', " "));
        }
        Some(Overlay::Picker(picker, _)) => {
            picker.insert_str(&text.replace(char::is_whitespace, ""))
        }
        Some(Overlay::Rename(field)) => {
            field.insert_str(text.replace('\n', " "));
        }
        Some(Overlay::Sessions(browser)) => browser.insert_str(&text.replace('\n', " ")),
        Some(
            Overlay::Help { .. }
            | Overlay::Vote
            | Overlay::DiffPick(_)
            | Overlay::Diff(_)
            | Overlay::Details(_)
            | Overlay::Leaderboard(_),
        ) => {}
        None => {
            state.focus = Focus::Editor;
            state.editor.insert_str(text);
            editor_changed(state);
        }
    }
}

/// The prompt changed: its cost estimate and maybe the editor's height.
pub(super) fn editor_changed(state: &mut AppState) {
    panes::estimate(state);
    let lines = state.editor.lines().len() as u16;
    if lines != state.editor_lines {
        state.editor_lines = lines;
        relayout(state);
    }
    state.dirty = true;
}

/// Recomputes where everything goes and re-wraps pane text to its width.
pub(super) fn relayout(state: &mut AppState) {
    let zoomed = state.zoom.and_then(|id| state.pane_index(id));
    state.layout = layout::compute(state.size, state.panes.len(), zoomed, state.editor_lines);
    for (pane, rect) in state.panes.iter_mut().zip(&state.layout.panes) {
        let inner = layout::pane_inner(*rect);
        pane.document.set_width(inner.width);
        pane.height = inner.height;
    }
    if let Focus::Pane(i) = state.focus
        && i >= state.panes.len()
    {
        state.focus = if state.panes.is_empty() {
            Focus::Editor
        } else {
            Focus::Pane(state.panes.len() - 1)
        };
    }
    state.dirty = true;
}

#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_account;
#[cfg(test)]
mod tests_hostile;
#[cfg(test)]
mod tests_routers;
#[cfg(test)]
mod tests_sessions;
