//! The reducer: `update(&mut AppState, Stamped) -> Vec<Effect>`. Pure: no
//! I/O, no clock, no await, no randomness of its own. Time arrives with each
//! message and randomness from the state's seeded generator; catalogs and
//! discovery arrive parsed. Keys become actions through the keymap
//! (`actions.rs`); stream batches fold into panes (`runs.rs`); the picker's
//! and the form's choices reshape panes (`panes.rs`).

mod actions;
mod agreement;
mod catalogs;
mod details;
mod estimate;
mod eval_runs;
mod judge;
mod overlays;
mod pairs;
mod panes;
pub mod record;
mod restore;
mod runs;
mod upstreams;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::keymap::{self, Context, PickerAction, Unbound};
use super::layout;
use super::msg::{Effect, Msg, Stamped};
use super::state::{AppState, Focus, Notice, NoticeLevel, Overlay, new_editor};
use crate::sanitize::sanitize;

pub use catalogs::{catalog_effects, startup_effects};
pub use panes::{Startup, apply_config, new_state};
pub use record::{set_privacy, start_session};
pub use restore::open_session;

pub fn update(state: &mut AppState, stamped: Stamped) -> Vec<Effect> {
    let Stamped { msg, now } = stamped;
    state.now = state.now.latest(now);
    if state
        .notice_expires_at()
        .is_some_and(|at| at <= state.now.at)
    {
        state.ui.notice = None;
        state.touch();
    }
    let mut effects = Vec::new();
    match msg {
        Msg::Key(key) => on_key(state, key, &mut effects),
        Msg::Keys(keys) => on_burst(state, keys, &mut effects),
        Msg::Mouse(mouse) => on_mouse(state, mouse),
        Msg::Paste(text) => on_paste(state, &text),
        Msg::Resize(width, height) => {
            state.workspace.size = (width, height);
            relayout(state);
        }
        Msg::Stream {
            pane,
            run,
            events,
            merged,
        } => runs::on_events(state, pane, run, events, merged, now.at, &mut effects),
        Msg::RunFinished { pane, run, result } => {
            runs::on_finished(state, pane, run, *result, now.at, &mut effects);
        }
        Msg::CatalogLoaded {
            provider,
            catalog,
            warnings,
            refreshed,
        } => catalogs::on_catalog(state, provider, catalog, &warnings, refreshed),
        Msg::EditorClosed(outcome) => match outcome {
            Ok(text) => {
                let text = sanitize(text.trim_end_matches('\n')).into_owned();
                state.workspace.editor = new_editor(&text);
                editor_changed(state);
            }
            Err(error) => notify(state, NoticeLevel::Error, error.to_string()),
        },
        Msg::Tick => {
            if state.workspace.any_live() {
                state.touch();
            }
        }
        Msg::TerminalError(error) => notify(state, NoticeLevel::Error, error.to_string()),
        Msg::Signal => actions::apply(state, keymap::Action::Quit, &mut effects),
        Msg::Notice(text) => notify(state, NoticeLevel::Warning, text),
        Msg::SessionsListed {
            items,
            texts,
            problems,
        } => {
            if let Some(Overlay::Sessions(browser)) = &mut state.ui.overlay {
                let problems = problems.iter().map(ToString::to_string).collect();
                browser.set_items(items, texts, problems);
                state.ui.dirty = true;
            }
        }
        Msg::SessionOpened(outcome) => match outcome {
            Ok(session) => {
                record::persist(state, &mut effects, None, true);
                runs::cancel_all(state, &mut effects);
                restore::open_session(state, *session);
            }
            Err(error) => notify(state, NoticeLevel::Error, error.to_string()),
        },
        Msg::LeaderboardLoaded { boards, problems } => {
            overlays::on_leaderboard(state, boards, &problems);
        }
        Msg::GenerationFetched { pane, run, record } => {
            runs::on_generation(state, pane, run, record, &mut effects);
        }
        Msg::KeyFetched(outcome) => match outcome {
            Ok(info) => {
                state.catalogs.key_info = Some(info);
                state.touch();
            }
            // Servers without /key (or a key without rights) just show no credit.
            Err(error) => tracing::info!(%error, "no key info"),
        },
        Msg::LocalFound(found) => catalogs::on_local_found(state, found),
        Msg::UpstreamsFetched {
            ask,
            model,
            outcome,
        } => upstreams::on_upstreams(state, ask, &model, outcome, &mut effects),
        Msg::Judged { ask, comparisons } => judge::on_judged(state, ask, comparisons, &mut effects),
        Msg::Grouped { ask, grouped } => agreement::on_grouped(state, ask, grouped),
        Msg::EvalRunsListed { rows, problems } => eval_runs::on_listed(state, rows, problems),
        Msg::EvalRunRead { id, outcome } => eval_runs::on_read(state, &id, outcome),
        Msg::EvalView { run_id, msg } => eval_runs::on_view_msg(state, &run_id, msg, &mut effects),
        Msg::SaveFailed(error) => notify(
            state,
            NoticeLevel::Error,
            format!(
                "could not save the session ({error}); it is kept in memory and saved again on the next change"
            ),
        ),
    }
    effects
}

