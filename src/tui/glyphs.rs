//! The one rule for outside text in cells: the terminal and ratatui must
//! agree on every character's width, or ratatui's diff moves the cursor to
//! the wrong column and leaves stray characters behind (after an overlay
//! closes, say). Terminals mostly advance by each code point's own width;
//! ratatui measures whole grapheme clusters. So text is reduced to clusters
//! where both agree:
//!
//! - U+2028 and U+2029 (line and paragraph separators) break the line;
//! - format characters (category Cf: zero-width spaces and joiners, soft
//!   hyphen, word joiner, bidi controls, tags), variation selectors, emoji
//!   skin-tone modifiers and Hangul fillers are dropped, which splits an
//!   emoji ZWJ sequence into its parts (👨‍👩‍👧 shows as 👨👩👧) and shows ❤️ as ❤;
//! - a combining mark with nothing to combine with (at the start of a line)
//!   gets U+25CC ◌ as its base;
//! - tabs are expanded to spaces by the document (other views never draw them).
//!
//! [`for_screen`] applies the rule to text as the pane documents style it
//! (once per line, cached with the wrapped rows); [`settle`] checks every cell
//! of a finished frame and replaces any cluster that still breaks it, so no
//! view (overlays, picker, titles) can bring one in. Headless output keeps
//! text as it came; this is only about cells.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The base given to a combining mark that starts a line.
const MARK_BASE: char = '\u{25CC}';

/// Text of many lines made width-safe: separators become '\n', invisible
/// formatting goes, orphan combining marks get a base, and any cluster that
/// still measures differently (a prepended sign, say) is replaced. Newlines
/// and tabs stay. Borrowed when nothing changes (all of plain ASCII, for instance).
pub fn for_screen(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mapped = map_chars(text);
    if mapped.graphemes(true).all(keeps) {
        return mapped;
    }
    let mut out = String::with_capacity(mapped.len());
    for cluster in mapped.graphemes(true) {
        if keeps(cluster) {
            out.push_str(cluster);
        } else if let Some(space) = cluster
            .strip_suffix(cluster.trim_start())
            .filter(|space| !space.is_empty())
        {
            // Marks after a space: the space stays a space and the marks get
            // their own base (ratatui's word wrapper mishandles such clusters).
            out.push_str(space);
            out.push(MARK_BASE);
            out.push_str(cluster.trim_start());
        } else {
            out.push_str(&replacement(cluster));
        }
    }
    Cow::Owned(out)
}

/// Whether a cluster can stay as it is: newlines, tabs, single characters
/// (the common case), and safe clusters that do not start with a space.
fn keeps(cluster: &str) -> bool {
    cluster.len() == 1
        || matches!(cluster, "\n" | "\t")
        || (cell_is_safe(cluster) && !cluster.starts_with(char::is_whitespace))
}

/// The per-character part of the rule.
fn map_chars(text: &str) -> Cow<'_, str> {
    if !needs_change(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut line_start = true;
    for c in text.chars() {
        if is_line_separator(c) {
            out.push('\n');
            line_start = true;
        } else if !is_dropped(c) {
            if line_start && is_orphan_mark(c) {
                out.push(MARK_BASE);
            }
            out.push(c);
            line_start = c == '\n';
        }
    }
    Cow::Owned(out)
}

fn needs_change(text: &str) -> bool {
    let mut line_start = true;
    for c in text.chars() {
        if is_line_separator(c) || is_dropped(c) || (line_start && is_orphan_mark(c)) {
            return true;
        }
        line_start = c == '\n';
    }
    false
}

/// Makes a drawn frame safe to diff: every cell whose cluster the terminal
/// would measure differently from ratatui is replaced, and a wide cluster
/// that a later widget drew into (an overlay's border over a pane's 日) or
/// that crosses the right edge becomes a blank, as a window clips it. Costs
/// one byte-length check per ASCII cell.
pub fn settle(buf: &mut Buffer) {
    let width = usize::from(buf.area.width);
    if width == 0 {
        return;
    }
    for row in buf.content.chunks_mut(width) {
        let mut x = 0;
        while x < row.len() {
            let symbol = row[x].symbol();
            if symbol.len() <= 1 {
                x += 1;
                continue;
            }
            if !cell_is_safe(symbol) {
                let replacement = replacement(symbol);
                row[x].set_symbol(&replacement);
            }
            let cells = row[x].symbol().width().max(1);
            let covered = row.get(x + 1..x + cells);
            if covered.is_none_or(|covered| covered.iter().any(|cell| cell.symbol() != " ")) {
                row[x].set_symbol(" ");
                x += 1;
            } else {
                x += cells;
            }
        }
    }
}

