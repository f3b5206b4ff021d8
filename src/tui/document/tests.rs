//! Unit tests of wrapping, layout, sanitizing and incrementality, read back
//! from the cells `render` writes into a small `Buffer`.

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use super::{BlockKind, Document};
use crate::tui::theme::{TextStyle, Theme};

pub(super) const THEME: Theme = Theme { colour: true };

/// A document of one block at `width`.
pub(super) fn doc_with(kind: BlockKind, text: &str, width: u16) -> Document {
    let mut doc = Document::new();
    doc.set_width(width);
    doc.push(kind, text);
    doc
}

/// Every row of the document, drawn into a buffer exactly as wide and tall.
pub(super) fn screen(doc: &Document) -> Buffer {
    let height = u16::try_from(doc.total_rows()).expect("test documents fit in u16 rows");
    let area = Rect::new(0, 0, doc.width(), height);
    let mut buf = Buffer::empty(area);
    doc.render(0, area, &mut buf, &THEME);
    buf
}

/// The rows as text, trailing spaces trimmed; the cell hidden behind a wide
/// character is skipped so "日本" reads as written.
pub(super) fn buffer_rows(buf: &Buffer) -> Vec<String> {
    let area = buf.area;
    (area.top()..area.bottom())
        .map(|y| {
            let mut row = String::new();
            let mut x = area.left();
            while x < area.right() {
                let symbol = buf[(x, y)].symbol();
                row.push_str(symbol);
                x += u16::try_from(unicode_width::UnicodeWidthStr::width(symbol).max(1))
                    .expect("a symbol is narrow");
            }
            row.trim_end().to_string()
        })
        .collect()
}

/// The whole document drawn on a `TestBackend` exactly as wide and tall, for snapshots.
pub(super) fn backend(doc: &Document) -> ratatui::backend::TestBackend {
    let height = u16::try_from(doc.total_rows()).expect("test documents fit in u16 rows");
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(doc.width(), height))
            .expect("test terminal");
    terminal
        .draw(|frame| doc.render(0, frame.area(), frame.buffer_mut(), &THEME))
        .expect("draw");
    terminal.backend().clone()
}

pub(super) fn rows(doc: &Document) -> Vec<String> {
    buffer_rows(&screen(doc))
}

/// The style a fresh cell ends up with after `role` is drawn onto it.
pub(super) fn cell_style(role: TextStyle) -> Style {
    let mut cell = Cell::EMPTY;
    cell.set_style(THEME.text(role));
    cell.style()
}

#[test]
fn plain_text_wraps_at_spaces_and_drops_them_at_the_break() {
    let doc = doc_with(BlockKind::Notice, "the quick brown fox jumps", 10);
    assert_eq!(rows(&doc), ["the quick", "brown fox", "jumps"]);
    let doc = doc_with(BlockKind::Notice, "aaaa    bbbb", 6);
    assert_eq!(rows(&doc), ["aaaa", "bbbb"]);
    assert_eq!(doc.total_rows(), 2);
}

#[test]
fn a_word_longer_than_the_row_breaks_by_characters() {
    let doc = doc_with(BlockKind::Notice, "abcdefghij xy", 4);
    assert_eq!(rows(&doc), ["abcd", "efgh", "ij", "xy"]);
}

#[test]
fn wide_characters_that_do_not_fit_move_to_the_next_row() {
    let doc = doc_with(BlockKind::Notice, "日本語です", 5);
    assert_eq!(rows(&doc), ["日本", "語で", "す"]);
    let doc = doc_with(BlockKind::Notice, "ab😀c", 3);
    assert_eq!(rows(&doc), ["ab", "😀c"]);
    // A wide character is never split over the row's edge.
    let buf = screen(&doc_with(BlockKind::Notice, "a日", 2));
    assert_eq!(buf[(1, 0)].symbol(), " ");
    assert_eq!(buf[(0, 1)].symbol(), "日");
}

#[test]
fn combining_marks_and_emoji_sequences_stay_with_their_base() {
    let doc = doc_with(BlockKind::Notice, "abe\u{301}", 3);
    assert_eq!(rows(&doc), ["abe\u{301}"]);
    // VS16 would make ❤ two cells wide for ratatui and one for most
    // terminals: it is dropped (see `tui::glyphs`), and ❤ takes one cell.
    let doc = doc_with(BlockKind::Notice, "ab❤\u{FE0F}", 3);
    assert_eq!(rows(&doc), ["ab❤"]);
}

