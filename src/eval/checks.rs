//! Checks on one answer: what a suite may ask of it (text, JSON, a JSON
//! Schema, time, cost, tokens, finish reason), each giving pass or fail
//! with a one-line reason. An answer that failed with an error fails every
//! check; the run counts it as an error, apart from failures.

use std::fmt::Write as _;

use regex::Regex;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::router::events::RunResult;
use crate::router::figures::{self, usd_setting};
use crate::router::pricing::format_usd;
use crate::router::pricing::usd_json as cost_serde;
use crate::sanitize::sanitize;
use crate::units;

use super::judge::JudgeSpec;
use super::schema::Schema;

/// A check as written in a suite (and kept in the run journal): its type
/// and value, with `{{vars}}` already filled and a schema file already read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum CheckSpec {
    Contains(String),
    Icontains(String),
    NotContains(String),
    Equals(String),
    StartsWith(String),
    Regex(String),
    IsJson,
    JsonSchema(Value),
    MaxTtftMs(u64),
    MaxTotalMs(u64),
    MaxCostUsd(#[serde(with = "usd_setting")] Decimal),
    MaxOutputTokens(u64),
    FinishReason(String),
    /// A judge model grades the answer (run by the executor, not here).
    Judge(JudgeSpec),
}

/// Every check type, as written in `type = "..."`.
pub const CHECK_TYPES: [&str; 14] = [
    "contains",
    "icontains",
    "not_contains",
    "equals",
    "starts_with",
    "regex",
    "is_json",
    "json_schema",
    "max_ttft_ms",
    "max_total_ms",
    "max_cost_usd",
    "max_output_tokens",
    "finish_reason",
    "judge",
];

impl CheckSpec {
    pub fn type_name(&self) -> &'static str {
        match self {
            CheckSpec::Contains(_) => "contains",
            CheckSpec::Icontains(_) => "icontains",
            CheckSpec::NotContains(_) => "not_contains",
            CheckSpec::Equals(_) => "equals",
            CheckSpec::StartsWith(_) => "starts_with",
            CheckSpec::Regex(_) => "regex",
            CheckSpec::IsJson => "is_json",
            CheckSpec::JsonSchema(_) => "json_schema",
            CheckSpec::MaxTtftMs(_) => "max_ttft_ms",
            CheckSpec::MaxTotalMs(_) => "max_total_ms",
            CheckSpec::MaxCostUsd(_) => "max_cost_usd",
            CheckSpec::MaxOutputTokens(_) => "max_output_tokens",
            CheckSpec::FinishReason(_) => "finish_reason",
            CheckSpec::Judge(_) => "judge",
        }
    }
}

/// A check ready to run: its regex or schema compiled once.
#[derive(Debug)]
pub struct Check {
    pub spec: CheckSpec,
    compiled: Compiled,
}

#[derive(Debug)]
enum Compiled {
    Nothing,
    Regex(Regex),
    Schema(Box<Schema>),
}

impl Check {
    /// Compiles a regex or a schema; Err is one line saying what is wrong.
    pub fn compile(spec: CheckSpec) -> Result<Check, String> {
        let compiled = match &spec {
            CheckSpec::Regex(pattern) => Compiled::Regex(Regex::new(pattern).map_err(|e| {
                // The last line says what is wrong; the others draw a caret.
                let text = e.to_string();
                let last = text.lines().last().unwrap_or_default().trim();
                format!("not a valid regex: {}", last.trim_start_matches("error: "))
            })?),
            CheckSpec::JsonSchema(schema) => Compiled::Schema(Box::new(
                Schema::compile(schema)
                    .map_err(|e| format!("not a valid JSON Schema: {}", one_line(&e)))?,
            )),
            CheckSpec::MaxCostUsd(usd) if figures::setting_usd(*usd).is_err() => {
                return Err(format!("{usd} is not an amount of USD"));
            }
            CheckSpec::Judge(spec) if !(1.0..=10.0).contains(&spec.threshold) => {
                return Err(format!("threshold {} is not from 1 to 10", spec.threshold));
            }
            CheckSpec::Judge(spec) if spec.rubric.trim().is_empty() => {
                return Err("the rubric is empty".into());
            }
            CheckSpec::Contains(_)
            | CheckSpec::Icontains(_)
            | CheckSpec::NotContains(_)
            | CheckSpec::Equals(_)
            | CheckSpec::StartsWith(_)
            | CheckSpec::IsJson
            | CheckSpec::MaxTtftMs(_)
            | CheckSpec::MaxTotalMs(_)
            | CheckSpec::MaxCostUsd(_)
            | CheckSpec::MaxOutputTokens(_)
            | CheckSpec::FinishReason(_)
            | CheckSpec::Judge(_) => Compiled::Nothing,
        };
        Ok(Check { spec, compiled })
    }

    /// Judges one answer. An answer that failed with an error fails.
    /// A judge check is graded by the executor, which calls the judge;
    /// here it can only say that nobody asked.
    pub fn evaluate(&self, result: &RunResult) -> CheckOutcome {
        let kind = self.spec.type_name();
        if let Some(error) = &result.error {
            return CheckOutcome::fail(kind, format!("no answer ({})", error.kind.as_str()));
        }
        if let CheckSpec::Judge(_) = &self.spec {
            return CheckOutcome {
                kind: kind.into(),
                pass: None,
                reason: Some("judge error: the judge was not asked".into()),
                judged: None,
            };
        }
        match self.judge(result) {
            None => CheckOutcome::pass(kind),
            Some(reason) => CheckOutcome::fail(kind, reason),
        }
    }

