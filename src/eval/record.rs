//! What one cell of a run produced: the full result (a journal line, and an
//! element of `results` in the JSON report: a contract) and the compact
//! digest the summary is computed from, so memory holds figures, not answers.

use std::hash::{Hash, Hasher};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::router::error::RouterError;
use crate::router::events::{CostSource, RunResult};
use crate::router::policy::RouteDecision;
use crate::router::pricing::usd_json;
use crate::router::usage::Usage;

use super::checks::{Check, CheckOutcome, Judged, clip};

/// Where a result sits in the run: case, column and repeat, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellKey {
    pub case: u32,
    pub column: u16,
    pub repeat: u32,
}

/// One result, as journalled and reported (field names are a contract).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalResult {
    pub case_id: String,
    pub column: String,
    pub repeat_index: u32,
    pub served_model: Option<String>,
    /// The upstream that answered when the server names it.
    #[serde(default)]
    pub provider: Option<String>,
    pub text: String,
    /// `{"kind", "status", "message"}`, or null.
    pub error: Option<RouterError>,
    #[serde(default)]
    pub finish_reason: Option<String>,
    pub ttft_ms: Option<u64>,
    pub total_ms: Option<u64>,
    #[serde(default)]
    pub tokens_per_s: Option<f64>,
    #[serde(with = "usd_json")]
    pub cost_usd: Option<Decimal>,
    pub cost_source: Option<CostSource>,
    pub usage: Option<Usage>,
    /// For a router column: which model its rules picked, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<RouteDecision>,
    pub checks: Vec<CheckOutcome>,
    pub pass: bool,
}

impl EvalResult {
    /// Judges a finished column's result with the case's checks.
    pub fn judge(
        case_id: &str,
        column: &str,
        repeat_index: u32,
        result: RunResult,
        checks: &[std::sync::Arc<Check>],
    ) -> EvalResult {
        let outcomes: Vec<CheckOutcome> = checks.iter().map(|c| c.evaluate(&result)).collect();
        Self::with_outcomes(case_id, column, repeat_index, result, outcomes)
    }

    /// A finished column's result with its checks already graded (judge
    /// checks included).
    pub fn with_outcomes(
        case_id: &str,
        column: &str,
        repeat_index: u32,
        result: RunResult,
        outcomes: Vec<CheckOutcome>,
    ) -> EvalResult {
        let pass = result.error.is_none() && outcomes.iter().all(|o| o.pass == Some(true));
        EvalResult {
            case_id: case_id.to_string(),
            column: column.to_string(),
            repeat_index,
            served_model: result.served_model,
            provider: result.provider,
            text: result.text,
            error: result.error,
            finish_reason: result.finish_reason,
            ttft_ms: result.ttft_ms,
            total_ms: result.total_ms,
            tokens_per_s: result.tokens_per_s,
            cost_usd: result.cost_usd,
            cost_source: result.cost_source,
            usage: result.usage,
            route: result.route,
            checks: outcomes,
            pass,
        }
    }

    pub fn outcome(&self) -> Outcome {
        if self.error.is_some() {
            Outcome::Error
        } else if self.pass {
            Outcome::Pass
        } else if self.checks.iter().any(|c| c.pass == Some(false)) {
            Outcome::Fail
        } else {
            Outcome::Ungraded
        }
    }

    /// Why it did not pass, on one line: the error, or the failed checks' reasons.
    pub fn reason(&self) -> Option<String> {
        if let Some(error) = &self.error {
            return Some(clip(
                &format!("{}: {}", error.kind.as_str(), error.message),
                200,
            ));
        }
        let reasons: Vec<&str> = self
            .checks
            .iter()
            .filter(|c| c.pass != Some(true))
            .filter_map(|c| c.reason.as_deref())
            .collect();
        (!reasons.is_empty()).then(|| clip(&reasons.join("; "), 300))
    }

    /// The compact record the summary needs; `offset` is where the full
    /// result starts in the journal.
    pub fn digest(&self, cell: CellKey, offset: u64) -> Digest {
        Digest {
            cell,
            outcome: self.outcome(),
            cost_usd: self.cost_usd,
            ttft_ms: self.ttft_ms,
            total_ms: self.total_ms,
            tokens_per_s: self.tokens_per_s,
            answer_hash: (self.error.is_none()).then(|| answer_hash(&self.text)),
            reason: self.reason().map(String::into_boxed_str),
            answer_chars: self.text.chars().count() as u64,
            judged: self
                .checks
                .iter()
                .filter_map(|c| c.judged.as_ref().map(|j| (c.pass, j.clone())))
                .collect(),
            offset,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    Error,
    /// No check failed, but a judge could not grade it: neither pass nor fail.
    Ungraded,
}

/// A result reduced to what the summary, the matrix and the failures list need.
#[derive(Clone, Debug, PartialEq)]
pub struct Digest {
    pub cell: CellKey,
    pub outcome: Outcome,
    pub cost_usd: Option<Decimal>,
    pub ttft_ms: Option<u64>,
    pub total_ms: Option<u64>,
    pub tokens_per_s: Option<f64>,
    /// The answer after whitespace and case normalisation, hashed (None for
    /// an error): repeats with equal hashes gave the same answer.
    pub answer_hash: Option<u64>,
    /// The error or the failed checks, one line.
    pub reason: Option<Box<str>>,
    /// The answer's length in characters (for the judges' length bias).
    pub answer_chars: u64,
    /// Its judge checks: (pass, what the judge said and cost).
    pub judged: Box<[(Option<bool>, Judged)]>,
    /// Byte offset of the full result in the run journal.
    pub offset: u64,
}

impl Digest {
    /// What its judges cost (None when no judge cost is known).
    pub fn judge_cost_usd(&self) -> Option<Decimal> {
        self.judged
            .iter()
            .filter_map(|(_, j)| j.cost_usd)
            .reduce(|a, b| a.saturating_add(b))
    }
}

#[cfg(test)]
impl Digest {
    /// A digest of `cell` with `outcome` and nothing else known: a test sets
    /// the figures it needs with `Digest { reason: …, ..Digest::of(cell, outcome) }`.
    pub(crate) fn of(cell: CellKey, outcome: Outcome) -> Digest {
        Digest {
            cell,
            outcome,
            cost_usd: None,
            ttft_ms: None,
            total_ms: None,
            tokens_per_s: None,
            answer_hash: None,
            reason: None,
            answer_chars: 0,
            judged: Box::default(),
            offset: 0,
        }
    }
}

/// Answers that differ only in case or whitespace count as the same.
pub fn answer_hash(text: &str) -> u64 {
    let mut hasher = Fnv64::default();
    for word in text.split_whitespace() {
        for c in word.chars().flat_map(char::to_lowercase) {
            c.hash(&mut hasher);
        }
        ' '.hash(&mut hasher);
    }
    hasher.finish()
}

/// FNV-1a: stable across runs and platforms (the std hasher is not promised to be).
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_answers_hash_alike() {
        assert_eq!(answer_hash("Hello  World\n"), answer_hash("hello world"));
        assert_ne!(answer_hash("hello world"), answer_hash("hello, world"));
    }
}
