//! A run's report in every format: text (the summary, the matrix of cases ×
//! columns, the failures), JSON (a contract: every result, the summary and
//! the total), Markdown (to paste into a review) and CSV (one row per
//! result). Answers are streamed from the journal in cell order, so the
//! report of a huge run needs no more memory than its summary.

mod csv;
mod json;
mod judging;
mod markdown;
mod text;

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::Path;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::router::pricing::{format_cost_floor, format_usd};

use super::checks::clip;
use super::journal::{answers_by_case, read_result_at};
use super::judge::bias::JudgeBias;
use super::judge::grouping::CaseGrouping;
use super::judge::grouping::{JudgeGroups, Method, agree};
use super::judge::pairwise::PairwiseSummary;
use super::record::{Digest, EvalResult, Outcome};
use super::suite::Suite;
use super::summary::ColumnSummary;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Csv,
}

/// Everything a report shows.
pub struct Report<'a> {
    pub run_id: &'a str,
    pub suite: &'a Suite,
    /// Every result's digest, in cell order.
    pub digests: &'a [Digest],
    pub summary: &'a [ColumnSummary],
    /// The journal, for the answers (JSON and CSV).
    pub journal: &'a Path,
    pub skipped_for_budget: u64,
    pub interrupted: bool,
    /// Calls a day for the projection, when asked.
    pub volume: Option<u64>,
    /// `[pairwise]`'s figures and ranking, when the suite asks for it.
    pub pairwise: Option<&'a PairwiseSummary>,
    /// Every judge of the suite: its calls, cost and measured biases.
    pub judges: &'a [JudgeBias],
    /// `[agreement]`'s groupings, per case and repeat.
    pub groupings: &'a [CaseGrouping],
}

/// How much the columns' answers to one case (and repeat) agree.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseAgreement {
    pub case_id: String,
    pub repeat_index: u32,
    /// Columns that answered.
    pub answers: usize,
    pub distinct: usize,
    /// Columns grouped by what their answers say.
    pub groups: Vec<Vec<String>>,
    /// Columns alone against a majority that agrees.
    pub outliers: Vec<String>,
    /// How they were grouped: `{"method": "text_similarity"}`, `{"method":
    /// "judge", "judge"}`, or `{"method": "judge_error", "judge", "error"}`
    /// (grouped by text similarity instead).
    pub grouped_by: Method,
    /// The judge's one-line reason for its grouping.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The grouping call's cost (apart from the answers'), when a judge grouped.
    #[serde(
        serialize_with = "crate::router::pricing::usd_json::serialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub judge_cost_usd: Option<Decimal>,
}

impl Report<'_> {
    pub fn write(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Text => out.write_all(text::render(self).as_bytes()),
            Format::Markdown => out.write_all(markdown::render(self).as_bytes()),
            Format::Json => json::write(self, out),
            Format::Csv => csv::write(self, out),
        }
    }

    /// Answers and judges together: the known costs (see [`Report::unpriced`]).
    pub fn total_cost(&self) -> Option<Decimal> {
        [self.answers_cost(), self.judge_cost()]
            .into_iter()
            .flatten()
            .reduce(|a, b| a.saturating_add(b))
    }

    pub fn answers_cost(&self) -> Option<Decimal> {
        self.summary
            .iter()
            .filter_map(|s| s.cost_usd)
            .reduce(|a, b| a.saturating_add(b))
    }

    /// Results whose cost is unknown: the total is a floor when any are.
    pub fn unpriced(&self) -> u64 {
        self.summary.iter().map(|s| s.unpriced).sum()
    }

    /// What every judge call cost (checks and pairwise).
    pub fn judge_cost(&self) -> Option<Decimal> {
        self.judges
            .iter()
            .filter_map(|j| j.cost_usd)
            .reduce(|a, b| a.saturating_add(b))
    }

    /// "$0.0123", or "$0.0123 (answers $0.0100, judges $0.0023)" with judges.
    fn cost_line(&self) -> String {
        // A floor when some answers' costs are unknown, and it says so.
        let total = format_cost_floor(self.total_cost(), self.unpriced());
        if self.judges.is_empty() {
            return total;
        }
        format!(
            "{total} (answers {}, judges {})",
            format_cost_floor(self.answers_cost(), self.unpriced()),
            money(self.judge_cost())
        )
    }

    /// Per case and repeat where at least two columns answered: the answers
    /// grouped by what they say (by `[agreement]`'s judge when it grouped
    /// them, else by text similarity), read from the journal a case at a time.
    pub fn agreement(&self) -> io::Result<Vec<CaseAgreement>> {
        let mut out = Vec::new();
        // The first grouping of each case and repeat, as the journal keeps.
        let mut groupings: HashMap<(&str, u32), &CaseGrouping> = HashMap::new();
        for g in self.groupings {
            groupings
                .entry((g.case_id.as_str(), g.repeat_index))
                .or_insert(g);
        }
        let spec = self.suite.agreement.as_ref();
        for case in answers_by_case(self.suite, self.digests, self.journal)? {
            let case_id = &self.suite.cases[case.case as usize].id;
            let columns: Vec<&str> = case.answers.iter().map(|(c, _)| c.as_str()).collect();
            let texts: Vec<&str> = case.answers.iter().map(|(_, t)| &**t).collect();
            let grouping = groupings.get(&(case_id.as_str(), case.repeat)).copied();
            let judged = grouping.map(|g| in_answer_order(g, &columns));
            let (grouped, grouped_by) = match (&judged, spec) {
                (Some(groups), Some(spec)) => agree(&texts, Some((&spec.judge, groups))),
                _ => agree(&texts, None),
            };
            let name = |i: &usize| case.answers[*i].0.clone();
            out.push(CaseAgreement {
                case_id: case_id.clone(),
                repeat_index: case.repeat,
                answers: case.answers.len(),
                distinct: grouped.distinct(),
                groups: grouped
                    .groups
                    .iter()
                    .map(|g| g.iter().map(name).collect())
                    .collect(),
                outliers: grouped.outliers.iter().map(name).collect(),
                grouped_by,
                reason: grouping
                    .filter(|g| g.groups.is_some())
                    .and_then(|g| g.reason.clone()),
                judge_cost_usd: grouping.and_then(|g| g.cost_usd),
            });
        }
        Ok(out)
    }

    /// Every full result, in cell order, read from the journal.
    fn for_each_result(
        &self,
        mut each: impl FnMut(&EvalResult) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut file = BufReader::new(File::open(self.journal)?);
        let mut line = Vec::new();
        for digest in self.digests {
            if let Some(result) = read_result_at(&mut file, digest.offset, &mut line)? {
                each(&result)?;
            }
        }
        Ok(())
    }

    /// Results per (case, column), in case order: for the matrix.
    fn cells(&self) -> Vec<Vec<Vec<&Digest>>> {
        let columns = self.suite.columns.len();
        let mut grid = vec![vec![Vec::new(); columns]; self.suite.cases.len()];
        for digest in self.digests {
            if let Some(row) = grid.get_mut(digest.cell.case as usize)
                && let Some(cell) = row.get_mut(digest.cell.column as usize)
            {
                cell.push(digest);
            }
        }
        grid
    }

    /// The failed and errored results, one line each, in cell order.
    fn failures(&self) -> Vec<(String, &Digest)> {
        let labels = self.suite.column_labels();
        self.digests
            .iter()
            .filter(|d| d.outcome != Outcome::Pass)
            .map(|d| {
                let case = &self.suite.cases[d.cell.case as usize].id;
                let mut place = format!(
                    "{} × {}",
                    clip(case, 40),
                    clip(&labels[d.cell.column as usize], 60)
                );
                if self.suite.defaults.repeat > 1 {
                    place.push_str(&format!(" #{}", d.cell.repeat + 1));
                }
                (place, d)
            })
            .collect()
    }
}

