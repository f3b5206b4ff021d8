//! The pairwise round after the answers: every two columns that answered a
//! case (per repeat) go to the judge in both orders, as many calls at once
//! as `--concurrency` allows, each admitted by the same `--max-cost` budget
//! as the answers with its worst case, each journalled as it completes (a
//! resume never asks again what the journal holds).

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader};
use std::path::Path;
use std::sync::Arc;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::eval::budget::{Admission, Budget};
use crate::eval::journal::{JournalWriter, read_result_at};
use crate::eval::record::{Digest, Outcome};
use crate::eval::suite::Suite;

use super::pairwise::Comparison;
use super::plan::JudgePlan;
use super::runner::{JudgeRunner, PairJob};
use super::{PairwiseSpec, frame_bytes, label};

/// How the round went.
#[derive(Debug, Default)]
pub struct PairwiseRan {
    /// This invocation's comparisons, in the order they finished.
    pub comparisons: Vec<Comparison>,
    pub skipped_for_budget: usize,
    pub journal_error: Option<String>,
}

/// The comparisons still to ask: both orders of every two columns that
/// answered the same case and repeat, minus those in `done`. The answers
/// are read from the journal, one result at a time.
pub fn jobs(
    suite: &Suite,
    digests: &[Digest],
    journal: &Path,
    done: &HashSet<(String, u32, String, String)>,
) -> io::Result<Vec<PairJob>> {
    let labels = suite.column_labels();
    let mut answered: BTreeMap<(u32, u32), Vec<&Digest>> = BTreeMap::new();
    for digest in digests.iter().filter(|d| d.outcome != Outcome::Error) {
        answered
            .entry((digest.cell.case, digest.cell.repeat))
            .or_default()
            .push(digest);
    }
    let mut file = BufReader::new(File::open(journal)?);
    let mut line = Vec::new();
    let mut jobs = Vec::new();
    for ((case, repeat), mut cells) in answered {
        if cells.len() < 2 {
            continue;
        }
        cells.sort_by_key(|d| d.cell.column);
        let case_data = &suite.cases[case as usize];
        let question: Arc<str> = Arc::from(case_data.prompt.as_str());
        let mut answers: Vec<(String, Arc<str>)> = Vec::with_capacity(cells.len());
        for digest in cells {
            if let Some(result) = read_result_at(&mut file, digest.offset, &mut line)? {
                answers.push((
                    labels[digest.cell.column as usize].clone(),
                    Arc::from(result.text),
                ));
            }
        }
        for (i, a) in answers.iter().enumerate() {
            for b in &answers[i + 1..] {
                for (first, second) in [(a, b), (b, a)] {
                    let key = (
                        case_data.id.clone(),
                        repeat,
                        first.0.clone(),
                        second.0.clone(),
                    );
                    if done.contains(&key) {
                        continue;
                    }
                    jobs.push(PairJob {
                        case_id: case_data.id.clone(),
                        repeat_index: repeat,
                        question: question.clone(),
                        first: first.clone(),
                        second: second.clone(),
                    });
                }
            }
        }
    }
    Ok(jobs)
}

/// Runs the comparisons within `budget`, journalling each.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    spec: &PairwiseSpec,
    jobs: Vec<PairJob>,
    runner: Arc<JudgeRunner>,
    plan: &JudgePlan,
    budget: &mut Budget,
    concurrency: usize,
    journal: &mut JournalWriter,
    cancel: &CancellationToken,
) -> PairwiseRan {
    let judge = label(&spec.judge);
    let spec = Arc::new(spec.clone());
    let mut ran = PairwiseRan::default();
    let mut queue = jobs.into_iter();
    let mut waiting: Option<PairJob> = None;
    let mut tasks: JoinSet<(rust_decimal::Decimal, Comparison)> = JoinSet::new();
    loop {
        while tasks.len() < concurrency.max(1)
            && !cancel.is_cancelled()
            && ran.journal_error.is_none()
        {
            let Some(job) = waiting.take().or_else(|| queue.next()) else {
                break;
            };
            let bytes = frame_bytes(&spec.rubric, &job.question, true)
                + job.first.1.len().min(super::ANSWER_MAX_BYTES)
                + job.second.1.len().min(super::ANSWER_MAX_BYTES);
            let worst = plan.worst_usd(&judge, bytes as u64);
            match budget.admit(worst) {
                Admission::Start => {
                    let (runner, spec, cancel) =
                        (runner.clone(), spec.clone(), cancel.child_token());
                    tasks.spawn(async move { (worst, runner.compare(&spec, &job, cancel).await) });
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
        let Ok((worst, comparison)) = joined else {
            continue;
        };
        budget.settle(worst, comparison.cost_usd.unwrap_or_default());
        if cancel.is_cancelled() && comparison.pick.is_none() {
            // Cut short by the interrupt: not journalled, so a resume asks again.
            continue;
        }
        match journal.comparison(&comparison).await {
            Ok(_) => ran.comparisons.push(comparison),
            Err(message) => ran.journal_error = Some(message),
        }
    }
    if !cancel.is_cancelled() && ran.journal_error.is_none() {
        ran.skipped_for_budget += waiting.into_iter().chain(queue).count();
    }
    ran
}
