//! The help overlay: every binding, read from the keymap itself, the
//! focused part's first, laid out by `layout::help` (two columns when the
//! terminal is wide enough) and scrolled by the reducer when it is short.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::boxes::overlay_box;
use crate::tui::keymap::Context;
use crate::tui::layout::{self, HelpLine};
use crate::tui::scroll::ScrollView;
use crate::tui::state::{AppState, Focus};
use crate::tui::theme::Theme;

fn styled(lines: &[HelpLine], theme: &Theme) -> Vec<Line<'static>> {
    lines
        .iter()
        .map(|line| match line {
            HelpLine::Blank => Line::raw(""),
            HelpLine::Title(title) => Line::styled(*title, theme.title()),
            HelpLine::Row { keys, what } => Line::from(vec![
                Span::styled(keys.clone(), theme.key()),
                Span::raw(what.clone()),
            ]),
        })
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, scroll: ScrollView) {
    let theme = &state.settings.theme;
    let focused = match state.workspace.focus {
        Focus::Editor => Context::Editor,
        Focus::Pane(_) => Context::Pane,
    };
    let help = layout::help(area, focused);
    let title = if scroll.scrolls() {
        " Keys · ↑↓ scroll "
    } else {
        " Keys "
    };
    let title = Line::styled(title, theme.title());
    let inner = overlay_box(frame.buffer_mut(), help.rect, title, Context::Help, theme);
    let count = u16::try_from(help.columns.len()).unwrap_or(1).max(1);
    let column_width = inner.width.saturating_sub(count - 1) / count;
    let offset = u16::try_from(scroll.offset()).unwrap_or(u16::MAX);
    for (index, lines) in (0u16..).zip(&help.columns) {
        let x = inner.x + index * (column_width + 1);
        let rect = Rect::new(x, inner.y, column_width, inner.height);
        frame.render_widget(
            Paragraph::new(styled(lines, theme)).scroll((offset, 0)),
            rect,
        );
    }
}
