//! Runs the cells of a run: as many at once as `--concurrency` allows,
//! each model through its [`Gate`] (backoff on 429, pacing), each request
//! admitted by the [`Budget`] with its worst-case cost, every result
//! journalled as it completes. A final 429 puts the cell back in its
//! model's queue instead of recording a failure; a cancelled cell is
//! simply not recorded, so a resume runs it.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::router::error::ErrorKind;
use crate::router::events::StreamEvent;

use super::budget::{Admission, Budget};
use super::events::EvalEvent;
use super::gate::Gate;
use super::journal::JournalWriter;
use super::record::{CellKey, Digest, EvalResult};

/// Times a cell that ends rate-limited goes back to its queue.
pub const MAX_REQUEUES: u8 = 5;
/// The hold after a final 429 without Retry-After, doubled per requeue.
const REQUEUE_BACKOFF: Duration = Duration::from_secs(2);

/// Runs one cell on the routing core (or a stand-in in tests).
pub trait Execute: Send + Sync + 'static {
    /// Runs `cell`; `control` hears how it goes (attempts, pacing, retries).
    fn execute(
        &self,
        cell: CellKey,
        control: mpsc::Sender<StreamEvent>,
        cancel: CancellationToken,
    ) -> impl Future<Output = EvalResult> + Send;

    /// The most the cell can cost (for the budget).
    fn worst_usd(&self, cell: CellKey) -> Decimal;
}

/// What to run and with which limits.
pub struct Schedule {
    /// Cells to run, in the order to start them.
    pub cells: Vec<CellKey>,
    /// The gate of each column (columns of the same model share one).
    pub gate_of_column: Vec<usize>,
    pub gates: Vec<Gate>,
    pub concurrency: usize,
    pub budget: Budget,
}

/// How the run went.
#[derive(Debug, Default)]
pub struct Ran {
    pub digests: Vec<Digest>,
    pub skipped_for_budget: Vec<CellKey>,
    pub interrupted: bool,
    pub journal_error: Option<String>,
    pub spent_usd: Decimal,
}

struct Done {
    cell: CellKey,
    gate: usize,
    worst_usd: Decimal,
    result: EvalResult,
}

