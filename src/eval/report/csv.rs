//! The CSV report: one row per result, streamed from the journal.

use std::io::{self, Write};

use crate::router::pricing;
use crate::sanitize::sanitize;

use super::Report;

const HEADER: [&str; 17] = [
    "case_id",
    "column",
    "repeat_index",
    "pass",
    "error_kind",
    "error",
    "failed_checks",
    "served_model",
    "finish_reason",
    "ttft_ms",
    "total_ms",
    "tokens_per_s",
    "prompt_tokens",
    "completion_tokens",
    "cost_usd",
    "cost_source",
    "text",
];

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    let number = |n: Option<u64>| n.map_or(String::new(), |n| n.to_string());
    report.for_each_result(|r| {
        let failed: Vec<&str> = r
            .checks
            .iter()
            .filter(|c| !c.pass)
            .filter_map(|c| c.reason.as_deref())
            .collect();
        writer.write_record([
            sanitize(&r.case_id).into_owned(),
            sanitize(&r.column).into_owned(),
            r.repeat_index.to_string(),
            r.pass.to_string(),
            r.error
                .as_ref()
                .map_or(String::new(), |e| e.kind.as_str().to_string()),
            r.error
                .as_ref()
                .map_or(String::new(), |e| sanitize(&e.message).into_owned()),
            if r.error.is_some() {
                String::new()
            } else {
                failed.join("; ")
            },
            sanitize(r.served_model.as_deref().unwrap_or_default()).into_owned(),
            sanitize(r.finish_reason.as_deref().unwrap_or_default()).into_owned(),
            number(r.ttft_ms),
            number(r.total_ms),
            r.tokens_per_s.map_or(String::new(), |t| t.to_string()),
            number(r.usage.map(|u| u.prompt_tokens)),
            number(r.usage.map(|u| u.completion_tokens)),
            r.cost_usd
                .map_or(String::new(), |c| pricing::to_f64(c).to_string()),
            r.cost_source.map_or(String::new(), |s| {
                serde_json::to_value(s)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            }),
            sanitize(&r.text).into_owned(),
        ])?;
        Ok(())
    })?;
    writer.flush()
}