#[test]
fn separators_break_lines_and_disputed_characters_are_made_safe() {
    let text = "linesep\u{2028}b\u{2029}\u{301}x\tz \u{1F468}\u{200D}\u{1F469} soft\u{AD}hy";
    let doc = doc_with(BlockKind::Answer, text, 30);
    assert_eq!(
        rows(&doc),
        [
            "linesep",
            "b",
            "\u{25CC}\u{301}x  z \u{1F468}\u{1F469} softhy"
        ]
    );
    // The source is kept as it came (copying an answer keeps it whole).
    assert_eq!(doc.text(doc.blocks().next().expect("a block")), text);
}

#[test]
fn tabs_expand_to_the_next_multiple_of_four() {
    let doc = doc_with(BlockKind::Notice, "a\tb\nab\tc\n\tx\nabcd\te", 20);
    assert_eq!(rows(&doc), ["a   b", "ab  c", "    x", "abcd    e"]);
    assert_eq!(
        doc.text(doc.blocks().next().expect("a block")),
        "a\tb\nab\tc\n\tx\nabcd\te"
    );
}

#[test]
fn leading_indentation_stays_on_the_first_row_only() {
    let mut doc = doc_with(BlockKind::Answer, "    one two three", 10);
    doc.set_markdown(false);
    assert_eq!(rows(&doc), ["    one", "two three"]);
}

#[test]
fn list_items_and_quotes_hang_under_their_text() {
    let doc = doc_with(BlockKind::Answer, "- alpha beta gamma", 12);
    assert_eq!(rows(&doc), ["• alpha beta", "  gamma"]);
    let doc = doc_with(BlockKind::Answer, "  1. alpha beta gamma", 12);
    assert_eq!(rows(&doc), ["  1. alpha", "     beta", "     gamma"]);
    let doc = doc_with(BlockKind::Answer, "> alpha beta gamma", 12);
    assert_eq!(rows(&doc), ["│ alpha beta", "│ gamma"]);
    let doc = doc_with(BlockKind::Answer, "> - alpha beta gamma", 12);
    assert_eq!(rows(&doc), ["│ • alpha", "│   beta", "│   gamma"]);
}

#[test]
fn prompts_are_prefixed_and_hang() {
    let doc = doc_with(BlockKind::Prompt, "hello\nworld", 20);
    assert_eq!(rows(&doc), ["› hello", "  world", ""]);
    let buf = screen(&doc);
    assert_eq!(buf[(2, 0)].style(), cell_style(TextStyle::Prompt));
    let doc = doc_with(BlockKind::Prompt, "one two three **not md**", 9);
    assert_eq!(
        rows(&doc),
        ["› one two", "  three", "  **not", "  md**", ""]
    );
}

#[test]
fn one_blank_row_around_each_prompt_and_none_elsewhere() {
    let mut doc = Document::new();
    doc.set_width(12);
    doc.push(BlockKind::Prompt, "a");
    doc.push(BlockKind::Answer, "b");
    doc.push(BlockKind::Notice, "cancelled");
    doc.push(BlockKind::Prompt, "c");
    doc.push(BlockKind::Reasoning, "r");
    doc.push(BlockKind::Answer, "d");
    doc.push(BlockKind::Error, "boom");
    assert_eq!(
        rows(&doc),
        [
            "› a",
            "",
            "b",
            "cancelled",
            "",
            "› c",
            "",
            "▾ reasoning",
            "r",
            "d",
            "boom"
        ]
    );
    let buf = screen(&doc);
    assert_eq!(buf[(0, 10)].style(), cell_style(TextStyle::Error));
    assert_eq!(buf[(0, 3)].style(), cell_style(TextStyle::Notice));
}

#[test]
fn collapsed_reasoning_is_one_header_row() {
    let mut doc = Document::new();
    doc.set_width(30);
    let id = doc.push(BlockKind::Reasoning, "think  hard\nabout it");
    doc.push(BlockKind::Answer, "answer");
    assert_eq!(
        rows(&doc),
        ["▾ reasoning", "think  hard", "about it", "answer"]
    );
    let buf = screen(&doc);
    assert_eq!(buf[(0, 0)].style(), cell_style(TextStyle::ReasoningHeader));
    assert_eq!(buf[(0, 1)].style(), cell_style(TextStyle::Reasoning));
    doc.set_collapsed(id, true);
    assert!(doc.is_collapsed(id));
    assert_eq!(doc.total_rows(), 2);
    assert_eq!(rows(&doc), ["▸ reasoning · 4 words", "answer"]);
    doc.append(id, "ok");
    assert_eq!(
        rows(&doc),
        ["▸ reasoning · 4 words", "answer"],
        "\"it\" + \"ok\" is one word"
    );
    doc.append(id, " more");
    assert_eq!(rows(&doc)[0], "▸ reasoning · 5 words");
    doc.set_collapsed(id, false);
    assert_eq!(doc.total_rows(), 4);
    // Only reasoning collapses.
    let answer = doc.blocks().nth(1).expect("an answer");
    doc.set_collapsed(answer, true);
    assert!(!doc.is_collapsed(answer));
    assert_eq!(doc.total_rows(), 4);
}

