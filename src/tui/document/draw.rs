//! Writes rows straight into a ratatui `Buffer`: only the cells of the rows
//! asked for are touched, so drawing costs the visible area, not the document.

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::line::{Flow, LineView, ROLE_ORDER, Roles};
use super::wrap::hang_cells;
use crate::tui::theme::{TextStyle, Theme};

/// The theme's style for every role, looked up once per frame.
pub(super) struct Palette {
    styles: [Style; ROLE_ORDER.len()],
}

impl Palette {
    pub(super) fn new(theme: &Theme) -> Palette {
        Palette {
            styles: ROLE_ORDER.map(|role| theme.text(role)),
        }
    }

    /// The roles patched onto each other in `ROLE_ORDER`.
    pub(super) fn style(&self, roles: Roles) -> Style {
        let mut style = Style::default();
        let mut bits = roles.0;
        while bits != 0 {
            let index = bits.trailing_zeros() as usize;
            if let Some(role_style) = self.styles.get(index) {
                style = style.patch(*role_style);
            }
            bits &= bits - 1;
        }
        style
    }
}

/// Where a row goes: column, line and how many cells it may use.
#[derive(Clone, Copy)]
pub(super) struct Place {
    pub(super) x: u16,
    pub(super) y: u16,
    pub(super) max_cells: u16,
    /// The document's wrap width, which decides whether the hang is drawn.
    pub(super) width_cells: u16,
}

/// Draws row `row` of `line`.
pub(super) fn line_row(
    line: LineView,
    row: usize,
    place: Place,
    buf: &mut Buffer,
    palette: &Palette,
) {
    if let Some(fill) = line.fill {
        buf.set_style(
            Rect::new(place.x, place.y, place.max_cells, 1),
            palette.style(fill),
        );
    }
    if line.flow == Flow::Rule {
        let style = palette.style(Roles::of(TextStyle::Rule));
        for x in place.x..place.x.saturating_add(place.max_cells) {
            if let Some(cell) = buf.cell_mut((x, place.y)) {
                cell.set_symbol("─").set_style(style);
            }
        }
        return;
    }
    let Some(span) = line.rows.get(row) else {
        return;
    };
    let mut x = place.x;
    let mut left_cells = usize::from(place.max_cells);
    if row > 0 && hang_cells(line.hang, place.width_cells) > 0 {
        let style = palette.style(line.hang_roles);
        x = put_str(buf, x, place.y, line.hang, left_cells, style);
        left_cells = left_cells.saturating_sub(usize::from(x.saturating_sub(place.x)));
    }
    let mut from = span.start;
    let mut run_index = line.runs.partition_point(|run| run.end <= from);
    while from < span.end && left_cells > 0 {
        let Some(run) = line.runs.get(run_index) else {
            break;
        };
        let to = run.end.min(span.end);
        let piece = line.text.get(from as usize..to as usize).unwrap_or("");
        let next_x = put_str(buf, x, place.y, piece, left_cells, palette.style(run.roles));
        left_cells = left_cells.saturating_sub(usize::from(next_x.saturating_sub(x)));
        x = next_x;
        from = to;
        run_index += 1;
    }
}

/// The header row of a reasoning block.
pub(super) fn reasoning_header(
    collapsed: bool,
    words: usize,
    place: Place,
    buf: &mut Buffer,
    palette: &Palette,
) {
    let text = match (collapsed, words) {
        (false, _) => "▾ reasoning".to_string(),
        (true, 1) => "▸ reasoning · 1 word".to_string(),
        (true, words) => format!("▸ reasoning · {words} words"),
    };
    let style = palette.style(Roles::of(TextStyle::ReasoningHeader));
    buf.set_stringn(place.x, place.y, text, usize::from(place.max_cells), style);
}

/// Draws `text` from (x, y), at most `max_cells` wide; returns the column
/// after it. Printable ASCII, most of any answer, is written cell by cell
/// with the same result as `Buffer::set_stringn` but without its grapheme
/// segmentation, which dominated the frame; anything else goes through it.
fn put_str(buf: &mut Buffer, x: u16, y: u16, text: &str, max_cells: usize, style: Style) -> u16 {
    if !text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return buf.set_stringn(x, y, text, max_cells, style).0;
    }
    let cells = row_cells(buf, x, y, text.len().min(max_cells));
    let written = cells.len();
    for (cell, byte) in cells.iter_mut().zip(text.bytes()) {
        cell.set_char(char::from(byte)).set_style(style);
    }
    x.saturating_add(u16::try_from(written).unwrap_or(u16::MAX))
}

/// The cells from (x, y) rightwards, at most `count` and never past the buffer's edge.
fn row_cells(buf: &mut Buffer, x: u16, y: u16, count: usize) -> &mut [Cell] {
    let area = buf.area;
    if x < area.left() || x >= area.right() || y < area.top() || y >= area.bottom() {
        return &mut [];
    }
    let count = count.min(usize::from(area.right() - x));
    let start = usize::from(y - area.y) * usize::from(area.width) + usize::from(x - area.x);
    buf.content.get_mut(start..start + count).unwrap_or(&mut [])
}
