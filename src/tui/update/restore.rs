//! Reopening a saved session: panes for its active columns, each pane's
//! conversation and text rebuilt turn by turn, and the last answers'
//! figures, so the next prompt continues where it stopped. The totals
//! follow from the session itself.

use crate::session::Session;
use crate::tui::document::BlockKind;
use crate::tui::state::{AppState, Focus, NoticeLevel, PaneId, PaneState, PaneStatus, RunState};

use super::{estimate, notify, record, relayout, runs};

pub fn open_session(state: &mut AppState, session: Session) {
    runs::clear_panes(state);
    let mut restored: Vec<PaneState> = Vec::new();
    let mut interrupted = 0;
    let hidden = session.names_hidden();
    for column in session.columns.iter().filter(|c| c.active) {
        let mut pane = PaneState::new(PaneId(column.id), column.target());
        pane.params = record::params_of(&column.params);
        pane.document.set_markdown(state.settings.markdown);
        for (turn_index, turn) in session.turns.iter().enumerate() {
            let Some(answer) = turn.answers.iter().find(|a| a.column == column.id) else {
                continue;
            };
            let result = &answer.result;
            pane.document.push(BlockKind::Prompt, &turn.prompt);
            let reasoning_block = (!result.reasoning.is_empty()).then(|| {
                let block = pane.document.push(BlockKind::Reasoning, &result.reasoning);
                pane.document.set_collapsed(block, pane.reasoning_collapsed);
                block
            });
            let answer_block = (!result.text.is_empty())
                .then(|| pane.document.push(BlockKind::Answer, &result.text));
            let status = match (&result.error, answer.complete) {
                (Some(error), _) => runs::push_failure(&mut pane.document, error, hidden),
                (None, false) => {
                    interrupted += 1;
                    pane.document.push(
                        BlockKind::Notice,
                        "interrupted: prism stopped while this answer streamed",
                    );
                    PaneStatus::Cancelled
                }
                (None, true) => PaneStatus::Done,
            };
            if !result.text.is_empty() {
                pane.push_exchange(turn.prompt.clone(), result.text.clone());
            }
            for note in &result.notes {
                runs::push_note(&mut pane.document, note, hidden);
            }
            pane.status = status;
            let mut run = RunState::new(
                state.workspace.ids.run(),
                turn_index,
                turn.prompt.clone(),
                result.clone(),
            );
            run.answer_block = answer_block;
            run.reasoning_block = reasoning_block;
            pane.run = Some(run);
        }
        restored.push(pane);
    }
    if let Some(last) = session.columns.iter().map(|c| c.id).max() {
        state.workspace.ids.skip_panes_past(last);
    }
    state.settings.params = record::params_of(&session.params);
    // The config's `[privacy]` is a floor; the session's switch adds to it.
    state.settings.privacy = state.settings.config.deny_data_collection() || session.privacy;
    let workspace = &mut state.workspace;
    workspace.panes = restored;
    workspace.removed = None;
    workspace.zoom = None;
    workspace.focus = Focus::Editor;
    state.record.session = session;
    state.record.session.privacy = state.settings.privacy;
    state.record.last_saved_at = None;
    relayout(state);
    estimate::estimate(state);
    let session = &state.record.session;
    let mut text = format!("opened session {}: {}", session.id, session.title());
    if interrupted > 0 {
        text.push_str(&format!(" ({interrupted} answers were interrupted)"));
    }
    notify(state, NoticeLevel::Info, text);
}
