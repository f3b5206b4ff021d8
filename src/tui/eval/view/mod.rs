//! Drawing the live view: pure functions of the state. Only what is
//! visible is drawn (the rows of the grid on screen, the open case), so a
//! frame costs the same after ten results or ten thousand; the summary and
//! front are computed by the reducer, not here.

mod case;
mod chart;
mod grid;
mod help;
mod summary;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use crate::eval::record::{Digest, Outcome};
use crate::router::pricing::format_usd;
use crate::tui::theme::Theme;

use super::keys::hints;
use super::layout;
use super::state::{EvalView, Overlay, Phase, Slot};

pub fn draw(frame: &mut Frame, view: &EvalView) {
    let area = frame.area();
    let areas = layout::areas(area, view.columns.len());
    header(frame, areas.header, view);
    grid::draw(frame.buffer_mut(), areas.grid, view);
    summary::draw(frame.buffer_mut(), areas.summary, view);
    if let Some(rect) = areas.chart {
        chart::draw(frame.buffer_mut(), rect, view);
    }
    footer(frame, areas.footer, view);
    draw_overlay(frame, area, view, &view.overlay);
    crate::tui::glyphs::settle(frame.buffer_mut());
}

fn draw_overlay(frame: &mut Frame, area: Rect, view: &EvalView, overlay: &Overlay) {
    match overlay {
        Overlay::None => {}
        Overlay::Help { scroll, under } => {
            draw_overlay(frame, area, view, under);
            help::draw(frame.buffer_mut(), area, view, *scroll);
        }
        Overlay::Chart => {
            let rect = Rect {
                height: area.height.saturating_sub(1),
                ..area
            };
            Clear.render(rect, frame.buffer_mut());
            chart::draw(frame.buffer_mut(), rect, view);
        }
        Overlay::Case(open) => {
            let rect = Rect {
                height: area.height.saturating_sub(1),
                ..area
            };
            case::draw(frame.buffer_mut(), rect, view, open);
        }
    }
}

fn header(frame: &mut Frame, area: Rect, view: &EvalView) {
    let theme = &view.theme;
    let tally = &view.tally;
    let (state, style) = match &view.phase {
        Phase::Running => ("running", theme.warning()),
        Phase::Finished => ("finished", theme.free()),
        Phase::Interrupted => ("stopped", theme.warning()),
        Phase::Failed(_) => ("failed", theme.error()),
    };
    let mut spans = vec![
        Span::styled(format!(" {} · ", fit(&view.title, 32)), theme.title()),
        Span::styled(state, style),
        Span::raw(format!(" {}/{}", tally.done, tally.total)),
        Span::styled(format!(" ✓{}", tally.passed), theme.free()),
        Span::styled(format!(" ✗{}", tally.failures), theme.warning()),
        Span::styled(format!(" !{}", tally.errors), theme.error()),
        Span::raw(format!(" · {} spent", format_usd(tally.spent_usd))),
    ];
    if tally.running > 0 {
        spans.push(Span::styled(
            format!(" · {} in flight", tally.running),
            theme.hint(),
        ));
    }
    if tally.skipped > 0 {
        spans.push(Span::styled(
            format!(" · {} skipped for budget", tally.skipped),
            theme.warning(),
        ));
    }
    // Last: a narrow screen cuts the id first (the footer and the exit name it too).
    spans.push(Span::styled(
        format!(" · run {}", view.run_id),
        theme.hint(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn footer(frame: &mut Frame, area: Rect, view: &EvalView) {
    let theme = &view.theme;
    let place = view.overlay.place();
    let mut spans = Vec::new();
    if let Some(notice) = &view.notice {
        spans.push(Span::styled(format!(" {notice} "), theme.warning()));
        spans.push(Span::raw("·"));
    }
    for (keys, word) in hints(place) {
        spans.push(Span::styled(format!(" {keys}"), theme.key()));
        spans.push(Span::styled(format!(" {word} "), theme.hint()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `text` cut to `width` columns, ending in "…" when cut.
pub(super) fn fit(text: &str, width: usize) -> String {
    crate::tui::picker::truncated(text, u16::try_from(width).unwrap_or(u16::MAX))
}

/// `text` fitted and padded to exactly `width` columns.
pub(super) fn pad(text: &str, width: usize) -> String {
    let fitted = fit(text, width);
    let room = width.saturating_sub(fitted.width());
    format!("{fitted}{}", " ".repeat(room))
}

/// A result's mark in the grid and the case view.
pub(super) fn mark(slot: Slot, digest: Option<&Digest>) -> &'static str {
    match (slot, digest.map(|d| d.outcome)) {
        (Slot::Done(_), Some(Outcome::Pass)) => "✓",
        (Slot::Done(_), Some(Outcome::Fail)) => "✗",
        (Slot::Done(_), Some(Outcome::Error)) => "!",
        (Slot::Done(_), Some(Outcome::Ungraded)) => "?",
        (Slot::Running, _) => "…",
        (Slot::SkippedForBudget, _) => "$",
        (Slot::Pending | Slot::Done(_), _) => "·",
    }
}

pub(super) fn outcome_style(outcome: Option<Outcome>, theme: &Theme) -> Style {
    match outcome {
        Some(Outcome::Pass) => theme.free(),
        Some(Outcome::Fail) => theme.warning(),
        Some(Outcome::Error) => theme.error(),
        Some(Outcome::Ungraded) | None => theme.hint(),
    }
}

#[cfg(test)]
mod tests;
