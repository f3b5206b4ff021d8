//! The smaller overlays: the word diff, the leaderboard, and naming the session.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

use crate::tui::diff::DiffView;
use crate::tui::state::{LeaderboardView, TextView};
use crate::tui::theme::{TextStyle, Theme};

use super::{centered, overlay_block};

fn frame_box(
    frame: &mut Frame,
    rect: Rect,
    title: Line<'static>,
    bottom: &str,
    theme: &Theme,
) -> Rect {
    frame.render_widget(Clear, rect);
    let block = overlay_block(theme)
        .title(title)
        .title_bottom(Line::styled(bottom.to_string(), theme.hint()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

pub fn diff(frame: &mut Frame, area: Rect, view: &DiffView, theme: &Theme) {
    let rect = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
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
    let inner = frame_box(
        frame,
        rect,
        title,
        " underlined: only in the second · struck: only in the first · ↑↓ PgUp PgDn scroll · any other key closes ",
        theme,
    );
    view.render(inner, frame.buffer_mut(), theme);
}

pub fn leaderboard(frame: &mut Frame, area: Rect, view: &LeaderboardView, theme: &Theme) {
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(130),
        area.height.saturating_sub(2),
    );
    let filters = ["all votes", "blind votes", "sighted votes"];
    let mut title = vec![Span::styled(" Leaderboard · ", theme.title())];
    for (i, name) in filters.iter().enumerate() {
        let style = if i == view.shown {
            theme.selected()
        } else {
            theme.hint()
        };
        title.push(Span::styled(format!(" {name} "), style));
    }
    let inner = frame_box(
        frame,
        rect,
        Line::from(title),
        " Tab: all / blind / sighted · ↑↓ scroll · any other key closes ",
        theme,
    );
    let mut lines: Vec<Line> = Vec::new();
    let Some(boards) = &view.boards else {
        frame.render_widget(
            Paragraph::new(Line::styled("reading every session…", theme.hint())),
            inner,
        );
        return;
    };
    let Some(board) = boards.get(view.shown) else {
        return;
    };
    lines.push(Line::styled(
        format!(
            "{} · {} votes counted{}",
            board.method,
            board.votes,
            board
                .filter
                .word()
                .map_or(String::new(), |w| format!(" ({w} only)"))
        ),
        theme.hint(),
    ));
    if let Some(problem) = view.problems.first() {
        lines.push(Line::styled(format!("skipped: {problem}"), theme.warning()));
    }
    lines.push(Line::raw(""));
    if board.rows.is_empty() {
        lines.push(Line::raw(
            "No votes yet. After a turn, press Ctrl+V, then the number of the best pane (t for a tie, n if all were bad).",
        ));
    } else {
        lines.push(Line::styled(
            format!(
                "{:>3}  {:<40} {:>6} {:>15} {:>6} {:>12} {:>11} {:>10} {:>8}",
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
        // Rows past the box's height would be cut anyway.
        let shown = board.rows.iter().enumerate().skip(view.scroll);
        for (rank, row) in shown.take(inner.height as usize) {
            let model: String = crate::sanitize::one_line(&row.model)
                .chars()
                .take(40)
                .collect();
            let cost = row
                .avg_cost_usd
                .map_or("?".to_string(), |c| format!("${c:.5}"));
            let ttft = row
                .median_ttft_ms
                .map_or("-".to_string(), crate::units::duration_ms);
            let rate = row
                .median_tokens_per_s
                .map_or("-".to_string(), |r| format!("{r:.0}"));
            lines.push(Line::raw(format!(
                "{:>3}  {:<40} {:>6.0} {:>15} {:>6} {:>12} {:>11} {:>10} {:>8}",
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
    let inner = frame_box(
        frame,
        rect,
        Line::styled(" Name this session ", theme.title()),
        " Enter saves · Esc cancels · empty: named by its first prompt ",
        theme,
    );
    frame.render_widget(field, inner);
}

pub fn details(frame: &mut Frame, area: Rect, view: &TextView, theme: &Theme) {
    let rect = centered(
        area,
        area.width.saturating_sub(6).min(120),
        area.height.saturating_sub(2),
    );
    let inner = frame_box(
        frame,
        rect,
        Line::styled(format!(" {} ", view.title), theme.title()),
        " ↑↓ PgUp PgDn scroll · any other key closes ",
        theme,
    );
    let lines: Vec<Line> = view
        .lines
        .iter()
        .skip(view.scroll)
        .take(inner.height as usize)
        .map(|line| match line.split_once('\t') {
            Some((label, value)) => Line::from(vec![
                Span::styled(format!("{label:<18}"), theme.key()),
                Span::raw(value.to_string()),
            ]),
            None if line.ends_with(':') => Line::styled(line.clone(), theme.title()),
            None => Line::raw(line.clone()),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
