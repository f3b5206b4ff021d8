//! The `[agreement]` round after the answers: per case and repeat where two
//! columns or more answered, one call asks the judge to group the answers
//! (shown numbered, unnamed), as many at once as `--concurrency` allows,
//! each admitted by `--max-cost` with its worst case and journalled as it
//! completes (a resume never asks again what the journal holds): a
//! [`round`](super::round) like `[pairwise]`'s.

use std::collections::HashSet;
use std::sync::Arc;

use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use crate::eval::budget::Budget;
use crate::eval::journal::{CaseAnswers, JournalWriter};
use crate::eval::suite::Suite;

use super::grouping::CaseGrouping;
use super::grouping::{AgreementSpec, frame_bytes};
use super::plan::JudgePlan;
use super::round::{self, Round, Verdict};
use super::runner::JudgeRunner;
use super::{ANSWER_MAX_BYTES, label};

/// A case's answers to put to the judge.
#[derive(Clone, Debug)]
pub struct GroupJob {
    pub case_id: String,
    pub repeat_index: u32,
    pub question: Arc<str>,
    pub answers: Vec<(String, Arc<str>)>,
}

/// The groupings still to ask: every case and repeat with two answers or
/// more, minus those in `done` ((case id, repeat)).
pub fn jobs(suite: &Suite, cases: &[CaseAnswers], done: &HashSet<(String, u32)>) -> Vec<GroupJob> {
    cases
        .iter()
        .filter_map(|case| {
            let data = &suite.cases[case.case as usize];
            (!done.contains(&(data.id.clone(), case.repeat))).then(|| GroupJob {
                case_id: data.id.clone(),
                repeat_index: case.repeat,
                question: Arc::from(data.prompt.as_str()),
                answers: case.answers.clone(),
            })
        })
        .collect()
}

/// Asks one grouping and reads it in column terms.
pub async fn ask(
    runner: &JudgeRunner,
    spec: &AgreementSpec,
    job: &GroupJob,
    cancel: CancellationToken,
) -> CaseGrouping {
    let texts: Vec<&str> = job.answers.iter().map(|(_, t)| &**t).collect();
    let grouped = runner.group(spec, &job.question, &texts, cancel).await;
    let columns: Vec<String> = job.answers.iter().map(|(c, _)| c.clone()).collect();
    let (groups, reason, error) = match grouped.groups {
        Ok(found) => (
            Some(
                found
                    .groups
                    .iter()
                    .map(|g| g.iter().map(|&i| columns[i].clone()).collect())
                    .collect(),
            ),
            Some(found.reason),
            None,
        ),
        Err(error) => (None, None, Some(error)),
    };
    CaseGrouping {
        case_id: job.case_id.clone(),
        repeat_index: job.repeat_index,
        judge: label(&spec.judge),
        columns,
        groups,
        reason,
        error,
        cost_usd: grouped.cost_usd,
        total_ms: grouped.total_ms,
    }
}

impl Verdict for CaseGrouping {
    fn cost_usd(&self) -> Option<Decimal> {
        self.cost_usd
    }

    fn decided(&self) -> bool {
        self.groups.is_some()
    }

    async fn journal(&self, journal: &mut JournalWriter) -> Result<u64, String> {
        journal.grouping(self).await
    }
}

/// Runs the groupings within `budget`, journalling each.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    spec: &AgreementSpec,
    jobs: Vec<GroupJob>,
    runner: Arc<JudgeRunner>,
    plan: &JudgePlan,
    budget: &mut Budget,
    concurrency: usize,
    journal: &mut JournalWriter,
    cancel: &CancellationToken,
) -> Round<CaseGrouping> {
    let judge = label(&spec.judge);
    let spec = Arc::new(spec.clone());
    let worst = |job: &GroupJob| {
        let bytes = frame_bytes(spec.rubric(), &job.question, job.answers.len())
            + job
                .answers
                .iter()
                .map(|(_, t)| t.len().min(ANSWER_MAX_BYTES))
                .sum::<usize>();
        plan.worst_usd(&judge, bytes as u64)
    };
    let call = |job: GroupJob, cancel: CancellationToken| {
        let (runner, spec) = (runner.clone(), spec.clone());
        async move { ask(&runner, &spec, &job, cancel).await }
    };
    round::run(jobs, worst, call, budget, concurrency, journal, cancel).await
}
