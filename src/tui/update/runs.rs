//! Sending prompts and folding what comes back: one run per pane per turn,
//! events into the pane's document and figures, results into the history
//! and the totals. Messages of runs that are no longer current are dropped.

use std::time::Instant;

use rust_decimal::Decimal;

use crate::router::events::{RunResult, StreamEvent};
use crate::router::{ChatMessage, ErrorKind};
use crate::tui::document::BlockKind;
use crate::tui::msg::Effect;
use crate::tui::state::{
    AppState, NoticeLevel, PaneId, PaneState, PaneStatus, RunId, RunState, Scroll,
};

use super::{notify, panes, record};

/// Enter: the prompt goes to every pane at once.
pub fn send(state: &mut AppState, effects: &mut Vec<Effect>) {
    let prompt = state.editor_text();
    if prompt.trim().is_empty() {
        notify(state, NoticeLevel::Info, "type a prompt first");
        return;
    }
    if state.panes.is_empty() {
        notify(
            state,
            NoticeLevel::Warning,
            "no models yet: press Ctrl+P to pick some",
        );
        return;
    }
    if state.any_live() {
        notify(
            state,
            NoticeLevel::Warning,
            "still answering: wait, or cancel with Ctrl+X",
        );
        return;
    }
    // A turn estimated above the configured warning needs a second Enter.
    if let Some(limit) = state.warn_turn_cost_usd {
        let estimate = state
            .estimate
            .iter()
            .flatten()
            .fold(Decimal::ZERO, |total, cost| total.saturating_add(*cost));
        let estimate_usd = crate::router::pricing::to_f64(estimate);
        if estimate_usd > limit && state.confirm_costly.as_deref() != Some(prompt.as_str()) {
            state.confirm_costly = Some(prompt);
            notify(
                state,
                NoticeLevel::Warning,
                format!(
                    "this turn's input alone is ≈ {} (your warning is at ${limit}): Enter again sends it",
                    crate::router::pricing::format_usd(estimate)
                ),
            );
            return;
        }
    }
    state.confirm_costly = None;
    state.turn_cost_usd = Decimal::ZERO;
    state.turn_cost_complete = true;
    let turn = record::begin_turn(state, &prompt);
    for index in 0..state.panes.len() {
        start_run(state, index, turn, prompt.clone(), effects);
    }
    record::persist(state, effects, None, true);
    state.editor = panes::new_editor("");
    super::editor_changed(state);
    state.notice = None;
}

/// Starts a run of `prompt` in one pane, continuing its conversation.
pub fn start_run(
    state: &mut AppState,
    index: usize,
    turn: usize,
    prompt: String,
    effects: &mut Vec<Effect>,
) {
    let run = RunId(state.next_run);
    state.next_run += 1;
    let mut params = state.panes[index].params.over(&state.params);
    if state.privacy {
        params.prefs.deny_data_collection = Some(true);
    }
    // A router pane's rules pick its model for this prompt.
    let (target, route) = match route_target(state, index, &prompt) {
        Ok(resolved) => resolved,
        Err(message) => {
            let pane = &mut state.panes[index];
            pane.document.push(BlockKind::Prompt, &prompt);
            pane.document
                .push(BlockKind::Error, &format!("✗ {message}"));
            pane.status = PaneStatus::Failed;
            pane.run = None;
            return;
        }
    };
    let pane = &mut state.panes[index];
    let mut messages = Vec::with_capacity(pane.history.len() + 2);
    if let Some(system) = params.system.as_ref().filter(|s| !s.trim().is_empty()) {
        messages.push(ChatMessage::system(system.clone()));
    }
    messages.extend(pane.history.iter().cloned());
    messages.push(ChatMessage::user(prompt.clone()));
    pane.document.push(BlockKind::Prompt, &prompt);
    let mut result = RunResult::new(pane.target.label.clone());
    // For a router pane: which model its rules picked for this prompt, and why.
    result.route = route;
    pane.run = Some(RunState {
        id: run,
        turn,
        prompt,
        started_at: None,
        result,
        retry_note: None,
        answer_block: None,
        reasoning_block: None,
        queued_until: None,
    });
    pane.status = PaneStatus::Queued;
    pane.scroll = Scroll::default();
    effects.push(Effect::StartRun {
        pane: pane.id,
        run,
        target,
        messages,
        params: params.chat_params(),
    });
    state.dirty = true;
}

/// The target to ask for this prompt: the pane's own, or for a router pane
/// the model its rules pick (priced from the loaded catalogs).
pub fn route_target(
    state: &AppState,
    index: usize,
    prompt: &str,
) -> Result<
    (
        crate::router::Target,
        Option<crate::router::policy::RouteDecision>,
    ),
    String,
