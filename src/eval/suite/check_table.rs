//! One check table (`type`, `value`, or `file` for a schema) to its spec,
//! with `{{vars}}` filled in text values and every type's value checked.

use std::collections::BTreeMap;
use std::path::Path;

use super::super::checks::{CHECK_TYPES, CheckSpec};
use super::super::judge::grouping::AgreementSpec;
use super::super::judge::{DEFAULT_THRESHOLD, JudgeSpec, PairwiseSpec};
use super::ColumnDef;
use super::raw::{Node, Raw};
use super::source::{Source, closest, column_def, join};
use super::{SuiteError, template};
use crate::router::figures;

const CHECK_KEYS: [&str; 6] = ["type", "value", "file", "judge", "rubric", "threshold"];
/// The keys only a judge check takes.
const JUDGE_KEYS: [&str; 3] = ["judge", "rubric", "threshold"];
const PAIRWISE_KEYS: [&str; 3] = ["judge", "rubric", "file"];
const AGREEMENT_KEYS: [&str; 2] = ["judge", "rubric"];

/// One check table to its spec, with `{{vars}}` filled in string values.
pub(super) fn check_spec(
    source: &Source<'_>,
    node: &Node,
    field: &str,
    vars: &BTreeMap<String, String>,
) -> Result<CheckSpec, SuiteError> {
    let table = source.table(node, field, &CHECK_KEYS)?;
    let type_node = table.get("type").ok_or_else(|| {
        source.error(
            node,
            &join(field, "type"),
            format!("missing (one of: {})", CHECK_TYPES.join(", ")),
        )
    })?;
    let kind = source.string(type_node, &join(field, "type"))?;
    let value_field = join(field, "value");
    let value = table.get("value");
    let needs_value = |what: &str| {
        value.ok_or_else(|| source.error(node, &value_field, format!("missing: {what}")))
    };
    let text = |what: &str| -> Result<String, SuiteError> {
        let node = needs_value(what)?;
        let raw = source.string(node, &value_field)?;
        let filled = template::render(&raw, vars).map_err(|name| {
            source.error(
                node,
                &value_field,
                format!("{{{{{name}}}}} has no value in the case's vars"),
            )
        })?;
        if filled.is_empty() {
            return Err(source.error(node, &value_field, "is empty"));
        }
        Ok(filled)
    };
    let count = |what: &str| -> Result<u64, SuiteError> {
        let node = needs_value(what)?;
        Ok(source.integer(node, &value_field, 0, i64::MAX)? as u64)
    };
    if table.contains_key("file") && kind != "json_schema" && kind != "judge" {
        return Err(source.error(
            node,
            &join(field, "file"),
            "only json_schema and judge checks read a file",
        ));
    }
    if kind != "judge"
        && let Some(key) = JUDGE_KEYS.iter().find(|k| table.contains_key(**k))
    {
        return Err(source.error(
            &table[*key],
            &join(field, key),
            format!("only judge checks take `{key}`"),
        ));
    }
    let spec = match kind.as_str() {
        "contains" => CheckSpec::Contains(text("the text to find")?),
        "icontains" => CheckSpec::Icontains(text("the text to find, in any case")?),
        "not_contains" => CheckSpec::NotContains(text("the text that must not appear")?),
        "equals" => CheckSpec::Equals(text("the expected answer")?),
        "starts_with" => CheckSpec::StartsWith(text("the expected start")?),
        "regex" => CheckSpec::Regex(text("a regular expression")?),
        "is_json" => {
            if let Some(value) = value {
                return Err(source.error(value, &value_field, "is_json takes no value"));
            }
            CheckSpec::IsJson
        }
        "json_schema" => CheckSpec::JsonSchema(schema(source, node, field, table)?),
        "max_ttft_ms" => CheckSpec::MaxTtftMs(count("milliseconds")?),
        "max_total_ms" => CheckSpec::MaxTotalMs(count("milliseconds")?),
        "max_output_tokens" => CheckSpec::MaxOutputTokens(count("a number of tokens")?),
        "max_cost_usd" => {
            let node = needs_value("USD")?;
            let usd = source.number(node, &value_field)?;
            let usd = figures::setting_usd_from_f64(usd)
                .map_err(|why| source.error(node, &value_field, format!("{usd}: {why}")))?;
            CheckSpec::MaxCostUsd(usd)
        }
        "finish_reason" => CheckSpec::FinishReason(text("a finish reason such as \"stop\"")?),
        "judge" => {
            if let Some(value) = value {
                return Err(source.error(
                    value,
                    &value_field,
                    "a judge check takes judge, rubric (or file) and threshold, not value",
                ));
            }
            let (judge, rubric) = judge_and_rubric(source, node, field, table, vars)?;
            let threshold = match table.get("threshold") {
                None => DEFAULT_THRESHOLD,
                Some(n) => {
                    let at = join(field, "threshold");
                    let threshold = source.number(n, &at)?;
                    if !(1.0..=10.0).contains(&threshold) {
                        return Err(source.error(
                            n,
                            &at,
                            format!("{threshold} is not a score from 1 to 10"),
                        ));
                    }
                    threshold
                }
            };
            CheckSpec::Judge(JudgeSpec {
                judge,
                rubric,
                threshold,
            })
        }
        other => {
            let hint = closest(other, CHECK_TYPES.iter().copied())
                .map_or(String::new(), |k| format!("; did you mean '{k}'?"));
            return Err(source.error(
                type_node,
                &join(field, "type"),
                format!(
                    "unknown check type '{other}' (known: {}){hint}",
                    CHECK_TYPES.join(", ")
                ),
            ));
        }
    };
    Ok(spec)
}