pub async fn run<E: Execute>(
    mut schedule: Schedule,
    executor: Arc<E>,
    journal: &mut JournalWriter,
    events: &mpsc::Sender<EvalEvent>,
    cancel: &CancellationToken,
) -> Ran {
    let mut queues: Vec<VecDeque<CellKey>> = vec![VecDeque::new(); schedule.gates.len()];
    for cell in &schedule.cells {
        queues[schedule.gate_of_column[cell.column as usize]].push_back(*cell);
    }
    let (control_tx, mut control_rx) = mpsc::channel::<(CellKey, usize, StreamEvent)>(1024);
    let mut tasks: JoinSet<Done> = JoinSet::new();
    let mut sent: HashMap<CellKey, bool> = HashMap::new();
    let mut requeued: HashMap<CellKey, u8> = HashMap::new();
    let mut ran = Ran::default();
    let mut next_gate = 0usize;
    let cells_cancel = cancel.child_token();
    let emit = |event: EvalEvent| async move {
        let _ = events.send(event).await;
    };

    loop {
        // Start what may start: one cell per gate per pass, round-robin.
        let now = Instant::now();
        let mut wake: Option<Instant> = None;
        if !cancel.is_cancelled() && ran.journal_error.is_none() {
            loop {
                let mut started_any = false;
                for step in 0..queues.len() {
                    if tasks.len() >= schedule.concurrency {
                        break;
                    }
                    let g = (next_gate + step) % queues.len();
                    while let Some(&cell) = queues[g].front() {
                        match schedule.gates[g].ready(now) {
                            Err(Some(at)) => {
                                wake = Some(wake.map_or(at, |w| w.min(at)));
                                break;
                            }
                            Err(None) => break,
                            Ok(()) => {}
                        }
                        let worst = executor.worst_usd(cell);
                        match schedule.budget.admit(worst) {
                            Admission::Wait => break,
                            Admission::Never => {
                                queues[g].pop_front();
                                ran.skipped_for_budget.push(cell);
                                emit(EvalEvent::SkippedForBudget { cell }).await;
                                continue;
                            }
                            Admission::Start => {}
                        }
                        queues[g].pop_front();
                        schedule.gates[g].start();
                        sent.insert(cell, false);
                        spawn_cell(
                            &mut tasks,
                            &executor,
                            cell,
                            g,
                            worst,
                            &control_tx,
                            &cells_cancel,
                        );
                        emit(EvalEvent::Started { cell }).await;
                        started_any = true;
                        break;
                    }
                }
                next_gate = (next_gate + 1) % queues.len().max(1);
                if !started_any || tasks.len() >= schedule.concurrency {
                    break;
                }
            }
        }
        let queued = queues.iter().any(|q| !q.is_empty());
        if tasks.is_empty()
            && (!queued || cancel.is_cancelled() || ran.journal_error.is_some() || wake.is_none())
        {
            if queued && !cancel.is_cancelled() && ran.journal_error.is_none() {
                // Nothing in flight, nothing to wait for: only the budget can say no now.
                for queue in &mut queues {
                    for cell in queue.drain(..) {
                        ran.skipped_for_budget.push(cell);
                        emit(EvalEvent::SkippedForBudget { cell }).await;
                    }
                }
            }
            break;
        }
        tokio::select! {
            biased;
            _ = cancel.cancelled(), if !cells_cancel.is_cancelled() => {
                cells_cancel.cancel();
            }
            Some((cell, g, event)) = control_rx.recv() => {
                on_control(&mut schedule.gates[g], &mut sent, cell, &event, events).await;
            }
            Some(joined) = tasks.join_next() => {
                let Ok(done) = joined else { continue };
                let was_sent = sent.remove(&done.cell).unwrap_or(true);
                let error_kind = done.result.error.as_ref().map(|e| e.kind);
                let spent = spent_by(&done.result, done.worst_usd);
                schedule.budget.settle(done.worst_usd, spent);
                ran.spent_usd = schedule.budget.spent_usd();
                let gate = &mut schedule.gates[done.gate];
                gate.finish(was_sent, error_kind.is_none());
                match error_kind {
                    Some(ErrorKind::Cancelled) => continue,
                    Some(ErrorKind::RateLimited) if !cancel.is_cancelled() => {
                        let count = requeued.entry(done.cell).or_insert(0);
                        if *count < MAX_REQUEUES {
                            *count += 1;
                            let asked = done.result.error.as_ref().and_then(|e| e.retry_after);
                            let wait = asked.unwrap_or(REQUEUE_BACKOFF * (1 << (*count - 1)));
                            let limit = gate.rate_limited(Instant::now(), wait);
                            emit(EvalEvent::Slowed { model: gate.name.clone(), wait_ms: wait.as_millis() as u64, limit }).await;
                            queues[done.gate].push_front(done.cell);
                            continue;
                        }
                    }
                    _ => {}
                }
                match journal.result(&done.result).await {
                    Ok(offset) => {
                        let digest = done.result.digest(done.cell, offset);
                        ran.digests.push(digest.clone());
                        emit(EvalEvent::Finished { digest }).await;
                    }
                    Err(message) => {
                        emit(EvalEvent::JournalFailed { message: message.clone() }).await;
                        ran.journal_error = Some(message);
                        cells_cancel.cancel();
                    }
                }
            }
            _ = sleep_until(wake), if wake.is_some() => {}
        }
    }
    ran.interrupted = cancel.is_cancelled();
    ran
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// What a finished request cost for the budget: its cost; its worst case
/// when it produced tokens but no cost is known; nothing for a request
/// that failed before any usage.
fn spent_by(result: &EvalResult, worst_usd: Decimal) -> Decimal {
    match (result.cost_usd, &result.usage) {
        (Some(cost), _) => cost,
        (None, Some(_)) => worst_usd,
        (None, None) if !result.text.is_empty() => worst_usd,
        (None, None) => Decimal::ZERO,
    }
}

fn spawn_cell<E: Execute>(
    tasks: &mut JoinSet<Done>,
    executor: &Arc<E>,
    cell: CellKey,
    gate: usize,
    worst_usd: Decimal,
    control: &mpsc::Sender<(CellKey, usize, StreamEvent)>,
    cancel: &CancellationToken,
) {
    let executor = executor.clone();
    let control = control.clone();
    let cancel = cancel.child_token();
    tasks.spawn(async move {
        let (tx, mut rx) = mpsc::channel(16);
        let forward = async {
            while let Some(event) = rx.recv().await {
                let wanted = matches!(
                    event,
                    StreamEvent::Attempting { .. } | StreamEvent::Retrying { .. }
                );
                if wanted && control.send((cell, gate, event)).await.is_err() {
                    break;
                }
            }
        };
        let (result, ()) = tokio::join!(executor.execute(cell, tx, cancel), forward);
        Done {
            cell,
            gate,
            worst_usd,
            result,
        }
    });
}

/// A request was sent, or will be retried: a retry after a 429 holds its
/// whole model back.
async fn on_control(
    gate: &mut Gate,
    sent: &mut HashMap<CellKey, bool>,
    cell: CellKey,
    event: &StreamEvent,
    events: &mpsc::Sender<EvalEvent>,
) {
    match event {
        StreamEvent::Attempting { .. } => {
            if let Some(flag) = sent.get_mut(&cell)
                && !*flag
            {
                *flag = true;
                gate.sent();
            }
        }
        StreamEvent::Retrying {
            error, delay_ms, ..
        } if error.kind == ErrorKind::RateLimited => {
            let limit = gate.rate_limited(Instant::now(), Duration::from_millis(*delay_ms));
            let _ = events
                .send(EvalEvent::Slowed {
                    model: gate.name.clone(),
                    wait_ms: *delay_ms,
                    limit,
                })
                .await;
        }
        // Other retries, text and figures: the result carries them.
        StreamEvent::Retrying { .. }
        | StreamEvent::Queued { .. }
        | StreamEvent::Started { .. }
        | StreamEvent::FirstToken { .. }
        | StreamEvent::FirstAnswerToken { .. }
        | StreamEvent::Reasoning(_)
        | StreamEvent::Content(_)
        | StreamEvent::ToolCall(_)
        | StreamEvent::Usage { .. }
        | StreamEvent::Note(_)
        | StreamEvent::Finished { .. }
        | StreamEvent::Failed(_) => {}
    }
}

#[cfg(test)]
mod tests;
