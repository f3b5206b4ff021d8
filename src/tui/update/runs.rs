//! Sending prompts and folding what comes back: one run per pane per turn,
//! events into the pane's document and figures, results into the history
//! and the session. Messages of runs that are no longer current are dropped.

use std::time::{Duration, Instant};

use rust_decimal::Decimal;

use crate::router::events::{RunResult, StreamEvent};
use crate::router::finish::finish_with;
use crate::router::pricing::format_usd;
use crate::router::{ChatMessage, ErrorKind, ModelRef, RouterError};
use crate::tui::document::{BlockKind, Document};
use crate::tui::msg::Effect;
use crate::tui::state::{
    AppState, NoticeLevel, PaneId, PaneState, PaneStatus, RunId, RunState, Scroll, new_editor,
};

use super::{catalogs, editor_changed, estimate, notify, pairs, record};

/// Enter: the prompt goes to every pane at once.
pub fn send(state: &mut AppState, effects: &mut Vec<Effect>) {
    let prompt = state.workspace.editor_text();
    if prompt.trim().is_empty() {
        notify(state, NoticeLevel::Info, "type a prompt first");
        return;
    }
    if state.workspace.panes.is_empty() {
        notify(
            state,
            NoticeLevel::Warning,
            "no models yet: press Ctrl+P to pick some",
        );
        return;
    }
    if state.workspace.any_live() {
        notify(
            state,
            NoticeLevel::Warning,
            "still answering: wait, or cancel with Ctrl+X",
        );
        return;
    }
    // A turn estimated above the configured warning needs a second Enter.
    if let Some(limit) = state.settings.warn_turn_cost_usd {
        let estimate_usd = state
            .workspace
            .panes
            .iter()
            .filter_map(|p| p.estimate.and_then(|e| e.cost_usd))
            .fold(Decimal::ZERO, Decimal::saturating_add);
        if estimate_usd > limit && state.ui.confirm_costly.as_deref() != Some(prompt.as_str()) {
            state.ui.confirm_costly = Some(prompt);
            notify(
                state,
                NoticeLevel::Warning,
                format!(
                    "this turn's input alone is ≈ {} (your warning is at {}): Enter again sends it",
                    format_usd(estimate_usd),
                    format_usd(limit)
                ),
            );
            return;
        }
    }
    state.ui.confirm_costly = None;
    let turn = record::begin_turn(state, &prompt);
    for index in 0..state.workspace.panes.len() {
        start_run(state, index, turn, prompt.clone(), effects);
    }
    record::persist(state, effects, None, true);
    state.workspace.editor = new_editor("");
    editor_changed(state);
    state.ui.notice = None;
}

/// Starts a run of `prompt` in one pane, continuing its conversation.
pub fn start_run(
    state: &mut AppState,
    index: usize,
    turn: usize,
    prompt: String,
    effects: &mut Vec<Effect>,
) {
    let run = state.workspace.ids.run();
    let mut params = state.workspace.panes[index]
        .params
        .over(&state.settings.params);
    if state.settings.privacy {
        params.prefs.deny_data_collection = Some(true);
    }
    // A router pane's rules pick its model for this prompt.
    let resolved = estimate::route_target(state, index, &prompt);
    let pane = &mut state.workspace.panes[index];
    let (target, route) = match resolved {
        Ok(resolved) => resolved,
        Err(error) => {
            pane.document.push(BlockKind::Prompt, &prompt);
            pane.document.push(BlockKind::Error, &format!("✗ {error}"));
            pane.status = PaneStatus::Failed;
            pane.run = None;
            return;
        }
    };
    let mut messages = Vec::with_capacity(pane.history().len() + 2);
    if let Some(system) = params.system.as_ref().filter(|s| !s.trim().is_empty()) {
        messages.push(ChatMessage::system(system.clone()));
    }
    messages.extend(pane.history().iter().cloned());
    messages.push(ChatMessage::user(prompt.clone()));
    pane.document.push(BlockKind::Prompt, &prompt);
    let mut result = RunResult::new(pane.target.label.clone());
    // For a router pane: which model its rules picked for this prompt, and why.
    result.route = route;
    let mut run_state = RunState::new(run, turn, prompt, result);
    run_state.sent_at = Some(state.now.at);
    pane.run = Some(run_state);
    pane.status = PaneStatus::Queued;
    pane.scroll = Scroll::default();
    effects.push(Effect::StartRun {
        pane: pane.id,
        run,
        target,
        messages,
        params: params.chat_params(),
    });
    state.touch();
}

