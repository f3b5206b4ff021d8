//! The view's help: every key, read from the view's keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use crate::tui::boxes::{centered, framed};

use super::super::keys::help_sections;
use super::super::state::EvalView;

pub fn draw(buf: &mut Buffer, area: Rect, view: &EvalView, scroll: u16) {
    let theme = &view.theme;
    let mut lines = Vec::new();
    for (title, rows) in help_sections() {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(title, theme.title()));
        for (keys, what) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<8} "), theme.key()),
                Span::raw(what),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Marks: ✓ pass · ✗ fail · ! error · ? ungraded · … running · · pending · $ skipped for budget",
        theme.hint(),
    ));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, 96, height);
    Clear.render(rect, buf);
    let block = framed(theme, false).title(Line::styled(
        " Keys · ↑↓ scroll · Esc closes ",
        theme.title(),
    ));
    let inner = block.inner(rect);
    block.render(rect, buf);
    Paragraph::new(lines).scroll((scroll, 0)).render(inner, buf);
}
