//! Suite nodes to suite data, checking every field: unknown keys, wrong
//! types, out-of-range numbers, unknown check types, bad regexes and
//! schemas, duplicate case ids and `{{vars}}` without a value.

use std::collections::HashSet;
use std::path::Path;

use crate::config::extras::PREFERENCE_KEYS;
use crate::router::figures;
use crate::router::preferences::ProviderPrefs;

use super::cases::{CaseBuilder, SharedChecks};
use super::raw::{Node, parse_toml};
use super::source::{Source, array, column_def};
use super::{ColumnDef, Defaults, MAX_REPEAT, Suite, SuiteError, cases_file};

const SUITE_KEYS: [&str; 9] = [
    "name",
    "pairwise",
    "agreement",
    "description",
    "columns",
    "defaults",
    "checks",
    "cases",
    "cases_file",
];
const DEFAULT_KEYS: [&str; 4] = ["system", "temperature", "max_tokens", "repeat"];

/// Parses a whole suite file.
pub(super) fn suite(path: &Path, text: &str) -> Result<Suite, SuiteError> {
    let root = parse_toml(text).map_err(|(line, message)| {
        SuiteError::new(path, Some(line), "", format!("not valid TOML: {message}"))
    })?;
    let source = Source { file: path };
    let top = source.table(&root, "", &SUITE_KEYS)?;
    let name = top
        .get("name")
        .map(|n| source.string(n, "name"))
        .transpose()?;
    if let Some(node) = top.get("description") {
        source.string(node, "description")?;
    }

    let Some(columns_node) = top.get("columns") else {
        return Err(SuiteError::new(
            path,
            None,
            "columns",
            "missing: name the models to compare, e.g. columns = [\"openai/gpt-4o-mini\", \"anthropic/claude-haiku-4.5\"]",
        ));
    };
    let (columns, column_lines) = columns(&source, columns_node)?;

    let pairwise = top
        .get("pairwise")
        .map(|node| super::check_table::pairwise(&source, node))
        .transpose()?;
    let agreement = top
        .get("agreement")
        .map(|node| super::check_table::agreement(&source, node))
        .transpose()?;

    let defaults = match top.get("defaults") {
        Some(node) => defaults(&source, node)?,
        None => Defaults {
            repeat: 1,
            ..Defaults::default()
        },
    };

    let shared_checks: Vec<(Node, usize)> = match top.get("checks") {
        None => Vec::new(),
        Some(node) => array(&source, node, "checks")?
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect(),
    };
    // The shared checks as written, validated once without vars (a value
    // with a {{var}} is checked again per case).
    let shared = SharedChecks {
        file: path.to_path_buf(),
        nodes: shared_checks.into_iter().map(|(n, _)| n).collect(),
    };

    let mut builder = CaseBuilder::new(&shared);
    if let Some(node) = top.get("cases") {
        for (index, case_node) in array(&source, node, "cases")?.iter().enumerate() {
            let field = format!("cases[{}]", index + 1);
            builder.add(&source, case_node, &field)?;
        }
    }
    if let Some(node) = top.get("cases_file") {
        let relative = source.string(node, "cases_file")?;
        let file = path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(&relative);
        cases_file::read(&source, node, &file, &mut builder)?;
    }
    if builder.cases.is_empty() {
        return Err(SuiteError::new(
            path,
            None,
            "cases",
            "the suite has no cases: add [[cases]] tables or a cases_file",
        ));
    }
    Ok(Suite {
        path: path.display().to_string(),
        name,
        columns,
        defaults,
        cases: builder.cases,
        pairwise,
        agreement,
        column_lines,
    })
}

fn columns(source: &Source<'_>, node: &Node) -> Result<(Vec<ColumnDef>, Vec<usize>), SuiteError> {
    let items = array(source, node, "columns")?;
    if items.is_empty() {
        return Err(source.error(node, "columns", "names no model"));
    }
    let mut columns = Vec::with_capacity(items.len());
    let mut lines = Vec::with_capacity(items.len());
    let mut seen = HashSet::new();
    for (index, item) in items.iter().enumerate() {
        let field = format!("columns[{}]", index + 1);
        let column = column_def(source, item, &field)?;
        if !seen.insert(column.clone()) {
            return Err(source.error(item, &field, "this column is listed twice"));
        }
        columns.push(column);
        lines.push(item.line);
    }
    Ok((columns, lines))
}

fn defaults(source: &Source<'_>, node: &Node) -> Result<Defaults, SuiteError> {
    let allowed: Vec<&str> = DEFAULT_KEYS
        .iter()
        .chain(PREFERENCE_KEYS.iter())
        .copied()
        .collect();
    let table = source.table(node, "defaults", &allowed)?;
    let mut defaults = Defaults {
        repeat: 1,
        ..Defaults::default()
    };
    if let Some(n) = table.get("system") {
        defaults.system = Some(source.string(n, "defaults.system")?);
    }
    if let Some(n) = table.get("temperature") {
        let t = source.number(n, "defaults.temperature")?;
        if !(0.0..=2.0).contains(&t) {
            return Err(source.error(n, "defaults.temperature", format!("{t} is not from 0 to 2")));
        }
        defaults.temperature = Some(t);
    }
    if let Some(n) = table.get("max_tokens") {
        defaults.max_tokens =
            Some(source.integer(n, "defaults.max_tokens", 1, u32::MAX as i64)? as u32);
    }
    if let Some(n) = table.get("repeat") {
        defaults.repeat = source.integer(n, "defaults.repeat", 1, MAX_REPEAT as i64)? as u32;
    }
    let prefs: serde_json::Map<String, serde_json::Value> = table
        .iter()
        .filter(|(k, _)| PREFERENCE_KEYS.contains(&k.as_str()))
        .map(|(k, n)| (k.clone(), n.value.to_json()))
        .collect();
    if !prefs.is_empty() {
        let line = table
            .iter()
            .filter(|(k, _)| PREFERENCE_KEYS.contains(&k.as_str()))
            .map(|(_, n)| n.line)
            .min();
        defaults.preferences = serde_json::from_value::<ProviderPrefs>(serde_json::Value::Object(
            prefs,
        ))
        .map_err(|e| {
            SuiteError::new(
                source.file,
                line,
                "defaults",
                format!("provider preferences: {e}"),
            )
        })?;
        if let Some(max_price) = defaults.preferences.max_price {
            for (part, value) in [
                ("prompt", max_price.prompt),
                ("completion", max_price.completion),
            ] {
                if let Some(value) = value
                    && let Err(why) = figures::setting_usd(value)
                {
                    return Err(SuiteError::new(
                        source.file,
                        line,
                        &format!("defaults.max_price.{part}"),
                        format!("{value}: {why}"),
                    ));
                }
            }
        }
    }
    Ok(defaults)
}
