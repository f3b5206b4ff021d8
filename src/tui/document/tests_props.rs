//! The incremental path's key property: however a text is split into
//! appends, and whatever widths came before, the rows drawn are exactly
//! those of the text pushed whole at the final width.

use proptest::prelude::*;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::tests::{THEME, screen};
use super::{BlockKind, Document};

/// Pieces that exercise every branch: Markdown markers, fences, spaces at
/// row ends, tabs, wide and combining characters, escapes and entities.
const TOKENS: &[&str] = &[
    "a",
    "word",
    "longerword",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "**",
    "*",
    "_",
    "~~",
    "`",
    "```",
    "~~~",
    "# ",
    "## ",
    "- ",
    "* ",
    "1. ",
    "> ",
    "---",
    "[link](http://u)",
    "<http://a>",
    "&amp;",
    "&#27;",
    "日本",
    "😀",
    "e\u{301}",
    "❤\u{FE0F}",
    "\x1b[31m",
    "\r\n",
    "|",
    "   ",
    "x y z ",
];

/// Mostly token soup, sometimes arbitrary Unicode (controls included).
fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(prop::sample::select(TOKENS), 0..80)
            .prop_map(|tokens| tokens.concat()),
        1 => any::<String>(),
    ]
}

fn kind_strategy() -> impl Strategy<Value = BlockKind> {
    prop::sample::select(vec![
        BlockKind::Answer,
        BlockKind::Answer,
        BlockKind::Answer,
        BlockKind::Prompt,
        BlockKind::Reasoning,
        BlockKind::Notice,
    ])
}

/// Splits `text` at the given fractions (rounded down to char boundaries).
fn split(text: &str, cuts: &[f64]) -> Vec<String> {
    let mut bounds: Vec<usize> = cuts
        .iter()
        .map(|cut| {
            let mut at = (text.len() as f64 * cut) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        })
        .collect();
    bounds.push(0);
    bounds.push(text.len());
    bounds.sort_unstable();
    bounds
        .windows(2)
        .map(|pair| text[pair[0]..pair[1]].to_string())
        .collect()
}

fn pushed(kind: BlockKind, text: &str, width: u16, markdown: bool) -> Document {
    let mut doc = Document::new();
    doc.set_markdown(markdown);
    doc.set_width(width);
    doc.push(BlockKind::Prompt, "question");
    doc.push(kind, text);
    doc
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn appends_render_like_one_push(
        kind in kind_strategy(),
        text in text_strategy(),
        cuts in prop::collection::vec(0.0..1.0f64, 0..12),
        width in 1u16..=120,
        markdown in any::<bool>(),
    ) {
        let mut streamed = Document::new();
        streamed.set_markdown(markdown);
        streamed.set_width(width);
        streamed.push(BlockKind::Prompt, "question");
        let id = streamed.push(kind, "");
        for piece in split(&text, &cuts) {
            streamed.append(id, &piece);
        }
        let whole = pushed(kind, &text, width, markdown);
        prop_assert_eq!(streamed.total_rows(), whole.total_rows());
        prop_assert_eq!(streamed.text(id), whole.text(id));
        prop_assert_eq!(screen(&streamed), screen(&whole));
    }

    #[test]
    fn rewrapping_matches_building_at_the_final_width(
        kind in kind_strategy(),
        text in text_strategy(),
        first in 0u16..=120,
        last in 1u16..=120,
        markdown in any::<bool>(),
    ) {
        let mut resized = pushed(kind, &text, first, markdown);
        resized.set_width(last);
        let direct = pushed(kind, &text, last, markdown);
        prop_assert_eq!(resized.total_rows(), direct.total_rows());
        prop_assert_eq!(screen(&resized), screen(&direct));
    }

    #[test]
    fn any_window_shows_the_same_rows_as_the_whole(
        kind in kind_strategy(),
        text in text_strategy(),
        width in 1u16..=40,
        height in 1u16..=6,
    ) {
        let doc = pushed(kind, &text, width, true);
        let whole = screen(&doc);
        for first_row in 0..doc.total_rows() + 2 {
            let area = Rect::new(0, 0, width, height);
            let mut window = Buffer::empty(area);
            doc.render(first_row, area, &mut window, &THEME);
            for y in 0..height {
                for x in 0..width {
                    let row = u16::try_from(first_row).expect("small") + y;
                    let expected = whole.cell((x, row)).cloned().unwrap_or_default();
                    prop_assert_eq!(&window[(x, y)], &expected, "row {} col {}", row, x);
                }
            }
        }
    }

    #[test]
    fn toggling_markdown_twice_changes_nothing(
        text in text_strategy(),
        width in 1u16..=60,
    ) {
        let mut toggled = pushed(BlockKind::Answer, &text, width, true);
        toggled.set_markdown(false);
        toggled.set_markdown(true);
        let direct = pushed(BlockKind::Answer, &text, width, true);
        prop_assert_eq!(screen(&toggled), screen(&direct));
    }
}
