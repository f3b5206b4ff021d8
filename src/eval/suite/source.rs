//! Where suite nodes come from, for messages that name the file, the line
//! and the field; typed reads of a node (table, string, number, array) that
//! fail with such a message.

use std::collections::BTreeMap;
use std::path::Path;

use super::raw::{Node, Raw};
use super::{ColumnDef, SuiteError};

/// Where nodes come from: a file, for messages and relative paths.
pub(super) struct Source<'a> {
    pub file: &'a Path,
}

#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "a node of any other kind is the error"
)]
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

#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "a node of any other kind is the error"
)]
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

/// The known word closest to a typo (at most 2 edits away), for hints.
pub(super) fn closest<'a>(word: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (strsim::levenshtein(word, k), k))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}

/// A column as written: a model (or `router:NAME`), or a fallback chain as a list.
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "a node of any other kind is the error"
)]
pub(super) fn column_def(
    source: &Source<'_>,
    item: &Node,
    field: &str,
) -> Result<ColumnDef, SuiteError> {
    Ok(match &item.value {
        Raw::Str(model) if !model.trim().is_empty() => ColumnDef::One(model.trim().into()),
        Raw::Str(_) => return Err(source.error(item, field, "is empty")),
        Raw::Array(chain) => {
            let mut models = Vec::with_capacity(chain.len());
            for (i, model) in chain.iter().enumerate() {
                let model = source.string(model, &format!("{field}[{}]", i + 1))?;
                if model.contains(',') || model.trim().is_empty() {
                    return Err(source.error(item, field, format!("'{model}' is not a model id")));
                }
                models.push(model.trim().to_string());
            }
            if models.is_empty() {
                return Err(source.error(item, field, "a fallback chain names no model"));
            }
            ColumnDef::Chain(models)
        }
        other => {
            return Err(source.error(
                item,
                field,
                format!(
                    "expected a model (a string) or a fallback chain (a list), found {}",
                    other.type_name()
                ),
            ));
        }
    })
}
