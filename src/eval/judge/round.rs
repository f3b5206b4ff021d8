//! A judge round after the answers (pairwise comparisons, agreement
//! groupings): as many calls at once as `--concurrency` allows, each
//! admitted by the same `--max-cost` budget as the answers with its worst
//! case, each journalled as it completes. A call cut short by the
//! interrupt without a verdict is not journalled, so a resume asks again.

use std::future::Future;

use rust_decimal::Decimal;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::eval::budget::{Admission, Budget};
use crate::eval::journal::JournalWriter;

/// A judge call's outcome as the round needs it.
pub trait Verdict: Send + 'static {
    fn cost_usd(&self) -> Option<Decimal>;
    /// The judge gave a usable verdict.
    fn decided(&self) -> bool;
    fn journal<'a>(
        &'a self,
        journal: &'a mut JournalWriter,
    ) -> impl Future<Output = Result<u64, String>> + Send + 'a;
}

/// How a round went.
#[derive(Debug)]
pub struct Round<R> {
    /// This invocation's verdicts, in the order they finished.
    pub done: Vec<R>,
    pub skipped_for_budget: usize,
    pub journal_error: Option<String>,
}

/// Runs `jobs` through `call`, `worst` giving each one's worst case.
pub async fn run<J, R, Fut>(
    jobs: Vec<J>,
    worst: impl Fn(&J) -> Decimal,
    call: impl Fn(J, CancellationToken) -> Fut,
    budget: &mut Budget,
    concurrency: usize,
    journal: &mut JournalWriter,
    cancel: &CancellationToken,
) -> Round<R>
where
    R: Verdict,
    Fut: Future<Output = R> + Send + 'static,
{
    let mut ran = Round {
        done: Vec::new(),
        skipped_for_budget: 0,
        journal_error: None,
    };
    let mut queue = jobs.into_iter();
    let mut waiting: Option<J> = None;
    let mut tasks: JoinSet<(Decimal, R)> = JoinSet::new();
    loop {
        while tasks.len() < concurrency.max(1)
            && !cancel.is_cancelled()
            && ran.journal_error.is_none()
        {
            let Some(job) = waiting.take().or_else(|| queue.next()) else {
                break;
            };
            let worst = worst(&job);
            match budget.admit(worst) {
                Admission::Start => {
                    let asked = call(job, cancel.child_token());
                    tasks.spawn(async move { (worst, asked.await) });
                }
                Admission::Wait if !tasks.is_empty() => {
                    waiting = Some(job);
                    break;
                }
                Admission::Wait | Admission::Never => ran.skipped_for_budget += 1,
            }
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        let Ok((worst, verdict)) = joined else {
            continue;
        };
        budget.settle(worst, verdict.cost_usd().unwrap_or_default());
        if cancel.is_cancelled() && !verdict.decided() {
            continue;
        }
        match verdict.journal(journal).await {
            Ok(_) => ran.done.push(verdict),
            Err(message) => ran.journal_error = Some(message),
        }
    }
    if !cancel.is_cancelled() && ran.journal_error.is_none() {
        ran.skipped_for_budget += waiting.into_iter().chain(queue).count();
    }
    ran
}
