//! The text report: summary table, matrix and failures, for a terminal.

use crate::sanitize::one_line;
use crate::table::table;

use super::super::checks::clip;
use super::super::record::Digest;
use super::{Marks, Report, cell_text, column_cost, interval, judging, money, ms, percent};

const MARKS: Marks = Marks {
    pass: "pass",
    fail: "FAIL",
    error: "ERROR",
    ungraded: "ungraded",
    missing: "-",
};

/// A terminal shows this many failures; the other formats list them all.
const FAILURES_SHOWN: usize = 40;

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
    out.push_str(&format!("total cost {}", report.cost_line()));
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

    for flag in judging::flags(report.judges) {
        out.push_str(&format!("⚠ {flag}\n"));
    }

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

    let agreement = report.agreement().unwrap_or_default();
    out.push_str(&judging::text(
        report.judges,
        report.pairwise,
        &agreement,
        repeat,
    ));

    let failures = report.failures();
    if !failures.is_empty() {
        failures_section(&mut out, &failures, FAILURES_SHOWN);
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

/// The first `shown` failures, then how many more and where to find them.
fn failures_section(out: &mut String, failures: &[(String, &Digest)], shown: usize) {
    out.push_str(&format!("\nfailures and errors ({})\n", failures.len()));
    for (place, digest) in failures.iter().take(shown) {
        // Case ids and reasons come from the suite and the servers: one line
        // each, with invisible characters shown, as in the matrix.
        let reason = digest.reason.as_deref().unwrap_or("failed");
        out.push_str(&format!("  {}: {}\n", one_line(place), one_line(reason)));
    }
    if failures.len() > shown {
        out.push_str(&format!(
            "  … and {} more (`--format markdown` or `json` lists every one)\n",
            failures.len() - shown
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::failures_section;
    use crate::eval::record::{CellKey, Digest, Outcome};

    /// A failure of case `case` in the first column.
    fn failed(case: u32) -> Digest {
        let cell = CellKey {
            case,
            column: 0,
            repeat: 0,
        };
        Digest::of(cell, Outcome::Fail)
    }

    #[test]
    fn failures_show_invisible_and_control_characters_as_the_matrix_does() {
        let digest = Digest {
            reason: Some("not \u{1b}[2Jfound\nhere".into()),
            ..failed(0)
        };
        let mut out = String::new();
        failures_section(&mut out, &[("ca\u{200b}se × m".to_string(), &digest)], 5);
        assert!(out.contains("ca<U+200B>se × m: "), "{out}");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{200b}'),
            "{out:?}"
        );
        assert_eq!(out.lines().count(), 3, "one line per failure: {out:?}");
    }

    #[test]
    fn a_long_failure_list_is_cut_and_says_where_the_rest_is() {
        let digests: Vec<Digest> = (0..5)
            .map(|case| Digest {
                reason: Some(format!("reason {case}").into()),
                ..failed(case)
            })
            .collect();
        let failures: Vec<(String, &Digest)> = digests
            .iter()
            .map(|d| (format!("case{} × m", d.cell.case), d))
            .collect();
        let mut out = String::new();
        failures_section(&mut out, &failures, 2);
        assert_eq!(
            out,
            "\nfailures and errors (5)\n  case0 × m: reason 0\n  case1 × m: reason 1\n  \
             … and 3 more (`--format markdown` or `json` lists every one)\n"
        );
    }
}
