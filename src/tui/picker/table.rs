//! The picker's table: which columns fit a width and where they go, the
//! header row, and cutting text to a column (with "…" and matched letters).

use ratatui::buffer::Buffer;
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Row;
use crate::tui::theme::Theme;

/// Columns between two table columns.
const GAP: u16 = 2;
/// "[x]" or " 1.".
const MARK_WIDTH: u16 = 3;
/// "CONTEXT", "128k", "1.5M".
const CONTEXT_WIDTH: u16 = 7;
/// "$/M OUT", "$15.00", "$0.0375".
const PRICE_WIDTH: u16 = 8;
/// "free".
const TAG_WIDTH: u16 = 4;
const NAME_MIN_WIDTH: u16 = 20;
const NAME_MAX_WIDTH: u16 = 40;
/// The name column of a chosen reference no catalog lists.
const UNLISTED: &str = "not in the catalog";

/// What the name column says of a chosen reference no catalog lists, and
/// whether that is a problem: a fallback chain or a router is not a model
/// of any catalog, so it is described, not flagged.
pub(super) fn unlisted_note(reference: &str) -> (String, bool) {
    if reference.contains(',') {
        let models = reference
            .split(',')
            .filter(|m| !m.trim().is_empty())
            .count();
        (format!("fallback chain of {models} models"), false)
    } else if reference.starts_with("router:") {
        ("router: its rules pick the model".to_string(), false)
    } else {
        (UNLISTED.to_string(), true)
    }
}
const REFERENCE_MIN_WIDTH: u16 = 16;
/// The reference column's share when both it and the name are shown in
/// full; longer ids take the room left after the name's minimum.
const REFERENCE_MAX_WIDTH: u16 = 44;
/// Longer ids are cut (with an ellipsis in the middle) whatever the room.
const REFERENCE_CAP_WIDTH: u16 = 160;

/// The widest reference and the widest name, each within its column's bounds
/// (over all rows, so columns stay put while the query changes).
pub(super) fn wanted_widths(rows: &[Row]) -> (u16, u16) {
    let (mut reference, mut name) = (0, 0);
    for row in rows {
        reference = reference.max(row.shown_reference.width());
        let width = if row.listed {
            row.shown_name.width()
        } else {
            unlisted_note(&row.entry.reference).0.width()
        };
        name = name.max(width);
    }
    let clamp =
        |width: usize, min: u16, max: u16| u16::try_from(width).unwrap_or(max).clamp(min, max);
    (
        clamp(reference, REFERENCE_MIN_WIDTH, REFERENCE_CAP_WIDTH),
        clamp(name, NAME_MIN_WIDTH, NAME_MAX_WIDTH),
    )
}

/// Where each column starts and how wide it is; a width of 0 hides a column.
#[derive(Debug)]
pub(super) struct Columns {
    pub(super) mark: u16,
    pub(super) reference: u16,
    pub(super) reference_width: u16,
    pub(super) name: u16,
    pub(super) name_width: u16,
    pub(super) context: u16,
    pub(super) context_width: u16,
    pub(super) input: u16,
    pub(super) output: u16,
    pub(super) price_width: u16,
    pub(super) tag: u16,
    pub(super) tag_width: u16,
    pub(super) mark_width: u16,
}

