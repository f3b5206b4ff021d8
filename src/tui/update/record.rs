//! Keeps the session record in step with the workbench: columns as panes
//! change, a turn per prompt, answers as runs end, votes; and hands the
//! writer a snapshot (live answers included) when something worth keeping
//! changed, at least once a second while answers stream.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::router::events::RunResult;
use crate::session::{Answer, Column, Session, SessionParams, Turn, Verdict, Vote, VoteSource};
use crate::tui::msg::Effect;
use crate::tui::params::Params;
use crate::tui::state::AppState;

/// While answers stream, a snapshot goes to the writer this often; a crash
/// loses at most this much text.
pub const STREAMING_SAVE_INTERVAL: Duration = Duration::from_millis(500);

pub fn session_params(params: &Params) -> SessionParams {
    SessionParams {
        system: params.system.clone(),
        temperature: params.temperature,
        max_tokens: params.max_tokens,
        provider: params.prefs.clone(),
    }
}

pub fn params_of(params: &SessionParams) -> Params {
    Params {
        system: params.system.clone(),
        temperature: params.temperature,
        max_tokens: params.max_tokens,
        prefs: params.provider.clone(),
    }
}

/// Blind labels "Model A", "Model B", ... in position order for columns
/// that have none yet, from letters no column uses. The positions are
/// shuffled (see [`shuffle_positions`]), so the letters tell nothing.
pub fn assign_blind_labels(session: &mut Session) {
    let used: Vec<String> = session
        .columns
        .iter()
        .filter_map(|c| c.blind_label.clone())
        .collect();
    let mut free = (0..26u8)
        .map(|i| format!("Model {}", (b'A' + i) as char))
        .filter(|l| !used.contains(l));
    for column in session
        .columns
        .iter_mut()
        .filter(|c| c.active && c.blind_label.is_none())
    {
        column.blind_label = free.next();
    }
}

/// A blind round's seating: the panes in a new random order (from the
/// state's seeded generator), so the first `-m` is not always on the left.
/// With `relabel`, the letters start again from "Model A" on the left.
pub fn shuffle_positions(state: &mut AppState, relabel: bool) {
    let workspace = &mut state.workspace;
    state.rng.shuffle(&mut workspace.panes);
    workspace.focus = crate::tui::state::Focus::Editor;
    if relabel {
        for column in &mut state.record.session.columns {
            column.blind_label = None;
        }
    }
    sync_columns(state);
    super::relayout(state);
}

/// Mirrors the panes into the session's columns (new ones added, removed
/// ones kept but inactive) and the shared parameters.
pub fn sync_columns(state: &mut AppState) {
    let session = &mut state.record.session;
    session.params = session_params(&state.settings.params);
    for column in &mut session.columns {
        column.active = false;
    }
    let panes = &state.workspace.panes;
    for pane in panes {
        let params = session_params(&pane.params);
        match session.columns.iter_mut().find(|c| c.id == pane.id.0) {
            Some(column) => {
                column.label = pane.target.label.clone();
                column.chain = router_free_chain(pane);
                column.router = pane.target.router.clone();
                column.upstream = pane.target.upstream.clone();
                column.params = params;
                column.active = true;
            }
            None => session.columns.push(Column {
                id: pane.id.0,
                label: pane.target.label.clone(),
                chain: router_free_chain(pane),
                router: pane.target.router.clone(),
                upstream: pane.target.upstream.clone(),
                params,
                blind_label: None,
                active: true,
            }),
        }
    }
    // Keep the file's column order the panes' order.
    session.columns.sort_by_key(|c| {
        panes
            .iter()
            .position(|p| p.id.0 == c.id)
            .unwrap_or(usize::MAX)
    });
    if session.blind {
        assign_blind_labels(session);
    }
}

/// A new, empty session started now, with an id from the state's randomness.
pub fn new_session(state: &mut AppState) -> Session {
    let now = state.now.unix;
    let mut session = Session::new(crate::session::types::new_id(now, state.rng.u16(..)), now);
    session.privacy = state.settings.privacy;
    session
}

