//! Draws the picker: a centred box with the query line, a header, the rows
//! (mark, reference with its matched letters, name, context, $/1M in and out,
//! a free tag), a status line and key hints. Narrow boxes drop the name
//! column first, then the context, then the prices.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

use super::table::{
    Columns, draw_header, highlighted, right_aligned, skip_width, truncated, unlisted_note,
};
use super::{PickerPurpose, PickerState, Row};
use crate::router::catalog::{SortKey, format_context};
use crate::router::pricing::{Price, format_per_million};
use crate::tui::boxes::{centered, hint_line};
use crate::tui::keymap::Context;
use crate::tui::theme::Theme;

/// The smallest box worth drawing, when the screen has room for it.
const MIN_BOX_WIDTH: u16 = 40;
const MIN_BOX_HEIGHT: u16 = 10;

/// Where the parts of the overlay go on a screen of `area`.
struct Geometry {
    outer: Rect,
    inner: Rect,
    /// The status line, when there is room for one.
    status: Option<u16>,
    /// The header row, when there is room for one.
    header: Option<u16>,
    list: Rect,
}

impl Geometry {
    fn of(area: Rect) -> Geometry {
        let outer = centred_box(area);
        let inner = Block::bordered().inner(outer);
        let mut top = inner.y.saturating_add(1);
        let mut bottom = inner.bottom();
        let status = (inner.height >= 4).then(|| {
            bottom -= 1;
            bottom
        });
        let header = (bottom > top).then(|| {
            top += 1;
            top - 1
        });
        let list = Rect::new(inner.x, top, inner.width, bottom.saturating_sub(top));
        Geometry {
            outer,
            inner,
            status,
            header,
            list,
        }
    }
}

/// The rows the list shows on a screen of `area`: the picker's page.
pub fn list_rows(area: Rect) -> u16 {
    Geometry::of(area).list.height
}

pub(super) fn render(state: &PickerState, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let geometry = Geometry::of(area);
    let (area, inner) = (geometry.outer, geometry.inner);
    if area.is_empty() {
        return;
    }
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_style(theme.border(true))
        .title(title(state, theme))
        .title_bottom(hint_line(Context::Picker, area.width, theme));
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let text_width = inner.width.saturating_sub(2);
    draw_query(state, inner.x + 1, inner.y, text_width, buf, theme);
    if let Some(y) = geometry.status {
        buf.set_line(
            inner.x + 1,
            y,
            &status(state, text_width, theme),
            text_width,
        );
    }
    let (reference_wanted, name_wanted) = state.wanted_widths;
    let columns = Columns::fit(inner.width, reference_wanted, name_wanted);
    if let Some(y) = geometry.header {
        draw_header(&columns, inner.x, y, buf, theme);
    }
    draw_list(state, &columns, geometry.list, buf, theme);
}

/// About 90% × 80% of `area`, at least 40 × 10 when `area` allows, centred.
fn centred_box(area: Rect) -> Rect {
    let width = (area.width * 9 / 10).max(MIN_BOX_WIDTH);
    let height = (area.height * 8 / 10).max(MIN_BOX_HEIGHT);
    centered(area, width, height)
}

fn title(state: &PickerState, theme: &Theme) -> Line<'static> {
    let purpose = match state.purpose {
        PickerPurpose::Columns => "choose columns",
        PickerPurpose::Fallback => "fallback chain",
    };
    Line::from(vec![
        Span::styled(format!(" Models · {purpose} "), theme.title()),
        Span::styled(
            format!("({} of {}) ", state.visible.len(), state.rows.len()),
            theme.hint(),
        ),
    ])
}

fn draw_query(state: &PickerState, x: u16, y: u16, width: u16, buf: &mut Buffer, theme: &Theme) {
    let mut spans = vec![
        Span::styled("> ", theme.key()),
        Span::raw(state.query.as_str()),
        Span::raw("█"),
    ];
    if state.query.is_empty() {
        spans.push(Span::styled(" type to search ids and names", theme.hint()));
    }
    // Keep the end of a long query (and the cursor) in view.
    let line = Line::from(spans);
    let overflow = line.width().saturating_sub(usize::from(width));
    if overflow == 0 {
        buf.set_line(x, y, &line, width);
    } else {
        let tail = skip_width(&state.query, overflow + 1);
        let line = Line::from(vec![
            Span::styled(">…", theme.key()),
            Span::raw(tail),
            Span::raw("█"),
        ]);
        buf.set_line(x, y, &line, width);
    }
}

/// "sort: price · all prices · <status>", the status cut to fit `width`.
fn status(state: &PickerState, width: u16, theme: &Theme) -> Line<'static> {
    let sort = match state.sort {
        SortKey::Price => "price",
        SortKey::Context => "context",
        SortKey::Name => "name",
        SortKey::Created => "newest",
    };
    let mut spans = vec![
        Span::styled("sort: ", theme.hint()),
        Span::raw(sort),
        Span::styled(" · ", theme.hint()),
    ];
    if state.free_only {
        spans.push(Span::styled("free only", theme.free()));
    } else {
        spans.push(Span::styled("all prices", theme.hint()));
    }
    if !state.status.is_empty() {
        spans.push(Span::styled(" · ", theme.hint()));
        let used = spans.iter().map(Span::width).sum::<usize>();
        let room = u16::try_from(usize::from(width).saturating_sub(used)).unwrap_or(0);
        spans.push(Span::styled(truncated(&state.status, room), theme.hint()));
    }
    Line::from(spans)
}