/// A one-line notice in the footer; it often carries a server's words
/// (a catalog warning, an error), so it goes through the sanitiser.
pub(super) fn notify(state: &mut AppState, level: NoticeLevel, text: impl Into<String>) {
    let text = text.into();
    state.ui.notice = Some(Notice {
        text: crate::sanitize::one_line(&text).into_owned(),
        level,
        expires_at: state.now.at + level.lasts(),
    });
    state.touch();
}

fn on_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    state.touch();
    // The eval view, open on a run, takes every key.
    if eval_runs::on_view_key(state, key, effects) {
        return;
    }
    let context = state.key_context();
    match keymap::lookup(context, &key) {
        Some(action) => actions::apply(state, action, effects),
        None => match context.unbound() {
            Unbound::Ignore => {}
            Unbound::Close => overlays::close(state),
            Unbound::Type => type_key(state, context, key),
        },
    }
}

/// Keys that arrived at once. In the prompt, characters, Enter and Tab are
/// pasted text (Enter a new line, never a send); every other key, and every
/// key elsewhere, does what it does alone.
fn on_burst(state: &mut AppState, keys: Vec<KeyEvent>, effects: &mut Vec<Effect>) {
    // Text with Ctrl or Alt keys among it is a paste carrying control bytes
    // (BEL is Ctrl+G, DC1 Ctrl+Q, ESC+x Alt+x): hostile or not, a paste
    // types; it never opens an editor or quits. Other keys (Backspace,
    // arrows) still act, as keys typed ahead under load do.
    let pasted = keys.iter().any(|key| burst_char(key).is_some());
    let mut text = String::new();
    let mut dropped = 0usize;
    for key in keys {
        if key.kind == KeyEventKind::Release {
            continue;
        }
        let in_editor = state.key_context() == Context::Editor;
        let typed = if in_editor { burst_char(&key) } else { None };
        match typed {
            Some(c) => text.push(c),
            None if in_editor && pasted && modified(&key) => dropped += 1,
            None => {
                if !text.is_empty() {
                    on_paste(state, &std::mem::take(&mut text));
                }
                on_key(state, key, effects);
            }
        }
    }
    if !text.is_empty() {
        on_paste(state, &text);
    }
    if dropped > 0 {
        let said = format!(
            "{dropped} control key{} in pasted text not acted on",
            if dropped == 1 { "" } else { "s" }
        );
        notify(state, NoticeLevel::Warning, said);
    }
}

/// The text a key stands for inside a burst: a character, and Enter and
/// Tab as the line break and tab they were in the pasted text.
fn burst_char(key: &KeyEvent) -> Option<char> {
    #[allow(
        clippy::wildcard_enum_match_arm,
        reason = "crossterm's key codes: only text keys are text"
    )]
    match key.code {
        KeyCode::Enter => Some('\n'),
        KeyCode::Tab if !modified(key) => Some('\t'),
        _ => plain_char(key),
    }
}

fn modified(key: &KeyEvent) -> bool {
    key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// The character a key types, if it types one.
fn plain_char(key: &KeyEvent) -> Option<char> {
    #[allow(
        clippy::wildcard_enum_match_arm,
        reason = "crossterm's key codes: only characters are typed"
    )]
    match key.code {
        KeyCode::Char(c) if !modified(key) && !c.is_control() => Some(c),
        _ => None,
    }
}

/// A key no binding names, in a context with a text field: it is typed.
fn type_key(state: &mut AppState, context: Context, key: KeyEvent) {
    let plain_char = plain_char(&key);
    match (&mut state.ui.overlay, context) {
        (None, Context::Editor) => {
            if state.workspace.editor.input(key) {
                editor_changed(state);
            }
        }
        (Some(Overlay::Picker(picker, _)), _) => {
            if let Some(c) = plain_char {
                picker.apply(PickerAction::Input(c));
            }
        }
        (Some(Overlay::Params(form)), _) => form.input(key),
        (Some(Overlay::Sessions(browser)), _) => {
            if let Some(c) = plain_char {
                browser.type_char(c);
            }
        }
        (Some(Overlay::Rename(field)), _) => {
            field.input(key);
        }
        (
            None
            | Some(
                Overlay::Help(_)
                | Overlay::Vote
                | Overlay::DiffPick(_)
                | Overlay::Diff(_)
                | Overlay::Leaderboard(_)
                | Overlay::Details(_)
                | Overlay::Judge(_)
                | Overlay::Runs(_),
            ),
            _,
        ) => {}
    }
}

