//! Suite nodes to suite data, checking every field: unknown keys, wrong
//! types, out-of-range numbers, unknown check types, bad regexes and
//! schemas, duplicate case ids and `{{vars}}` without a value.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::config::extras::PREFERENCE_KEYS;
use crate::router::preferences::ProviderPrefs;

use super::super::checks::{Check, CheckSpec};
use super::check_table::check_spec;
use super::raw::{Node, Raw, parse_toml};
use super::{Case, ColumnDef, Defaults, MAX_REPEAT, Suite, SuiteError, cases_file, template};

const SUITE_KEYS: [&str; 7] = [
    "name",
    "description",
    "columns",
    "defaults",
    "checks",
    "cases",
    "cases_file",
];
const DEFAULT_KEYS: [&str; 4] = ["system", "temperature", "max_tokens", "repeat"];
pub(super) const CASE_KEYS: [&str; 5] = ["id", "prompt", "system", "vars", "checks"];

/// Where nodes come from: a file, for messages and relative paths.
pub(super) struct Source<'a> {
    pub file: &'a Path,
}

impl Source<'_> {
    pub fn error(&self, node: &Node, field: &str, message: impl Into<String>) -> SuiteError {
        SuiteError::new(self.file, Some(node.line), field, message)
    }

    pub fn table<'n>(
        &self,
        node: &'n Node,
        field: &str,
        allowed: &[&str],
    ) -> Result<&'n BTreeMap<String, Node>, SuiteError> {
        let Raw::Table(table) = &node.value else {
            return Err(self.error(
                node,
                field,
                format!("expected a table, found {}", node.value.type_name()),
            ));
        };
        for (key, value) in table {
            if !allowed.contains(&key.as_str()) {
                let hint = closest(key, allowed.iter().copied())
                    .map_or(String::new(), |k| format!("; did you mean '{k}'?"));
                return Err(self.error(
                    value,
                    &join(field, key),
                    format!("unknown field (known: {}){hint}", allowed.join(", ")),
                ));
            }
        }
        Ok(table)
    }

    pub fn string(&self, node: &Node, field: &str) -> Result<String, SuiteError> {
        match &node.value {
            Raw::Str(text) => Ok(text.clone()),
            other => Err(self.error(
                node,
                field,
                format!("expected a string, found {}", other.type_name()),
            )),
        }
    }

    /// A string, or a number or boolean written as one (ids and vars).
    pub fn scalar_text(&self, node: &Node, field: &str) -> Result<String, SuiteError> {
        match &node.value {
            Raw::Str(text) => Ok(text.clone()),
            Raw::Int(n) => Ok(n.to_string()),
            Raw::Float(x) => Ok(x.to_string()),
            Raw::Bool(b) => Ok(b.to_string()),
            other => Err(self.error(
                node,
                field,
                format!("expected a string, found {}", other.type_name()),
            )),
        }
    }

    pub(super) fn integer(
        &self,
        node: &Node,
        field: &str,
        min: i64,
        max: i64,
    ) -> Result<i64, SuiteError> {
        match node.value {
            Raw::Int(n) if (min..=max).contains(&n) => Ok(n),
            Raw::Int(n) => {
                Err(self.error(node, field, format!("{n} is out of range ({min} to {max})")))
            }
            ref other => Err(self.error(
                node,
                field,
                format!("expected an integer, found {}", other.type_name()),
            )),
        }
    }

    pub(super) fn number(&self, node: &Node, field: &str) -> Result<f64, SuiteError> {
        match node.value {
            Raw::Int(n) => Ok(n as f64),
            Raw::Float(x) if x.is_finite() => Ok(x),
            Raw::Float(x) => Err(self.error(node, field, format!("{x} is not a finite number"))),
            ref other => Err(self.error(
                node,
                field,
                format!("expected a number, found {}", other.type_name()),
            )),
        }
    }
}

