//! Unit tests of each Markdown construct an answer can hold, checked by the
//! rows' text and the styles of a few cells.

use ratatui::style::Modifier;

use super::tests::{THEME, backend, cell_style, doc_with, rows, screen};
use super::{BlockKind, Document};
use crate::tui::theme::TextStyle;

fn answer(text: &str, width: u16) -> Document {
    doc_with(BlockKind::Answer, text, width)
}

#[test]
fn headings_show_their_level_instead_of_hashes() {
    let doc = answer("# One\n### Three ###\n# C#\n#hashtag\n####### seven", 20);
    assert_eq!(
        rows(&doc),
        ["█ One", "▒ Three", "█ C#", "#hashtag", "####### seven"]
    );
    let buf = screen(&doc);
    assert_eq!(buf[(0, 0)].style(), cell_style(TextStyle::Heading));
    assert_eq!(buf[(0, 3)].style(), cell_style(TextStyle::Plain));
}

#[test]
fn unordered_items_become_bullets_and_keep_nesting() {
    let doc = answer("- a\n* b\n+ c\n  - d\n-not a list\n*em*", 20);
    assert_eq!(
        rows(&doc),
        ["• a", "• b", "• c", "  • d", "-not a list", "em"]
    );
    let buf = screen(&doc);
    assert_eq!(buf[(0, 0)].style(), cell_style(TextStyle::ListMarker));
    assert_eq!(buf[(2, 0)].style(), cell_style(TextStyle::Plain));
    assert_eq!(buf[(2, 3)].style(), cell_style(TextStyle::ListMarker));
}

#[test]
fn ordered_items_keep_their_numbers() {
    let doc = answer("1. one\n2) two\n10. ten\n3.14 is pi", 20);
    assert_eq!(rows(&doc), ["1. one", "2) two", "10. ten", "3.14 is pi"]);
    let buf = screen(&doc);
    assert_eq!(buf[(1, 0)].style(), cell_style(TextStyle::ListMarker));
    assert_eq!(buf[(3, 0)].style(), cell_style(TextStyle::Plain));
}

#[test]
fn quotes_get_a_bar_and_may_nest_or_hold_headings() {
    let doc = answer("> quoted\n> > deeper\n> # Title", 20);
    assert_eq!(rows(&doc), ["│ quoted", "│ │ deeper", "│ █ Title"]);
    let buf = screen(&doc);
    assert_eq!(buf[(0, 0)].style(), cell_style(TextStyle::Quote));
    assert_eq!(buf[(2, 0)].style(), cell_style(TextStyle::Quote));
    let title = buf[(2, 2)].style();
    assert!(
        title
            .add_modifier
            .contains(Modifier::BOLD | Modifier::ITALIC)
    );
    assert_eq!(title.fg, THEME.text(TextStyle::Heading).fg);
}

#[test]
fn fenced_code_shows_its_language_is_filled_and_not_parsed() {
    let doc = answer("```rust\nlet x = **1**;\n\n~~~\n```\nafter", 16);
    assert_eq!(
        rows(&doc),
        ["─── rust", "let x = **1**;", "", "~~~", "───", "after"]
    );
    let buf = screen(&doc);
    assert_eq!(buf[(0, 0)].style(), cell_style(TextStyle::CodeFence));
    for y in 1..4 {
        for x in [0, 8, 15] {
            assert_eq!(
                buf[(x, y)].style(),
                cell_style(TextStyle::CodeBlock),
                "({x}, {y})"
            );
        }
    }
    assert_eq!(buf[(0, 4)].style(), cell_style(TextStyle::CodeFence));
    assert_eq!(buf[(0, 5)].style(), cell_style(TextStyle::Plain));
}

#[test]
fn code_wraps_by_characters_keeping_spaces() {
    let doc = answer("~~~~\n  aaaa bbbb\n~~~~", 6);
    assert_eq!(rows(&doc), ["───", "  aaaa", " bbbb", "───"]);
}

#[test]
fn fences_inside_list_items_and_unclosed_fences() {
    let doc = answer("1. Run:\n   ```sh\n   cargo *x*\n   ```\n2. Done", 20);
    assert_eq!(
        rows(&doc),
        ["1. Run:", "   ─── sh", "   cargo *x*", "   ───", "2. Done"]
    );
    let doc = answer("```\n# not a heading\n``` not a close", 20);
    assert_eq!(rows(&doc), ["───", "# not a heading", "``` not a close"]);
    assert_eq!(
        screen(&doc)[(0, 2)].style(),
        cell_style(TextStyle::CodeBlock)
    );
}

