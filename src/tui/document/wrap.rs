//! Breaks one styled line into rows of at most a given number of cells:
//! greedy word wrap at spaces (a too-long word breaks by characters), or
//! character wrap for code. Widths are measured per cluster the way
//! ratatui's `Buffer::set_stringn` measures graphemes, so a row never draws wider than planned.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::line::{Flow, Line, RowSpan, offset};

/// The continuation prefix is drawn only when it leaves room for at least a
/// wide character; at tiny widths continuation rows start at column 0.
pub(super) fn hang_cells(hang: &str, width_cells: u16) -> usize {
    let hang = hang.width();
    if hang > 0 && hang + 2 <= usize::from(width_cells) {
        hang
    } else {
        0
    }
}

/// Appends the rows of `line` (whose text is in `arena_text`) at
/// `width_cells` to `rows`; none at width 0.
pub(super) fn wrap(arena_text: &str, line: &Line, width_cells: u16, rows: &mut Vec<RowSpan>) {
    if width_cells == 0 {
        return;
    }
    if line.flow == Flow::Rule {
        rows.push(RowSpan {
            start: line.text_start,
            end: line.text_start,
        });
        return;
    }
    let at = |offset: u32| offset as usize;
    let text = arena_text
        .get(at(line.text_start)..at(line.text_end))
        .unwrap_or("");
    let hang = arena_text
        .get(at(line.text_end)..at(line.hang_end))
        .unwrap_or("");
    let first_cells = usize::from(width_cells);
    let widths = RowWidths {
        first_cells,
        rest_cells: first_cells - hang_cells(hang, width_cells),
    };
    let content_start = at(line.content_start.saturating_sub(line.text_start));
    let base = at(line.text_start);
    let at_spaces = line.flow == Flow::Words;
    wrap_text(text, content_start, at_spaces, widths, |start, end| {
        rows.push(RowSpan {
            start: offset(base + start),
            end: offset(base + end),
        })
    });
}

#[derive(Clone, Copy)]
struct RowWidths {
    first_cells: usize,
    rest_cells: usize,
}

/// The display width of the cluster starting at byte `at` and the byte where
/// the next one starts. A cluster is a character plus the zero-width
/// characters that follow it (combining marks, variation selectors) and
/// anything joined by a zero-width joiner; its width is that of the whole
/// string, as unicode-width reports for emoji presentation sequences.
pub(super) fn cluster_at(text: &str, at: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.get(at) else {
        return (0, text.len());
    };
    // ASCII followed by ASCII (or the end) is one cell: the common case, no decoding.
    if first < 0x80 && bytes.get(at + 1).is_none_or(|next| *next < 0x80) {
        return (1, at + 1);
    }
    let Some(rest) = text.get(at..) else {
        return (0, text.len());
    };
    let mut chars = rest.char_indices();
    let Some((_, base)) = chars.next() else {
        return (0, text.len());
    };
    let mut end = base.len_utf8();
    let mut joined = false;
    let mut after_joiner = false;
    for (offset, c) in chars {
        if after_joiner || c.width() == Some(0) {
            after_joiner = c == '\u{200D}';
            end = offset + c.len_utf8();
            joined = true;
        } else {
            break;
        }
    }
    let cells = if joined {
        rest.get(..end).map_or(0, UnicodeWidthStr::width)
    } else {
        base.width().unwrap_or(0)
    };
    (cells, at + end)
}

/// The last run of spaces seen on the current row: breaking there ends the
/// row before the spaces and starts the next one at `word_start`.
#[derive(Clone, Copy)]
struct Gap {
    space_start: usize,
    word_start: usize,
}

fn wrap_text(
    text: &str,
    content_start: usize,
    at_spaces: bool,
    widths: RowWidths,
    mut push: impl FnMut(usize, usize),
) {
    let bytes = text.as_bytes();
    let mut row_start = 0;
    let mut row_cells = 0;
    let mut avail_cells = widths.first_cells;
    let mut gap: Option<Gap> = None;
    let mut in_spaces = false;
    let mut at = 0;
    while at < bytes.len() {
        if at_spaces && at >= content_start && bytes[at] == b' ' {
            if !in_spaces {
                in_spaces = true;
                gap = Some(Gap {
                    space_start: at,
                    word_start: at + 1,
                });
            } else if let Some(gap) = gap.as_mut() {
                gap.word_start = at + 1;
            }
            row_cells += 1;
            at += 1;
            continue;
        }
        in_spaces = false;
        let (cells, next) = cluster_at(text, at);
        if row_cells > 0 && row_cells + cells > avail_cells {
            avail_cells = widths.rest_cells;
            row_cells = 0;
            if let Some(Gap {
                space_start,
                word_start,
            }) = gap.take()
            {
                // Break before the spaces and measure the word again on the
                // new, possibly narrower, row: it may itself need breaking.
                push(row_start, space_start);
                row_start = word_start;
                at = word_start;
            } else {
                push(row_start, at);
                row_start = at;
            }
            continue;
        }
        row_cells += cells;
        at = next;
    }
    // Trailing spaces that overflow the row would only be cut when drawn; drop them.
    let end = match gap {
        Some(gap) if in_spaces && row_cells > avail_cells => gap.space_start,
        _ => bytes.len(),
    };
    push(row_start, end);
}