#[test]
fn every_reasoning_block_collapses_at_once() {
    let mut doc = Document::new();
    doc.set_width(30);
    let first = doc.push(BlockKind::Reasoning, "one two");
    let answer = doc.push(BlockKind::Answer, "answer");
    doc.push(BlockKind::Prompt, "again");
    let second = doc.push(BlockKind::Reasoning, "three");
    doc.set_reasoning_collapsed(true);
    assert!(doc.is_collapsed(first) && doc.is_collapsed(second));
    assert!(!doc.is_collapsed(answer));
    assert_eq!(
        rows(&doc),
        [
            "▸ reasoning · 2 words",
            "answer",
            "",
            "› again",
            "",
            "▸ reasoning · 1 word"
        ]
    );
    doc.set_reasoning_collapsed(false);
    assert!(!doc.is_collapsed(first) && !doc.is_collapsed(second));
    assert_eq!(doc.total_rows(), 8);
}

#[test]
fn empty_blocks_and_a_trailing_newline_add_no_rows() {
    let mut doc = Document::new();
    doc.set_width(12);
    let reasoning = doc.push(BlockKind::Reasoning, "");
    let answer = doc.push(BlockKind::Answer, "");
    assert_eq!(doc.total_rows(), 0);
    doc.append(answer, "line\n");
    assert_eq!(rows(&doc), ["line"]);
    doc.append(answer, "\n");
    assert_eq!(rows(&doc), ["line", ""]);
    doc.append(answer, "next");
    assert_eq!(rows(&doc), ["line", "", "next"]);
    doc.append(reasoning, "hmm");
    assert_eq!(rows(&doc), ["▾ reasoning", "hmm", "line", "", "next"]);
}

#[test]
fn escape_sequences_never_reach_the_buffer() {
    let mut doc = Document::new();
    doc.set_width(40);
    let answer = doc.push(BlockKind::Answer, "safe ");
    for piece in [
        "\x1b[2J",
        "\x1b]0;pwned\x07",
        "a\u{9b}31m",
        "\r\n**x\x1b[1m**",
        "&#27;[31m &#x1b;",
        "\n`\x1b`",
    ] {
        doc.append(answer, piece);
    }
    doc.push(BlockKind::Prompt, "\x1b[H\x08");
    doc.push(BlockKind::Reasoning, "\x1bP\x1b\\");
    doc.push(BlockKind::Error, "\x1b[5m");
    for markdown in [true, false] {
        doc.set_markdown(markdown);
        let buf = screen(&doc);
        for cell in buf.content() {
            assert!(
                !cell.symbol().chars().any(char::is_control),
                "{:?}",
                cell.symbol()
            );
        }
        assert!(rows(&doc).concat().contains('␛'));
    }
    assert!(!doc.text(answer).contains('\x1b'));
}

#[test]
fn rows_past_the_end_are_left_blank() {
    let doc = doc_with(BlockKind::Notice, "one two", 4);
    let area = Rect::new(1, 1, 4, 5);
    let mut buf = Buffer::empty(Rect::new(0, 0, 6, 7));
    doc.render(1, area, &mut buf, &THEME);
    assert_eq!(buffer_rows(&buf), ["", " two", "", "", "", "", ""]);
    let mut buf = Buffer::empty(Rect::new(0, 0, 6, 7));
    doc.render(100, area, &mut buf, &THEME);
    assert_eq!(buf, Buffer::empty(Rect::new(0, 0, 6, 7)));
}

#[test]
fn an_area_narrower_than_the_width_clips_and_outside_the_buffer_is_ignored() {
    let doc = doc_with(BlockKind::Notice, "abcdef", 6);
    let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
    doc.render(0, Rect::new(0, 0, 6, 4), &mut buf, &THEME);
    assert_eq!(buffer_rows(&buf), ["abc"]);
    doc.render(0, Rect::new(50, 50, 6, 4), &mut buf, &THEME);
}

#[test]
fn widths_zero_and_one_do_not_panic() {
    let text = "# Head\n- item **b**\n> q 日本 😀\n```\ncode\n```\n---\n\tx";
    let mut doc = Document::new();
    let id = doc.push(BlockKind::Prompt, "p 日");
    doc.push(BlockKind::Reasoning, "r");
    doc.push(BlockKind::Answer, text);
    assert_eq!(doc.total_rows(), 0);
    let mut buf = Buffer::empty(Rect::new(0, 0, 5, 5));
    doc.render(0, Rect::new(0, 0, 5, 5), &mut buf, &THEME);
    doc.set_width(1);
    assert!(doc.total_rows() > 10);
    let _ = rows(&doc);
    doc.append(id, "more 日本");
    doc.set_markdown(false);
    let _ = rows(&doc);
    doc.set_width(0);
    assert_eq!(doc.total_rows(), 0);
}

