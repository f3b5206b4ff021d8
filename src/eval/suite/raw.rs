//! One shape for what a suite is read from: TOML (with the line of every
//! value) and JSON lines (every value on its line), so cases and checks are
//! validated by the same code and every error names a line.

use std::collections::BTreeMap;

use toml::de::{DeTable, DeValue};

/// A value and the line (1-based) it is written on.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Raw,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Node>),
    /// Keys in file order is not kept by TOML's parser; sorted is fine for
    /// validation, and arrays (where order matters) keep theirs.
    Table(BTreeMap<String, Node>),
    /// A TOML date or time, or a JSON null: never a valid suite value.
    Other(&'static str),
}

impl Raw {
    /// How the value's type is named in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Raw::Str(_) => "a string",
            Raw::Int(_) => "an integer",
            Raw::Float(_) => "a number",
            Raw::Bool(_) => "a boolean",
            Raw::Array(_) => "an array",
            Raw::Table(_) => "a table",
            Raw::Other(name) => name,
        }
    }

    /// The value as plain JSON (for inline JSON Schemas).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Raw::Str(text) => Value::String(text.clone()),
            Raw::Int(n) => Value::from(*n),
            Raw::Float(x) => serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number),
            Raw::Bool(b) => Value::Bool(*b),
            Raw::Array(items) => Value::Array(items.iter().map(|n| n.value.to_json()).collect()),
            Raw::Table(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, n)| (k.clone(), n.value.to_json()))
                    .collect(),
            ),
            Raw::Other(_) => Value::Null,
        }
    }
}

/// Line numbers from byte offsets.
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }
}

/// Parses TOML into nodes; a syntax error comes back as (line, message).
pub fn parse_toml(text: &str) -> Result<Node, (usize, String)> {
    let lines = Lines::new(text);
    let table = DeTable::parse(text).map_err(|err| {
        let line = err.span().map_or(1, |span| lines.line_of(span.start));
        (line, err.message().trim().replace('\n', " "))
    })?;
    let line = lines.line_of(table.span().start);
    Ok(Node {
        value: table_node(table.get_ref(), &lines),
        line,
    })
}

fn table_node(table: &DeTable<'_>, lines: &Lines) -> Raw {
    Raw::Table(
        table
            .iter()
            .map(|(key, value)| {
                (
                    key.get_ref().to_string(),
                    Node {
                        value: value_node(value.get_ref(), lines),
                        line: lines.line_of(value.span().start.min(key.span().start)),
                    },
                )
            })
            .collect(),
    )
}

fn value_node(value: &DeValue<'_>, lines: &Lines) -> Raw {
    match value {
        DeValue::String(text) => Raw::Str(text.to_string()),
        DeValue::Integer(n) => i64::from_str_radix(&n.as_str().replace('_', ""), n.radix())
            .map_or(Raw::Other("an integer out of range"), Raw::Int),
        DeValue::Float(x) => x
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .map_or(Raw::Other("a malformed number"), Raw::Float),
        DeValue::Boolean(b) => Raw::Bool(*b),
        DeValue::Datetime(_) => Raw::Other("a date"),
        DeValue::Array(items) => Raw::Array(
            items
                .iter()
                .map(|item| Node {
                    value: value_node(item.get_ref(), lines),
                    line: lines.line_of(item.span().start),
                })
                .collect(),
        ),
        DeValue::Table(table) => table_node(table, lines),
    }
}

/// A JSON value as nodes, all on `line` (one JSON object per line).
pub fn from_json(value: &serde_json::Value, line: usize) -> Node {
    use serde_json::Value;
    let raw = match value {
        Value::Null => Raw::Other("null"),
        Value::Bool(b) => Raw::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Raw::Int(i),
            None => n
                .as_f64()
                .map_or(Raw::Other("a number out of range"), Raw::Float),
        },
        Value::String(s) => Raw::Str(s.clone()),
        Value::Array(items) => Raw::Array(items.iter().map(|v| from_json(v, line)).collect()),
        Value::Object(map) => Raw::Table(
            map.iter()
                .map(|(k, v)| (k.clone(), from_json(v, line)))
                .collect(),
        ),
    };
    Node { value: raw, line }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets() {
        let lines = Lines::new("a\nbc\n\nd");
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(2), 2);
        assert_eq!(lines.line_of(5), 3);
        assert_eq!(lines.line_of(6), 4);
    }

    #[test]
    fn toml_values_keep_their_lines() {
        let node = parse_toml("a = 1\n\n[t]\nb = [\n  \"x\",\n  2.5,\n]\n").expect("parses");
        let Raw::Table(top) = node.value else {
            panic!("a table")
        };
        assert_eq!(top["a"].line, 1);
        assert_eq!(top["a"].value, Raw::Int(1));
        let Raw::Table(t) = &top["t"].value else {
            panic!("a table")
        };
        let Raw::Array(items) = &t["b"].value else {
            panic!("an array")
        };
        assert_eq!(items[0].line, 5);
        assert_eq!(items[1].value, Raw::Float(2.5));
        assert_eq!(items[1].line, 6);
    }

    #[test]
    fn toml_syntax_errors_have_a_line() {
        let (line, message) = parse_toml("a = 1\nb = \n").expect_err("invalid");
        assert_eq!(line, 2, "{message}");
    }
}
