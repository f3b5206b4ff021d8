//! The Markdown report: the summary, the matrix and the failures, ready to
//! paste into a review.

use super::super::checks::clip;
use super::{Marks, Report, cell_text, column_cost, interval, money, ms, percent};

const MARKS: Marks = Marks {
    pass: "✅",
    fail: "❌",
    error: "⚠️ error",
    missing: "–",
};

pub fn render(report: &Report<'_>) -> String {
    let suite = report.suite;
    let repeat = suite.defaults.repeat;
    let title = suite.name.as_deref().unwrap_or(&suite.path);
    let mut out = format!("# prism eval: {}\n\n", escape(&clip(title, 100)));
    out.push_str(&format!(
        "Run `{}`: {} cases × {} columns{}, total cost {}.\n\n## Summary\n\n",
        report.run_id,
        suite.cases.len(),
        suite.columns.len(),
        if repeat > 1 {
            format!(" × {repeat} repeats")
        } else {
            String::new()
        },
        money(report.total_cost())
    ));
    let mut header = String::from(
        "| Column | Pass rate | 95% CI | Results | Errors | Failures | Cost | Cost / 1k calls | TTFT p50 | TTFT p90 | Total p50 | Tokens/s |",
    );
    let mut rule = String::from("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    if repeat > 1 {
        header.push_str(" Distinct answers | Flaky cases |");
        rule.push_str("---:|---:|");
    }
    if report.volume.is_some() {
        header.push_str(" Projected / month |");
        rule.push_str("---:|");
    }
    out.push_str(&header);
    out.push('\n');
    out.push_str(&rule);
    out.push('\n');
    for s in report.summary {
        let best = if s.tied_with_best { " **≈best**" } else { "" };
        out.push_str(&format!(
            "| {}{best} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            escape(&clip(&s.column, 80)),
            percent(s.pass_rate),
            interval(s.pass_rate_ci),
            s.results,
            s.errors,
            s.failures,
            column_cost(s),
            money(s.cost_per_1k_calls_usd),
            ms(s.median_ttft_ms),
            ms(s.p90_ttft_ms),
            ms(s.median_total_ms),
            crate::units::rate(s.median_tokens_per_s),
        ));
        if repeat > 1 {
            out.push_str(&format!(
                " {} | {} |",
                s.distinct_answers_mean
                    .map_or("-".into(), |d| format!("{d:.2}")),
                percent(s.flaky_rate)
            ));
        }
        if report.volume.is_some() {
            out.push_str(&format!(" {} |", money(s.projected_monthly_usd)));
        }
        out.push('\n');
    }
    out.push_str("\n≈best: pass rate statistically tied with the best column (95%, Newcombe interval of the difference).");
    if let Some(volume) = report.volume {
        out.push_str(&format!(
            " Projections at {volume} calls a day, 30-day month."
        ));
    }
    out.push_str("\n\n## Cases\n\n| Case |");
    let labels = suite.column_labels();
    for label in &labels {
        out.push_str(&format!(" {} |", escape(&clip(label, 60))));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(labels.len()));
    out.push('\n');
    for (case, row) in suite.cases.iter().zip(report.cells()) {
        out.push_str(&format!("| {} |", escape(&clip(&case.id, 60))));
        for results in row {
            out.push_str(&format!(" {} |", cell_text(&results, repeat, &MARKS)));
        }
        out.push('\n');
    }
    let failures = report.failures();
    if !failures.is_empty() {
        out.push_str(&format!(
            "\n## Failures and errors ({})\n\n",
            failures.len()
        ));
        for (place, digest) in failures {
            out.push_str(&format!(
                "- **{}**: {}\n",
                escape(&place),
                escape(digest.reason.as_deref().unwrap_or("failed"))
            ));
        }
    }
    out
}

/// Escapes what Markdown would read as markup in a table or list.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
