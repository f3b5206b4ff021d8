//! The scheduler with a stand-in executor, under tokio's paused clock:
//! concurrency, backoff on 429, the budget with many requests in flight,
//! and cancellation.

use std::sync::Mutex;

use pretty_assertions::assert_eq;

use super::*;
use crate::eval::journal::{self, Header, JournalWriter};
use crate::eval::suite::Suite;
use crate::router::error::RouterError;

/// What the stand-in does for each call of a column, in order (the last repeats).
#[derive(Clone)]
enum Script {
    /// Answers after this long, costing this much.
    Answer(Duration, Decimal),
    /// Fails with a final 429 asking to wait this long.
    RateLimited(Duration),
}

struct Fake {
    scripts: Vec<Vec<Script>>,
    worst_usd: Decimal,
    calls: Mutex<Vec<usize>>,
    /// (column, when the call started)
    log: Mutex<Vec<(u16, Instant)>>,
    in_flight: Mutex<(usize, usize)>,
    /// Finished costs and worst cases in flight, to check the budget.
    money: Mutex<(Decimal, Decimal)>,
    limit_usd: Option<Decimal>,
}

impl Fake {
    fn new(scripts: Vec<Vec<Script>>, worst_usd: Decimal, limit_usd: Option<Decimal>) -> Arc<Fake> {
        let columns = scripts.len();
        Arc::new(Fake {
            scripts,
            worst_usd,
            calls: Mutex::new(vec![0; columns]),
            log: Mutex::new(Vec::new()),
            in_flight: Mutex::new((0, 0)),
            money: Mutex::new((Decimal::ZERO, Decimal::ZERO)),
            limit_usd,
        })
    }
}

impl Execute for Fake {
    fn execute(
        &self,
        cell: CellKey,
        control: mpsc::Sender<StreamEvent>,
        cancel: CancellationToken,
    ) -> impl Future<Output = EvalResult> + Send {
        let column = cell.column as usize;
        let script = {
            let mut calls = self.calls.lock().unwrap();
            let list = &self.scripts[column];
            let step = list[calls[column].min(list.len() - 1)].clone();
            calls[column] += 1;
            step
        };
        self.log.lock().unwrap().push((cell.column, Instant::now()));
        {
            let mut flight = self.in_flight.lock().unwrap();
            flight.0 += 1;
            flight.1 = flight.1.max(flight.0);
            let mut money = self.money.lock().unwrap();
            money.1 += self.worst_usd;
            if let Some(limit) = self.limit_usd {
                assert!(
                    money.0 + money.1 <= limit,
                    "spent {} + in flight {} > {limit}",
                    money.0,
                    money.1
                );
            }
        }
        async move {
            let _ = control
                .send(StreamEvent::Attempting {
                    attempt: 1,
                    model: "m".into(),
                })
                .await;
            let mut result = EvalResult::judge(
                &format!("case-{}", cell.case + 1),
                &format!("col{}", cell.column),
                cell.repeat,
                crate::router::events::RunResult::new("m"),
                &[],
            );
            let cost = match script {
                Script::Answer(delay, cost) => {
                    tokio::select! {
                        _ = cancel.cancelled() => {
                            result.error = Some(RouterError::cancelled());
                            result.pass = false;
                        }
                        _ = tokio::time::sleep(delay) => {
                            result.text = "ok".into();
                            result.cost_usd = Some(cost);
                        }
                    }
                    result.cost_usd.unwrap_or_default()
                }
                Script::RateLimited(wait) => {
                    let mut error = RouterError::new(ErrorKind::RateLimited, "429");
                    error.retry_after = Some(wait);
                    result.error = Some(error);
                    result.pass = false;
                    Decimal::ZERO
                }
            };
            self.in_flight.lock().unwrap().0 -= 1;
            let mut money = self.money.lock().unwrap();
            money.1 -= self.worst_usd;
            money.0 += cost;
            result
        }
    }

    fn worst_usd(&self, _cell: CellKey) -> Decimal {
        self.worst_usd
    }
}

