//! `prism eval`'s judge rounds after the answers: `[pairwise]` (every two
//! columns of a case in both orders) and `[agreement]` (the judge groups a
//! case's answers), each skipping what the journal already holds, both
//! under the answers' `--max-cost` budget.

use std::collections::HashSet;
use std::sync::Arc;

use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use crate::cli::term::errln;
use crate::eval::budget::Budget;
use crate::eval::column::ColumnDef;
use crate::eval::journal::{JournalWriter, answers_by_case};
use crate::eval::judge::grouping::CaseGrouping;
use crate::eval::judge::grouping_run;
use crate::eval::judge::pairwise::Comparison;
use crate::eval::judge::plan::JudgePlan;
use crate::eval::judge::round::Round;
use crate::eval::judge::runner::JudgeRunner;
use crate::eval::judge::{label, pairwise_run};
use crate::eval::record::Digest;
use crate::eval::scheduler::Ran;
use crate::eval::suite::Suite;
use crate::sanitize::Outside;

/// What the rounds need from the run.
pub struct Rounds<'a> {
    pub suite: &'a Suite,
    pub digests: &'a [Digest],
    pub judges: Arc<JudgeRunner>,
    pub plan: &'a JudgePlan,
    pub max_cost: Option<Decimal>,
    pub concurrency: usize,
    pub cancel: &'a CancellationToken,
    /// Print what is asked on stderr (not while the live view owns it).
    pub say: bool,
}

/// What the rounds added.
#[derive(Default)]
pub struct Judged {
    pub comparisons: Vec<Comparison>,
    pub groupings: Vec<CaseGrouping>,
    pub skipped_for_budget: usize,
}

/// Runs `[pairwise]` then `[agreement]` after the answers in `ran`, asking
/// only what `compared` and `grouped` (from the journal) lack.
pub async fn run(
    rounds: &Rounds<'_>,
    ran: &mut Ran,
    writer: &mut JournalWriter,
    compared: &HashSet<(String, u32, String, String)>,
    grouped: &HashSet<(String, u32)>,
) -> Judged {
    let mut judged = Judged::default();
    let asks = rounds.suite.pairwise.is_some() || rounds.suite.agreement.is_some();
    if !asks || ran.interrupted || ran.journal_error.is_some() {
        return judged;
    }
    if let Err(error) = writer.written().await {
        ran.journal_error = Some(error);
        return judged;
    }
    // The answers' spending carries over into the judges' budget.
    let mut budget = Budget::new(rounds.max_cost);
    budget.settle(Decimal::ZERO, ran.spent_usd);
    let suite = rounds.suite;
    // Both rounds put the same answers to their judges: read them once.
    let cases = match answers_by_case(suite, rounds.digests, writer.path()) {
        Ok(cases) => cases,
        Err(e) => {
            ran.journal_error = Some(format!("cannot read the run journal: {e}"));
            return judged;
        }
    };
    if let Some(pairwise) = &suite.pairwise {
        let jobs = pairwise_run::jobs(suite, &cases, compared);
        say(rounds, jobs.len(), " pairwise comparisons", &pairwise.judge);
        let round = pairwise_run::run(
            pairwise,
            jobs,
            rounds.judges.clone(),
            rounds.plan,
            &mut budget,
            rounds.concurrency,
            writer,
            rounds.cancel,
        )
        .await;
        judged.comparisons = settle(round, &mut judged.skipped_for_budget, ran);
    }
    if let Some(agreement) = &suite.agreement
        && ran.journal_error.is_none()
        && !rounds.cancel.is_cancelled()
    {
        let jobs = grouping_run::jobs(suite, &cases, grouped);
        say(
            rounds,
            jobs.len(),
            " cases to group (agreement)",
            &agreement.judge,
        );
        let round = grouping_run::run(
            agreement,
            jobs,
            rounds.judges.clone(),
            rounds.plan,
            &mut budget,
            rounds.concurrency,
            writer,
            rounds.cancel,
        )
        .await;
        judged.groupings = settle(round, &mut judged.skipped_for_budget, ran);
    }
    ran.spent_usd = budget.spent_usd();
    ran.interrupted = rounds.cancel.is_cancelled();
    judged
}

/// A round's size, said on stderr ("prism: 6 pairwise comparisons by X").
fn say(rounds: &Rounds<'_>, jobs: usize, what: &str, judge: &ColumnDef) {
    if jobs > 0 && rounds.say {
        errln!("prism: {jobs}{what} by {}", Outside(&label(judge)));
    }
}

/// A round's verdicts; what it skipped and a journal error go to the run.
fn settle<R>(round: Round<R>, skipped_for_budget: &mut usize, ran: &mut Ran) -> Vec<R> {
    *skipped_for_budget += round.skipped_for_budget;
    ran.journal_error = round.journal_error;
    round.done
}