/// `[pairwise]`: a judge and a rubric (text, or a file next to the suite).
pub(super) fn pairwise(source: &Source<'_>, node: &Node) -> Result<PairwiseSpec, SuiteError> {
    let table = source.table(node, "pairwise", &PAIRWISE_KEYS)?;
    let (judge, rubric) = judge_and_rubric(source, node, "pairwise", table, &BTreeMap::new())?;
    Ok(PairwiseSpec { judge, rubric })
}

/// `[agreement]`: a judge that groups each case's answers, and optionally
/// what counts as saying the same thing.
pub(super) fn agreement(source: &Source<'_>, node: &Node) -> Result<AgreementSpec, SuiteError> {
    let table = source.table(node, "agreement", &AGREEMENT_KEYS)?;
    let judge_node = table.get("judge").ok_or_else(|| {
        source.error(
            node,
            "agreement.judge",
            "missing: the model that groups the answers, e.g. judge = \"openai/gpt-4o\"",
        )
    })?;
    let judge = column_def(source, judge_node, "agreement.judge")?;
    let rubric = match table.get("rubric") {
        Some(rubric_node) => {
            let text = source.string(rubric_node, "agreement.rubric")?;
            if text.trim().is_empty() {
                return Err(source.error(rubric_node, "agreement.rubric", "is empty"));
            }
            Some(text)
        }
        None => None,
    };
    Ok(AgreementSpec { judge, rubric })
}

/// A judge (any column form) and its rubric: `rubric` text with `{{vars}}`
/// filled, or `file` read next to the suite, not both.
fn judge_and_rubric(
    source: &Source<'_>,
    node: &Node,
    field: &str,
    table: &BTreeMap<String, Node>,
    vars: &BTreeMap<String, String>,
) -> Result<(ColumnDef, String), SuiteError> {
    let judge_field = join(field, "judge");
    let judge_node = table.get("judge").ok_or_else(|| {
        source.error(
            node,
            &judge_field,
            "missing: the model that judges, e.g. judge = \"openai/gpt-4o\"",
        )
    })?;
    let judge = column_def(source, judge_node, &judge_field)?;
    let rubric = match (table.get("rubric"), table.get("file")) {
        (Some(rubric_node), None) => {
            let at = join(field, "rubric");
            let raw = source.string(rubric_node, &at)?;
            template::render(&raw, vars).map_err(|name| {
                source.error(
                    rubric_node,
                    &at,
                    format!("{{{{{name}}}}} has no value in the case's vars"),
                )
            })?
        }
        (None, Some(file_node)) => {
            let at = join(field, "file");
            let relative = source.string(file_node, &at)?;
            let path = source
                .file
                .parent()
                .unwrap_or_else(|| Path::new("."))
                .join(&relative);
            super::read_text(&path).map_err(|e| source.error(file_node, &at, e.to_string()))?
        }
        (Some(_), Some(file_node)) => {
            return Err(source.error(
                file_node,
                field,
                "give the rubric as `rubric` or as `file`, not both",
            ));
        }
        (None, None) => {
            return Err(source.error(
                node,
                &join(field, "rubric"),
                "missing: what the judge grades, as rubric = \"...\" or file = \"rubric.md\"",
            ));
        }
    };
    if rubric.trim().is_empty() {
        return Err(source.error(node, &join(field, "rubric"), "is empty"));
    }
    Ok((judge, rubric))
}

/// A json_schema check's schema: `value` as a table, or `file` next to the suite.
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "a node of any other kind is the error"
)]
fn schema(
    source: &Source<'_>,
    node: &Node,
    field: &str,
    table: &BTreeMap<String, Node>,
) -> Result<serde_json::Value, SuiteError> {
    match (table.get("value"), table.get("file")) {
        (Some(value), None) => match &value.value {
            Raw::Table(_) | Raw::Bool(_) => Ok(value.value.to_json()),
            other => Err(source.error(
                value,
                &join(field, "value"),
                format!(
                    "expected the schema as a table, found {}",
                    other.type_name()
                ),
            )),
        },
        (None, Some(file_node)) => {
            let relative = source.string(file_node, &join(field, "file"))?;
            let path = source
                .file
                .parent()
                .unwrap_or_else(|| Path::new("."))
                .join(&relative);
            let text = super::read_text(&path)
                .map_err(|e| source.error(file_node, &join(field, "file"), e.to_string()))?;
            serde_json::from_str(&text).map_err(|e| {
                source.error(
                    file_node,
                    &join(field, "file"),
                    format!("{}: not JSON: {e}", path.display()),
                )
            })
        }
        (Some(_), Some(file_node)) => Err(source.error(
            file_node,
            field,
            "give the schema as `value` or as `file`, not both",
        )),
        (None, None) => Err(source.error(
            node,
            &join(field, "value"),
            "missing: the schema as a table, or file = \"schema.json\"",
        )),
    }
}
