//! Output of the headless commands: aligned tables, the figures of a
//! comparison, and the Markdown report. Every table cell and JSON string is
//! sanitised here, whoever built it: a value from outside cannot start a
//! row, move the cursor or hide a character.

use crate::router::direct::PairFigures;
use crate::router::events::{CostSource, RunResult, total_cost};
use crate::router::policy::RouteDecision;
use crate::router::pricing::{Price, Pricing, format_per_million, format_usd};
use crate::sanitize::{Outside, one_line, sanitize};
use crate::units;
use rust_decimal::Decimal;

pub use crate::table::table;

pub fn format_cost(result: &RunResult) -> String {
    result.cost_text().unwrap_or_else(|| "unknown".into())
}

/// The routing hop (ttft minus the upstream's latency): "140ms", "-20ms", "-".
pub fn format_overhead(overhead_ms: Option<i64>) -> String {
    match overhead_ms {
        Some(ms) if ms < 0 => format!("-{}", crate::units::duration_ms(ms.unsigned_abs())),
        Some(ms) => crate::units::duration_ms(ms as u64),
        None => "-".into(),
    }
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

/// The figures table printed after a text comparison.
pub fn figures_table(results: &[RunResult]) -> String {
    let header = [
        "model",
        "served by",
        "ttft",
        "total",
        "tok/s",
        "tokens",
        "cost",
        "status",
    ];
    let mut rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            vec![
                result_title(r),
                served_by(r),
                units::duration(r.ttft_ms),
                units::duration(r.total_ms),
                units::rate(r.tokens_per_s),
                r.tokens_text(),
                format_cost(r),
                status(r),
            ]
        })
        .collect();
    if results.len() > 1 {
        let total = total_cost(results).map_or("unknown".into(), format_usd);
        rows.push(vec![
            "total".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            total,
            String::new(),
        ]);
    }
    let mut right = vec![false, false, true, true, true, true, true, false];
    let mut header = header.to_vec();
    if has_overhead(results) {
        // After ttft, the figure it is read against.
        header.insert(3, "overhead");
        right.insert(3, true);
        for (row, result) in rows.iter_mut().zip(results.iter().map(Some).chain([None])) {
            row.insert(
                3,
                result.map_or(String::new(), |r| format_overhead(r.overhead_ms)),
            );
        }
    }
    table(&header, &rows, &right)
}

/// A via-and-direct pair side by side: time to first token, this prompt's
/// cost, the catalogs' prices per 1M tokens, each with routed − direct, and
/// the hop OpenRouter's `/generation` record implies.
pub fn pair_table(figures: &PairFigures) -> String {
    let signed_ms = |ms: Option<i64>| match ms {
        Some(ms) if ms >= 0 => format!("+{}", units::duration_ms(ms.unsigned_abs())),
        other => format_overhead(other),
    };
    let usd = |amount: Option<Decimal>| amount.map_or("unknown".into(), format_usd);
    let signed_usd = |amount: Option<Decimal>| match amount {
        Some(amount) if !amount.is_sign_negative() => format!("+{}", format_usd(amount)),
        other => usd(other),
    };
    let per_million = |prices: Option<&Pricing>, pick: fn(&Pricing) -> Price| {
        prices.map_or("?".into(), |p| format_per_million(pick(p)))
    };
    let signed_per_million = |amount: Option<Decimal>| match amount {
        Some(amount) if !amount.is_sign_negative() => format!("+${}", amount.normalize()),
        Some(amount) => format!("-${}", amount.abs().normalize()),
        None => "?".into(),
    };
    let (routed, direct) = (
        figures.routed_prices.as_ref(),
        figures.direct_prices.as_ref(),
    );
    let rows = vec![
        vec![
            "ttft".into(),
            units::duration(figures.routed_ttft_ms),
            units::duration(figures.direct_ttft_ms),
            signed_ms(figures.ttft_difference_ms),
        ],
        vec![
            "hop (/generation)".into(),
            format_overhead(figures.hop_ms),
            String::new(),
            String::new(),
        ],
        vec![
            "cost".into(),
            usd(figures.routed_cost_usd),
            usd(figures.direct_cost_usd),
            signed_usd(figures.cost_difference_usd),
        ],
        vec![
            "$/1M in".into(),
            per_million(routed, |p| p.prompt),
            per_million(direct, |p| p.prompt),
            signed_per_million(figures.markup.prompt_per_1m_usd),
        ],
        vec![
            "$/1M out".into(),
            per_million(routed, |p| p.completion),
            per_million(direct, |p| p.completion),
            signed_per_million(figures.markup.completion_per_1m_usd),
        ],
    ];
    let title = format!(
        "via OpenRouter vs direct: {} / {}\n",
        one_line(&figures.model),
        one_line(&figures.direct)
    );
    title
        + &table(
            &["", "via OpenRouter", "direct", "routed − direct"],
            &rows,
            &[false, true, true, true],
        )
}

fn status(result: &RunResult) -> String {
    match &result.error {
        Some(error) => format!("failed: {}", error.kind.as_str()),
        None => result
            .finish_reason
            .clone()
            .unwrap_or_else(|| "done".into()),
    }
}

/// A report a person would paste into a document.
pub fn markdown(prompt: &str, results: &[RunResult]) -> String {
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
        let text = sanitize(&result.text);
        if !text.trim().is_empty() {
            out.push_str(text.trim_end());
            out.push_str("\n\n");
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
    let overhead = has_overhead(results);
    let (overhead_head, overhead_rule) = if overhead {
        (" Overhead |", "---:|")
    } else {
        ("", "")
    };
    out.push_str(&format!(
        "| Model | Served by | TTFT |{overhead_head} Total | Tokens/s | Tokens in→out | Cost |\n"
    ));
    out.push_str(&format!(
        "|---|---|---:|{overhead_rule}---:|---:|---:|---:|\n"
    ));
    for result in results {
        let overhead_cell = if overhead {
            format!(" {} |", format_overhead(result.overhead_ms))
        } else {
            String::new()
        };
        out.push_str(&format!(
            "| {} | {} | {} |{} {} | {} | {} | {} |\n",
            escape_cell(&result_title(result)),
            escape_cell(&served_by(result)),
            units::duration(result.ttft_ms),
            overhead_cell,
            units::duration(result.total_ms),
            units::rate(result.tokens_per_s),
            result.tokens_text(),
            format_cost(result),
        ));
    }
    if results.len() > 1 {
        let total = total_cost(results).map_or("unknown".into(), format_usd);
        let blank = if overhead { " |" } else { "" };
        out.push_str(&format!("| **Total** | | |{blank} | | | {total} |\n"));
    }
    if results
        .iter()
        .any(|r| r.cost_source == Some(CostSource::Computed))
    {
        out.push_str(
            "\n~ cost computed from catalog prices; the others are what the server reported.\n",
        );
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
        let markdown = markdown("q", &[known, unknown]);
        assert!(markdown.contains("| TTFT | Overhead |"), "{markdown}");
        assert!(markdown.contains("| 640ms | 140ms |"), "{markdown}");
        assert_eq!(format_overhead(Some(-20)), "-20ms");
        assert_eq!(format_overhead(None), "-");
    }
}