/// A journalled grouping in terms of the answers as read now (indices
/// into `columns`): a judge error stays one, and so does a grouping of
/// other answers than these (a column answered again since).
fn in_answer_order(grouping: &CaseGrouping, columns: &[&str]) -> Result<JudgeGroups, String> {
    if let Some(error) = &grouping.error {
        return Err(error.clone());
    }
    let shown: Vec<&str> = grouping.columns.iter().map(String::as_str).collect();
    let groups = grouping
        .groups
        .as_ref()
        .filter(|_| shown == columns)
        .ok_or_else(|| "the judge grouped other answers than these".to_string())?;
    let index = |column: &String| columns.iter().position(|c| c == column);
    Ok(JudgeGroups {
        groups: groups
            .iter()
            .map(|g| g.iter().filter_map(index).collect())
            .collect(),
        reason: grouping.reason.clone().unwrap_or_default(),
    })
}

/// A matrix cell: pass/fail/error for one result, "2/3" for repeats.
fn cell_text(results: &[&Digest], repeat: u32, marks: &Marks) -> String {
    if results.is_empty() {
        return marks.missing.into();
    }
    if repeat <= 1 {
        return match results[0].outcome {
            Outcome::Pass => marks.pass,
            Outcome::Fail => marks.fail,
            Outcome::Error => marks.error,
            Outcome::Ungraded => marks.ungraded,
        }
        .into();
    }
    let passed = results
        .iter()
        .filter(|d| d.outcome == Outcome::Pass)
        .count();
    let errors = results
        .iter()
        .filter(|d| d.outcome == Outcome::Error)
        .count();
    let mut text = format!("{passed}/{}", results.len());
    if errors > 0 {
        text.push_str(&format!(" ({errors} {})", marks.error));
    }
    text
}

struct Marks {
    pass: &'static str,
    fail: &'static str,
    error: &'static str,
    /// A judge could not grade it.
    ungraded: &'static str,
    missing: &'static str,
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or("-".into(), |r| format!("{:.1}%", r * 100.0))
}

fn interval(ci: Option<[f64; 2]>) -> String {
    ci.map_or("-".into(), |[lo, hi]| {
        format!("{:.0}–{:.0}%", lo * 100.0, hi * 100.0)
    })
}

fn money(usd: Option<Decimal>) -> String {
    usd.map_or("unknown".into(), format_usd)
}

/// A column's cost, with "+" when some results are unpriced (a floor).
fn column_cost(summary: &ColumnSummary) -> String {
    match (summary.cost_usd, summary.unpriced) {
        (None, _) => "unknown".into(),
        (known, unpriced) => format_cost_floor(known, unpriced),
    }
}

fn ms(value: Option<f64>) -> String {
    crate::units::duration(value.map(|v| v.round() as u64))
}

#[cfg(test)]
mod tests;
