//! The pairwise round after the answers: every two columns that answered a
//! case (per repeat) go to the judge in both orders, as many calls at once
//! as `--concurrency` allows, each admitted by the same `--max-cost` budget
//! as the answers with its worst case, each journalled as it completes (a
//! resume never asks again what the journal holds): a [`round`](super::round).

use std::collections::HashSet;
use std::sync::Arc;

use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use crate::eval::budget::Budget;
use crate::eval::journal::{CaseAnswers, JournalWriter};
use crate::eval::suite::Suite;

use super::pairwise::Comparison;
use super::plan::JudgePlan;
use super::round::{self, Round, Verdict};
use super::runner::{JudgeRunner, PairJob};
use super::{PairwiseSpec, frame_bytes, label};

/// The comparisons still to ask: both orders of every two columns that
/// answered the same case and repeat (`cases`, read from the journal),
/// minus those in `done`.
pub fn jobs(
    suite: &Suite,
    cases: &[CaseAnswers],
    done: &HashSet<(String, u32, String, String)>,
) -> Vec<PairJob> {
    let mut jobs = Vec::new();
    for case in cases {
        let case_data = &suite.cases[case.case as usize];
        let question: Arc<str> = Arc::from(case_data.prompt.as_str());
        let answers = &case.answers;
        for (i, a) in answers.iter().enumerate() {
            for b in &answers[i + 1..] {
                for (first, second) in [(a, b), (b, a)] {
                    let key = (
                        case_data.id.clone(),
                        case.repeat,
                        first.0.clone(),
                        second.0.clone(),
                    );
                    if done.contains(&key) {
                        continue;
                    }
                    jobs.push(PairJob {
                        case_id: case_data.id.clone(),
                        repeat_index: case.repeat,
                        question: question.clone(),
                        first: first.clone(),
                        second: second.clone(),
                    });
                }
            }
        }
    }
    jobs
}

impl Verdict for Comparison {
    fn cost_usd(&self) -> Option<Decimal> {
        self.cost_usd
    }

    fn decided(&self) -> bool {
        self.pick.is_some()
    }

    async fn journal(&self, journal: &mut JournalWriter) -> Result<u64, String> {
        journal.comparison(self).await
    }
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
) -> Round<Comparison> {
    let judge = label(&spec.judge);
    let spec = Arc::new(spec.clone());
    let worst = |job: &PairJob| {
        let bytes = frame_bytes(&spec.rubric, &job.question, true)
            + job.first.1.len().min(super::ANSWER_MAX_BYTES)
            + job.second.1.len().min(super::ANSWER_MAX_BYTES);
        plan.worst_usd(&judge, bytes as u64)
    };
    let call = |job: PairJob, cancel: CancellationToken| {
        let (runner, spec) = (runner.clone(), spec.clone());
        async move { runner.compare(&spec, &job, cancel).await }
    };
    round::run(jobs, worst, call, budget, concurrency, journal, cancel).await
}