/// The pane's current run, if `run` is it.
fn current(state: &mut AppState, pane: PaneId, run: RunId) -> Option<&mut PaneState> {
    state
        .workspace
        .pane_mut(pane)
        .filter(|p| p.run.as_ref().is_some_and(|r| r.id == run))
}

pub fn on_events(
    state: &mut AppState,
    pane: PaneId,
    run: RunId,
    events: Vec<StreamEvent>,
    merged: u64,
    at: Instant,
    effects: &mut Vec<Effect>,
) {
    let hidden = state.hidden();
    let Some(pane) = current(state, pane, run) else {
        return;
    };
    for event in &events {
        fold(pane, event, at, hidden);
    }
    if let Some(run) = pane.run.as_mut() {
        run.result.delta_count += merged;
    }
    state.touch();
    // At least once a second while streaming: a crash loses little.
    record::persist(state, effects, Some(at), false);
}

/// Folds one event into a pane; `hidden` while a blind round is unvoted
/// (errors and notes, which may name the model, wait for the vote).
fn fold(pane: &mut PaneState, event: &StreamEvent, at: Instant, hidden: bool) {
    let Some(run) = pane.run.as_mut() else {
        return;
    };
    run.result.apply(event);
    run.started_at.get_or_insert(at);
    match event {
        StreamEvent::Attempting { .. } => {
            pane.status = PaneStatus::Waiting;
            run.retry_note = None;
            run.retry_at = None;
            run.queued_until = None;
        }
        // The title counts down to the retry (the clock ticks while live).
        StreamEvent::Retrying {
            error, delay_ms, ..
        } => {
            run.retry_note = Some(error.kind.as_str().replace('_', " "));
            run.retry_at = Some(at + Duration::from_millis(*delay_ms));
        }
        StreamEvent::FirstToken { .. } => run.first_token_at = Some(at),
        // Pacing holds the request back (a free model's rate limit): the
        // title counts down to when it goes.
        StreamEvent::Queued { wait_ms } => {
            pane.status = PaneStatus::Queued;
            run.queued_until = Some(at + Duration::from_millis(*wait_ms));
        }
        StreamEvent::Started { .. }
        | StreamEvent::FirstAnswerToken { .. }
        | StreamEvent::ToolCall(_)
        | StreamEvent::Usage { .. } => {}
        StreamEvent::Reasoning(text) => {
            pane.status = PaneStatus::Thinking;
            let block = *run.reasoning_block.get_or_insert_with(|| {
                let block = pane.document.push(BlockKind::Reasoning, "");
                pane.document.set_collapsed(block, pane.reasoning_collapsed);
                block
            });
            pane.document.append(block, text);
        }
        StreamEvent::Content(text) => {
            pane.status = PaneStatus::Streaming;
            let block = *run
                .answer_block
                .get_or_insert_with(|| pane.document.push(BlockKind::Answer, ""));
            pane.document.append(block, text);
        }
        StreamEvent::Finished { .. } => pane.status = PaneStatus::Done,
        StreamEvent::Failed(error) => {
            pane.status = push_failure(&mut pane.document, error, hidden);
        }
        StreamEvent::Note(note) => push_note(&mut pane.document, note, hidden),
    }
}

/// A figure the server sent is not used: one line in the pane says why
/// (while blind, only that one is not used: the why may be a price tell).
pub(super) fn push_note(document: &mut Document, note: &str, hidden: bool) {
    if hidden {
        document.push(
            BlockKind::Notice,
            "⚠ a figure the server sent is not used (why: I, after your vote)",
        );
    } else {
        document.push(BlockKind::Notice, &format!("⚠ {note}"));
    }
}

