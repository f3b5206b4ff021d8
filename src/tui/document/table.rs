//! Pipe tables (GitHub's): a header row, a delimiter row (`|---|:-:|--:|`)
//! and body rows, drawn as aligned columns separated by `│`, honouring each
//! column's alignment. Widths are display cells measured the way the
//! wrapper measures them; when the pane is narrower than the table, the
//! widest columns give up cells first and a cut cell ends in `…`.
//!
//! What a row looks like depends on every row's widths, so a table is the
//! one thing in an answer that is not styled line by line: [`Block`] keeps
//! the table being read and renders its rows again when a finished row
//! widens a column (see `Block::render_from_open`).
//!
//! [`Block`]: super::block::Block

use super::line::{Arena, LineWriter, Roles, expand_tabs};
use super::markdown;
use super::wrap::cluster_at;
use crate::tui::glyphs;
use crate::tui::theme::TextStyle;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Center,
    Right,
}

/// The columns of a table: their alignment and the widest cell seen in
/// each so far (capped, see [`WIDEST_CELL`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Shape {
    aligns: Vec<Align>,
    natural_cells: Vec<usize>,
}

/// No column is measured wider than this many cells: wider cells are cut
/// anyway on any pane, and the cap bounds how often a table re-aligns.
const WIDEST_CELL: usize = 200;

/// Between two columns.
const SEPARATOR: &str = " │ ";
const SEPARATOR_CELLS: usize = 3;

/// The cells of a table row: a line (indented at most 3 spaces) holding an
/// unescaped `|`, split at unescaped pipes, the outer pipes dropped and each
/// cell trimmed. None for any other line.
pub(super) fn row_cells(line: &str) -> Option<Vec<&str>> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let text = line.trim();
    if indent > 3 || text.is_empty() {
        return None;
    }
    let mut cells = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    let mut pipes = 0;
    for (at, c) in text.char_indices() {
        match c {
            '|' if !escaped => {
                cells.push(&text[start..at]);
                start = at + 1;
                pipes += 1;
            }
            '\\' => {
                escaped = !escaped;
                continue;
            }
            _ => {}
        }
        escaped = false;
    }
    if pipes == 0 {
        return None;
    }
    cells.push(&text[start..]);
    if text.starts_with('|') {
        cells.remove(0);
    }
    if text.ends_with('|') && !text.ends_with("\\|") && !cells.is_empty() {
        cells.pop();
    }
    Some(cells.into_iter().map(str::trim).collect())
}

/// The alignments a delimiter row sets (`---`, `:--`, `:-:`, `--:` per
/// cell), or None when the line is not one.
pub(super) fn delimiter(line: &str) -> Option<Vec<Align>> {
    let cells = row_cells(line)?;
    cells
        .iter()
        .map(|cell| {
            let dashes = cell.trim_start_matches(':').trim_end_matches(':');
            if dashes.is_empty() || !dashes.bytes().all(|b| b == b'-') {
                return None;
            }
            Some(match (cell.starts_with(':'), cell.ends_with(':')) {
                (true, true) => Align::Center,
                (false, true) => Align::Right,
                _ => Align::Left,
            })
        })
        .collect()
}

impl Shape {
    /// A table from its header row and delimiter row, when their cell counts agree.
    pub(super) fn new(header: &[Cell], aligns: Vec<Align>) -> Option<Shape> {
        (header.len() == aligns.len()).then(|| {
            let mut shape = Shape {
                natural_cells: vec![1; aligns.len()],
                aligns,
            };
            shape.widen(header);
            shape
        })
    }

    /// Takes a finished row's widths in; whether any column grew.
    pub(super) fn widen(&mut self, cells: &[Cell]) -> bool {
        let mut grew = false;
        for (natural, cell) in self.natural_cells.iter_mut().zip(cells) {
            let cells = cell.cells.min(WIDEST_CELL);
            if cells > *natural {
                *natural = cells;
                grew = true;
            }
        }
        grew
    }

