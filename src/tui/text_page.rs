//! A text page's rows at a width (details, the judge's verdict, agreement):
//! "label\tvalue" lines keep the label in its column and wrap the value
//! under itself; other lines wrap keeping their indent; a word wider than
//! the page is cut by cells. Pure, so the reducer counts the rows the view
//! draws.

use unicode_width::UnicodeWidthChar;

/// The label column, in cells (the label and one space).
pub const LABEL_CELLS: usize = 18;

/// One row of a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextRow {
    /// The label padded to its column (blank on a wrapped value's later
    /// rows) and its value's part.
    Labelled {
        label: String,
        value: String,
    },
    /// A line ending in ':'.
    Heading(String),
    Plain(String),
}

/// Every row of `lines` at `width` cells.
pub fn rows(lines: &[String], width: u16) -> Vec<TextRow> {
    let width = usize::from(width).max(1);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        match line.split_once('\t') {
            Some((label, value)) => {
                let label_cells = (cells(label) + 1).max(LABEL_CELLS);
                // A page too narrow for the two columns wraps the value under
                // the label instead.
                if label_cells + 8 > width {
                    out.extend(wrap(label, width, 0).into_iter().map(TextRow::Plain));
                    out.extend(
                        wrap(&format!("  {value}"), width, 2.min(width / 2))
                            .into_iter()
                            .map(TextRow::Plain),
                    );
                    continue;
                }
                for (index, part) in wrap(value, width - label_cells, 0).into_iter().enumerate() {
                    out.push(TextRow::Labelled {
                        label: if index == 0 {
                            format!("{label}{}", " ".repeat(label_cells - cells(label)))
                        } else {
                            " ".repeat(label_cells)
                        },
                        value: part,
                    });
                }
            }
            None if line.ends_with(':') => {
                out.extend(wrap(line, width, 0).into_iter().map(TextRow::Heading))
            }
            None => {
                let indent = line.chars().take_while(|c| *c == ' ').count();
                out.extend(
                    wrap(line, width, indent.min(width / 2))
                        .into_iter()
                        .map(TextRow::Plain),
                );
            }
        }
    }
    out
}

fn cells(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `text` in rows of at most `width` cells, broken between words (a run
/// of spaces is kept); later rows start with `indent` spaces.
fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let lead = text.chars().take_while(|c| *c == ' ').count();
    let mut rows = Vec::new();
    let mut row = " ".repeat(lead.min(width / 2));
    let mut row_cells = row.len();
    let mut fresh = true;
    for word in text[lead..].split(' ') {
        let word_cells = cells(word);
        if !fresh && row_cells + 1 + word_cells > width {
            rows.push(std::mem::replace(&mut row, " ".repeat(indent)));
            row_cells = indent;
            fresh = true;
        }
        if !fresh {
            row.push(' ');
            row_cells += 1;
        }
        for c in word.chars() {
            let c_cells = c.width().unwrap_or(0);
            // A word wider than the page is cut by cells.
            if row_cells + c_cells > width && row_cells > indent {
                rows.push(std::mem::replace(&mut row, " ".repeat(indent)));
                row_cells = indent;
            }
            row.push(c);
            row_cells += c_cells;
        }
        fresh = false;
    }
    rows.push(row);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(rows: &[TextRow]) -> Vec<String> {
        rows.iter()
            .map(|r| match r {
                TextRow::Labelled { label, value } => format!("{label}{value}"),
                TextRow::Heading(t) | TextRow::Plain(t) => t.clone(),
            })
            .collect()
    }

    #[test]
    fn long_values_wrap_under_themselves() {
        let lines = vec![
            "rubric\tIs the reply polite, correct and one sentence long?".to_string(),
            "Pairs:".to_string(),
            "  shown A = 1, B = 2 → picked A: it names the right city".to_string(),
        ];
        assert_eq!(
            plain(&rows(&lines, 40)),
            vec![
                "rubric            Is the reply polite,",
                "                  correct and one",
                "                  sentence long?",
                "Pairs:",
                "  shown A = 1, B = 2 → picked A: it",
                "  names the right city",
            ]
        );
    }

    #[test]
    fn nothing_is_wider_than_the_page() {
        let lines = vec![
            format!("why\t{}", "x".repeat(100)),
            "語".repeat(30),
            format!("a label longer than the column\t{}", "word ".repeat(20)),
            String::new(),
        ];
        for width in [1u16, 5, 20, 26, 80] {
            for row in plain(&rows(&lines, width)) {
                // A double-width glyph on a one-cell page is the one overflow.
                assert!(cells(&row) <= usize::from(width).max(2), "{width}: {row:?}");
            }
        }
        assert_eq!(
            rows(&[String::new()], 10),
            vec![TextRow::Plain(String::new())]
        );
    }
}
