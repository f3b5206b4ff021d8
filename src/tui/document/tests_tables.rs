//! Pipe tables in answers: aligned columns, alignment markers, display
//! widths, escapes, narrow panes, and streaming row by row.

use pretty_assertions::assert_eq;
use unicode_width::UnicodeWidthStr;

use super::tests::{backend, cell_style, doc_with, rows, screen};
use super::{BlockKind, Document};
use crate::tui::theme::TextStyle;

fn answer(text: &str, width: u16) -> Document {
    doc_with(BlockKind::Answer, text, width)
}

/// Where each `│` sits in a row, in display columns.
fn bars(row: &str) -> Vec<usize> {
    let mut columns = Vec::new();
    let mut at = 0;
    for c in row.chars() {
        if c == '│' || c == '┼' {
            columns.push(at);
        }
        at += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    columns
}

#[test]
fn a_table_is_drawn_in_aligned_columns_with_its_alignments() {
    let doc = answer(
        "Prices:\n| model | **$/M** | note |\n|:--|--:|:-:|\n| gpt-4o | 2.5 | x |\n| llama | 0.05 | local |\nafter",
        40,
    );
    assert_eq!(
        rows(&doc),
        [
            "Prices:",
            "model  │  $/M │ note",
            "───────┼──────┼──────",
            "gpt-4o │  2.5 │   x",
            "llama  │ 0.05 │ local",
            "after",
        ]
    );
    let buf = screen(&doc);
    // Header cells are strong; separators are drawn as a rule.
    assert!(
        buf[(0, 1)]
            .style()
            .add_modifier
            .contains(ratatui::style::Modifier::BOLD)
    );
    assert_eq!(buf[(7, 1)].style(), cell_style(TextStyle::Rule));
    assert_eq!(buf[(0, 3)].style(), cell_style(TextStyle::Plain));
}

#[test]
fn wide_characters_are_measured_in_cells() {
    let doc = answer("| 名前 | n |\n|---|---|\n| 東京都 | 1 |\n| a | 22 |", 30);
    let shown = rows(&doc);
    assert_eq!(shown[0], "名前   │ n");
    assert_eq!(shown[2], "東京都 │ 1");
    // Every separator sits in the same display column.
    for row in &shown {
        assert_eq!(bars(row), [7], "{row}");
    }
}

#[test]
fn escape_sequences_in_cells_go_through_the_sanitiser() {
    let doc = answer(
        "| a | b |\n|---|---|\n| \u{1b}[31mred\u{1b}[0m | &#27;[2Jx |\n| \u{9b}1m | ok |",
        30,
    );
    let buf = screen(&doc);
    for cell in buf.content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()),
            "a control character reached the screen: {:?}",
            cell.symbol()
        );
    }
    let shown = rows(&doc);
    let columns: Vec<Vec<usize>> = shown.iter().map(|row| bars(row)).collect();
    assert!(columns.iter().all(|c| *c == columns[0]), "{shown:?}");
}

#[test]
fn a_table_wider_than_the_pane_cuts_its_widest_cells() {
    let text = "| id | description | price |\n|---|---|--:|\n| 1 | a very long description of the model that goes on | $0.10 |\n| 2 | short | $3 |";
    let doc = answer(text, 24);
    let shown = rows(&doc);
    assert_eq!(
        shown,
        [
            "id │ description │ price",
            "───┼─────────────┼──────",
            "1  │ a very lon… │ $0.10",
            "2  │ short       │    $3",
        ]
    );
    // No row wraps: one row per line, none wider than the pane.
    assert_eq!(doc.total_rows(), 4);
    assert!(shown.iter().all(|row| row.width() <= 24));
    // Wider again: nothing is cut.
    let mut doc = doc;
    doc.set_width(80);
    assert!(rows(&doc)[2].ends_with("a very long description of the model that goes on │ $0.10"));
}

#[test]
fn streamed_row_by_row_it_ends_as_if_pushed_whole() {
    let text = "Intro\n| a | b |\n|---|--:|\n| 1 | 2 |\n| longer | 33 |\n| x | y |\ndone";
    let mut streamed = Document::new();
    streamed.set_width(30);
    let id = streamed.push(BlockKind::Answer, "");
    let mut seen = Vec::new();
    for piece in text.split_inclusive(['|', '\n']) {
        streamed.append(id, piece);
        seen.push(rows(&streamed));
    }
    assert_eq!(screen(&streamed), screen(&answer(text, 30)));
    // While the last row was partial it was already drawn in the columns.
    assert!(
        seen.iter()
            .any(|rows| rows.last().is_some_and(|r| r.starts_with("x      │"))),
        "{seen:#?}"
    );
}

#[test]
fn lines_with_pipes_that_are_not_a_table_stay_as_written() {
    let doc = answer(
        "| a | b |\nno delimiter\nuse a || b here\n| x |\n|---|---|",
        30,
    );
    assert_eq!(
        rows(&doc),
        [
            "| a | b |",
            "no delimiter",
            "use a || b here",
            "| x |",
            "|---|---|"
        ]
    );
}

#[test]
fn a_table_snapshot() {
    let doc = answer(
        "| Model | Input $/M | Output $/M | Notes |\n|:---|---:|---:|:---:|\n| openai/gpt-4o | 2.50 | 10.00 | **fast** |\n| anthropic/claude-sonnet-4.5 | 3.00 | 15.00 | `long` context |\n| ollama:llama3.2 | 0 | 0 | 本地 |\n\nPick by *cost*.",
        48,
    );
    insta::assert_snapshot!(backend(&doc));
}
