//! Judges made ready to run: each judge's target (a router judge decided
//! on its rubric), its catalog prices, the worst case of a judge call for
//! `--max-cost` (the answer shown is bounded, the reply capped at
//! [`JUDGE_MAX_TOKENS`]) and the estimate printed before a run.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rust_decimal::Decimal;

use crate::router::catalog::Catalog;
use crate::router::chat::Target;
use crate::router::columns;
use crate::router::policy::{self, Policy, catalog_prices};
use crate::router::pricing::Pricing;
use crate::router::provider::Providers;
use crate::router::tokens::prompt_tokens as estimate_tokens;

use super::{ANSWER_MAX_BYTES, ASSUMED_JUDGE_OUTPUT_TOKENS, JUDGE_MAX_TOKENS, frame_bytes, label};
use crate::eval::column::{ColumnEstimate, usage};
use crate::eval::suite::{Suite, SuiteError};

#[derive(Clone, Debug, Default)]
pub struct JudgePlan {
    pub targets: HashMap<String, Target>,
    /// Per judge, the prices of its chain (None: unknown).
    prices: HashMap<String, Vec<Option<Pricing>>>,
    /// Per case, the worst case of its judge checks for one answer.
    pub check_worst_usd: Vec<Decimal>,
}

impl JudgePlan {
    pub fn build(
        suite: &Suite,
        providers: &Providers,
        policies: &[Policy],
        catalogs: &BTreeMap<String, Catalog>,
    ) -> Result<JudgePlan, SuiteError> {
        let file = Path::new(&suite.path);
        let price_of = catalog_prices(providers, catalogs);
        let mut plan = JudgePlan::default();
        for (name, judge) in suite.judges() {
            let refuse = |message: String| SuiteError::new(file, None, "judge", message);
            let target = columns::targets(providers, &[judge.to_arg()])
                .map_err(|m| refuse(format!("judge {name}: {m}")))?
                .remove(0);
            // A router judge is decided once, on the first rubric that names it.
            let rubric = rubric_of(suite, &name).unwrap_or_default();
            let (target, _) =
                policy::resolve_target(&target, policies, providers, &rubric, &price_of)
                    .map_err(|e| refuse(format!("judge {name}: {e}")))?;
            let prices = target
                .chain
                .iter()
                .map(|m| {
                    catalogs
                        .get(&m.provider)
                        .and_then(|c| c.get(&m.model))
                        .map(|info| info.pricing.clone())
                })
                .collect();
            plan.prices.insert(name.clone(), prices);
            plan.targets.insert(name, target);
        }
        plan.check_worst_usd = (0..suite.cases.len())
            .map(|case| {
                let question = &suite.cases[case].prompt;
                suite
                    .judge_checks(case)
                    .map(|spec| {
                        let bytes = frame_bytes(&spec.rubric, question, false) + ANSWER_MAX_BYTES;
                        plan.worst_usd(&label(&spec.judge), bytes as u64)
                    })
                    .fold(Decimal::ZERO, Decimal::saturating_add)
            })
            .collect();
        Ok(plan)
    }

    /// The most one call of `judge` can cost with `input_bytes` of messages
    /// (a token is at least a byte); unknown prices count as nothing (the
    /// CLI says so before the run).
    pub fn worst_usd(&self, judge: &str, input_bytes: u64) -> Decimal {
        let usage = usage(input_bytes + 32, u64::from(JUDGE_MAX_TOKENS));
        self.prices
            .get(judge)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|p| p.cost(&usage).ok().flatten())
            .max()
            .unwrap_or_default()
    }

    /// What one call is expected to cost (None when the price is unknown).
    fn estimate_usd(&self, judge: &str, input_tokens: u64) -> Option<Decimal> {
        let usage = usage(input_tokens, ASSUMED_JUDGE_OUTPUT_TOKENS);
        self.prices
            .get(judge)?
            .first()?
            .as_ref()?
            .cost(&usage)
            .ok()
            .flatten()
    }

    /// Judges whose price is unknown (their calls are not counted against `--max-cost`).
    pub fn unpriced(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .prices
            .iter()
            .filter(|(_, p)| p.first().is_none_or(Option::is_none))
            .map(|(n, _)| n.as_str())
            .collect();
        names.sort_unstable();
        names
    }

    /// The estimate of the judge calls, one row per judge and kind: checks
    /// of the `answers` to come (case index each), `comparisons` and
    /// `groupings` (case index each) with answers of `answer_tokens` each.
    pub fn estimate(
        &self,
        suite: &Suite,
        answers: &[usize],
        comparisons: &[usize],
        groupings: &[usize],
        answer_tokens: u64,
    ) -> Vec<ColumnEstimate> {
        let mut rows: BTreeMap<String, ColumnEstimate> = BTreeMap::new();
        let mut add = |row_name: String, judge: &str, input_tokens: u64| {
            let row = rows
                .entry(row_name.clone())
                .or_insert_with(|| ColumnEstimate::empty(row_name));
            row.requests += 1;
            row.input_tokens += input_tokens;
            row.output_tokens += ASSUMED_JUDGE_OUTPUT_TOKENS;
            match self.estimate_usd(judge, input_tokens) {
                Some(usd) => {
                    row.cost_usd = Some(row.cost_usd.unwrap_or_default().saturating_add(usd))
                }
                None => row.unpriced += 1,
            }
        };
        for &case in answers {
            let question = &suite.cases[case].prompt;
            for spec in suite.judge_checks(case) {
                let judge = label(&spec.judge);
                let tokens =
                    estimate_tokens(&spec.rubric) + estimate_tokens(question) + answer_tokens + 90;
                add(format!("judge {judge} (checks)"), &judge, tokens);
            }
        }
        if let Some(pairwise) = &suite.pairwise {
            let judge = label(&pairwise.judge);
            for &case in comparisons {
                let question = &suite.cases[case].prompt;
                let tokens = estimate_tokens(&pairwise.rubric)
                    + estimate_tokens(question)
                    + 2 * answer_tokens
                    + 100;
                add(format!("judge {judge} (pairwise)"), &judge, tokens);
            }
        }
        if let Some(agreement) = &suite.agreement {
            let judge = label(&agreement.judge);
            let rubric = agreement.rubric();
            let shown = suite.columns.len() as u64;
            for &case in groupings {
                let question = &suite.cases[case].prompt;
                let tokens = estimate_tokens(rubric)
                    + estimate_tokens(question)
                    + shown * (answer_tokens + 10)
                    + 120;
                add(format!("judge {judge} (agreement)"), &judge, tokens);
            }
        }
        rows.into_values().collect()
    }
}

/// The rubric of the first use of a judge.
fn rubric_of(suite: &Suite, judge: &str) -> Option<String> {
    if let Some(p) = suite.pairwise.as_ref().filter(|p| label(&p.judge) == judge) {
        return Some(p.rubric.clone());
    }
    if let Some(a) = suite
        .agreement
        .as_ref()
        .filter(|a| label(&a.judge) == judge)
    {
        return Some(a.rubric().to_owned());
    }
    (0..suite.cases.len())
        .flat_map(|c| suite.judge_checks(c))
        .find(|j| label(&j.judge) == judge)
        .map(|j| j.rubric.clone())
}
