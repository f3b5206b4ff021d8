//! What each keymap action does to the state.

use crate::tui::keymap::Action;
use crate::tui::msg::Effect;
use crate::tui::params::{ParamsForm, ParamsScope};
use crate::tui::state::{AppState, Focus, NoticeLevel, Overlay, PickerTarget};

use super::{editor_changed, notify, overlays, panes, record, relayout, runs};

pub fn apply(state: &mut AppState, action: Action, effects: &mut Vec<Effect>) {
    state.dirty = true;
    let focused = state.focused_pane();
    match action {
        Action::Quit => {
            // The last snapshot (answers still streaming marked incomplete)
            // goes to the writer before it is flushed at exit.
            record::persist(state, effects, None, true);
            state.quit = true;
            effects.push(Effect::Quit);
        }
        Action::Sessions => overlays::open_sessions(state, effects),
        Action::Leaderboard => overlays::open_leaderboard(state, effects),
        Action::Vote => overlays::open_vote(state),
        Action::RenameSession => overlays::open_rename(state),
        Action::Diff => {
            if let Some(index) = focused {
                overlays::open_diff_from(state, index);
            }
        }
        Action::ToggleBlind => toggle_blind(state, effects),
        Action::Details => {
            if let Some(index) = focused {
                overlays::open_details(state, index);
            }
        }
        Action::TogglePrivacy => {
            state.privacy = !state.privacy;
            let text = if state.privacy {
                "privacy on: every OpenRouter request asks for data_collection \"deny\""
            } else {
                "privacy off: OpenRouter may use upstreams that log prompts"
            };
            notify(state, NoticeLevel::Info, text);
        }
        Action::Help => state.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::OpenPicker => panes::open_picker(state, PickerTarget::Columns, effects),
        Action::FallbackChain => {
            if let Some(index) = focused {
                let id = state.panes[index].id;
                panes::open_picker(state, PickerTarget::Fallback(id), effects);
            }
        }
        Action::SharedParams => {
            let title = "all panes".to_string();
            let form = ParamsForm::new(ParamsScope::All, title, &state.params);
            state.overlay = Some(Overlay::Params(Box::new(form)));
        }
        Action::PaneParams => {
            if let Some(index) = focused {
                let pane = &state.panes[index];
                let form = ParamsForm::new(
                    ParamsScope::Pane(pane.id),
                    pane.target.label.clone(),
                    &pane.params,
                );
                state.overlay = Some(Overlay::Params(Box::new(form)));
            }
        }
        Action::NewConversation => runs::new_conversation(state, effects),
        Action::CancelAll => {
            let live = runs::cancel_all(state, effects);
            if live == 0 {
                notify(state, NoticeLevel::Info, "nothing is running");
            }
        }
        Action::CancelPane => {
            if let Some(index) = focused {
                runs::cancel_pane(state, index, effects);
            }
        }
        Action::RetryPane => {
            if let Some(index) = focused {
                runs::retry_pane(state, index, effects);
            }
        }
        Action::CopyAnswer => {
            if let Some(index) = focused {
                copy_answer(state, index, effects);
            }
        }
        Action::ToggleReasoning => {
            if let Some(index) = focused {
                let pane = &mut state.panes[index];
                pane.reasoning_collapsed = !pane.reasoning_collapsed;
                pane.document
                    .set_reasoning_collapsed(pane.reasoning_collapsed);
            }
        }
        Action::ToggleMarkdown => {
            state.markdown = !state.markdown;
            let markdown = state.markdown;
            for pane in &mut state.panes {
                pane.document.set_markdown(markdown);
            }
            let mode = if markdown { "Markdown" } else { "raw text" };
            notify(state, NoticeLevel::Info, format!("answers shown as {mode}"));
        }
        Action::Zoom => {
            if let Some(index) = focused {
                let id = state.panes[index].id;
                state.zoom = if state.zoom == Some(id) {
                    None
                } else {
                    Some(id)
                };
                relayout(state);
            }
        }
        Action::RemovePane => {
            if let Some(index) = focused {
                panes::remove_pane(state, index, effects);
            }
        }
        Action::FocusNext => focus_step(state, 1),
        Action::FocusPrev => focus_step(state, -1),
        Action::FocusPane(index) => {
            if index < state.panes.len() {
                state.focus = Focus::Pane(index);
                if state.zoom.is_some() {
                    state.zoom = Some(state.panes[index].id);
                    relayout(state);
                }
            }
        }
        Action::FocusEditor => {
            state.focus = Focus::Editor;
            if state.zoom.take().is_some() {
                relayout(state);
            }
        }
        Action::Send => runs::send(state, effects),
        Action::Newline => {
            state.editor.insert_newline();
            editor_changed(state);
        }
        Action::ExternalEditor => effects.push(Effect::OpenEditor(state.editor_text())),
        Action::ScrollUp => scroll_focused(state, -1),
        Action::ScrollDown => scroll_focused(state, 1),
        Action::PageUp => {
            if let Some(index) = focused {
                let page = page_rows(state, index);
                scroll_by(state, index, -page);
            }
        }
        Action::PageDown => {
            if let Some(index) = focused {
                let page = page_rows(state, index);
                scroll_by(state, index, page);
            }
        }
        Action::Top => {
            if let Some(index) = focused {
                state.panes[index].scroll.follow = false;
                state.panes[index].scroll.offset = 0;
            }
        }
        Action::Follow => {
            if let Some(index) = focused {
                state.panes[index].scroll.follow = true;
            }
        }
    }
}