/// Shows the notes `after` has that `before` had not (pricing and the exact
/// record add theirs after the stream).
fn push_new_notes(document: &mut Document, before: &[String], after: &[String], hidden: bool) {
    for note in after.iter().filter(|note| !before.contains(note)) {
        push_note(document, note, hidden);
    }
}

/// How a failed answer ends in its pane: a "cancelled" notice, or the
/// error on one line. While blind, only the kind of error: messages often
/// name the model (I shows the message after the vote).
pub(super) fn push_failure(
    document: &mut Document,
    error: &RouterError,
    hidden: bool,
) -> PaneStatus {
    if error.kind == ErrorKind::Cancelled {
        document.push(BlockKind::Notice, "cancelled");
        PaneStatus::Cancelled
    } else if hidden {
        document.push(
            BlockKind::Error,
            &format!(
                "✗ {} (the message names no model until your vote; then I shows it)",
                error.kind.as_str().replace('_', " ")
            ),
        );
        PaneStatus::Failed
    } else {
        document.push(BlockKind::Error, &format!("✗ {}", error.message));
        PaneStatus::Failed
    }
}

/// The models a pane's run asked: its chain, or the model its router picked.
fn asked_chain(state: &AppState, pane: &PaneState, result: &RunResult) -> Vec<ModelRef> {
    match &result.route {
        Some(route) => state
            .settings
            .providers
            .parse_ref(&route.model)
            .into_iter()
            .collect(),
        None => pane.target.chain.clone(),
    }
}

pub fn on_finished(
    state: &mut AppState,
    pane_id: PaneId,
    run: RunId,
    mut result: RunResult,
    at: Instant,
    effects: &mut Vec<Effect>,
) {
    let Some(index) = state.workspace.pane_index(pane_id) else {
        return;
    };
    // The router knows nothing of the rules that picked its model.
    if result.route.is_none()
        && let Some(current) = state.workspace.panes[index].run.as_ref()
        && current.id == run
    {
        result.route = current.result.route.clone();
    }
    // Price from the catalog when the server reported no cost; an unknown
    // model's error names the closest ids the catalog lists.
    let chain = asked_chain(state, &state.workspace.panes[index], &result);
    let error_before = result.error.as_ref().map(|e| e.message.clone());
    finish_with(
        &mut result,
        &chain,
        |provider| {
            state
                .catalogs
                .by_provider
                .get(provider)
                .map(|e| &*e.catalog)
        },
        &state.settings.providers,
    );
    let hidden = state.hidden();
    let Some(pane) = current(state, pane_id, run) else {
        return;
    };
    if pane.status.is_live() {
        // The run ended without a final event (its task stopped): say so.
        match &result.error {
            Some(error) => fold(pane, &StreamEvent::Failed(error.clone()), at, hidden),
            None => pane.status = PaneStatus::Done,
        }
    } else if let (Some(before), Some(error)) = (error_before, &result.error)
        && let Some(hint) = error.message.strip_prefix(before.as_str())
        && !hint.is_empty()
        && !hidden
    {
        // The error was shown as it came; the catalog's closest ids follow it.
        let hint = hint.trim_start_matches([';', ' ']);
        pane.document.push(BlockKind::Error, &format!("  {hint}"));
    }
    let column = pane.id.0;
    let Some(current) = pane.run.as_mut() else {
        return;
    };
    let turn = current.turn;
    push_new_notes(
        &mut pane.document,
        &current.result.notes,
        &result.notes,
        hidden,
    );
    // The router's result has the final timing; keep the blocks we made.
    current.result = result.clone();
    current.retry_note = None;
    current.retry_at = None;
    // A turn joins the conversation only with an answer, so the next
    // prompt never follows two user messages in a row.
    if !result.text.is_empty() {
        let prompt = current.prompt.clone();
        pane.push_exchange(prompt, result.text.clone());
    }
    state.touch();
    // OpenRouter keeps an exact record of each answer: fetch it behind.
    if let Some((provider, id)) = state.settings.providers.generation_lookup(&result) {
        effects.push(Effect::FetchGeneration {
            pane: pane_id,
            run,
            provider,
            id,
        });
    }
    record::record_answer(&mut state.record.session, turn, column, result, true);
    record::persist(state, effects, Some(at), true);
    // The turn is over: the key's credit has changed.
    if !state.workspace.any_live() {
        effects.extend(catalogs::key_effect(state));
    }
    estimate::estimate(state);
    pairs::on_pane_finished(state, pane_id);
}

