//! The screen stays exact whatever the text: drawn into a `TestBackend`,
//! every cell's cluster is one the terminal measures as ratatui does, and
//! each row's cluster widths add up to the row's width (so ratatui's diff
//! never puts the cursor where the terminal does not have it).

use proptest::prelude::*;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::tests::THEME;
use super::{BlockKind, Document};
use crate::tui::glyphs;

/// Characters terminals and ratatui measure differently, and their company.
const TRICKY: &[&str] = &[
    "\u{2028}",
    "\u{2029}",
    "\u{200D}",
    "\u{200B}",
    "\u{AD}",
    "\u{2060}",
    "\u{FEFF}",
    "\u{202E}",
    "\u{2066}",
    "\u{FE0F}",
    "\u{FE0E}",
    "\u{301}",
    "\u{20E3}",
    "\u{E0041}",
    "\u{600}",
    "\u{3164}",
    "\u{115F}",
    "\u{1160}",
    "\u{1F3FD}",
    "\u{1F1EB}",
    "\u{1F1F7}",
    "❤",
    "👨",
    "👍",
    "1",
    "e",
    "日",
    "a",
    " ",
    "\t",
    "\n",
    "# ",
    "- ",
    "> ",
    "**",
    "`",
    "```",
    "|",
    "[l](http://x)",
    "&#8232;",
    "&#x200D;",
    "&#769;",
];

fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(prop::sample::select(TRICKY), 0..60)
            .prop_map(|pieces| pieces.concat()),
        1 => any::<String>(),
    ]
}

/// Checks every row: each drawn cluster is safe for the terminal, the cells
/// it covers after the first are blank, and the widths add up to the row.
fn assert_rows_add_up(buf: &Buffer) -> Result<(), TestCaseError> {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        let mut cells = 0;
        while x < area.right() {
            let symbol = buf[(x, y)].symbol();
            let width = symbol.width();
            prop_assert!(
                symbol.len() == 1 || glyphs::cell_is_safe(symbol),
                "row {} col {}: {:?} is measured differently by terminals",
                y,
                x,
                symbol.escape_unicode().to_string()
            );
            prop_assert!(width >= 1, "row {} col {}: zero-width cell", y, x);
            for hidden in 1..width {
                let covered = x + u16::try_from(hidden).unwrap_or(u16::MAX);
                if covered < area.right() {
                    prop_assert_eq!(buf[(covered, y)].symbol(), " ");
                }
            }
            cells += width;
            x = x.saturating_add(u16::try_from(width).unwrap_or(u16::MAX));
        }
        prop_assert_eq!(cells, usize::from(area.width), "row {}", y);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The document alone already keeps the rule (no cell needs settling).
    #[test]
    fn document_rows_add_up(
        text in tricky_text(),
        width in 1u16..=40,
        markdown in any::<bool>(),
        kind in prop::sample::select(vec![BlockKind::Answer, BlockKind::Reasoning, BlockKind::Prompt]),
    ) {
        let mut doc = Document::new();
        doc.set_markdown(markdown);
        doc.set_width(width);
        doc.push(kind, &text);
        let height = u16::try_from(doc.total_rows().clamp(1, 200)).unwrap_or(1);
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        terminal
            .draw(|frame| doc.render(0, frame.area(), frame.buffer_mut(), &THEME))
            .expect("draw");
        assert_rows_add_up(terminal.backend().buffer())?;
    }

    /// Any other view (a paragraph of outside text, as the overlays draw) is
    /// made safe by the frame's final `settle`.
    #[test]
    fn settled_views_add_up(text in tricky_text(), width in 1u16..=40, height in 1u16..=8) {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        terminal
            .draw(|frame| {
                let area = Rect::new(0, 0, width, height);
                frame.render_widget(Paragraph::new(text.as_str()), area);
                glyphs::settle(frame.buffer_mut());
            })
            .expect("draw");
        assert_rows_add_up(terminal.backend().buffer())?;
    }
}