> {
    let pane = &state.panes[index];
    let price_of = |reference: &str| {
        let model = state.providers.parse_ref(reference).ok()?;
        crate::router::policy::price_per_million(state.model_info(&model.provider, &model.model)?)
    };
    crate::router::policy::resolve_target(
        &pane.target,
        &state.policies,
        &state.providers,
        prompt,
        &price_of,
    )
    .map_err(|err| err.to_string())
}

/// The pane's current run, if `run` is it.
fn current(state: &mut AppState, pane: PaneId, run: RunId) -> Option<&mut PaneState> {
    state
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
    state.now = Some(at);
    let Some(pane) = current(state, pane, run) else {
        return;
    };
    for event in &events {
        fold(pane, event, at);
    }
    if let Some(run) = pane.run.as_mut() {
        run.result.delta_count += merged;
    }
    state.dirty = true;
    // At least once a second while streaming: a crash loses little.
    record::persist(state, effects, Some(at), false);
}

fn fold(pane: &mut PaneState, event: &StreamEvent, at: Instant) {
    let Some(run) = pane.run.as_mut() else {
        return;
    };
    run.result.apply(event);
    run.started_at.get_or_insert(at);
    match event {
        StreamEvent::Attempting { .. } => {
            pane.status = PaneStatus::Waiting;
            run.retry_note = None;
            run.queued_until = None;
        }
        StreamEvent::Retrying {
            error, delay_ms, ..
        } => {
            run.retry_note = Some(format!(
                "{} · retry in {:.1}s",
                error.kind.as_str().replace('_', " "),
                *delay_ms as f64 / 1000.0
            ));
        }
        // Pacing holds the request back (a free model's rate limit): the
        // title counts down to when it goes.
        StreamEvent::Queued { wait_ms } => {
            pane.status = PaneStatus::Queued;
            run.queued_until = Some(at + std::time::Duration::from_millis(*wait_ms));
        }
        StreamEvent::Started { .. }
        | StreamEvent::FirstToken { .. }
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
        StreamEvent::Failed(error) => pane.status = push_failure(&mut pane.document, error),
        StreamEvent::Note(note) => push_note(&mut pane.document, note),
    }
}

/// A figure the server sent is not used: one line in the pane says why.
pub(super) fn push_note(document: &mut crate::tui::document::Document, note: &str) {
    document.push(BlockKind::Notice, &format!("⚠ {note}"));
}

/// Shows the notes `after` has that `before` had not (pricing and the exact
/// record add theirs after the stream).
fn push_new_notes(
    document: &mut crate::tui::document::Document,
    before: &[String],
    after: &[String],
) {
    for note in after.iter().filter(|note| !before.contains(note)) {
        push_note(document, note);
    }
}