pub(super) fn join(field: &str, key: &str) -> String {
    if field.is_empty() {
        key.to_string()
    } else {
        format!("{field}.{key}")
    }
}

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

    let mut builder = CaseBuilder {
        shared: &shared,
        ids: HashSet::new(),
        cases: Vec::new(),
        validated: HashSet::new(),
    };
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
        column_lines,
    })
}

pub(super) fn array<'n>(
    source: &Source<'_>,
    node: &'n Node,
    field: &str,
) -> Result<&'n [Node], SuiteError> {
    match &node.value {
        Raw::Array(items) => Ok(items),
        other => Err(source.error(
            node,
            field,
            format!("expected an array, found {}", other.type_name()),
        )),
    }
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
        let column = match &item.value {
            Raw::Str(model) if !model.trim().is_empty() => ColumnDef::One(model.trim().into()),
            Raw::Str(_) => return Err(source.error(item, &field, "is empty")),
            Raw::Array(chain) => {
                let mut models = Vec::with_capacity(chain.len());
                for (i, model) in chain.iter().enumerate() {
                    let model = source.string(model, &format!("{field}[{}]", i + 1))?;
                    if model.contains(',') || model.trim().is_empty() {
                        return Err(source.error(
                            item,
                            &field,
                            format!("'{model}' is not a model id"),
                        ));
                    }
                    models.push(model.trim().to_string());
                }
                if models.is_empty() {
                    return Err(source.error(item, &field, "a fallback chain names no model"));
                }
                ColumnDef::Chain(models)
            }
            other => {
                return Err(source.error(
                    item,
                    &field,
                    format!(
                        "expected a model (a string) or a fallback chain (a list), found {}",
                        other.type_name()
                    ),
                ));
            }
        };
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
            let bad = [max_price.prompt, max_price.completion]
                .into_iter()
                .flatten()
                .any(|v| !(v.is_finite() && v >= 0.0));
            if bad {
                return Err(SuiteError::new(
                    source.file,
                    line,
                    "defaults.max_price",
                    "prices must be numbers >= 0 (USD per 1M tokens)",
                ));
            }
        }
    }
    Ok(defaults)
}

/// The suite's own checks, applied to every case.
pub(super) struct SharedChecks {
    file: PathBuf,
    nodes: Vec<Node>,
}

/// Collects cases from every source, numbering them and checking ids.
pub(super) struct CaseBuilder<'a> {
    shared: &'a SharedChecks,
    ids: HashSet<String>,
    pub cases: Vec<Case>,
    /// Specs already compiled once (a regex or schema shared by many cases
    /// is compiled for validation only the first time).
    validated: HashSet<String>,
}