    /// None when the answer passes, else why not.
    fn judge(&self, result: &RunResult) -> Option<String> {
        let text = result.text.as_str();
        match (&self.spec, &self.compiled) {
            (CheckSpec::Contains(needle), _) => {
                (!text.contains(needle.as_str())).then(|| format!("{} not found", quote(needle)))
            }
            (CheckSpec::Icontains(needle), _) => {
                (!text.to_lowercase().contains(&needle.to_lowercase()))
                    .then(|| format!("{} not found (any case)", quote(needle)))
            }
            (CheckSpec::NotContains(needle), _) => text.find(needle.as_str()).map(|at| {
                format!(
                    "{} found at character {}",
                    quote(needle),
                    char_index(text, at)
                )
            }),
            (CheckSpec::Equals(expected), _) => (text.trim() != expected.trim())
                .then(|| format!("the answer {} is not {}", quote(text), quote(expected))),
            (CheckSpec::StartsWith(prefix), _) => (!text.trim_start().starts_with(prefix.as_str()))
                .then(|| format!("the answer starts {}", quote(text.trim_start()))),
            (CheckSpec::Regex(pattern), Compiled::Regex(regex)) => {
                (!regex.is_match(text)).then(|| format!("no match for /{}/", clip(pattern, 60)))
            }
            (CheckSpec::IsJson, _) => parse_json(text).err(),
            (CheckSpec::JsonSchema(_), Compiled::Schema(schema)) => match parse_json(text) {
                Err(reason) => Some(reason),
                Ok(value) => schema.first_error(&value).map(|e| clip(&e, 160)),
            },
            (CheckSpec::MaxTtftMs(limit), _) => match result.ttft_ms {
                None => Some("no first token".into()),
                Some(ms) => (ms > *limit).then(|| {
                    format!(
                        "first token after {} (limit {})",
                        units::duration_ms(ms),
                        units::duration_ms(*limit)
                    )
                }),
            },
            (CheckSpec::MaxTotalMs(limit), _) => match result.total_ms {
                None => Some("no total time".into()),
                Some(ms) => (ms > *limit).then(|| {
                    format!(
                        "took {} (limit {})",
                        units::duration_ms(ms),
                        units::duration_ms(*limit)
                    )
                }),
            },
            (CheckSpec::MaxCostUsd(limit), _) => match result.cost_usd {
                None => Some("cost unknown".into()),
                Some(cost) => (cost > *limit)
                    .then(|| format!("cost {} (limit {})", format_usd(cost), format_usd(*limit))),
            },
            (CheckSpec::MaxOutputTokens(limit), _) => {
                let tokens = result.completion_tokens();
                (tokens > *limit).then(|| format!("{tokens} output tokens (limit {limit})"))
            }
            (CheckSpec::FinishReason(expected), _) => {
                let actual = result.finish_reason.as_deref();
                (actual != Some(expected.as_str())).then(|| match actual {
                    Some(actual) => format!("finished with {}", quote(actual)),
                    None => "no finish reason".into(),
                })
            }
            (CheckSpec::Judge(_), _) => None,
            // Compile pairs every regex and schema with its spec.
            (CheckSpec::Regex(_) | CheckSpec::JsonSchema(_), _) => {
                Some("internal error: check not compiled".into())
            }
        }
    }
}

/// One check's verdict, as results carry it (`{"type", "pass", "reason"}`;
/// a judge check adds `"score", "judge", "cost_usd", "total_ms"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckOutcome {
    #[serde(rename = "type")]
    pub kind: String,
    /// None: neither pass nor fail (the judge failed or could not be read).
    pub pass: Option<bool>,
    pub reason: Option<String>,
    #[serde(flatten)]
    pub judged: Option<Judged>,
}

/// What a judge check adds: the score, the judge, and the judge's own cost
/// and time (never counted in the answer's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Judged {
    /// 1 to 10; None on a judge error.
    #[serde(default)]
    pub score: Option<f64>,
    pub judge: String,
    #[serde(default, with = "cost_serde")]
    pub cost_usd: Option<Decimal>,
    #[serde(default)]
    pub total_ms: Option<u64>,
}

impl CheckOutcome {
    fn pass(kind: &str) -> CheckOutcome {
        CheckOutcome {
            kind: kind.into(),
            pass: Some(true),
            reason: None,
            judged: None,
        }
    }

    fn fail(kind: &str, reason: String) -> CheckOutcome {
        CheckOutcome {
            kind: kind.into(),
            pass: Some(false),
            reason: Some(format!("{kind}: {reason}")),
            judged: None,
        }
    }
}

/// The answer as JSON, or why it is not (the whole answer, trimmed, must parse).
fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text.trim()).map_err(|e| {
        let start: String = text.trim_start().chars().take(12).collect();
        format!("not JSON ({e}); the answer starts {}", quote(&start))
    })
}

/// Quoted, one line, clipped and sanitised: safe in a reason.
fn quote(text: &str) -> String {
    format!("\"{}\"", clip(text, 60))
}

/// At most `max` characters of `text` on one line, "…" when cut.
pub fn clip(text: &str, max: usize) -> String {
    let flat: String = sanitize(text)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    let mut out: String = flat.chars().take(max).collect();
    if flat.chars().count() > max {
        out.push('…');
    }
    out
}

fn one_line(error: &impl std::fmt::Display) -> String {
    let mut text = String::new();
    let _ = write!(text, "{error}");
    clip(text.trim(), 160)
}

fn char_index(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

#[cfg(test)]
mod tests;