#[test]
fn fences_spanning_appends_render_as_if_pushed_whole() {
    let pieces = [
        "intro\n`",
        "``py",
        "thon\nprint('**hi**')",
        "\n",
        "``",
        "`\nafter **b",
        "old**",
    ];
    let mut streamed = Document::new();
    streamed.set_width(20);
    let id = streamed.push(BlockKind::Answer, "");
    for piece in pieces {
        streamed.append(id, piece);
    }
    let whole = answer(&pieces.concat(), 20);
    assert_eq!(
        rows(&streamed),
        [
            "intro",
            "─── python",
            "print('**hi**')",
            "───",
            "after bold"
        ]
    );
    assert_eq!(screen(&streamed), screen(&whole));
}

#[test]
fn thematic_breaks_draw_a_rule_across_the_width() {
    let doc = answer("a\n---\n* * *\n___\n--", 8);
    let rule = "─".repeat(8);
    assert_eq!(rows(&doc), ["a", &rule, &rule, &rule, "--"]);
    assert_eq!(screen(&doc)[(7, 1)].style(), cell_style(TextStyle::Rule));
}

#[test]
fn inline_markup_is_styled_and_its_markers_dropped() {
    let line = "**strong** *em* _em2_ ~~del~~ `co*de` [text](http://u) <http://a.b>";
    let doc = answer(line, 80);
    assert_eq!(
        rows(&doc),
        ["strong em em2 del co*de text (http://u) http://a.b"]
    );
    let buf = screen(&doc);
    let style_at = |x: u16| buf[(x, 0)].style();
    assert_eq!(style_at(0), cell_style(TextStyle::Strong));
    assert_eq!(style_at(6), cell_style(TextStyle::Plain));
    assert_eq!(style_at(7), cell_style(TextStyle::Emphasis));
    assert_eq!(style_at(10), cell_style(TextStyle::Emphasis));
    assert_eq!(style_at(14), cell_style(TextStyle::Strike));
    assert_eq!(style_at(18), cell_style(TextStyle::Code));
    assert_eq!(style_at(24), cell_style(TextStyle::Link));
    // The target follows the text, dimmed; an autolink shows once.
    assert_eq!(style_at(30), cell_style(TextStyle::Dim));
    assert_eq!(style_at(40), cell_style(TextStyle::Link));
}

#[test]
fn link_targets_are_shown_sanitised_after_their_text() {
    let doc = answer(
        "see [docs](https://x.dev/a) and ![logo](img.png) and <b@c.d> and [e](http://e&#27;]52;c;x)",
        100,
    );
    let shown = rows(&doc).concat();
    assert_eq!(
        shown,
        "see docs (https://x.dev/a) and logo (img.png) and b@c.d and e (http://e␛]52;c;x)"
    );
}

#[test]
fn nested_emphasis_combines_roles() {
    let doc = answer("***both*** **bold `code`**", 40);
    assert_eq!(rows(&doc), ["both bold code"]);
    let buf = screen(&doc);
    let both = buf[(0, 0)].style();
    assert!(
        both.add_modifier
            .contains(Modifier::BOLD | Modifier::ITALIC)
    );
    let code = buf[(10, 0)].style();
    assert!(code.add_modifier.contains(Modifier::BOLD));
    assert_eq!(code.fg, THEME.text(TextStyle::Code).fg);
}

#[test]
fn an_unclosed_marker_does_not_style_later_lines() {
    let mut doc = Document::new();
    doc.set_width(30);
    let id = doc.push(BlockKind::Answer, "**bold start");
    assert_eq!(rows(&doc), ["**bold start"]);
    doc.append(id, "\nnext `line");
    doc.append(id, "\nlast");
    assert_eq!(rows(&doc), ["**bold start", "next `line", "last"]);
    let buf = screen(&doc);
    assert_eq!(buf[(0, 1)].style(), cell_style(TextStyle::Plain));
    assert_eq!(buf[(0, 2)].style(), cell_style(TextStyle::Plain));
}

#[test]
fn block_syntax_inside_content_stays_text() {
    let doc = answer(
        "[ref]: http://x\n- # item heading\n- ```\n&amp; &lt;b&gt;\n<div>raw</div>\n- - -",
        30,
    );
    assert_eq!(
        rows(&doc),
        [
            "[ref]: http://x",
            "• █ item heading",
            "• ```",
            "& <b>",
            "<div>raw</div>",
            &"─".repeat(30)
        ]
    );
}

#[test]
fn answer_with_headings_code_and_links_snapshot() {
    let doc = answer(
        "# Title\n## Section\n### Detail\n#### Minor\nRead [the guide](https://example.com/guide).\n```rust\nfn main() {}\n```\n~~~\nplain fence\n~~~",
        40,
    );
    insta::assert_snapshot!(backend(&doc));
}
