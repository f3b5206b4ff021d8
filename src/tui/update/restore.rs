//! Reopening a saved session: panes for its active columns, each pane's
//! conversation and text rebuilt turn by turn, the last answers' figures,
//! and the totals, so the next prompt continues where it stopped.

use rust_decimal::Decimal;

use crate::session::Session;
use crate::tui::document::BlockKind;
use crate::tui::state::{
    AppState, Focus, NoticeLevel, PaneId, PaneState, PaneStatus, RunId, RunState,
};

use super::{notify, panes, record, relayout, runs};

pub fn open_session(state: &mut AppState, session: Session) {
    runs::clear_panes(state);
    let mut restored: Vec<PaneState> = Vec::new();
    let mut interrupted = 0;
    for column in session.columns.iter().filter(|c| c.active) {
        let mut pane = PaneState::new(PaneId(column.id), column.target());
        pane.params = record::params_of(&column.params);
        pane.document.set_markdown(state.markdown);
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
                (Some(error), _) => super::runs::push_failure(&mut pane.document, error),
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
                super::runs::push_note(&mut pane.document, note);
            }
            if let Some(cost) = result.cost_usd {
                pane.cost_usd = pane.cost_usd.saturating_add(cost);
            }
            pane.tokens = pane
                .tokens
                .saturating_add(result.usage.map_or(0, |u| u.total_tokens));
            pane.status = status;
            pane.run = Some(RunState {
                id: RunId(state.next_run),
                turn: turn_index,
                prompt: turn.prompt.clone(),
                started_at: None,
                result: result.clone(),
                retry_note: None,
                answer_block,
                reasoning_block,
                queued_until: None,
            });
            state.next_run += 1;
        }
        restored.push(pane);
    }
    state.next_pane = session
        .columns
        .iter()
        .map(|c| c.id + 1)
        .max()
        .unwrap_or(0)
        .max(state.next_pane);
    // A session file's figures were checked when it was read; the sums
    // saturate rather than panic all the same.
    state.session_cost_usd = restored
        .iter()
        .fold(Decimal::ZERO, |total, p| total.saturating_add(p.cost_usd));
    state.session_tokens = restored
        .iter()
        .fold(0u64, |total, p| total.saturating_add(p.tokens));
    state.params = record::params_of(&session.params);
    state.panes = restored;
    state.zoom = None;
    state.focus = Focus::Editor;
    state.session = session;
    state.last_saved_at = None;
    relayout(state);
    panes::estimate(state);
    let title = state.session.title();
    let mut text = format!("opened session {}: {title}", state.session.id);
    if interrupted > 0 {
        text.push_str(&format!(" ({interrupted} answers were interrupted)"));
    }
    notify(state, NoticeLevel::Info, text);
}