fn on_mouse(state: &mut AppState, mouse: MouseEvent) {
    if state.ui.overlay.is_some() {
        return;
    }
    let at = Position::new(mouse.column, mouse.row);
    let layout = &state.workspace.layout;
    let pane = layout.panes.iter().position(|r| r.contains(at));
    match mouse.kind {
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
            let rows = if mouse.kind == MouseEventKind::ScrollUp {
                -3
            } else {
                3
            };
            if let Some(index) = pane {
                actions::scroll_pane_by(state, index, rows);
            }
        }
        MouseEventKind::Down(_) => {
            if let Some(index) = pane {
                state.workspace.focus = Focus::Pane(index);
                state.touch();
            } else if layout.editor.contains(at) {
                state.workspace.focus = Focus::Editor;
                state.touch();
            }
        }
        MouseEventKind::Up(_)
        | MouseEventKind::Drag(_)
        | MouseEventKind::Moved
        | MouseEventKind::ScrollLeft
        | MouseEventKind::ScrollRight => {}
    }
}

fn on_paste(state: &mut AppState, text: &str) {
    // Terminals (and tmux) send a pasted line break as CR.
    let text = if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let text = sanitize(&text);
    state.touch();
    match &mut state.ui.overlay {
        Some(Overlay::Params(form)) => {
            let focus = form.focus;
            form.fields[focus].insert_str(text.replace('\n', " "));
        }
        Some(Overlay::Picker(picker, _)) => {
            picker.insert_str(&text.replace(char::is_whitespace, ""));
        }
        Some(Overlay::Rename(field)) => {
            field.insert_str(text.replace('\n', " "));
        }
        Some(Overlay::Sessions(browser)) => browser.insert_str(&text.replace('\n', " ")),
        Some(
            Overlay::Help(_)
            | Overlay::Vote
            | Overlay::DiffPick(_)
            | Overlay::Diff(_)
            | Overlay::Details(_)
            | Overlay::Judge(_)
            | Overlay::Runs(_)
            | Overlay::Leaderboard(_),
        ) => {}
        None => {
            state.workspace.focus = Focus::Editor;
            fit_wrap(&mut state.workspace.editor, text.len());
            state.workspace.editor.insert_str(text);
            editor_changed(state);
        }
    }
}

/// Above this size the prompt's long lines are not wrapped. The editor
/// re-wraps every line on each edit, so wrapping would make each key cost
/// the whole prompt (seconds per key after a 5 MB paste); unwrapped, an
/// edit costs a count of the lines.
pub const WRAP_LIMIT_BYTES: usize = 64 * 1024;

/// Wraps the prompt's lines only while it (and `adding` more bytes) is
/// small enough; set before a big insert, so that it is never wrapped.
fn fit_wrap(editor: &mut ratatui_textarea::TextArea<'static>, adding: usize) {
    use ratatui_textarea::WrapMode;
    let bytes: usize = editor.lines().iter().map(|l| l.len() + 1).sum();
    let mode = if bytes.saturating_add(adding) > WRAP_LIMIT_BYTES {
        WrapMode::None
    } else {
        WrapMode::WordOrGlyph
    };
    if editor.wrap_mode() != mode {
        editor.set_wrap_mode(mode);
    }
}

/// The prompt changed: its cost estimate and maybe the editor's height.
pub(super) fn editor_changed(state: &mut AppState) {
    fit_wrap(&mut state.workspace.editor, 0);
    estimate::estimate(state);
    let lines = u16::try_from(state.workspace.editor.lines().len()).unwrap_or(u16::MAX);
    if lines != state.workspace.editor_lines {
        state.workspace.editor_lines = lines;
        relayout(state);
    }
    state.touch();
}

/// The whole screen.
fn screen(state: &AppState) -> Rect {
    let (width, height) = state.workspace.size;
    Rect::new(0, 0, width, height)
}

/// Recomputes where everything goes: pane text re-wrapped to its width,
/// and the open overlay's page fitted to the screen.
pub(super) fn relayout(state: &mut AppState) {
    let workspace = &mut state.workspace;
    let zoomed = workspace.zoom.and_then(|id| workspace.pane_index(id));
    workspace.layout = layout::compute(
        workspace.size,
        workspace.panes.len(),
        zoomed,
        workspace.editor_lines,
    );
    for (pane, rect) in workspace.panes.iter_mut().zip(&workspace.layout.panes) {
        let inner = layout::pane_inner(*rect);
        pane.document.set_width(inner.width);
        pane.height = inner.height;
    }
    if let Focus::Pane(i) = workspace.focus
        && i >= workspace.panes.len()
    {
        workspace.focus = match workspace.panes.len() {
            0 => Focus::Editor,
            count => Focus::Pane(count - 1),
        };
    }
    overlays::fit(state);
    state.touch();
}

#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_account;
#[cfg(test)]
pub(crate) mod tests_agreement;
#[cfg(test)]
mod tests_editor;
#[cfg(test)]
mod tests_eval_runs;
#[cfg(test)]
mod tests_hostile;
#[cfg(test)]
mod tests_judge;
#[cfg(test)]
mod tests_overlays;
#[cfg(test)]
mod tests_panes;
#[cfg(test)]
mod tests_routers;
#[cfg(test)]
mod tests_runs;
#[cfg(test)]
mod tests_sessions;
#[cfg(test)]
mod tests_upstreams;
