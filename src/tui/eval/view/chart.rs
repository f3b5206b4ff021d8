//! Cost per 1,000 calls against pass rate, one point per column, with the
//! Pareto front drawn as a line through the columns nothing beats on both
//! (ratatui's Chart): the cheapest column that is good enough stands out.
//! Each point carries its column's number beside it, as the legend does,
//! so the chart reads without colour. The last row names the front in order.

use crate::tui::boxes::framed;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget};
use rust_decimal::Decimal;

use crate::router::pricing::{format_usd, from_f64, to_f64};

use super::super::state::EvalView;

/// Point colours, in column order (with NO_COLOR the numbers beside the
/// points and in the legend tell them apart).
const COLOURS: [Color; 6] = [
    Color::Cyan,
    Color::Magenta,
    Color::Yellow,
    Color::Blue,
    Color::LightRed,
    Color::LightGreen,
];

/// Rows under the chart for its legend.
const LEGEND_ROWS: u16 = 2;

/// Each charted column's point: (column, cost per 1k calls, pass rate in %).
fn points(view: &EvalView) -> Vec<(usize, f64, f64)> {
    view.summary
        .iter()
        .enumerate()
        .filter_map(|(column, s)| {
            Some((
                column,
                to_f64(s.cost_per_1k_calls_usd?),
                s.pass_rate? * 100.0,
            ))
        })
        .collect()
}

pub fn draw(buf: &mut Buffer, area: Rect, view: &EvalView) {
    if area.height < 6 || area.width < 20 {
        return;
    }
    let theme = &view.theme;
    let block = framed(theme, false).title(Line::styled(
        " cost per 1k calls × pass rate · line: Pareto front ",
        theme.title(),
    ));
    let inner = block.inner(area);
    block.render(area, buf);
    let points = points(view);
    if points.is_empty() {
        Paragraph::new(Line::styled(
            "no column has both a pass rate and a known cost yet",
            theme.hint(),
        ))
        .render(inner, buf);
        return;
    }
    // Below the chart: the legend (a row or two) and the front.
    let legend_rows = LEGEND_ROWS.min(inner.height.saturating_sub(4));
    let chart_area = Rect {
        height: inner.height.saturating_sub(1 + legend_rows),
        ..inner
    };
    let legend_area = Rect {
        y: chart_area.bottom(),
        height: legend_rows,
        ..inner
    };
    let front_row = Rect {
        y: inner.bottom().saturating_sub(1),
        height: 1,
        ..inner
    };

    let max_cost = points.iter().map(|p| p.1).fold(0.0, f64::max);
    // Room on the right, so the dearest point stays off the border.
    let x_max = if max_cost > 0.0 { max_cost * 1.15 } else { 1.0 };
    let data: Vec<(usize, [(f64, f64); 1])> = points
        .iter()
        .map(|(column, cost, rate)| (*column, [(*cost, *rate)]))
        .collect();
    let front: Vec<(f64, f64)> = view
        .front
        .iter()
        .filter_map(|c| points.iter().find(|p| p.0 == *c).map(|p| (p.1, p.2)))
        .collect();
    let colour = |column: usize| {
        if theme.colour {
            Style::default().fg(COLOURS[column % COLOURS.len()])
        } else {
            Style::default()
        }
    };
    // The front first, so the points are drawn over its line.
    let mut datasets: Vec<Dataset> = Vec::new();
    if front.len() > 1 {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme.free())
                .data(&front),
        );
    }
    datasets.extend(data.iter().map(|(column, point)| {
        Dataset::default()
            .marker(Marker::Block)
            .graph_type(GraphType::Scatter)
            .style(colour(*column))
            .data(point)
    }));
    let usd = |value: f64| from_f64(value).map_or("-".into(), format_usd);
    let x_labels = [
        usd(0.0),
        usd(x_max / 2.0),
        format!("{} /1k calls", usd(x_max)),
    ];
    // No axis titles and no legend box: they would draw over points.
    let chart = Chart::new(datasets)
        .x_axis(Axis::default().bounds([0.0, x_max]).labels(x_labels))
        .y_axis(
            Axis::default()
                .bounds([0.0, 100.0])
                .labels(["0%", "50%", "100%"]),
        )
        .legend_position(None);
    chart.render(chart_area, buf);
    label_points(buf, chart_area, &points, x_max, &colour);

    let mut legend = Vec::new();
    for (column, _, _) in &points {
        legend.push(Span::styled("█ ", colour(*column)));
        legend.push(Span::raw(format!(
            "{} {}   ",
            column + 1,
            super::fit(&view.columns[*column], 28)
        )));
    }
    Paragraph::new(Line::from(legend))
        .wrap(ratatui::widgets::Wrap { trim: true })
        .render(legend_area, buf);

    let mut spans = vec![Span::styled("front: ", theme.hint())];
    for (index, column) in view.front.iter().enumerate() {
        if index > 0 {
            spans.push(Span::styled(" → ", theme.hint()));
        }
        let summary = &view.summary[*column];
        spans.push(Span::styled(
            format!(
                "{} {} ({}, {:.0}%)",
                column + 1,
                super::fit(&view.columns[*column], 20),
                summary
                    .cost_per_1k_calls_usd
                    .map_or("-".into(), |c: Decimal| format_usd(c)),
                summary.pass_rate.unwrap_or(0.0) * 100.0
            ),
            colour(*column),
        ));
    }
    Paragraph::new(Line::from(spans)).render(front_row, buf);
}

