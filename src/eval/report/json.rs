//! The JSON report (a contract): `{"run_id", "suite", "columns", "cases",
//! "repeat", "results": [...], "summary": [...], "pairwise", "judges",
//! "agreement", "total_cost_usd"}`, the results streamed from the journal
//! one at a time.

use std::io::{self, Write};

use serde_json::json;

use crate::router::pricing;

use super::Report;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let suite = report.suite;
    let to_io = |e: serde_json::Error| io::Error::other(e);
    let head = json!({
        "run_id": report.run_id,
        "suite": suite.path,
        "name": suite.name,
        "columns": suite.column_labels(),
        "cases": suite.cases.iter().map(|c| json!({"id": c.id, "prompt": c.prompt, "vars": c.vars})).collect::<Vec<_>>(),
        "repeat": suite.defaults.repeat,
    });
    // The head's fields, then the streamed results, then the rest.
    let head_text = serde_json::to_string_pretty(&head).map_err(to_io)?;
    let head_body = head_text
        .trim_end()
        .strip_suffix('}')
        .unwrap_or(&head_text)
        .trim_end();
    out.write_all(head_body.as_bytes())?;
    out.write_all(b",\n  \"results\": [")?;
    let mut first = true;
    report.for_each_result(|result| {
        out.write_all(if first { b"\n    " } else { b",\n    " })?;
        first = false;
        serde_json::to_writer(&mut *out, result).map_err(to_io)
    })?;
    out.write_all(if first { b"],\n" } else { b"\n  ],\n" })?;
    let tail = json!({
        "summary": report.summary,
        "pairwise": report.pairwise,
        "judges": report.judges,
        "agreement": report.agreement()?,
        // A total only when no cost is missing; the known part and the count beside it.
        "total_cost_usd": report.total_cost().filter(|_| report.unpriced() == 0).map(pricing::to_f64),
        "known_cost_usd": report.total_cost().map(pricing::to_f64),
        "unpriced_results": report.unpriced(),
        "answers_cost_usd": report.answers_cost().map(pricing::to_f64),
        "judge_cost_usd": report.judge_cost().map(pricing::to_f64),
        "skipped_for_budget": report.skipped_for_budget,
        "interrupted": report.interrupted,
    });
    let tail_text = serde_json::to_string_pretty(&tail).map_err(to_io)?;
    let tail_body = tail_text
        .trim_start()
        .strip_prefix('{')
        .unwrap_or(&tail_text);
    out.write_all(tail_body.trim_start_matches('\n').as_bytes())?;
    out.write_all(b"\n")
}
