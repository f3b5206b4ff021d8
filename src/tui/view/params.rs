//! The parameter form overlay: system prompt, temperature, max tokens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use crate::tui::params::{Field, ParamsForm, ParamsScope};
use crate::tui::theme::Theme;

use super::centered;

pub fn draw(frame: &mut Frame, area: Rect, form: &ParamsForm, theme: &Theme) {
    let rect = centered(area, 76, 15);
    frame.render_widget(Clear, rect);
    let scope = match form.scope {
        ParamsScope::All => "all panes".to_string(),
        ParamsScope::Pane(_) => format!("pane {}", form.title),
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(Line::styled(
            format!(" Parameters · {scope} "),
            theme.title(),
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut y = inner.y;
    for (index, field) in Field::ALL.iter().enumerate() {
        if y + 2 > inner.bottom() {
            break;
        }
        let focused = index == form.focus;
        let label_style = if focused { theme.key() } else { theme.hint() };
        frame.render_widget(
            Paragraph::new(Line::styled(field.label(), label_style)),
            Rect::new(inner.x, y, inner.width, 1),
        );
        let height = if *field == Field::System { 3 } else { 1 };
        let height = height.min(inner.bottom().saturating_sub(y + 1));
        let input = Rect::new(inner.x + 2, y + 1, inner.width.saturating_sub(2), height);
        frame.render_widget(&form.fields[index], input);
        y += height + 2;
    }
    let note = match &form.error {
        Some(error) => Line::styled(error.clone(), theme.error()),
        None => Line::styled(
            "Empty means not set (the server's default, or for a pane the shared value). Tab moves, Enter applies, Esc cancels.",
            theme.hint(),
        ),
    };
    if inner.height > 0 {
        frame.render_widget(
            Paragraph::new(note).wrap(ratatui::widgets::Wrap { trim: true }),
            Rect::new(inner.x, inner.bottom().saturating_sub(2), inner.width, 2),
        );
    }
}