/// How a failed answer ends in its pane: a "cancelled" notice, or the
/// error on one line.
pub(super) fn push_failure(
    document: &mut crate::tui::document::Document,
    error: &crate::router::RouterError,
) -> PaneStatus {
    if error.kind == ErrorKind::Cancelled {
        document.push(BlockKind::Notice, "cancelled");
        PaneStatus::Cancelled
    } else {
        document.push(BlockKind::Error, &format!("✗ {}", error.message));
        PaneStatus::Failed
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
    state.now = Some(at);
    // Price from the catalog when the server reported no cost.
    if result.cost_usd.is_none()
        && let Some(pane) = state.panes.iter().find(|p| p.id == pane_id)
    {
        let provider = result
            .via
            .clone()
            .or_else(|| pane.target.chain.first().map(|m| m.provider.clone()))
            .unwrap_or_default();
        let pricing = state
            .model_info(&provider, result.priced_model())
            .or_else(|| {
                pane.target
                    .chain
                    .iter()
                    .find_map(|m| state.model_info(&m.provider, &m.model))
            })
            .map(|m| m.pricing.clone());
        if let Some(pricing) = pricing {
            result.apply_pricing(&pricing);
        }
    }
    let (cost, tokens) = (
        result.cost_usd,
        result.usage.map(|u| u.total_tokens).unwrap_or(0),
    );
    let Some(pane) = current(state, pane_id, run) else {
        return;
    };
    if pane.status.is_live() {
        // The run ended without a final event (its task stopped): say so.
        match &result.error {
            Some(error) => fold(pane, &crate::router::StreamEvent::Failed(error.clone()), at),
            None => pane.status = PaneStatus::Done,
        }
    }
    let text = result.text.clone();
    let column = pane.id.0;
    let mut finished_turn = None;
    if let Some(current) = pane.run.as_mut() {
        // The router knows nothing of the rules that picked its model.
        if result.route.is_none() {
            result.route = current.result.route.take();
        }
        finished_turn = Some((current.turn, result.clone()));
        push_new_notes(&mut pane.document, &current.result.notes, &result.notes);
        // The router's result has the final timing; keep the blocks we made.
        current.result = result;
        current.retry_note = None;
        // A turn joins the conversation only with an answer, so the next
        // prompt never follows two user messages in a row.
        if !text.is_empty() {
            let prompt = current.prompt.clone();
            pane.push_exchange(prompt, text);
        }
    }
    // Checked figures (see on_generation): saturating, never panicking.
    pane.tokens = pane.tokens.saturating_add(tokens);
    if let Some(cost) = cost {
        pane.cost_usd = pane.cost_usd.saturating_add(cost);
        state.turn_cost_usd = state.turn_cost_usd.saturating_add(cost);
        state.session_cost_usd = state.session_cost_usd.saturating_add(cost);
    } else if tokens > 0 {
        state.turn_cost_complete = false;
    }
    state.session_tokens = state.session_tokens.saturating_add(tokens);
    state.dirty = true;
    if let Some((turn, result)) = finished_turn {
        // OpenRouter keeps an exact record of each answer: fetch it behind.
        if let Some((provider, id)) = state.providers.generation_lookup(&result) {
            effects.push(Effect::FetchGeneration {
                pane: pane_id,
                run,
                provider,
                id,
            });
        }
        record::record_answer(&mut state.session, turn, column, result, true);
        record::persist(state, effects, Some(at), true);
    }
    // The turn is over: the key's credit has changed.
    if !state.any_live() {
        effects.extend(panes::key_effect(state));
    }
    panes::estimate(state);
}

/// OpenRouter's exact record arrived: exact cost, the upstream's own latency,
/// and so the routing hop (our time to first token minus its latency).
pub fn on_generation(
    state: &mut AppState,
    pane_id: PaneId,
    run: RunId,
    record: Result<crate::router::account::GenerationRecord, String>,
    effects: &mut Vec<Effect>,
) {
    let record = match record {
        Ok(record) => record,
        Err(error) => {
            tracing::info!(%error, "no generation record");
            return;
        }
    };
    let Some(pane) = current(state, pane_id, run) else {
        return;
    };
    let column = pane.id.0;
    let Some(current) = pane.run.as_mut() else {
        return;
    };
    let before = current.result.cost_usd;
    let notes_before = current.result.notes.clone();
    current.result.apply_generation(record);
    push_new_notes(&mut pane.document, &notes_before, &current.result.notes);
    let after = current.result.cost_usd;
    let (turn, result) = (current.turn, current.result.clone());
    // Totals follow the exact cost. Every cost was checked on its way in
    // (at most the ceiling of one answer), so these sums cannot overflow;
    // they saturate rather than panic all the same.
    if let Some(after) = after {
        let delta = after.saturating_sub(before.unwrap_or(Decimal::ZERO));
        pane.cost_usd = pane.cost_usd.saturating_add(delta);
        state.turn_cost_usd = state.turn_cost_usd.saturating_add(delta);
        state.session_cost_usd = state.session_cost_usd.saturating_add(delta);
    }
    record::record_answer(&mut state.session, turn, column, result, true);
    record::persist(state, effects, None, true);
    state.dirty = true;
}

pub fn cancel_pane(state: &mut AppState, index: usize, effects: &mut Vec<Effect>) -> bool {
    let pane = &state.panes[index];
    match &pane.run {
        Some(run) if pane.status.is_live() => {
            effects.push(Effect::CancelRun(run.id));
            true
        }
        _ => false,
    }
}

/// Cancels every live pane; returns how many.
pub fn cancel_all(state: &mut AppState, effects: &mut Vec<Effect>) -> usize {
    (0..state.panes.len())
        .filter(|&index| cancel_pane(state, index, effects))
        .count()
}

/// Asks the pane's last prompt again, as a new sample of the same turn.
pub fn retry_pane(state: &mut AppState, index: usize, effects: &mut Vec<Effect>) {
    let pane = &mut state.panes[index];
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
    if !run.result.text.is_empty() && pane.history.len() >= 2 {
        pane.history.truncate(pane.history.len() - 2);
    }
    start_run(state, index, turn, prompt, effects);
}

/// A fresh conversation in every pane, as a new session (the current one
/// is saved as it stands); running answers are cancelled.
pub fn new_conversation(state: &mut AppState, effects: &mut Vec<Effect>) {
    let blind = state.session.blind;
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
    panes::estimate(state);
}

/// Empties every pane: no history, no text, nothing running.
pub fn clear_panes(state: &mut AppState) {
    for pane in &mut state.panes {
        pane.history.clear();
        pane.document.clear();
        pane.run = None;
        pane.status = PaneStatus::Idle;
        pane.scroll = Scroll::default();
        pane.cost_usd = Decimal::ZERO;
        pane.tokens = 0;
    }
    state.turn_cost_usd = Decimal::ZERO;
    state.turn_cost_complete = true;
    state.session_cost_usd = Decimal::ZERO;
    state.session_tokens = 0;
}
