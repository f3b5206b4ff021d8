//! The text report: summary table, matrix and failures, for a terminal.

use crate::table::table;

use super::super::checks::clip;
use super::{Marks, Report, cell_text, column_cost, interval, money, ms, percent};

const MARKS: Marks = Marks {
    pass: "pass",
    fail: "FAIL",
    error: "ERROR",
    missing: "-",
};

pub fn render(report: &Report<'_>) -> String {
    let suite = report.suite;
    let repeat = suite.defaults.repeat;
    let mut out = format!(
        "run {} · {} · {} cases × {} columns{}\n\n",
        report.run_id,
        clip(suite.name.as_deref().unwrap_or(&suite.path), 80),
        suite.cases.len(),
        suite.columns.len(),
        if repeat > 1 {
            format!(" × {repeat} repeats")
        } else {
            String::new()
        }
    );

    let mut header = vec![
        "column",
        "pass",
        "95% CI",
        "",
        "results",
        "err",
        "fail",
        "cost",
        "$/1k calls",
        "ttft p50",
        "p90",
        "total p50",
        "p90",
        "tok/s",
    ];
    let mut right = vec![
        false, true, true, false, true, true, true, true, true, true, true, true, true, true,
    ];
    if repeat > 1 {
        header.extend(["distinct", "flaky"]);
        right.extend([true, true]);
    }
    if report.volume.is_some() {
        header.extend(["/day", "/month"]);
        right.extend([true, true]);
    }
    let rows: Vec<Vec<String>> = report
        .summary
        .iter()
        .map(|s| {
            let mut row = vec![
                clip(&s.column, 60),
                percent(s.pass_rate),
                interval(s.pass_rate_ci),
                if s.tied_with_best {
                    "≈best".into()
                } else {
                    String::new()
                },
                s.results.to_string(),
                s.errors.to_string(),
                s.failures.to_string(),
                column_cost(s),
                money(s.cost_per_1k_calls_usd),
                ms(s.median_ttft_ms),
                ms(s.p90_ttft_ms),
                ms(s.median_total_ms),
                ms(s.p90_total_ms),
                crate::units::rate(s.median_tokens_per_s),
            ];
            if repeat > 1 {
                row.push(
                    s.distinct_answers_mean
                        .map_or("-".into(), |d| format!("{d:.2}")),
                );
                row.push(percent(s.flaky_rate));
            }
            if report.volume.is_some() {
                row.push(money(s.projected_daily_usd));
                row.push(money(s.projected_monthly_usd));
            }
            row
        })
        .collect();
    out.push_str(&table(&header, &rows, &right));
    out.push_str(&format!("total cost {}", money(report.total_cost())));
    if let Some(volume) = report.volume {
        out.push_str(&format!(
            " · projections at {volume} calls a day, 30-day month"
        ));
    }
    out.push('\n');
    out.push_str("≈best: pass rate statistically tied with the best (95%)");
    if repeat > 1 {
        out.push_str("; distinct: different answers per case over the repeats; flaky: cases whose repeats disagree on pass/fail");
    }
    out.push('\n');

    // The matrix: columns numbered, with a legend.
    out.push_str("\ncases × columns\n");
    let labels = suite.column_labels();
    for (i, label) in labels.iter().enumerate() {
        out.push_str(&format!("  [{}] {}\n", i + 1, clip(label, 80)));
    }
    let numbers: Vec<String> = (1..=labels.len()).map(|i| format!("[{i}]")).collect();
    let mut matrix_header = vec!["case"];
    matrix_header.extend(numbers.iter().map(String::as_str));
    let grid = report.cells();
    let matrix_rows: Vec<Vec<String>> = suite
        .cases
        .iter()
        .zip(&grid)
        .map(|(case, row)| {
            let mut cells = vec![clip(&case.id, 40)];
            cells.extend(row.iter().map(|results| cell_text(results, repeat, &MARKS)));
            cells
        })
        .collect();
    out.push_str(&table(&matrix_header, &matrix_rows, &[]));

    let failures = report.failures();
    if !failures.is_empty() {
        out.push_str(&format!("\nfailures and errors ({})\n", failures.len()));
        for (place, digest) in failures {
            let reason = digest.reason.as_deref().unwrap_or("failed");
            out.push_str(&format!("  {place}: {reason}\n"));
        }
    }
    if report.skipped_for_budget > 0 {
        out.push_str(&format!(
            "\n{} requests skipped: they could have taken the spending past --max-cost\n",
            report.skipped_for_budget
        ));
    }
    let missing: u64 = report.summary.iter().map(|s| s.missing).sum();
    if missing > report.skipped_for_budget {
        out.push_str(&format!(
            "\n{} of {} results missing{}: `prism eval --resume {}` runs them\n",
            missing,
            suite.cells(),
            if report.interrupted {
                " (interrupted)"
            } else {
                ""
            },
            report.run_id
        ));
    }
    out
}
