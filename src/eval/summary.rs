//! The summary of a run per column, computed from digests (never from the
//! answers themselves): pass rate with its Wilson interval, errors and
//! failures, cost and cost per 1,000 calls, latency medians and p90,
//! tokens/s, consistency across repeats, ties with the best column, and the
//! projected cost at a stated volume.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::router::pricing;

use super::record::{Digest, Outcome};
use super::stats::{median, percentile, tied, wilson};

/// Days in the projected month.
pub const DAYS_PER_MONTH: u32 = 30;

/// One column's figures (field names are a contract of the JSON report).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnSummary {
    pub column: String,
    /// Results that passed every check, over all graded results (errors
    /// included; answers a judge could not grade left out).
    pub pass_rate: Option<f64>,
    /// The 95% Wilson interval of the pass rate.
    pub pass_rate_ci: Option<[f64; 2]>,
    /// Statistically tied with the column of the best pass rate (or it).
    pub tied_with_best: bool,
    pub results: u64,
    pub passed: u64,
    /// Results with an answer (failed or not).
    pub answers: u64,
    pub errors: u64,
    /// Answers that failed a check.
    pub failures: u64,
    /// Answers no check failed but a judge could not grade (neither pass nor fail).
    pub ungraded: u64,
    /// Cells of the suite with no result (skipped for budget, interrupted).
    pub missing: u64,
    #[serde(serialize_with = "usd")]
    pub cost_usd: Option<Decimal>,
    /// Answers whose cost is unknown (not in `cost_usd`).
    pub unpriced: u64,
    #[serde(serialize_with = "usd")]
    pub cost_per_1k_calls_usd: Option<Decimal>,
    /// What the judge checks of its answers cost: apart from `cost_usd`.
    #[serde(serialize_with = "usd")]
    pub judge_cost_usd: Option<Decimal>,
    pub median_ttft_ms: Option<f64>,
    pub p90_ttft_ms: Option<f64>,
    pub median_total_ms: Option<f64>,
    pub p90_total_ms: Option<f64>,
    pub median_tokens_per_s: Option<f64>,
    /// With repeats: distinct answers per case (after whitespace and case
    /// normalisation), averaged over cases.
    pub distinct_answers_mean: Option<f64>,
    /// With repeats: the share of cases whose repeats disagree on pass/fail.
    pub flaky_rate: Option<f64>,
    #[serde(serialize_with = "usd")]
    pub projected_daily_usd: Option<Decimal>,
    #[serde(serialize_with = "usd")]
    pub projected_monthly_usd: Option<Decimal>,
}

/// A USD amount as a JSON number (null when unknown).
pub(crate) fn usd<S: serde::Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_f64(pricing::to_f64(*v)),
        None => s.serialize_none(),
    }
}

/// What the summary is computed over.
pub struct SummaryInput<'a> {
    pub columns: &'a [String],
    pub cases: usize,
    pub repeat: u32,
    pub digests: &'a [Digest],
    /// Calls a day, for the projection.
    pub volume: Option<u64>,
}

pub fn summarize(input: &SummaryInput<'_>) -> Vec<ColumnSummary> {
    let mut per_column: Vec<Vec<&Digest>> = vec![Vec::new(); input.columns.len()];
    for digest in input.digests {
        if let Some(list) = per_column.get_mut(digest.cell.column as usize) {
            list.push(digest);
        }
    }
    let expected = input.cases as u64 * u64::from(input.repeat);
    let mut summaries: Vec<ColumnSummary> = input
        .columns
        .iter()
        .zip(&per_column)
        .map(|(column, digests)| column_summary(column, digests, expected, input.volume))
        .collect();
    mark_ties(&mut summaries);
    summaries
}

