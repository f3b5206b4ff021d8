//! Snapshots of every report format, from a journal written and read back.

use rust_decimal::Decimal;

use super::*;
use crate::eval::checks::CheckOutcome;
use crate::eval::journal::{self, Header, JournalWriter};
use crate::eval::suite::{Case, ColumnDef, Defaults};
use crate::eval::summary::{SummaryInput, summarize};
use crate::router::error::{ErrorKind, RouterError};
use crate::router::events::CostSource;
use crate::router::usage::Usage;

fn suite() -> Suite {
    let case = |id: &str, prompt: &str| Case {
        id: id.into(),
        prompt: prompt.into(),
        system: None,
        vars: Default::default(),
        checks: Vec::new(),
    };
    Suite {
        path: "suites/support.toml".into(),
        name: Some("support | replies".into()),
        columns: vec![
            ColumnDef::One("openai/gpt-4o-mini".into()),
            ColumnDef::Chain(vec![
                "openai/gpt-4o".into(),
                "google/gemini-2.5-flash".into(),
            ]),
        ],
        defaults: Defaults {
            repeat: 2,
            ..Defaults::default()
        },
        cases: vec![
            case("refund", "Refund a kettle."),
            case("json", "Answer in JSON."),
        ],
        pairwise: None,
        agreement: None,
        column_lines: Vec::new(),
    }
}

fn result(
    case: &str,
    column: &str,
    repeat: u32,
    text: &str,
    pass: bool,
    error: bool,
) -> EvalResult {
    let failed = CheckOutcome {
        kind: "icontains".into(),
        pass: Some(pass),
        judged: None,
        reason: (!pass).then(|| "icontains: \"refund\" not found (any case)".to_string()),
    };
    EvalResult {
        case_id: case.into(),
        column: column.into(),
        repeat_index: repeat,
        served_model: (!error).then(|| column.split(',').next().unwrap_or_default().to_string()),
        provider: Some("OpenAI".into()),
        text: text.into(),
        error: error
            .then(|| RouterError::new(ErrorKind::ServerError, "upstream 502 | bad gateway")),
        finish_reason: (!error).then(|| "stop".into()),
        ttft_ms: (!error).then_some(300 + 100 * u64::from(repeat)),
        total_ms: (!error).then_some(1200 + 300 * u64::from(repeat)),
        tokens_per_s: (!error).then_some(80.5),
        cost_usd: (!error).then(|| Decimal::new(125, 6)),
        cost_source: (!error).then_some(CostSource::Reported),
        usage: (!error).then_some(Usage {
            prompt_tokens: 12,
            completion_tokens: 30,
            total_tokens: 42,
            ..Usage::default()
        }),
        route: None,
        checks: if error {
            vec![CheckOutcome {
                reason: Some("icontains: no answer (server_error)".into()),
                pass: Some(false),
                ..failed
            }]
        } else {
            vec![failed]
        },
        pass: pass && !error,
    }
}

/// Writes a journal with a result for every cell but one, reads it back,
/// and renders `format`.
fn render(format: Format) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("run.jsonl");
    let suite = suite();
    let a = "openai/gpt-4o-mini";
    let b = "openai/gpt-4o,google/gemini-2.5-flash";
    let results = [
        result("refund", a, 0, "We will refund you.", true, false),
        result("refund", a, 1, "we will  REFUND you.", true, false),
        result("refund", b, 0, "Sorry.", false, false),
        result("refund", b, 1, "We will refund you.", true, false),
        result("json", a, 0, "{}", true, false),
        result("json", a, 1, "", false, true),
        result(
            "json",
            b,
            0,
            "{\"a\": \"line\nbreak, \\\"quoted\\\"\"}",
            true,
            false,
        ),
        // json × b #2 is missing: the run was interrupted.
    ];
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let header = Header {
            schema_version: journal::SCHEMA_VERSION,
            run_id: "20260101-120000-abcd".into(),
            created_at_unix: 1_767_268_800,
            suite_file: "/home/me/suites/support.toml".into(),
            suite: suite.clone(),
        };
        let mut writer = JournalWriter::create(&path, &header)
            .await
            .expect("journal");
        // Backwards: results come in as they complete, reports read in cell order.
        for r in results.iter().rev() {
            writer.result(r).await.expect("written");
        }
        writer.close().await.expect("closed");
    });
    let mut contents = journal::read(&path).expect("reads");
    contents.digests.sort_by_key(|d| d.cell);
    assert_eq!(contents.digests.len(), 7);
    let labels = suite.column_labels();
    let summary = summarize(&SummaryInput {
        columns: &labels,
        cases: 2,
        repeat: 2,
        digests: &contents.digests,
        volume: Some(1000),
    });
    let report = Report {
        run_id: "20260101-120000-abcd",
        suite: &suite,
        digests: &contents.digests,
        summary: &summary,
        journal: &path,
        skipped_for_budget: 0,
        interrupted: true,
        volume: Some(1000),
        pairwise: None,
        judges: &[],
        groupings: &[],
    };
    let mut out = Vec::new();
    report.write(format, &mut out).expect("renders");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn text_report() {
    insta::assert_snapshot!(render(Format::Text));
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!(render(Format::Markdown));
}

#[test]
fn csv_report() {
    let csv = render(Format::Csv);
    insta::assert_snapshot!(csv);
}

#[test]
fn json_report() {
    let json = render(Format::Json);
    let value: serde_json::Value = serde_json::from_str(&json).expect("one JSON value");
    assert_eq!(value["results"].as_array().map(Vec::len), Some(7));
    insta::assert_snapshot!(json);
}

#[test]
fn results_come_back_in_cell_order_whatever_order_they_were_written() {
    let json = render(Format::Json);
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    let order: Vec<(String, String, u64)> = value["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["case_id"].as_str().unwrap_or_default().to_string(),
                r["column"]
                    .as_str()
                    .unwrap_or_default()
                    .chars()
                    .take(8)
                    .collect(),
                r["repeat_index"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(order[0], ("refund".into(), "openai/g".into(), 0));
    assert_eq!(order[1], ("refund".into(), "openai/g".into(), 1));
    assert_eq!(order[4].0, "json");
}