    /// Each column's width on a pane `width_cells` wide: as measured when the
    /// table fits; else the widest columns are cut down to a common width
    /// (water-filling), at least one cell each.
    fn fitted(&self, width_cells: u16) -> Vec<usize> {
        let columns = self.natural_cells.len();
        let room = usize::from(width_cells)
            .saturating_sub(SEPARATOR_CELLS * columns.saturating_sub(1))
            .max(columns);
        if self.natural_cells.iter().sum::<usize>() <= room {
            return self.natural_cells.clone();
        }
        // The largest cap whose capped widths fit, then the cells left over
        // go one each to the cut columns, left to right.
        let capped =
            |cap: usize| -> usize { self.natural_cells.iter().map(|n| (*n).min(cap)).sum() };
        let (mut low, mut high) = (1, self.natural_cells.iter().copied().max().unwrap_or(1));
        while low < high {
            let mid = (low + high).div_ceil(2);
            if capped(mid) <= room {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        let mut widths: Vec<usize> = self.natural_cells.iter().map(|n| (*n).min(low)).collect();
        let mut spare = room.saturating_sub(widths.iter().sum());
        for (width, natural) in widths.iter_mut().zip(&self.natural_cells) {
            if spare > 0 && *natural > *width {
                *width += 1;
                spare -= 1;
            }
        }
        widths
    }
}

/// One cell's content styled by the inline Markdown rules, and its width.
#[derive(Clone, Debug, Default)]
pub(super) struct Cell {
    arena: Arena,
    cells: usize,
}

/// The cells of a row (a line [`row_cells`] accepted), styled and measured.
/// The text goes through the same width rule as every answer line; inline
/// markup's decoded text goes through the sanitiser (in `markdown::inline`).
pub(super) fn styled_cells(line: &str) -> Vec<Cell> {
    let line = expand_tabs(line);
    let line = glyphs::for_screen(&line);
    row_cells(&line)
        .unwrap_or_default()
        .into_iter()
        .map(|content| {
            let mut arena = Arena::default();
            let mut writer = LineWriter::new(&mut arena);
            markdown::inline(content, Roles::default(), &mut writer);
            writer.finish();
            let cells = width_of(&arena.text);
            Cell { arena, cells }
        })
        .collect()
}

fn width_of(text: &str) -> usize {
    let mut at = 0;
    let mut cells = 0;
    while at < text.len() {
        let (width, next) = cluster_at(text, at);
        cells += width;
        at = next;
    }
    cells
}

/// Draws a row into `line`: each cell aligned in its column's width (cut
/// with `…` when wider), header cells strong, columns separated by `│`.
/// Rows with fewer cells than the table get empty ones; extra cells are dropped.
pub(super) fn row(
    shape: &Shape,
    cells: &[Cell],
    header: bool,
    width_cells: u16,
    line: &mut LineWriter,
) {
    let rule = Roles::of(TextStyle::Rule);
    let empty = Cell::default();
    for (column, width) in shape.fitted(width_cells).into_iter().enumerate() {
        if column > 0 {
            line.push(SEPARATOR, rule);
        }
        let cell = cells.get(column).unwrap_or(&empty);
        let pad = width.saturating_sub(cell.cells);
        let before = match shape.aligns.get(column).copied().unwrap_or(Align::Left) {
            Align::Left => 0,
            Align::Right => pad,
            Align::Center => pad / 2,
        };
        line.push(&" ".repeat(before), Roles::default());
        let drawn = before + push_cut(cell, width, header, line);
        // (the last column's padding would only add trailing spaces)
        if column + 1 < shape.aligns.len() {
            line.push(&" ".repeat(width.saturating_sub(drawn)), Roles::default());
        }
    }
    line.flow = super::line::Flow::Chars;
}

/// The delimiter row: `─` under each column, `┼` under each separator.
pub(super) fn rule(shape: &Shape, width_cells: u16, line: &mut LineWriter) {
    let rule = Roles::of(TextStyle::Rule);
    for (column, width) in shape.fitted(width_cells).into_iter().enumerate() {
        if column > 0 {
            line.push("─┼─", rule);
        }
        line.push(&"─".repeat(width), rule);
    }
    line.flow = super::line::Flow::Chars;
}

/// The cell's styled text, at most `width` cells: a cut one keeps what fits
/// before a `…`. Returns the cells drawn (a wide character that does not
/// fit before the `…` leaves one fewer).
fn push_cut(cell: &Cell, width: usize, header: bool, line: &mut LineWriter) -> usize {
    let text = &cell.arena.text;
    let cut = cell.cells > width;
    let room = if cut { width.saturating_sub(1) } else { width };
    let mut run_start = 0;
    let mut used = 0;
    let mut roles = Roles::default();
    for run in &cell.arena.runs {
        let end = (run.end as usize).min(text.len());
        roles = if header {
            run.roles.with(TextStyle::Strong)
        } else {
            run.roles
        };
        let mut at = run_start;
        while at < end {
            let (cells, next) = cluster_at(text, at);
            if used + cells > room {
                break;
            }
            used += cells;
            at = next;
        }
        line.push(text.get(run_start..at).unwrap_or(""), roles);
        if at < end {
            break;
        }
        run_start = end;
    }
    if cut && width > 0 {
        line.push("…", roles);
        used += 1;
    }
    used
}