fn draw_list(state: &PickerState, columns: &Columns, list: Rect, buf: &mut Buffer, theme: &Theme) {
    if list.height == 0 {
        return;
    }
    if state.visible.is_empty() {
        let message = if state.rows.is_empty() {
            "no models yet".to_string()
        } else if state.query.is_empty() {
            "no free models".to_string()
        } else {
            format!("no model matches \"{}\"", state.query)
        };
        let x = list.x + columns.reference;
        let width = usize::from(list.width.saturating_sub(columns.reference));
        buf.set_stringn(x, list.y, message, width, theme.hint());
        return;
    }

    let height = usize::from(list.height);
    // The reducer keeps the cursor on its page; a screen of another size
    // than it was told (a test drawing at any size) still shows the cursor.
    let mut offset = state.scroll_offset;
    if state.cursor >= offset + height {
        offset = state.cursor + 1 - height;
    }
    let painter = RowPainter {
        state,
        columns,
        theme,
        x: list.x,
    };
    for (line, &row_index) in state.visible.iter().enumerate().skip(offset).take(height) {
        let row = &state.rows[row_index];
        let y = list.y + u16::try_from(line - offset).unwrap_or(0);
        if line == state.cursor {
            buf.set_style(Rect::new(list.x, y, list.width, 1), theme.selected());
        }
        let matched = line
            .checked_sub(state.scroll_offset)
            .and_then(|on_page| state.highlights.get(on_page))
            .map_or(&[][..], Vec::as_slice);
        painter.draw(row, y, matched, buf);
    }
}

/// What drawing one row needs besides the row itself.
struct RowPainter<'a> {
    state: &'a PickerState,
    columns: &'a Columns,
    theme: &'a Theme,
    /// Left edge of the list.
    x: u16,
}

impl RowPainter<'_> {
    fn draw(&self, row: &Row, y: u16, matched: &[u32], buf: &mut Buffer) {
        let (state, columns, theme, x) = (self.state, self.columns, self.theme, self.x);
        let reference = row.entry.reference.as_str();
        let (mark, mark_style) = match (state.purpose, state.mark_position(reference)) {
            // The marking order is the panes' order: shown, as for chains.
            (PickerPurpose::Columns, Some(position @ ..=9)) => {
                (format!("[{position}]"), theme.key())
            }
            (PickerPurpose::Columns, Some(position)) => (format!("{position:>3}"), theme.key()),
            (PickerPurpose::Columns, None) => ("[ ]".to_string(), theme.hint()),
            (PickerPurpose::Fallback, Some(position)) => (format!("{position:>2}."), theme.key()),
            (PickerPurpose::Fallback, None) => (String::new(), theme.hint()),
        };
        buf.set_stringn(
            x + columns.mark,
            y,
            mark,
            usize::from(columns.mark_width),
            mark_style,
        );

        let spans = highlighted(
            &row.shown_reference,
            0,
            columns.reference_width,
            matched,
            theme,
        );
        buf.set_line(
            x + columns.reference,
            y,
            &Line::from(spans),
            columns.reference_width,
        );

        let model = &row.entry.model;
        if columns.name_width > 0 {
            let line = if row.listed {
                // The haystack is "reference name": the name starts after the space.
                let offset = row.shown_reference.chars().count() + 1;
                Line::from(highlighted(
                    &row.shown_name,
                    offset,
                    columns.name_width,
                    matched,
                    theme,
                ))
            } else {
                let (note, problem) = unlisted_note(reference);
                let style = if problem {
                    theme.warning()
                } else {
                    theme.hint()
                };
                Line::styled(truncated(&note, columns.name_width), style)
            };
            buf.set_line(x + columns.name, y, &line, columns.name_width);
        }
        let context = model
            .context_length
            .map_or_else(|| "?".to_string(), format_context);
        let context_style = if model.context_length.is_some() {
            Style::default()
        } else {
            theme.hint()
        };
        right_aligned(
            buf,
            x + columns.context,
            y,
            columns.context_width,
            &context,
            context_style,
        );
        let price_style = |price: Price| match price {
            Price::Known(value) if value.is_zero() => theme.free(),
            Price::Known(_) => Style::default(),
            Price::Unknown => theme.hint(),
        };
        let prices = [
            (columns.input, model.pricing.prompt),
            (columns.output, model.pricing.completion),
        ];
        // A free model says so once, in the tag column; its prices are $0.
        let free = model.is_free();
        for (column, price) in prices {
            let text = match price {
                Price::Known(value) if free && value.is_zero() => "$0".to_string(),
                Price::Known(_) | Price::Unknown => format_per_million(price),
            };
            right_aligned(
                buf,
                x + column,
                y,
                columns.price_width,
                &text,
                price_style(price),
            );
        }
        if free {
            buf.set_stringn(
                x + columns.tag,
                y,
                "free",
                usize::from(columns.tag_width),
                theme.free(),
            );
        }
    }
}