/// OpenRouter's exact record arrived: exact cost, the upstream's own latency,
/// and so the routing hop (our time to first token minus its latency).
pub fn on_generation(
    state: &mut AppState,
    pane_id: PaneId,
    run: RunId,
    record: Result<crate::router::account::GenerationRecord, RouterError>,
    effects: &mut Vec<Effect>,
) {
    let record = match record {
        Ok(record) => record,
        Err(error) => {
            tracing::info!(%error, "no generation record");
            return;
        }
    };
    let hidden = state.hidden();
    let Some(pane) = current(state, pane_id, run) else {
        return;
    };
    let column = pane.id.0;
    let Some(current) = pane.run.as_mut() else {
        return;
    };
    let notes_before = current.result.notes.clone();
    current.result.apply_generation(record);
    push_new_notes(
        &mut pane.document,
        &notes_before,
        &current.result.notes,
        hidden,
    );
    let (turn, result) = (current.turn, current.result.clone());
    // The session's answer, and so the totals, follow the exact cost.
    record::record_answer(&mut state.record.session, turn, column, result, true);
    record::persist(state, effects, None, true);
    state.touch();
}

pub fn cancel_pane(state: &mut AppState, index: usize, effects: &mut Vec<Effect>) -> bool {
    let pane = &state.workspace.panes[index];
    match &pane.run {
        Some(run) if pane.status.is_live() => {
            effects.push(Effect::CancelRun(run.id));
            true
        }
        Some(_) | None => false,
    }
}

/// Cancels every live pane; returns how many.
pub fn cancel_all(state: &mut AppState, effects: &mut Vec<Effect>) -> usize {
    (0..state.workspace.panes.len())
        .filter(|&index| cancel_pane(state, index, effects))
        .count()
}

/// Asks the pane's last prompt again, as a new sample of the same turn.
pub fn retry_pane(state: &mut AppState, index: usize, effects: &mut Vec<Effect>) {
    let pane = &mut state.workspace.panes[index];
    if pane.status.is_live() {
        notify(
            state,
            NoticeLevel::Info,
            "this pane is still answering (c cancels it)",
        );
        return;
    }
    let Some(run) = pane.run.as_ref() else {
        notify(state, NoticeLevel::Info, "nothing to retry yet");
        return;
    };
    let prompt = run.prompt.clone();
    let turn = run.turn;
    // A retried answer replaces the previous one in the conversation.
    if !run.result.text.is_empty() && pane.history().len() >= 2 {
        pane.drop_last_exchange();
    }
    start_run(state, index, turn, prompt, effects);
}

/// A fresh conversation in every pane, as a new session (the current one
/// is saved as it stands); running answers are cancelled.
pub fn new_conversation(state: &mut AppState, effects: &mut Vec<Effect>) {
    let blind = state.record.session.blind;
    restart_session(state, blind, effects);
    notify(state, NoticeLevel::Info, "new conversation (a new session)");
}

/// The current session saved as it stands, then a new one with the same
/// panes, empty; running answers are cancelled.
pub fn restart_session(state: &mut AppState, blind: bool, effects: &mut Vec<Effect>) {
    cancel_all(state, effects);
    record::persist(state, effects, None, true);
    clear_panes(state);
    record::start_session(state, blind);
    // Without the histories, the next prompt costs less.
    estimate::estimate(state);
}

/// Empties every pane: no history, no text, nothing running.
pub fn clear_panes(state: &mut AppState) {
    for pane in &mut state.workspace.panes {
        pane.clear();
    }
}
