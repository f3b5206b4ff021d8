//! Output of the headless commands: aligned tables, the figures of a
//! comparison, and the Markdown report. Every table cell and JSON string is
//! sanitised here, whoever built it: a value from outside cannot start a
//! row, move the cursor or hide a character.

use crate::router::events::{CostSource, CostSum, RunResult};
use crate::router::policy::RouteDecision;
use crate::sanitize::{Outside, one_line, sanitize};
use crate::units;

pub use crate::router::finish::truncation;
pub use crate::table::table;

pub fn format_cost(result: &RunResult) -> String {
    result.cost_text().unwrap_or_else(|| "unknown".into())
}

/// The routing hop (ttft minus the upstream's latency): "140ms", "-20ms", "-".
pub fn format_overhead(overhead_ms: Option<i64>) -> String {
    units::signed_duration_ms(overhead_ms)
}

/// Whether any column has an overhead figure (only then is there a column for it).
fn has_overhead(results: &[RunResult]) -> bool {
    results.iter().any(|r| r.overhead_ms.is_some())
}

/// How a column is named in headers and tables; a router column also
/// says what its rules picked: "router:saver → mistralai/x (short)".
pub fn column_title(label: &str, route: Option<&RouteDecision>) -> String {
    match route {
        Some(route) => format!("{label} → {}", route.summary()),
        None => label.to_string(),
    }
}

fn result_title(result: &RunResult) -> String {
    column_title(&result.model, result.route.as_ref())
}

pub fn served_by(result: &RunResult) -> String {
    let provider = Outside(result.provider.as_deref().unwrap_or("-"));
    match result.served_instead_of(result.asked_model()) {
        Some(served) => format!("{provider} ({})", Outside(served)),
        None => provider.to_string(),
    }
}

/// Pretty JSON and a newline: every `--json` output, with the characters a
/// terminal would act on or hide escaped (see [`crate::sanitize::json`]).
pub fn write_json(
    out: &mut impl std::io::Write,
    value: &impl serde::Serialize,
) -> Result<(), super::CliError> {
    crate::sanitize::json::to_writer_pretty(&mut *out, value)
        .map_err(|e| super::CliError::Io(format!("cannot write the output: {e}")))?;
    writeln!(out)?;
    Ok(())
}

/// One figure column of a comparison: its header in text and Markdown,
/// whether it is numeric (right-aligned), and its cell.
struct FigureColumn {
    header: &'static str,
    markdown: &'static str,
    numeric: bool,
    cell: fn(&RunResult) -> String,
}

/// Whether a column waited before its answering attempt (pacing, earlier
/// attempts, backoff): then the figures from the start differ from its own.
fn waited(result: &RunResult) -> bool {
    let gap = result
        .start_total_ms
        .zip(result.total_ms)
        .map_or(0, |(start, own)| start.saturating_sub(own));
    result.attempts.len() > 1 || gap >= 100
}

/// A reasoning model whose answer started after its first token.
fn answered_later(result: &RunResult) -> bool {
    result
        .first_answer_ms
        .zip(result.ttft_ms)
        .is_some_and(|(answer, first)| answer > first)
}

/// The figure columns of these results: the optional ones only when some
/// column has the figure.
fn figure_columns(results: &[RunResult], status: bool) -> Vec<FigureColumn> {
    let column = |header, markdown, numeric, cell| FigureColumn {
        header,
        markdown,
        numeric,
        cell,
    };
    let mut columns = vec![
        column(
            "model",
            "Model",
            false,
            result_title as fn(&RunResult) -> String,
        ),
        column("served by", "Served by", false, served_by),
        column("ttft", "TTFT", true, |r| units::duration(r.ttft_ms)),
    ];
    if results.iter().any(answered_later) {
        columns.push(column("answer", "Answer", true, |r| {
            units::duration(r.first_answer_ms)
        }));
    }
    if has_overhead(results) {
        // After ttft, the figure it is read against.
        columns.push(column("overhead", "Overhead", true, |r| {
            format_overhead(r.overhead_ms)
        }));
    }
    columns.push(column("total", "Total", true, |r| {
        units::duration(r.total_ms)
    }));
    if results.iter().any(waited) {
        columns.push(column("start→ttft", "Start→TTFT", true, |r| {
            units::duration(r.start_ttft_ms)
        }));
        columns.push(column("start→end", "Start→end", true, |r| {
            units::duration(r.start_total_ms)
        }));
    }
    columns.push(column("tok/s", "Tokens/s", true, RunResult::rate_text));
    columns.push(column(
        "tokens",
        "Tokens in→out",
        true,
        RunResult::tokens_text,
    ));
    columns.push(column("cost", "Cost", true, format_cost));
    if status {
        columns.push(column("status", "Status", false, self::status));
    }
    columns
}

/// What the figures' marks mean, one line each, for the marks in use.
fn legend(results: &[RunResult]) -> Vec<&'static str> {
    let mut lines = Vec::new();
    if results.iter().any(answered_later) {
        lines.push("answer: time to the first answer token, after the reasoning (ttft counts the first token of either).");
    }
    if results.iter().any(waited) {
        lines.push("start→ttft, start→end: from the start, with pacing, retries and backoff; ttft and total: the answering attempt's own.");
    }
    if results
        .iter()
        .any(|r| r.cost_source == Some(CostSource::Computed))
    {
        lines.push("~ cost computed from catalog prices; the others are what the server reported.");
    }
    if results
        .iter()
        .any(|r| r.completion_count().is_some_and(|c| !c.exact))
    {
        lines.push("~ tokens estimated from the text (about 4 characters a token): the server sent no count.");
    }
    if results.iter().any(|r| CostSum::of([r]).unpriced > 0) && results.len() > 1 {
        lines.push("+ a floor: the total leaves out the answers whose cost is unknown.");
    }
    lines
}