/// Tab order: the editor, then each pane, round and round.
fn focus_step(state: &mut AppState, step: isize) {
    let stops = state.panes.len() as isize + 1;
    let current = match state.focus {
        Focus::Editor => 0,
        Focus::Pane(i) => i as isize + 1,
    };
    let next = (current + step).rem_euclid(stops);
    state.focus = if next == 0 {
        Focus::Editor
    } else {
        Focus::Pane(next as usize - 1)
    };
    if state.zoom.is_some() {
        state.zoom = state.focused_pane().map(|i| state.panes[i].id);
        relayout(state);
    }
}

fn page_rows(state: &AppState, index: usize) -> isize {
    (state.panes[index].height.saturating_sub(1)).max(1) as isize
}

fn scroll_focused(state: &mut AppState, rows: isize) {
    if let Some(index) = state.focused_pane() {
        scroll_by(state, index, rows);
    }
}

/// Scrolls a pane; scrolling up stops following, reaching the end follows again.
pub fn scroll_by(state: &mut AppState, index: usize, rows: isize) {
    let Some(pane) = state.panes.get_mut(index) else {
        return;
    };
    let max = pane
        .document
        .total_rows()
        .saturating_sub(usize::from(pane.height));
    let current = pane.first_row() as isize;
    let next = (current + rows).clamp(0, max as isize) as usize;
    pane.scroll.offset = next;
    pane.scroll.follow = next >= max;
    state.dirty = true;
}

fn copy_answer(state: &mut AppState, index: usize, effects: &mut Vec<Effect>) {
    let text = super::overlays::answer_text(state, index).unwrap_or_default();
    if text.is_empty() {
        notify(state, NoticeLevel::Info, "no answer to copy yet");
        return;
    }
    let chars = text.chars().count();
    effects.push(Effect::CopyToClipboard(text));
    notify(
        state,
        NoticeLevel::Info,
        format!(
            "copied {chars} characters of pane {} to the clipboard",
            index + 1
        ),
    );
}

/// Blind mode hides names and costs until a vote. Turning it on or off
/// mid-session would mix blind and sighted turns, so a session that has
/// turns continues as a new session with the same panes.
fn toggle_blind(state: &mut AppState, effects: &mut Vec<Effect>) {
    let blind = !state.session.blind;
    if state.session.turns.is_empty() {
        state.session.blind = blind;
        state.session.revealed = false;
        for column in &mut state.session.columns {
            column.blind_label = None;
        }
        record::sync_columns(state);
    } else {
        runs::restart_session(state, blind, effects);
    }
    let text = if blind {
        "blind mode: panes are Model A, B... and costs are hidden until you vote (Ctrl+V)"
    } else {
        "blind mode off"
    };
    notify(state, NoticeLevel::Info, text);
}
