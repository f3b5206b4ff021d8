//! What each keymap action does to the state: the workbench's own here,
//! an overlay's handed to `overlays.rs`.

use ratatui_textarea::TextArea;

use crate::tui::keymap::{Action, EditAction};
use crate::tui::msg::Effect;
use crate::tui::params::{ParamsForm, ParamsScope};
use crate::tui::scroll::ScrollStep;
use crate::tui::state::{AppState, Focus, NoticeLevel, Overlay, PickerTarget};

use super::{agreement, editor_changed, judge, notify, overlays, panes, record, relayout, runs};

pub fn apply(state: &mut AppState, action: Action, effects: &mut Vec<Effect>) {
    state.touch();
    let focused = state.workspace.focused_pane();
    match action {
        Action::Quit => {
            // The last snapshot (answers still streaming marked incomplete)
            // goes to the writer before it is flushed at exit.
            record::persist(state, effects, None, true);
            state.ui.quit = true;
            effects.push(Effect::Quit);
        }
        Action::Sessions => overlays::open_sessions(state, effects),
        Action::EvalRuns => super::eval_runs::open_list(state, effects),
        Action::Leaderboard => overlays::open_leaderboard(state, effects),
        Action::Vote => overlays::open_vote(state),
        Action::RenameSession => overlays::open_rename(state),
        Action::Diff => {
            if let Some(index) = focused {
                overlays::open_diff_from(state, index);
            }
        }
        Action::ToggleBlind => toggle_blind(state, effects),
        Action::NextBlindRound => next_blind_round(state, effects),
        Action::Details => {
            if let Some(index) = focused {
                overlays::open_details(state, index);
            }
        }
        Action::TogglePrivacy => {
            let privacy = !state.settings.privacy;
            record::set_privacy(state, privacy);
            record::persist(state, effects, None, true);
            let text = if privacy {
                "privacy on: every OpenRouter request asks for data_collection \"deny\""
            } else {
                "privacy off: OpenRouter may use upstreams that log prompts"
            };
            notify(state, NoticeLevel::Info, text);
        }
        Action::AskJudge => judge::ask(state, effects, false),
        Action::AskJudgeAgain => judge::ask(state, effects, true),
        Action::Agreement => agreement::open(state, effects),
        Action::Help => overlays::open_help(state),
        Action::OpenPicker => panes::open_picker(state, PickerTarget::Columns, effects),
        // A pane's chain and settings would say which model it is.
        Action::FallbackChain | Action::PaneParams if state.hidden() => notify(
            state,
            NoticeLevel::Info,
            "a pane's models and settings stay hidden until you vote (Ctrl+V)",
        ),
        Action::FallbackChain => {
            if let Some(index) = focused {
                let id = state.workspace.panes[index].id;
                panes::open_picker(state, PickerTarget::Fallback(id), effects);
            }
        }
        Action::SharedParams => {
            let title = "all panes".to_string();
            let form = ParamsForm::new(ParamsScope::All, title, &state.settings.params);
            state.ui.overlay = Some(Overlay::Params(Box::new(form)));
        }
        Action::PaneParams => {
            if let Some(index) = focused {
                let pane = &state.workspace.panes[index];
                let form = ParamsForm::new(
                    ParamsScope::Pane(pane.id),
                    pane.target.label.clone(),
                    &pane.params,
                );
                state.ui.overlay = Some(Overlay::Params(Box::new(form)));
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
                let pane = &mut state.workspace.panes[index];
                pane.reasoning_collapsed = !pane.reasoning_collapsed;
                pane.document
                    .set_reasoning_collapsed(pane.reasoning_collapsed);
            }
        }
        Action::ToggleMarkdown => {
            let markdown = !state.settings.markdown;
            state.settings.markdown = markdown;
            for pane in &mut state.workspace.panes {
                pane.document.set_markdown(markdown);
            }
            let mode = if markdown { "Markdown" } else { "raw text" };
            notify(state, NoticeLevel::Info, format!("answers shown as {mode}"));
        }
        Action::Zoom => {
            if let Some(index) = focused {
                let workspace = &mut state.workspace;
                let id = workspace.panes[index].id;
                workspace.zoom = if workspace.zoom == Some(id) {
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
        Action::RestorePane => panes::restore_removed_pane(state, effects),
        Action::FocusNext => focus_step(state, true),
        Action::FocusPrev => focus_step(state, false),
        Action::FocusPane(index) => {
            let workspace = &mut state.workspace;
            if index < workspace.panes.len() {
                workspace.focus = Focus::Pane(index);
                if workspace.zoom.is_some() {
                    workspace.zoom = Some(workspace.panes[index].id);
                    relayout(state);
                }
            }
        }
        Action::FocusEditor => {
            state.workspace.focus = Focus::Editor;
            if state.workspace.zoom.take().is_some() {
                relayout(state);
            }
        }
        Action::Send => runs::send(state, effects),
        Action::Newline => {
            state.workspace.editor.insert_newline();
            editor_changed(state);
        }
        Action::Edit(edit) => edit_prompt(state, edit, effects),
        Action::ExternalEditor => effects.push(Effect::OpenEditor(state.workspace.editor_text())),
        Action::Scroll(step) => match state.ui.overlay.as_mut().and_then(Overlay::scroll_mut) {
            Some(view) => view.apply(step),
            None => {
                if let Some(index) = focused {
                    scroll_pane(state, index, step);
                }
            }
        },
        Action::Close
        | Action::NextFilter
        | Action::PrevFilter
        | Action::NextSource
        | Action::ExpandUpstreams
        | Action::ViaAndDirect
        | Action::VoteBest(_)
        | Action::VoteTie
        | Action::VoteAllBad
        | Action::DiffWith(_)
        | Action::SaveName
        | Action::Picker(_)
        | Action::Browser(_)
        | Action::Form(_) => overlays::apply(state, action, effects),
    }
}

/// Tab order: the editor, then each pane, round and round.
fn focus_step(state: &mut AppState, forward: bool) {
    let workspace = &mut state.workspace;
    let stops = workspace.panes.len() + 1;
    let current = match workspace.focus {
        Focus::Editor => 0,
        Focus::Pane(i) => i + 1,
    };
    let next = if forward {
        (current + 1) % stops
    } else {
        (current + stops - 1) % stops
    };
    workspace.focus = match next {
        0 => Focus::Editor,
        pane => Focus::Pane(pane - 1),
    };
    if workspace.zoom.is_some() {
        workspace.zoom = workspace.focused_pane().map(|i| workspace.panes[i].id);
        relayout(state);
    }
}

/// A pane's scroll step: a page keeps one row of context; the top parks,
/// the bottom follows the answer again.
fn scroll_pane(state: &mut AppState, index: usize, step: ScrollStep) {
    let pane = &mut state.workspace.panes[index];
    match step.rows(usize::from(pane.height)) {
        Some(rows) => scroll_pane_by(state, index, rows),
        None if step == ScrollStep::Top => {
            pane.scroll.follow = false;
            pane.scroll.offset = 0;
        }
        None => pane.scroll.follow = true,
    }
}

/// Scrolls a pane; scrolling up stops following, reaching the end follows again.
pub fn scroll_pane_by(state: &mut AppState, index: usize, rows: isize) {
    let Some(pane) = state.workspace.panes.get_mut(index) else {
        return;
    };
    let max = pane
        .document
        .total_rows()
        .saturating_sub(usize::from(pane.height));
    let next = pane.first_row().saturating_add_signed(rows).min(max);
    pane.scroll.offset = next;
    pane.scroll.follow = next >= max;
    state.touch();
}

fn copy_answer(state: &mut AppState, index: usize, effects: &mut Vec<Effect>) {
    let text = state.workspace.panes[index]
        .answer_text()
        .unwrap_or_default()
        .to_string();
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

/// Blind mode hides names, costs and per-pane settings until a vote, with
/// the panes seated in a random order. Turning it on or off mid-session
/// would mix blind and sighted turns, so a session that has turns
/// continues as a new session with the same panes.
fn toggle_blind(state: &mut AppState, effects: &mut Vec<Effect>) {
    let session = &mut state.record.session;
    let blind = !session.blind;
    if session.turns.is_empty() {
        session.blind = blind;
        session.revealed = false;
        if blind {
            record::shuffle_positions(state, true);
        } else {
            for column in &mut state.record.session.columns {
                column.blind_label = None;
            }
            record::sync_columns(state);
        }
    } else {
        runs::restart_session(state, blind, effects);
    }
    let text = if blind {
        "blind mode: panes are seated at random as Model A, B…; names, costs and settings are hidden until you vote (Ctrl+V)"
    } else {
        "blind mode off"
    };
    notify(state, NoticeLevel::Info, text);
}

/// Readline's keys on the text field that has them: the session name while
/// it is open, else the prompt.
fn edit_prompt(state: &mut AppState, edit: EditAction, effects: &mut Vec<Effect>) {
    if let Some(Overlay::Rename(field)) = &mut state.ui.overlay {
        if edit_text(field, edit).is_none() {
            state.ui.overlay = None;
        }
        return;
    }
    match edit_text(&mut state.workspace.editor, edit) {
        None => apply(state, Action::Quit, effects),
        Some(true) => editor_changed(state),
        Some(false) => {}
    }
}

/// One readline edit of a text field, kept by the field as one undo step:
/// whether the text changed, or None for Ctrl+C on an empty field (which
/// the caller turns into quitting or cancelling).
fn edit_text(field: &mut TextArea<'static>, edit: EditAction) -> Option<bool> {
    Some(match edit {
        EditAction::DeleteToLineStart => field.delete_line_by_head(),
        EditAction::DeleteWord => field.delete_word(),
        EditAction::DeleteToLineEnd => field.delete_line_by_end(),
        EditAction::Undo => field.undo(),
        EditAction::Yank => field.paste(),
        EditAction::ClearOrQuit if field.is_empty() => return None,
        EditAction::ClearOrQuit => {
            field.select_all();
            field.cut()
        }
    })
}

/// After a vote revealed the names: the same models, seated afresh, in a
/// new blind session (from a sighted session, the first blind round).
fn next_blind_round(state: &mut AppState, effects: &mut Vec<Effect>) {
    if state.hidden() && !state.record.session.turns.is_empty() {
        notify(
            state,
            NoticeLevel::Info,
            "vote on this round first (Ctrl+V); Ctrl+N skips it for a new one",
        );
        return;
    }
    if state.workspace.panes.len() < 2 {
        notify(
            state,
            NoticeLevel::Info,
            "a blind round needs two panes (Ctrl+P)",
        );
        return;
    }
    runs::restart_session(state, true, effects);
    notify(
        state,
        NoticeLevel::Info,
        "next blind round: the same models seated afresh as Model A, B…; vote with Ctrl+V",
    );
}