/// The figures table printed after a text comparison, and what its marks mean.
pub fn figures_table(results: &[RunResult]) -> String {
    let columns = figure_columns(results, true);
    let mut rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| columns.iter().map(|c| (c.cell)(r)).collect())
        .collect();
    if results.len() > 1 {
        let mut total = vec![String::new(); columns.len()];
        total[0] = "total".into();
        if let Some(cost) = columns.iter().position(|c| c.header == "cost") {
            total[cost] = CostSum::of(results).label();
        }
        rows.push(total);
    }
    let header: Vec<&str> = columns.iter().map(|c| c.header).collect();
    let right: Vec<bool> = columns.iter().map(|c| c.numeric).collect();
    let mut out = table(&header, &rows, &right);
    for line in legend(results) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// How a column ended: "stop", "failed: rate_limited", and an answer cut
/// short says so ("cut: max tokens (length)").
pub fn status(result: &RunResult) -> String {
    match &result.error {
        Some(error) => format!("failed: {}", error.kind.as_str()),
        None => match result.finish_reason.as_deref() {
            Some(reason) => match truncation(reason) {
                Some(why) => format!("cut: {why} ({})", Outside(reason)),
                None => one_line(reason).into_owned(),
            },
            None => "done".into(),
        },
    }
}

/// A report a person would paste into a document; with `reasoning`, each
/// answer's reasoning too, quoted above it.
pub fn markdown(prompt: &str, results: &[RunResult], reasoning: bool) -> String {
    let mut out = String::from("# prism comparison\n\n## Prompt\n\n");
    for line in sanitize(prompt).lines() {
        out.push_str("> ");
        out.push_str(line);
        out.push('\n');
    }
    for (i, result) in results.iter().enumerate() {
        out.push_str(&format!(
            "\n## {}. {}\n\n",
            i + 1,
            escape_inline(&result_title(result))
        ));
        if let Some(route) = &result.route {
            out.push_str(&format!(
                "*Routed by {}, rule “{}”: {}*\n\n",
                escape_inline(&route.router),
                escape_inline(&route.rule),
                escape_inline(&route.reason)
            ));
        }
        if result.provider.is_some() {
            out.push_str(&format!(
                "*Served by {}*\n\n",
                escape_inline(&served_by(result))
            ));
        }
        let thought = sanitize(&result.reasoning);
        if reasoning && !thought.trim().is_empty() {
            out.push_str("**Reasoning**\n\n");
            for line in thought.trim_end().lines() {
                out.push_str("> ");
                out.push_str(line);
                out.push('\n');
            }
            out.push_str("\n**Answer**\n\n");
        }
        let text = sanitize(&result.text);
        if !text.trim().is_empty() {
            out.push_str(text.trim_end());
            out.push_str("\n\n");
        }
        if result.error.is_none()
            && let Some(reason) = result.finish_reason.as_deref()
            && let Some(why) = truncation(reason)
        {
            out.push_str(&format!(
                "> **Cut short** ({why}, finish reason {}): the answer may be incomplete.\n\n",
                escape_inline(reason)
            ));
        }
        if let Some(error) = &result.error {
            out.push_str(&format!(
                "> **Failed** ({}): {}\n\n",
                error.kind.as_str(),
                escape_inline(&error.message)
            ));
        }
        for note in &result.notes {
            out.push_str(&format!("> *Note:* {}\n\n", escape_inline(note)));
        }
    }
    out.push_str("## Figures\n\n");
    let columns = figure_columns(results, false);
    let cells = |row: Vec<String>| format!("| {} |\n", row.join(" | "));
    out.push_str(&cells(
        columns.iter().map(|c| c.markdown.to_string()).collect(),
    ));
    let rule: Vec<&str> = columns
        .iter()
        .map(|c| if c.numeric { "---:" } else { "---" })
        .collect();
    out.push_str(&format!("|{}|\n", rule.join("|")));
    for result in results {
        out.push_str(&cells(
            columns
                .iter()
                .map(|c| escape_cell(&(c.cell)(result)))
                .collect(),
        ));
    }
    if results.len() > 1 {
        let row = columns
            .iter()
            .enumerate()
            .map(|(i, c)| match (i, c.header) {
                (0, _) => "**Total**".to_string(),
                (_, "cost") => CostSum::of(results).label(),
                _ => String::new(),
            })
            .collect();
        out.push_str(&cells(row));
    }
    let legend = legend(results);
    if !legend.is_empty() {
        out.push('\n');
        for line in legend {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A table cell: on one line, its pipes escaped.
pub(crate) fn escape_cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

/// On one line, with what Markdown would read as emphasis, code or links
/// backslash-escaped (a rule's regex often has `*` or `_`).
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overhead_column_only_when_known() {
        let mut known = RunResult::new("a/one");
        known.ttft_ms = Some(640);
        known.overhead_ms = Some(140);
        let unknown = RunResult::new("b/two");
        let text = figures_table(&[known.clone(), unknown.clone()]);
        let header = text.lines().next().unwrap_or_default();
        assert!(header.contains("ttft  overhead"), "{text}");
        assert!(
            text.lines().nth(1).unwrap_or_default().contains("140ms"),
            "{text}"
        );
        assert!(!figures_table(std::slice::from_ref(&unknown)).contains("overhead"));
        let markdown = markdown("q", &[known, unknown], false);
        assert!(markdown.contains("| TTFT | Overhead |"), "{markdown}");
        assert!(markdown.contains("| 640ms | 140ms |"), "{markdown}");
        assert_eq!(format_overhead(Some(-20)), "-20ms");
        assert_eq!(format_overhead(None), "-");
    }
}