impl Columns {
    /// Gives the reference what it wants and the name what is left, up to what
    /// it wants; when that does not fit, drops the name, then the context, then
    /// the prices, and the reference takes what is left.
    pub(super) fn fit(width: u16, reference_wanted: u16, name_wanted: u16) -> Columns {
        let fixed = |context: bool, prices: bool| {
            1 + MARK_WIDTH
                + GAP
                + if context { CONTEXT_WIDTH + GAP } else { 0 }
                + if prices { 2 * (PRICE_WIDTH + GAP) } else { 0 }
                + GAP
                + TAG_WIDTH
                + 1
        };
        let with_name =
            fixed(true, true) + reference_wanted.min(REFERENCE_MAX_WIDTH) + GAP + NAME_MIN_WIDTH;
        let (reference_width, name_width, context, prices) = if width >= with_name {
            // Ids first: a long one takes what the name's minimum leaves.
            let room = width - fixed(true, true) - GAP;
            let reference_width = reference_wanted.min(room - NAME_MIN_WIDTH);
            let name_width = (room - reference_width).min(name_wanted);
            (reference_width, name_width, true, true)
        } else {
            let wanted = REFERENCE_MIN_WIDTH.min(reference_wanted);
            let (context, prices) = [(true, true), (false, true), (false, false)]
                .into_iter()
                .find(|&(context, prices)| width >= fixed(context, prices) + wanted)
                .unwrap_or((false, false));
            let reference_width = width
                .saturating_sub(fixed(context, prices))
                .clamp(1, reference_wanted.max(1));
            (reference_width, 0, context, prices)
        };

        let mark = 1;
        let reference = mark + MARK_WIDTH + GAP;
        let name = reference + reference_width + GAP;
        let context_at = if name_width > 0 {
            name + name_width
        } else {
            reference + reference_width
        };
        let context_x = context_at + GAP;
        let input = if context {
            context_x + CONTEXT_WIDTH + GAP
        } else {
            context_x
        };
        let output = input + PRICE_WIDTH + GAP;
        let tag = if prices {
            output + PRICE_WIDTH + GAP
        } else {
            input
        };
        // Below the smallest layout, hide what would cross the right edge.
        let fits = |at: u16, column_width: u16| {
            if at + column_width <= width {
                column_width
            } else {
                0
            }
        };
        let price_width = if prices { PRICE_WIDTH } else { 0 };
        Columns {
            mark,
            mark_width: fits(mark, MARK_WIDTH),
            reference,
            reference_width: reference_width.min(width.saturating_sub(reference)),
            name,
            name_width: fits(name, name_width),
            context: context_x,
            context_width: fits(context_x, if context { CONTEXT_WIDTH } else { 0 }),
            input,
            output,
            price_width: fits(output, price_width),
            tag,
            tag_width: fits(tag, TAG_WIDTH),
        }
    }
}

pub(super) fn draw_header(columns: &Columns, x: u16, y: u16, buf: &mut Buffer, theme: &Theme) {
    let style = theme.title();
    buf.set_stringn(
        x + columns.reference,
        y,
        "MODEL",
        usize::from(columns.reference_width),
        style,
    );
    if columns.name_width > 0 {
        buf.set_stringn(
            x + columns.name,
            y,
            "NAME",
            usize::from(columns.name_width),
            style,
        );
    }
    right_aligned(
        buf,
        x + columns.context,
        y,
        columns.context_width,
        "CONTEXT",
        style,
    );
    right_aligned(
        buf,
        x + columns.input,
        y,
        columns.price_width,
        "$/M IN",
        style,
    );
    right_aligned(
        buf,
        x + columns.output,
        y,
        columns.price_width,
        "$/M OUT",
        style,
    );
}

/// `text` without its first `width` columns (rounded up to whole characters).
pub(super) fn skip_width(text: &str, width: usize) -> &str {
    let mut skipped = 0;
    for (index, c) in text.char_indices() {
        if skipped >= width {
            return &text[index..];
        }
        skipped += c.width().unwrap_or(0);
    }
    ""
}

/// `text` cut to `width` columns with its matched characters styled (`matched`
/// holds sorted haystack char indices; `text` starts at char `offset` of the
/// haystack); a cut text ends in "…".
pub(super) fn highlighted(
    text: &str,
    offset: usize,
    width: u16,
    matched: &[u32],
    theme: &Theme,
) -> Vec<Span<'static>> {
    let width = usize::from(width);
    let fits = text.width() <= width;
    let budget = if fits { width } else { width.saturating_sub(1) };
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_matched = false;
    let mut used = 0;
    for (index, c) in text.chars().enumerate() {
        let char_width = c.width().unwrap_or(0);
        if used + char_width > budget {
            break;
        }
        used += char_width;
        let is_matched =
            u32::try_from(offset + index).is_ok_and(|index| matched.binary_search(&index).is_ok());
        if is_matched != run_matched && !run.is_empty() {
            spans.push(styled_run(std::mem::take(&mut run), run_matched, theme));
        }
        run_matched = is_matched;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(styled_run(run, run_matched, theme));
    }
    if !fits && width > 0 {
        spans.push(Span::raw("…"));
    }
    spans
}

fn styled_run(text: String, matched: bool, theme: &Theme) -> Span<'static> {
    if matched {
        Span::styled(text, theme.matched())
    } else {
        Span::raw(text)
    }
}

/// `text` cut to `width` columns, ending in "…" when cut.
pub(super) fn truncated(text: &str, width: u16) -> String {
    let width = usize::from(width);
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let char_width = c.width().unwrap_or(0);
        if used + char_width + 1 > width {
            break;
        }
        used += char_width;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Writes `text` right-aligned in a column of `width` (nothing when 0).
pub(super) fn right_aligned(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    width: u16,
    text: &str,
    style: Style,
) {
    if width == 0 {
        return;
    }
    let text = truncated(text, width);
    let text_width = u16::try_from(text.width()).unwrap_or(width).min(width);
    buf.set_stringn(x + width - text_width, y, text, usize::from(width), style);
}
