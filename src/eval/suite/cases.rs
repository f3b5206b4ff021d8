//! Cases as the suite and its cases file write them, checked and numbered:
//! unique ids, `{{vars}}` filled, the shared checks and each case's own
//! compiled once for validation.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use super::super::checks::{Check, CheckSpec};
use super::check_table::check_spec;
use super::raw::{Node, Raw};
use super::source::{Source, array, join};
use super::{Case, SuiteError, template};

pub(super) const CASE_KEYS: [&str; 5] = ["id", "prompt", "system", "vars", "checks"];

/// The suite's own checks, applied to every case.
pub(super) struct SharedChecks {
    pub file: PathBuf,
    pub nodes: Vec<Node>,
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

impl<'a> CaseBuilder<'a> {
    pub fn new(shared: &'a SharedChecks) -> CaseBuilder<'a> {
        CaseBuilder {
            shared,
            ids: HashSet::new(),
            cases: Vec::new(),
            validated: HashSet::new(),
        }
    }

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
        // A check written as a table is pointed at by its value or file.
        let at = if let Raw::Table(table) = &node.value {
            table
                .get("value")
                .or_else(|| table.get("file"))
                .unwrap_or(node)
        } else {
            node
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