fn suite(columns: usize, cases: usize) -> Suite {
    let columns: Vec<String> = (0..columns).map(|c| format!("col{c}")).collect();
    let cases: Vec<String> = (1..=cases).map(|i| format!("case-{i}")).collect();
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let cases: Vec<&str> = cases.iter().map(String::as_str).collect();
    crate::eval::suite::fixture(&columns, &cases)
}

fn schedule(columns: usize, cases: usize, concurrency: usize, limit: Option<Decimal>) -> Schedule {
    let mut cells = Vec::new();
    for case in 0..cases as u32 {
        for column in 0..columns as u16 {
            cells.push(CellKey {
                case,
                column,
                repeat: 0,
            });
        }
    }
    Schedule {
        cells,
        gate_of_column: (0..columns).collect(),
        gates: (0..columns)
            .map(|c| Gate::new(format!("col{c}"), concurrency, false))
            .collect(),
        concurrency,
        budget: Budget::new(limit),
    }
}

async fn journal(dir: &std::path::Path, columns: usize, cases: usize) -> JournalWriter {
    let header = Header {
        schema_version: journal::SCHEMA_VERSION,
        run_id: "r".into(),
        created_at_unix: 0,
        suite_file: "s.toml".into(),
        suite: suite(columns, cases),
    };
    JournalWriter::create(&dir.join("r.jsonl"), &header)
        .await
        .expect("journal")
}

async fn go(
    fake: &Arc<Fake>,
    schedule: Schedule,
    dir: &std::path::Path,
    cancel: CancellationToken,
) -> (Ran, Vec<EvalEvent>) {
    let columns = schedule.gate_of_column.len();
    let cases = schedule.cells.len() / columns.max(1);
    let mut writer = journal(dir, columns, cases).await;
    let (tx, mut rx) = mpsc::channel(4096);
    let ran = run(schedule, fake.clone(), &mut writer, &tx, &cancel).await;
    writer.close().await.expect("closed");
    drop(tx);
    let mut events = Vec::new();
    while let Some(event) = rx.recv().await {
        events.push(event);
    }
    (ran, events)
}

fn answer(ms: u64, cents: i64) -> Script {
    Script::Answer(Duration::from_millis(ms), Decimal::new(cents, 2))
}

#[tokio::test(start_paused = true)]
async fn keeps_to_the_concurrency_and_journals_every_result() {
    let dir = tempfile::tempdir().expect("dir");
    let fake = Fake::new(
        vec![vec![answer(100, 1)], vec![answer(300, 1)]],
        Decimal::ONE,
        None,
    );
    let (ran, events) = go(
        &fake,
        schedule(2, 10, 3, None),
        dir.path(),
        CancellationToken::new(),
    )
    .await;
    assert_eq!(ran.digests.len(), 20);
    assert_eq!(
        fake.in_flight.lock().unwrap().1,
        3,
        "at most 3 at once, and 3 were used"
    );
    let finished = events
        .iter()
        .filter(|e| matches!(e, EvalEvent::Finished { .. }))
        .count();
    assert_eq!(finished, 20);
    let contents = journal::read(&dir.path().join("r.jsonl")).expect("parses");
    assert_eq!(contents.digests.len(), 20);
    assert_eq!(ran.spent_usd, Decimal::new(20, 2));
}

