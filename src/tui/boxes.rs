//! The boxes every view draws: pane and editor borders, overlay boxes
//! centred on the screen with a title and a line of key hints.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use super::keymap::{self, Context, HintPlace};
use super::theme::Theme;

/// The border of a pane or the editor: thick when focused, rounded otherwise.
pub fn framed(theme: &Theme, focused: bool) -> Block<'static> {
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(theme.border(focused))
}

/// The border of an overlay box: rounded, in the focused colour.
pub fn overlay_block(theme: &Theme) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
}

/// A box of the given size centred in `area`, clipped to it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// The key hints of `context` that fit a border `width` wide, as a line.
pub fn hint_line(context: Context, width: u16, theme: &Theme) -> Line<'static> {
    let room = usize::from(width.saturating_sub(4));
    let hints = keymap::fitted_hints(context, HintPlace::Border, room, 3);
    let mut spans = vec![Span::raw(" ")];
    for (index, hint) in hints.iter().enumerate() {
        if index > 0 {
            spans.push(Span::styled(" · ", theme.hint()));
        }
        spans.push(Span::styled(hint.keys, theme.key()));
        spans.push(Span::styled(format!(" {}", hint.word), theme.hint()));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// Clears `rect` and draws an overlay box with `title` on top and the key
/// hints of `context` at the bottom; returns the inside.
pub fn overlay_box(
    buf: &mut Buffer,
    rect: Rect,
    title: Line<'static>,
    context: Context,
    theme: &Theme,
) -> Rect {
    noted_box(buf, rect, title, context, None, theme)
}

/// `overlay_box` with a note at the right of the bottom border (a legend),
/// when the hints leave room for it.
pub fn noted_box(
    buf: &mut Buffer,
    rect: Rect,
    title: Line<'static>,
    context: Context,
    note: Option<&str>,
    theme: &Theme,
) -> Rect {
    Clear.render(rect, buf);
    let hints = hint_line(context, rect.width, theme);
    let room = usize::from(rect.width.saturating_sub(2)).saturating_sub(hints.width() + 1);
    let mut block = overlay_block(theme).title(title).title_bottom(hints);
    if let Some(note) = note.filter(|n| n.chars().count() + 2 <= room) {
        block = block.title_bottom(Line::styled(format!(" {note} "), theme.hint()).right_aligned());
    }
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}
