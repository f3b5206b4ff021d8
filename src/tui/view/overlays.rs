//! The smaller overlays: the word diff, the leaderboard, naming the
//! session, and a pane's details. Their boxes come from the layout and
//! their key hints from the keymap; their scroll is the reducer's.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui_textarea::TextArea;

use crate::session::leaderboard::Source;
use crate::tui::boxes::{centered, noted_box, overlay_box};
use crate::tui::diff::DiffView;
use crate::tui::keymap::Context;
use crate::tui::layout;
use crate::tui::state::{LeaderboardView, TextView};
use crate::tui::text_page::{self, TextRow};
use crate::tui::theme::{TextStyle, Theme};

pub fn diff(frame: &mut Frame, area: Rect, view: &DiffView, theme: &Theme) {
    let rect = layout::diff_box(area);
    let title = Line::from(vec![
        Span::styled(" Diff ", theme.title()),
        Span::raw(format!("{} → {} ", view.left, view.right)),
        Span::styled(
            format!("+{} words ", view.added_words),
            theme.text(TextStyle::Added),
        ),
        Span::styled(
            format!("−{} words ", view.removed_words),
            theme.text(TextStyle::Removed),
        ),
    ]);
    noted_box(
        frame.buffer_mut(),
        rect,
        title,
        Context::Diff,
        Some("underlined: only in the second · struck: only in the first"),
        theme,
    );
    view.render(layout::diff_text(area), frame.buffer_mut(), theme);
}

pub fn leaderboard(frame: &mut Frame, area: Rect, view: &LeaderboardView, theme: &Theme) {
    let rect = layout::leaderboard_box(area);
    const SOURCES: &[&str] = &["your votes", "judge verdicts", "both"];
    const FILTERS: &[&str] = &["all", "blind", "sighted"];
    let choices = |names: &'static [&'static str], chosen: usize| {
        names.iter().enumerate().map(move |(i, name)| {
            let style = if i == chosen {
                theme.selected()
            } else {
                theme.hint()
            };
            Span::styled(format!(" {name} "), style)
        })
    };
    let title: Vec<Span> = std::iter::once(Span::styled(" Leaderboard · ", theme.title()))
        .chain(choices(SOURCES, view.source))
        .chain(std::iter::once(Span::styled(" · ", theme.title())))
        .chain(choices(FILTERS, view.shown))
        .collect();
    let inner = overlay_box(
        frame.buffer_mut(),
        rect,
        Line::from(title),
        Context::Leaderboard,
        theme,
    );
    let Some(board) = view.board() else {
        let text = if view.boards.is_none() {
            "reading every session…"
        } else {
            ""
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.hint())), inner);
        return;
    };
    let mut lines: Vec<Line> = view
        .method_lines(inner.width)
        .into_iter()
        .map(|line| Line::styled(line, theme.hint()))
        .collect();
    if let Some(problem) = view.problems.first() {
        lines.push(Line::styled(format!("skipped: {problem}"), theme.warning()));
    }
    for agreed in &board.agreement {
        lines.push(Line::raw(format!(
            "judge {} agreed with you on {} of {} turns you both voted on ({:.0}%)",
            crate::sanitize::one_line(&agreed.judge),
            agreed.agreed,
            agreed.turns,
            agreed.rate * 100.0
        )));
    }
    lines.push(Line::raw(""));
    if board.rows.is_empty() {
        lines.push(Line::raw(match board.source {
            Source::Judge => "No judge verdicts yet. After a turn, press J in a pane (or F4) to ask the judge.",
            Source::Me | Source::Both => "No votes yet. After a turn, press Ctrl+V, then the number of the best pane (t for a tie, n if all were bad).",
        }));
    } else {
        lines.push(Line::styled(
            format!(
                "{:>3}  {:<40} {:>6} {:>13} {:>6} {:>9} {:>20} {:>10} {:>8}",
                "#",
                "model",
                "rating",
                "95% interval",
                "votes",
                "W/L/T",
                "avg cost",
                "med ttft",
                "tok/s"
            ),
            theme.title(),
        ));
        let shown = board.rows.iter().enumerate().skip(view.scroll.offset());
        for (rank, row) in shown.take(view.scroll.page()) {
            let model: String = crate::sanitize::one_line(&row.model)
                .chars()
                .take(40)
                .collect();
            // Unpriced answers are counted, not hidden behind a "?".
            let cost = row.avg_cost_text();
            let ttft = row
                .median_ttft_ms
                .map_or("-".to_string(), crate::units::duration_ms);
            let rate = row
                .median_tokens_per_s
                .map_or("-".to_string(), |r| format!("{r:.0}"));
            lines.push(Line::raw(format!(
                "{:>3}  {:<40} {:>6.0} {:>13} {:>6} {:>9} {:>20} {:>10} {:>8}",
                rank + 1,
                model,
                row.rating,
                format!("{:.0}–{:.0}", row.rating_low, row.rating_high),
                row.votes,
                format!("{}/{}/{}", row.wins, row.losses, row.ties),
                cost,
                ttft,
                rate
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn rename(frame: &mut Frame, area: Rect, field: &TextArea<'static>, theme: &Theme) {
    let rect = centered(area, 64.min(area.width), 4);
    let title = Line::styled(" Name this session ", theme.title());
    let inner = overlay_box(frame.buffer_mut(), rect, title, Context::Rename, theme);
    frame.render_widget(field, Rect::new(inner.x, inner.y, inner.width, 1));
    if inner.height > 1 {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "empty: named by its first prompt",
                theme.hint(),
            )),
            Rect::new(inner.x, inner.y + 1, inner.width, 1),
        );
    }
}

/// A page of text lines (details, the judge's verdict, agreement), with
/// the hints of `context`.
pub fn details(frame: &mut Frame, area: Rect, view: &TextView, context: Context, theme: &Theme) {
    let rect = layout::details_box(area);
    let title = Line::styled(format!(" {} ", view.title), theme.title());
    let inner = overlay_box(frame.buffer_mut(), rect, title, context, theme);
    // Long lines wrap (the reducer counts the same rows for scrolling).
    let lines: Vec<Line> = text_page::rows(&view.lines, inner.width)
        .into_iter()
        .skip(view.scroll.offset())
        .take(usize::from(inner.height))
        .map(|row| match row {
            TextRow::Labelled { label, value } => {
                Line::from(vec![Span::styled(label, theme.key()), Span::raw(value)])
            }
            TextRow::Heading(text) => Line::styled(text, theme.title()),
            TextRow::Plain(text) => Line::raw(text),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