impl CaseBuilder<'_> {
    /// Adds one case from a table node (`[[cases]]` or a JSONL line).
    pub fn add(&mut self, source: &Source<'_>, node: &Node, field: &str) -> Result<(), SuiteError> {
        let table = source.table(node, field, &CASE_KEYS)?;
        let mut vars = BTreeMap::new();
        if let Some(vars_node) = table.get("vars") {
            let Raw::Table(vars_table) = &vars_node.value else {
                return Err(source.error(
                    vars_node,
                    &join(field, "vars"),
                    format!("expected a table, found {}", vars_node.value.type_name()),
                ));
            };
            for (key, value) in vars_table {
                let text = source.scalar_text(value, &join(&join(field, "vars"), key))?;
                vars.insert(key.clone(), text);
            }
        }
        let id = table
            .get("id")
            .map(|n| source.scalar_text(n, &join(field, "id")))
            .transpose()?;
        let prompt_node = table.get("prompt").ok_or_else(|| {
            source.error(
                node,
                &join(field, "prompt"),
                "missing: every case needs a prompt",
            )
        })?;
        let system = table
            .get("system")
            .map(|n| source.string(n, &join(field, "system")))
            .transpose()?;
        let own_checks: &[Node] = match table.get("checks") {
            Some(n) => array(source, n, &join(field, "checks"))?,
            None => &[],
        };
        let prompt_text = source.string(prompt_node, &join(field, "prompt"))?;
        self.push(
            source,
            node,
            field,
            id,
            prompt_node,
            &prompt_text,
            system,
            vars,
            own_checks,
        )
    }

    /// Adds one case from its parts (also used for CSV rows).
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        source: &Source<'_>,
        node: &Node,
        field: &str,
        id: Option<String>,
        prompt_node: &Node,
        prompt: &str,
        system: Option<String>,
        vars: BTreeMap<String, String>,
        own_checks: &[Node],
    ) -> Result<(), SuiteError> {
        let number = self.cases.len() + 1;
        let id = id
            .map(|i| i.trim().to_string())
            .unwrap_or_else(|| format!("case-{number}"));
        if id.is_empty() || id.chars().any(char::is_control) {
            return Err(source.error(node, &join(field, "id"), "must be a non-empty line of text"));
        }
        if !self.ids.insert(id.clone()) {
            return Err(source.error(
                node,
                &join(field, "id"),
                format!("'{id}' is used by another case"),
            ));
        }
        let render = |text: &str, at: &Node, what: &str| {
            template::render(text, &vars).map_err(|name| {
                source.error(
                    at,
                    &join(field, what),
                    format!("{{{{{name}}}}} has no value in this case's vars"),
                )
            })
        };
        let prompt = render(prompt, prompt_node, "prompt")?;
        if prompt.trim().is_empty() {
            return Err(source.error(prompt_node, &join(field, "prompt"), "is empty"));
        }
        let system = match system {
            Some(text) => Some(render(&text, node, "system")?),
            None => None,
        };
        let mut checks = Vec::with_capacity(self.shared.nodes.len() + own_checks.len());
        let shared_source = Source {
            file: &self.shared.file,
        };
        for (index, check) in self.shared.nodes.iter().enumerate() {
            let check_field = format!("checks[{}]", index + 1);
            let spec =
                check_spec(&shared_source, check, &check_field, &vars).map_err(|mut e| {
                    if self.shared.file != source.file {
                        e.message = format!(
                            "{} (for the case at {}:{})",
                            e.message,
                            source.file.display(),
                            node.line
                        );
                    } else if !field.is_empty() {
                        e.message = format!("{} (for {field})", e.message);
                    }
                    e
                })?;
            self.validate(&shared_source, check, &check_field, &spec)?;
            checks.push(spec);
        }
        for (index, check) in own_checks.iter().enumerate() {
            let check_field = join(field, &format!("checks[{}]", index + 1));
            let spec = check_spec(source, check, &check_field, &vars)?;
            self.validate(source, check, &check_field, &spec)?;
            checks.push(spec);
        }
        self.cases.push(Case {
            id,
            prompt,
            system,
            vars,
            checks,
        });
        Ok(())
    }

    fn validate(
        &mut self,
        source: &Source<'_>,
        node: &Node,
        field: &str,
        spec: &CheckSpec,
    ) -> Result<(), SuiteError> {
        if !matches!(
            spec,
            CheckSpec::Regex(_) | CheckSpec::JsonSchema(_) | CheckSpec::MaxCostUsd(_)
        ) {
            return Ok(());
        }
        let key = serde_json::to_string(spec).unwrap_or_default();
        if self.validated.contains(&key) {
            return Ok(());
        }
        let at = match &node.value {
            Raw::Table(table) => table
                .get("value")
                .or_else(|| table.get("file"))
                .unwrap_or(node),
            _ => node,
        };
        let key_name = if at.line != node.line
            && matches!(&node.value, Raw::Table(t) if t.contains_key("file"))
        {
            "file"
        } else {
            "value"
        };
        Check::compile(spec.clone())
            .map_err(|message| source.error(at, &join(field, key_name), message))?;
        self.validated.insert(key);
        Ok(())
    }
}

/// The known word closest to a typo (at most 2 edits away), for hints.
pub(super) fn closest<'a>(word: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (strsim::levenshtein(word, k), k))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}
