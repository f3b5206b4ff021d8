//! Cases from a file beside the suite: JSON lines (one object per line with
//! the fields of a `[[cases]]` table) or CSV (a `prompt` column, an
//! optional `id` column, every other column a variable).

use std::collections::BTreeMap;
use std::path::Path;

use super::cases::CaseBuilder;
use super::raw::{Node, Raw, from_json};
use super::source::Source;
use super::{SuiteError, read_text};

/// Reads `file` into `builder`. `suite` and `at` locate the `cases_file`
/// key, blamed when the file cannot be read at all.
pub(super) fn read(
    suite: &Source<'_>,
    at: &Node,
    file: &Path,
    builder: &mut CaseBuilder<'_>,
) -> Result<(), SuiteError> {
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let format = match extension.as_str() {
        "jsonl" | "ndjson" => Format::JsonLines,
        "csv" => Format::Csv,
        _ => {
            return Err(suite.error(
                at,
                "cases_file",
                format!(
                    "'{}': cases come from a .jsonl or a .csv file",
                    file.display()
                ),
            ));
        }
    };
    let text = read_text(file).map_err(|e| suite.error(at, "cases_file", e.to_string()))?;
    let source = Source { file };
    match format {
        Format::JsonLines => json_lines(&source, &text, builder),
        Format::Csv => csv(&source, &text, builder),
    }
}

enum Format {
    JsonLines,
    Csv,
}

fn json_lines(
    source: &Source<'_>,
    text: &str,
    builder: &mut CaseBuilder<'_>,
) -> Result<(), SuiteError> {
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            SuiteError::new(
                source.file,
                Some(number),
                "",
                format!("not a JSON object: {e}"),
            )
        })?;
        if !value.is_object() {
            return Err(SuiteError::new(
                source.file,
                Some(number),
                "",
                "expected a JSON object with a \"prompt\"",
            ));
        }
        builder.add(source, &from_json(&value, number), "")?;
    }
    Ok(())
}

fn csv(source: &Source<'_>, text: &str, builder: &mut CaseBuilder<'_>) -> Result<(), SuiteError> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let csv_error = |e: ::csv::Error| {
        let line = e.position().map(|p| p.line() as usize);
        SuiteError::new(source.file, line, "", format!("not valid CSV: {e}"))
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let Some(prompt_column) = headers.iter().position(|h| h == "prompt") else {
        return Err(SuiteError::new(
            source.file,
            Some(1),
            "prompt",
            "the header has no 'prompt' column",
        ));
    };
    let id_column = headers.iter().position(|h| h == "id");
    for (index, header) in headers.iter().enumerate() {
        if header.is_empty() {
            return Err(SuiteError::new(
                source.file,
                Some(1),
                &format!("column {}", index + 1),
                "has no name in the header",
            ));
        }
        if headers[..index].contains(header) {
            return Err(SuiteError::new(
                source.file,
                Some(1),
                header,
                "is named twice in the header",
            ));
        }
    }
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let node = Node {
            value: Raw::Other("a CSV row"),
            line,
        };
        let mut vars = BTreeMap::new();
        for (index, value) in record.iter().enumerate() {
            if index != prompt_column && Some(index) != id_column {
                vars.insert(headers[index].clone(), value.to_string());
            }
        }
        let prompt = record.get(prompt_column).unwrap_or_default();
        let id = id_column
            .and_then(|i| record.get(i))
            .filter(|id| !id.trim().is_empty())
            .map(str::to_string);
        builder.push(source, &node, "", id, &node, prompt, None, vars, &[])?;
    }
    Ok(())
}