fn column_summary(
    column: &str,
    digests: &[&Digest],
    expected: u64,
    volume: Option<u64>,
) -> ColumnSummary {
    let results = digests.len() as u64;
    let count = |o: Outcome| digests.iter().filter(|d| d.outcome == o).count() as u64;
    let (passed, failures, errors, ungraded) = (
        count(Outcome::Pass),
        count(Outcome::Fail),
        count(Outcome::Error),
        count(Outcome::Ungraded),
    );
    let graded = results - ungraded;
    let costs: Vec<Decimal> = digests.iter().filter_map(|d| d.cost_usd).collect();
    let cost_usd = costs.iter().copied().reduce(|a, b| a.saturating_add(b));
    // A call that failed without a reported cost was not charged: it counts
    // as a $0 call; an answer without a known cost is left out (unpriced).
    let free_errors = digests
        .iter()
        .filter(|d| d.outcome == Outcome::Error && d.cost_usd.is_none())
        .count();
    let priced_calls = costs.len() + free_errors;
    let mean_cost = cost_usd.and_then(|total| total.checked_div(Decimal::from(priced_calls)));
    let scaled = |factor: u64| mean_cost.and_then(|m| m.checked_mul(Decimal::from(factor)));
    let figures = |pick: fn(&Digest) -> Option<f64>| -> Vec<f64> {
        digests
            .iter()
            .filter(|d| d.outcome != Outcome::Error)
            .filter_map(|d| pick(d))
            .collect()
    };
    let mut ttft = figures(|d| d.ttft_ms.map(|v| v as f64));
    let mut total = figures(|d| d.total_ms.map(|v| v as f64));
    let mut rate = figures(|d| d.tokens_per_s);
    let (distinct_answers_mean, flaky_rate) = consistency(digests);
    ColumnSummary {
        column: column.to_string(),
        pass_rate: (graded > 0).then(|| passed as f64 / graded as f64),
        pass_rate_ci: wilson(passed, graded).map(|(lo, hi)| [lo, hi]),
        tied_with_best: false,
        results,
        passed,
        answers: passed + failures + ungraded,
        errors,
        failures,
        ungraded,
        missing: expected.saturating_sub(results),
        cost_usd,
        unpriced: results - priced_calls as u64,
        cost_per_1k_calls_usd: scaled(1000),
        judge_cost_usd: digests
            .iter()
            .filter_map(|d| d.judge_cost_usd())
            .reduce(|a, b| a.saturating_add(b)),
        median_ttft_ms: median(&mut ttft),
        p90_ttft_ms: percentile(&mut ttft, 90.0),
        median_total_ms: median(&mut total),
        p90_total_ms: percentile(&mut total, 90.0),
        median_tokens_per_s: median(&mut rate),
        distinct_answers_mean,
        flaky_rate,
        projected_daily_usd: volume.and_then(scaled),
        projected_monthly_usd: volume
            .and_then(|v| scaled(v.saturating_mul(u64::from(DAYS_PER_MONTH)))),
    }
}

/// Over the cases with at least two repeats: the mean number of distinct
/// answers among those that answered (errors are no answer), and the share
/// whose repeats disagree on pass/fail.
fn consistency(digests: &[&Digest]) -> (Option<f64>, Option<f64>) {
    let mut by_case: HashMap<u32, Vec<&Digest>> = HashMap::new();
    for digest in digests {
        by_case.entry(digest.cell.case).or_default().push(digest);
    }
    let repeated: Vec<&Vec<&Digest>> = by_case.values().filter(|r| r.len() >= 2).collect();
    if repeated.is_empty() {
        return (None, None);
    }
    let cases = repeated.len() as f64;
    let answered: Vec<usize> = repeated
        .iter()
        .map(|repeats| {
            repeats
                .iter()
                .filter_map(|d| d.answer_hash)
                .collect::<HashSet<_>>()
                .len()
        })
        .filter(|&distinct| distinct > 0)
        .collect();
    let distinct_mean = (!answered.is_empty())
        .then(|| answered.iter().sum::<usize>() as f64 / answered.len() as f64);
    let flaky = repeated
        .iter()
        .filter(|repeats| {
            let passes = repeats
                .iter()
                .filter(|d| d.outcome == Outcome::Pass)
                .count();
            passes != 0 && passes != repeats.len()
        })
        .count();
    (distinct_mean, Some(flaky as f64 / cases))
}

/// Marks the best column by pass rate and every column statistically tied with it.
fn mark_ties(summaries: &mut [ColumnSummary]) {
    let best = summaries
        .iter()
        .filter(|s| s.results > 0)
        .max_by(|a, b| {
            let rate = |s: &ColumnSummary| s.pass_rate.unwrap_or(0.0);
            rate(a).total_cmp(&rate(b)).then(b.results.cmp(&a.results))
        })
        .map(|s| (s.passed, s.results - s.ungraded));
    let Some(best) = best else {
        return;
    };
    for summary in summaries.iter_mut().filter(|s| s.results > 0) {
        summary.tied_with_best = tied(best, (summary.passed, summary.results - summary.ungraded));
    }
}

/// The columns no other column beats on both counts (at most the cost per
/// 1,000 calls and at least the pass rate, one of them strictly): the
/// cheapest column that is good enough is on it. Indices, cheapest first;
/// columns without both figures are left out.
pub fn pareto_front(summaries: &[ColumnSummary]) -> Vec<usize> {
    let point = |s: &ColumnSummary| Some((s.cost_per_1k_calls_usd?, s.pass_rate?));
    let mut front: Vec<(usize, (Decimal, f64))> = summaries
        .iter()
        .enumerate()
        .filter_map(|(index, s)| Some((index, point(s)?)))
        .collect();
    let points = front.clone();
    front.retain(|(index, (cost, rate))| {
        !points.iter().any(|(other, (c, r))| {
            other != index && c <= cost && r >= rate && (c < cost || r > rate)
        })
    });
    front.sort_by(|(a, (ca, _)), (b, (cb, _))| ca.cmp(cb).then(a.cmp(b)));
    front.into_iter().map(|(index, _)| index).collect()
}

#[cfg(test)]
mod tests;