#[tokio::test(start_paused = true)]
async fn a_429_holds_back_that_model_only_for_as_long_as_asked() {
    let dir = tempfile::tempdir().expect("dir");
    let t0 = Instant::now();
    let fake = Fake::new(
        vec![
            vec![Script::RateLimited(Duration::from_secs(7)), answer(10, 1)],
            vec![answer(50, 1)],
        ],
        Decimal::ONE,
        None,
    );
    let (ran, events) = go(
        &fake,
        schedule(2, 6, 4, None),
        dir.path(),
        CancellationToken::new(),
    )
    .await;
    assert_eq!(
        ran.digests.len(),
        12,
        "nothing dropped: the rate-limited cell ran again"
    );
    let log = fake.log.lock().unwrap().clone();
    let first_429 = log
        .iter()
        .find(|(c, _)| *c == 0)
        .map(|(_, at)| *at)
        .expect("column 0 ran");
    let later: Vec<Instant> = log
        .iter()
        .filter(|(c, _)| *c == 0)
        .map(|(_, at)| *at)
        .skip(1)
        .collect();
    // Column 0's first call answered 429 at once; nothing of it started during the 7 s asked,
    // except the calls already dispatched with it.
    let early = later
        .iter()
        .filter(|at| **at < first_429 + Duration::from_secs(7))
        .count();
    assert!(early <= 3, "{early} requests hammered the limited model");
    assert!(later.iter().any(|at| *at >= t0 + Duration::from_secs(7)));
    // The other model went on at once.
    let other_done = log
        .iter()
        .filter(|(c, at)| *c == 1 && *at < t0 + Duration::from_secs(1))
        .count();
    assert_eq!(other_done, 6);
    let slowed: Vec<&EvalEvent> = events
        .iter()
        .filter(|e| matches!(e, EvalEvent::Slowed { .. }))
        .collect();
    assert_eq!(
        slowed.first(),
        Some(&&EvalEvent::Slowed {
            model: "col0".into(),
            wait_ms: 7000,
            limit: 2
        })
    );
}

#[tokio::test(start_paused = true)]
async fn a_model_that_stays_rate_limited_is_recorded_as_such_in_the_end() {
    let dir = tempfile::tempdir().expect("dir");
    let fake = Fake::new(
        vec![vec![Script::RateLimited(Duration::from_secs(1))]],
        Decimal::ONE,
        None,
    );
    let (ran, _) = go(
        &fake,
        schedule(1, 1, 2, None),
        dir.path(),
        CancellationToken::new(),
    )
    .await;
    assert_eq!(ran.digests.len(), 1);
    assert_eq!(fake.calls.lock().unwrap()[0], 1 + MAX_REQUEUES as usize);
}

#[tokio::test(start_paused = true)]
async fn the_budget_holds_with_many_requests_in_flight() {
    let dir = tempfile::tempdir().expect("dir");
    // Worst case $0.10 a request, each costs $0.07: $1.00 admits 10 at once,
    // then as results come in, more; never past $1.00 committed.
    let limit = Decimal::ONE;
    let fake = Fake::new(
        vec![vec![answer(100, 7)], vec![answer(130, 7)]],
        Decimal::new(10, 2),
        Some(limit),
    );
    let (ran, events) = go(
        &fake,
        schedule(2, 20, 16, Some(limit)),
        dir.path(),
        CancellationToken::new(),
    )
    .await;
    assert!(ran.spent_usd <= limit, "{}", ran.spent_usd);
    // 13 answers at $0.07 = $0.91; a 14th could take $0.91 + $0.10 > $1.
    assert_eq!(ran.digests.len(), 13);
    assert_eq!(ran.skipped_for_budget.len(), 27);
    let skipped = events
        .iter()
        .filter(|e| matches!(e, EvalEvent::SkippedForBudget { .. }))
        .count();
    assert_eq!(skipped, 27);
    assert!(
        fake.in_flight.lock().unwrap().1 >= 8,
        "many requests were in flight at once"
    );
}

#[tokio::test(start_paused = true)]
async fn cancelling_records_only_what_finished() {
    let dir = tempfile::tempdir().expect("dir");
    let fake = Fake::new(vec![vec![answer(1000, 1)]], Decimal::ONE, None);
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        stop.cancel();
    });
    let (ran, _) = go(&fake, schedule(1, 10, 2, None), dir.path(), cancel).await;
    assert!(ran.interrupted);
    // Two at a time, a second each: 4 finished by 2.5 s, 2 were cut off.
    assert_eq!(ran.digests.len(), 4);
    let contents = journal::read(&dir.path().join("r.jsonl")).expect("parses");
    assert_eq!(contents.digests.len(), 4);
}