#[test]
fn markdown_toggles_to_raw_text_and_back() {
    let mut doc = doc_with(BlockKind::Answer, "# T\n**b** and [l](http://u)\n\tx", 30);
    assert!(doc.markdown());
    assert_eq!(rows(&doc), ["█ T", "b and l (http://u)", "    x"]);
    assert!(
        screen(&doc)[(0, 1)]
            .style()
            .add_modifier
            .contains(Modifier::BOLD)
    );
    doc.set_markdown(false);
    assert!(!doc.markdown());
    assert_eq!(rows(&doc), ["# T", "**b** and [l](http://u)", "    x"]);
    assert_eq!(screen(&doc)[(0, 1)].style(), cell_style(TextStyle::Plain));
    doc.set_markdown(true);
    assert_eq!(rows(&doc), ["█ T", "b and l (http://u)", "    x"]);
}

#[test]
fn set_text_replaces_and_stale_ids_are_ignored() {
    let mut doc = Document::new();
    doc.set_width(20);
    let notice = doc.push(BlockKind::Notice, "waiting");
    doc.push(BlockKind::Answer, "x");
    doc.set_text(notice, "done\nreally");
    assert_eq!(rows(&doc), ["done", "really", "x"]);
    assert_eq!(doc.kind(notice), BlockKind::Notice);
    doc.clear();
    assert!(doc.is_empty());
    let fresh = doc.push(BlockKind::Answer, "new");
    assert_ne!(fresh, notice);
    doc.append(notice, "stale");
    doc.set_text(notice, "stale");
    doc.set_collapsed(notice, true);
    assert_eq!(doc.text(notice), "");
    assert_eq!(rows(&doc), ["new"]);
    assert_eq!(doc.blocks().collect::<Vec<_>>(), [fresh]);
}

#[test]
fn appends_to_a_long_answer_render_only_the_open_line() {
    let mut doc = Document::new();
    doc.set_width(80);
    let paragraph = "Some **bold** words and `code` in a line of a long answer.\n";
    let text = paragraph.repeat(1_000_000 / paragraph.len());
    let answer = doc.push(BlockKind::Answer, &text);
    assert!(doc.text(answer).len() > 990_000);
    let before = doc.lines_rendered;
    doc.append(answer, "a streamed ");
    assert_eq!(doc.lines_rendered - before, 1, "within the open line");
    doc.append(answer, "delta **with");
    assert_eq!(doc.lines_rendered - before, 2);
    doc.append(answer, " more**\nand a new line\nand another");
    assert_eq!(
        doc.lines_rendered - before,
        5,
        "the open line and two new ones"
    );
    let rows_now = doc.total_rows();
    doc.append(answer, "!");
    assert_eq!(doc.total_rows(), rows_now);
    assert_eq!(doc.lines_rendered - before, 6);
}

#[test]
fn width_changes_rewrap_and_equal_width_is_a_no_op() {
    let mut doc = doc_with(BlockKind::Notice, "one two three four", 20);
    assert_eq!(doc.total_rows(), 1);
    doc.set_width(8);
    assert_eq!(rows(&doc), ["one two", "three", "four"]);
    doc.set_width(8);
    assert_eq!(doc.width(), 8);
    assert_eq!(doc.total_rows(), 3);
}

#[test]
fn ascii_is_drawn_exactly_as_set_stringn_draws_it() {
    let text = "plain ascii ~! {}";
    let doc = doc_with(BlockKind::Error, text, 20);
    let mut expected = Buffer::empty(Rect::new(0, 0, 20, 1));
    expected.set_stringn(0, 0, text, 20, THEME.text(TextStyle::Error));
    assert_eq!(screen(&doc), expected);
}

#[test]
fn scrolling_starts_mid_line_and_mid_block() {
    let mut doc = Document::new();
    doc.set_width(5);
    doc.push(BlockKind::Prompt, "a b c");
    doc.push(BlockKind::Answer, "one two three\nfour");
    doc.push(BlockKind::Prompt, "z");
    let all = rows(&doc);
    assert_eq!(
        all,
        [
            "› a b", "  c", "", "one", "two", "three", "four", "", "› z", ""
        ]
    );
    let area = Rect::new(2, 1, 5, 3);
    for first_row in 0..all.len() + 2 {
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 5));
        doc.render(first_row, area, &mut buf, &THEME);
        let drawn = buffer_rows(&buf);
        for offset in 0..3 {
            let want = all
                .get(first_row + offset)
                .map_or(String::new(), |row| format!("  {row}"));
            assert_eq!(
                drawn[1 + offset].trim_end(),
                want.trim_end(),
                "first_row {first_row}"
            );
        }
    }
}
