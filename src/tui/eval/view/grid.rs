//! The grid: a row per case, a cell per column, filling in as results
//! arrive. A cell shows each repeat's mark (✓ pass, ✗ fail, ! error,
//! … running, · pending, $ skipped for budget), then the mean time and the
//! cost when the column is wide enough. Only the rows on screen are drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget};
use rust_decimal::Decimal;
use unicode_width::UnicodeWidthStr;

use crate::eval::record::Outcome;
use crate::router::pricing::format_usd;

use super::super::layout;
use super::super::state::{EvalView, Overlay, Slot};
use super::{mark, outcome_style, pad};

/// Repeats shown one mark each; more show as passed/done.
const MARKS_SHOWN: u32 = 4;

pub fn draw(buf: &mut Buffer, area: Rect, view: &EvalView) {
    if area.height < 3 || area.width < 8 {
        return;
    }
    let theme = &view.theme;
    let columns = view.columns.len();
    let (id_width, column_width, fit) = layout::grid_columns(area.width, view.longest_id, columns);
    let first = view.first_column.min(columns.saturating_sub(1));
    let shown: Vec<usize> = (first..columns).take(fit).collect();
    let mut title = format!(" cases × columns · {} cases ", view.cases());
    if shown.len() < columns {
        title.push_str(&format!(
            "· columns {}-{} of {} (←→) ",
            first + 1,
            first + shown.len(),
            columns
        ));
    }
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(view.overlay == Overlay::None))
        .title(Line::styled(title, theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);

    let (id_width, column_width) = (usize::from(id_width), usize::from(column_width));
    let mut lines = Vec::with_capacity(usize::from(inner.height));
    let mut head = vec![Span::styled(pad("case", id_width), theme.title())];
    for column in &shown {
        head.push(Span::raw(" "));
        let label = format!("{} {}", column + 1, view.columns[*column]);
        head.push(Span::styled(pad(&label, column_width), theme.title()));
    }
    lines.push(Line::from(head));
    let rows = usize::from(inner.height.saturating_sub(1));
    for case in (view.top..view.cases()).take(rows) {
        let selected = case == view.cursor;
        let id_style = if selected {
            theme.selected()
        } else {
            ratatui::style::Style::default()
        };
        let mut spans = vec![Span::styled(pad(&view.case_ids[case], id_width), id_style)];
        for column in &shown {
            spans.push(Span::raw(" "));
            let (text, outcome) = cell_text(view, case, *column, column_width);
            spans.push(Span::styled(
                pad(&text, column_width),
                outcome_style(outcome, theme),
            ));
        }
        lines.push(Line::from(spans));
    }
    if view.cases() == 0 {
        lines.push(Line::styled("no cases", theme.hint()));
    }
    Paragraph::new(lines).render(inner, buf);
}

/// A cell's text and the outcome that colours it (the worst of its repeats).
fn cell_text(
    view: &EvalView,
    case: usize,
    column: usize,
    width: usize,
) -> (String, Option<Outcome>) {
    let slots = view.cell(case, column);
    let digests: Vec<_> = slots.iter().filter_map(|s| view.digest(*s)).collect();
    let mut text = if view.repeat <= MARKS_SHOWN {
        slots
            .iter()
            .map(|slot| mark(*slot, view.digest(*slot)))
            .collect::<String>()
    } else {
        let passed = digests
            .iter()
            .filter(|d| d.outcome == Outcome::Pass)
            .count();
        let running = slots.contains(&Slot::Running);
        format!(
            "{passed}/{}{}",
            digests.len(),
            if running { "…" } else { "" }
        )
    };
    let times: Vec<u64> = digests
        .iter()
        .filter(|d| d.outcome != Outcome::Error)
        .filter_map(|d| d.total_ms)
        .collect();
    if !times.is_empty() {
        let mean = times.iter().sum::<u64>() / times.len() as u64;
        let time = crate::units::duration_ms(mean);
        if text.width() + 1 + time.width() <= width {
            text.push(' ');
            text.push_str(&time);
        }
    }
    let cost = digests
        .iter()
        .filter_map(|d| d.cost_usd)
        .reduce(|a, b| a.saturating_add(b));
    if let Some(cost) = cost.filter(|c| *c > Decimal::ZERO) {
        let cost = format_usd(cost);
        if text.width() + 1 + cost.width() <= width {
            text.push(' ');
            text.push_str(&cost);
        }
    }
    let worst = [
        Outcome::Error,
        Outcome::Fail,
        Outcome::Ungraded,
        Outcome::Pass,
    ]
    .into_iter()
    .find(|o| digests.iter().any(|d| d.outcome == *o));
    (text, worst)
}