/// Whether a terminal that advances by each code point's width draws
/// `symbol` exactly as wide as ratatui thinks, and at least one cell wide.
pub fn cell_is_safe(symbol: &str) -> bool {
    let mut chars = symbol.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if first.width().unwrap_or(0) == 0 || is_line_separator(first) || is_dropped(first) {
        return false;
    }
    let mut summed = first.width().unwrap_or(0);
    for c in chars {
        if is_line_separator(c) || is_dropped(c) || c.is_control() {
            return false;
        }
        summed += c.width().unwrap_or(0);
    }
    summed == symbol.width()
}

/// A safe symbol for an unsafe cluster, no wider than ratatui reserved for
/// it (cells it no longer covers were already blanked when it was drawn).
fn replacement(symbol: &str) -> String {
    let reserved = symbol.width().max(1);
    let kept = map_chars(symbol).replace('\n', "");
    if cell_is_safe(&kept) && kept.width() == reserved {
        return kept;
    }
    // The first character that fits, else the replacement character.
    kept.chars()
        .find(|c| (1..=reserved).contains(&c.width().unwrap_or(0)))
        .map_or_else(|| "\u{FFFD}".to_string(), String::from)
}

fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// A zero-width character that is not itself dropped: a combining mark.
fn is_orphan_mark(c: char) -> bool {
    !c.is_ascii() && c.width() == Some(0) && !is_dropped(c) && !c.is_control()
}

/// Characters that draw nothing yet which terminals measure differently
/// from ratatui, or which glue neighbours into one cluster of disputed width.
fn is_dropped(c: char) -> bool {
    // Category Cf (format characters), from the Unicode character database.
    let format = matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    );
    format
        || crate::sanitize::is_invisible(c)
        // Emoji skin-tone modifiers: one cell pair joined to their emoji, two apart.
        || matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
        // Variation selectors 17–256 (1–16 are in `is_invisible`).
        || matches!(c, '\u{E0100}'..='\u{E01EF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn separators_break_lines_and_formatting_goes() {
        let cases = [
            ("linesep\u{2028}b", "linesep\nb"),
            ("para\u{2029}b", "para\nb"),
            ("soft\u{AD}hyphen", "softhyphen"),
            ("zero\u{200B}width", "zerowidth"),
            ("word\u{2060}joiner", "wordjoiner"),
            (
                "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
                "\u{1F468}\u{1F469}\u{1F467}",
            ),
            ("\u{2764}\u{FE0F}", "\u{2764}"),
            ("\u{1F44D}\u{1F3FD}", "\u{1F44D}"),
            ("\u{301}start", "\u{25CC}\u{301}start"),
            ("a\n\u{301}b", "a\n\u{25CC}\u{301}b"),
            ("x\u{2028}\u{301}", "x\n\u{25CC}\u{301}"),
            ("e\u{301} stays", "e\u{301} stays"),
            ("a \u{1923}0", "a \u{25CC}\u{1923}0"),
            ("a \u{301}", "a \u{25CC}\u{301}"),
            ("tab\tstays", "tab\tstays"),
            ("日本 🇫🇷", "日本 🇫🇷"),
        ];
        for (input, expected) in cases {
            assert_eq!(for_screen(input), expected, "{}", input.escape_unicode());
        }
    }

    #[test]
    fn settle_replaces_disputed_clusters_only() {
        let area = ratatui::layout::Rect::new(0, 0, 12, 1);
        let mut buf = Buffer::empty(area);
        buf.set_string(
            0,
            0,
            "a\u{2028}\u{2764}\u{FE0F}\u{1F468}\u{200D}\u{1F469}e\u{301}",
            ratatui::style::Style::default(),
        );
        settle(&mut buf);
        let symbols: Vec<&str> = buf.content.iter().map(|cell| cell.symbol()).collect();
        assert_eq!(
            symbols,
            [
                "a",
                "\u{FFFD}",
                "\u{2764}",
                " ",
                "\u{1F468}",
                " ",
                "e\u{301}",
                " ",
                " ",
                " ",
                " ",
                " "
            ]
        );
    }

    #[test]
    fn settle_clips_wide_clusters_drawn_over_or_past_the_edge() {
        let area = ratatui::layout::Rect::new(0, 0, 5, 1);
        let mut buf = Buffer::empty(area);
        buf.set_string(0, 0, "日本", ratatui::style::Style::default());
        // An overlay's border lands on the second half of 本.
        buf[(3, 0)].set_symbol("│");
        // A widget that does not clip puts a wide character in the last column.
        buf[(4, 0)].set_symbol("日");
        settle(&mut buf);
        let symbols: Vec<&str> = buf.content.iter().map(|cell| cell.symbol()).collect();
        assert_eq!(symbols, ["日", " ", " ", "│", " "]);
    }
}