/// Writes each point's column number (several, comma-separated, when points
/// share a cell) just right of it, or left of it at the right edge. The
/// points' cells are found as the chart's canvas finds them: its graph area
/// lies right of the axes' corner and above it.
fn label_points(
    buf: &mut Buffer,
    chart_area: Rect,
    points: &[(usize, f64, f64)],
    x_max: f64,
    colour: &dyn Fn(usize) -> Style,
) {
    let Some(graph) = graph_area(buf, chart_area) else {
        return;
    };
    let cell = |cost: f64, rate: f64| -> (u16, u16) {
        let x = (cost / x_max * f64::from(graph.width - 1)).round();
        let y = ((100.0 - rate) / 100.0 * f64::from(graph.height - 1)).round();
        // Both within 0..width and 0..height by the bounds checked above.
        (graph.x + x as u16, graph.y + y as u16)
    };
    let mut labels: Vec<((u16, u16), Vec<usize>)> = Vec::new();
    for (column, cost, rate) in points {
        if !(0.0..=x_max).contains(cost) || !(0.0..=100.0).contains(rate) {
            continue;
        }
        let at = cell(*cost, *rate);
        match labels.iter_mut().find(|(seen, _)| *seen == at) {
            Some((_, columns)) => columns.push(*column),
            None => labels.push((at, vec![*column])),
        }
    }
    let marks: Vec<(u16, u16)> = labels.iter().map(|(at, _)| *at).collect();
    for ((x, y), columns) in &labels {
        let text = columns
            .iter()
            .map(|c| (c + 1).to_string())
            .collect::<Vec<_>>()
            .join(",");
        let width = u16::try_from(text.len()).unwrap_or(u16::MAX);
        let start = if x + 1 + width <= graph.right() {
            x + 1
        } else {
            x.saturating_sub(width).max(graph.x)
        };
        let style = colour(columns[0]);
        for (offset, ch) in text.chars().enumerate() {
            let at = (start + offset as u16, *y);
            // Never over another point.
            if at.0 < graph.right() && !marks.contains(&at) {
                buf[at].set_char(ch).set_style(style);
            }
        }
    }
}

/// The chart's plotting area: right of and above the axes' corner.
fn graph_area(buf: &Buffer, chart_area: Rect) -> Option<Rect> {
    let corner = ratatui::symbols::line::BOTTOM_LEFT;
    (chart_area.top()..chart_area.bottom())
        .rev()
        .flat_map(|y| (chart_area.left()..chart_area.right()).map(move |x| (x, y)))
        .find(|at| buf[*at].symbol() == corner)
        .map(|(x, y)| Rect {
            x: x + 1,
            y: chart_area.top(),
            width: chart_area.right().saturating_sub(x + 1),
            height: y.saturating_sub(chart_area.top()),
        })
        .filter(|graph| graph.width > 1 && graph.height > 1)
}