/// The privacy switch, kept in the session so that resuming it (and the
/// next workbench, which starts from the latest session) keeps it.
pub fn set_privacy(state: &mut AppState, on: bool) {
    state.settings.privacy = on;
    state.record.session.privacy = on;
    state.touch();
}

/// Replaces the session with a new, empty one for the current panes.
/// A blind one is a new blind round: the panes are seated afresh.
pub fn start_session(state: &mut AppState, blind: bool) {
    state.record.session = new_session(state);
    state.record.session.blind = blind;
    // A removed pane belongs to the session it was removed from.
    state.workspace.removed = None;
    state.record.last_saved_at = None;
    if blind {
        shuffle_positions(state, true);
    } else {
        sync_columns(state);
    }
    state.touch();
}

/// A router column's chain changes every prompt; the column records none
/// (each answer records the model its rules picked).
fn router_free_chain(pane: &crate::tui::state::PaneState) -> Vec<crate::router::ModelRef> {
    if pane.target.router.is_some() {
        Vec::new()
    } else {
        pane.target.chain.clone()
    }
}

pub fn begin_turn(state: &mut AppState, prompt: &str) -> usize {
    let turns = &mut state.record.session.turns;
    turns.push(Turn {
        prompt: prompt.to_string(),
        started_at_unix: state.now.unix,
        answers: Vec::new(),
        vote: None,
        judge_votes: Vec::new(),
    });
    turns.len() - 1
}

/// Sets (or replaces, after a retry) a column's answer in a turn.
pub fn record_answer(
    session: &mut Session,
    turn: usize,
    column: u64,
    result: RunResult,
    complete: bool,
) {
    let Some(turn) = session.turns.get_mut(turn) else {
        return;
    };
    let answer = Answer {
        column,
        result,
        complete,
    };
    match turn.answers.iter_mut().find(|a| a.column == column) {
        Some(existing) => *existing = answer,
        None => turn.answers.push(answer),
    }
}

/// The session with every live answer merged in as incomplete.
pub fn snapshot(state: &AppState) -> Session {
    let mut session = state.record.session.clone();
    session.updated_at_unix = state.now.unix;
    for pane in state.workspace.panes.iter().filter(|p| p.status.is_live()) {
        if let Some(run) = &pane.run {
            record_answer(&mut session, run.turn, pane.id.0, run.result.clone(), false);
        }
    }
    session
}

/// Queues a save: always when `force`, else at most every
/// `STREAMING_SAVE_INTERVAL` (measured with message times). Empty sessions
/// are not written.
pub fn persist(state: &mut AppState, effects: &mut Vec<Effect>, at: Option<Instant>, force: bool) {
    if state.record.session.turns.is_empty() {
        return;
    }
    if !force
        && let (Some(at), Some(last)) = (at, state.record.last_saved_at)
        && at.saturating_duration_since(last) < STREAMING_SAVE_INTERVAL
    {
        return;
    }
    state.record.last_saved_at = Some(at.unwrap_or(state.now.at));
    effects.push(Effect::SaveSession(Arc::new(snapshot(state))));
}

pub fn vote(state: &mut AppState, verdict: Verdict) -> Option<String> {
    let blind = state.hidden();
    let now = state.now.unix;
    // Where each model sat, for the leaderboard's position bias.
    let shown_order = state.workspace.panes.iter().map(|p| p.id.0).collect();
    let session = &mut state.record.session;
    let turn = session.turns.last_mut()?;
    turn.vote = Some(Vote {
        verdict,
        blind,
        at_unix: now,
        source: VoteSource::User,
        reason: None,
        shown_order,
        judge_cost: None,
    });
    let name = |id: u64| {
        session
            .column(id)
            .map(|c| match (&c.blind_label, blind) {
                (Some(label), true) => format!("{label} ({})", c.label),
                _ => c.label.clone(),
            })
            .unwrap_or_default()
    };
    let said = match verdict {
        Verdict::Best { column } => format!("voted: {} is best", name(column)),
        Verdict::Tie => "voted: a tie".to_string(),
        Verdict::AllBad => "voted: all bad".to_string(),
    };
    if blind {
        session.revealed = true;
        return Some(format!("{said} · Ctrl+R: next blind round"));
    }
    Some(said)
}
