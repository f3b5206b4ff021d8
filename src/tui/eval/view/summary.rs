//! The summary beside the grid: per column, as the headless report has it,
//! the pass rate (with its 95% interval and ≈best when statistically tied
//! with the best), the cost, the cost per 1,000 calls, median latencies and,
//! with `--volume`, the projected month; ◆ marks the Pareto front.

use crate::tui::boxes::framed;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use rust_decimal::Decimal;
use unicode_width::UnicodeWidthStr;

use crate::eval::summary::ColumnSummary;
use crate::router::pricing::format_usd;

use super::super::state::EvalView;
use super::pad;

fn percent(rate: Option<f64>) -> String {
    rate.map_or("-".into(), |r| format!("{:.0}%", r * 100.0))
}

fn money(usd: Option<Decimal>) -> String {
    usd.map_or("-".into(), format_usd)
}

fn ms(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| crate::units::duration_ms(v.round() as u64))
}

/// The table's fields in the order they are given up when space is short
/// (the last first): heading, right-aligned, value.
/// A field of the table: its heading and how a column's value reads.
type Field = (&'static str, fn(&ColumnSummary) -> String);

fn fields(view: &EvalView) -> Vec<Field> {
    let mut fields: Vec<Field> = vec![
        ("pass", |s| percent(s.pass_rate)),
        ("$/1k calls", |s| money(s.cost_per_1k_calls_usd)),
        ("p50", |s| ms(s.median_total_ms)),
        ("cost", |s| money(s.cost_usd)),
        ("95% CI", |s| match s.pass_rate_ci {
            Some([lo, hi]) => format!("{:.0}–{:.0}%", lo * 100.0, hi * 100.0),
            None => "-".into(),
        }),
        ("ttft p50", |s| ms(s.median_ttft_ms)),
        ("err", |s| s.errors.to_string()),
        ("fail", |s| s.failures.to_string()),
    ];
    if view.volume.is_some() {
        fields.insert(3, ("/month", |s| money(s.projected_monthly_usd)));
    }
    if view.repeat > 1 {
        fields.push(("flaky", |s| percent(s.flaky_rate)));
    }
    fields
}

pub fn draw(buf: &mut Buffer, area: Rect, view: &EvalView) {
    if area.height < 3 || area.width < 10 {
        return;
    }
    let theme = &view.theme;
    let block = framed(theme, false).title(Line::styled(
        " summary · ≈ tied with the best · ◆ Pareto front ",
        theme.title(),
    ));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width);

    let fields = fields(view);
    let cells: Vec<Vec<String>> = view
        .summary
        .iter()
        .map(|s| fields.iter().map(|(_, value)| value(s)).collect())
        .collect();
    let field_width = |index: usize| -> usize {
        cells
            .iter()
            .map(|row| row[index].width())
            .chain([fields[index].0.width()])
            .max()
            .unwrap_or(0)
    };
    // The label column keeps at least 12 cells; fields join while they fit.
    let label_width = view
        .columns
        .iter()
        .map(|c| c.width() + 4)
        .max()
        .unwrap_or(12)
        .clamp(12, 40);
    let mut used = label_width.min(width);
    let mut shown = Vec::new();
    for index in 0..fields.len() {
        let need = field_width(index) + 1;
        if used + need > width {
            break;
        }
        used += need;
        shown.push((index, field_width(index)));
    }
    let label_width = (width - used + label_width.min(width)).min(width);

    let mut lines = Vec::new();
    let mut head = vec![Span::styled(pad("column", label_width), theme.title())];
    for (index, field_width) in &shown {
        head.push(Span::styled(
            format!(" {:>field_width$}", fields[*index].0),
            theme.title(),
        ));
    }
    lines.push(Line::from(head));
    for (column, (summary, row)) in view.summary.iter().zip(&cells).enumerate() {
        let front = if view.front.contains(&column) {
            "◆"
        } else {
            " "
        };
        let tied = if summary.tied_with_best { "≈" } else { " " };
        let label = format!("{front}{tied}{} {}", column + 1, view.columns[column]);
        let mut spans = vec![Span::raw(pad(&label, label_width))];
        for (index, field_width) in &shown {
            spans.push(Span::raw(format!(" {:>field_width$}", row[*index])));
        }
        lines.push(Line::from(spans));
    }
    Paragraph::new(lines).render(inner, buf);
}
