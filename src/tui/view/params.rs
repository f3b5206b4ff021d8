//! The parameter form overlay: system prompt, temperature, max tokens, and
//! OpenRouter's provider preferences; labels on the left, fields on the right.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::boxes::{centered, hint_line, overlay_block};
use crate::tui::keymap::Context;
use crate::tui::params::{Field, ParamsForm, ParamsScope};
use crate::tui::theme::Theme;

/// Short labels for the left column; the full wording is in `Field::label`.
fn short_label(field: Field) -> &'static str {
    match field {
        Field::System => "System prompt",
        Field::Temperature => "Temperature (0-2)",
        Field::MaxTokens => "Max tokens",
        Field::Sort => "Sort upstreams by",
        Field::Order => "Try upstreams in order",
        Field::Only => "Only upstreams",
        Field::Ignore => "Never upstreams",
        Field::AllowFallbacks => "Allow other upstreams",
        Field::DenyDataCollection => "No data collection",
        Field::MaxPrice => "Max $/1M in,out",
        Field::Variant => "Variant",
    }
}

fn hint(field: Field) -> &'static str {
    match field {
        Field::Sort => "price, throughput or latency",
        Field::Order | Field::Only | Field::Ignore => "comma-separated, e.g. openai, azure",
        Field::AllowFallbacks | Field::DenyDataCollection => "yes or no",
        Field::MaxPrice => "e.g. 1,2",
        Field::Variant => "free, nitro, floor or online",
        Field::System | Field::Temperature | Field::MaxTokens => "",
    }
}

pub fn draw(frame: &mut Frame, area: Rect, form: &ParamsForm, theme: &Theme) {
    // Fields, a section line before the provider preferences, the note.
    let rows: u16 = Field::ALL.iter().map(|f| f.rows()).sum::<u16>() + 1 + 3;
    let rect = centered(area, 96, rows + 2);
    frame.render_widget(Clear, rect);
    let scope = match form.scope {
        ParamsScope::All => "all panes".to_string(),
        ParamsScope::Pane(_) => format!("pane {}", form.title),
    };
    let block = overlay_block(theme)
        .title(Line::styled(
            format!(" Parameters · {scope} "),
            theme.title(),
        ))
        .title_bottom(hint_line(Context::Params, rect.width, theme));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let label_width = 24.min(inner.width / 3);
    let input_x = inner.x + label_width + 1;
    let input_width = inner.width.saturating_sub(label_width + 1);
    // On a short terminal, scroll so the focused field stays in view.
    let focus_row: u16 = Field::ALL
        .iter()
        .take(form.focus)
        .map(|f| f.rows())
        .sum::<u16>()
        + u16::from(form.focus >= 3);
    let room = inner.height.saturating_sub(3);
    let skip = (focus_row + Field::ALL[form.focus].rows()).saturating_sub(room);
    let mut y = inner.y;
    let mut row: u16 = 0;
    let mut put = |frame: &mut Frame, rows: u16, draw: &mut dyn FnMut(&mut Frame, u16)| {
        if row >= skip && y + rows <= inner.y + room {
            draw(frame, y);
            y += rows;
        }
        row += rows;
    };
    for (index, field) in Field::ALL.iter().enumerate() {
        if *field == Field::Sort {
            put(frame, 1, &mut |frame, y| {
                frame.render_widget(
                    Paragraph::new(Line::styled(
                        "OpenRouter provider preferences (other servers are not sent them)",
                        theme.title(),
                    )),
                    Rect::new(inner.x, y, inner.width, 1),
                );
            });
        }
        let focused = index == form.focus;
        let rows = field.rows();
        put(frame, rows, &mut |frame, y| {
            let label_style = if focused { theme.key() } else { theme.hint() };
            frame.render_widget(
                Paragraph::new(Line::styled(short_label(*field), label_style)),
                Rect::new(inner.x, y, label_width, 1),
            );
            let input = Rect::new(input_x, y, input_width, rows);
            frame.render_widget(&form.fields[index], input);
            let value_empty = form.fields[index].lines().iter().all(|l| l.is_empty());
            if value_empty && !focused && !hint(*field).is_empty() {
                frame.render_widget(
                    Paragraph::new(Line::styled(hint(*field), theme.hint())),
                    input,
                );
            }
        });
    }
    let note = match &form.error {
        Some(error) => Line::styled(error.clone(), theme.error()),
        None => Line::styled(
            "Empty means not set (the server's default, or for a pane the shared value).",
            theme.hint(),
        ),
    };
    frame.render_widget(
        Paragraph::new(note).wrap(Wrap { trim: true }),
        Rect::new(
            inner.x,
            inner.bottom().saturating_sub(2),
            inner.width,
            2.min(inner.height),
        ),
    );
}
