//! A word-level diff of two panes' answers, shown inline: words only the
//! other answer has are underlined (added), words only this one has are
//! struck through (removed). Wrapped once per width; drawing shows only the
//! visible rows, so a long answer scrolls as cheaply as a short one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use similar::{ChangeTag, TextDiff};
use unicode_width::UnicodeWidthStr;

use crate::sanitize::sanitize;

use super::scroll::ScrollView;
use super::theme::{TextStyle, Theme};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Same,
    Added,
    Removed,
}

/// A piece of the inline diff: some text and whether it is shared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub change: Change,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct DiffView {
    /// "1 openai/gpt-4o" and "2 anthropic/claude-sonnet-4.5".
    pub left: String,
    pub right: String,
    pieces: Vec<Piece>,
    pub added_words: usize,
    pub removed_words: usize,
    /// Wrapped rows at `width`: (change, text) runs per row.
    rows: Vec<Vec<(Change, String)>>,
    width: u16,
    pub scroll: ScrollView,
}

/// Diffs `from` → `to` by words (whitespace kept with the words).
pub fn word_diff(from: &str, to: &str) -> Vec<Piece> {
    let from = sanitize(from);
    let to = sanitize(to);
    let diff = TextDiff::from_words(from.as_ref(), to.as_ref());
    let mut pieces: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => Change::Same,
            ChangeTag::Insert => Change::Added,
            ChangeTag::Delete => Change::Removed,
        };
        let text = change.value();
        // A removed word right before an added one ("quick" → "slow")
        // would read as one word ("quickslow"): keep them a space apart.
        if let Some(last) = pieces.last()
            && last.change != Change::Same
            && kind != Change::Same
            && last.change != kind
            && !last.text.ends_with(char::is_whitespace)
        {
            pieces.push(Piece {
                change: Change::Same,
                text: " ".to_string(),
            });
        }
        match pieces.last_mut() {
            Some(last) if last.change == kind => last.text.push_str(text),
            _ => pieces.push(Piece {
                change: kind,
                text: text.to_string(),
            }),
        }
    }
    pieces
}

fn count_words(pieces: &[Piece], change: Change) -> usize {
    pieces
        .iter()
        .filter(|p| p.change == change)
        .map(|p| p.text.split_whitespace().count())
        .sum()
}

impl DiffView {
    pub fn new(left: String, right: String, from: &str, to: &str) -> DiffView {
        let pieces = word_diff(from, to);
        DiffView {
            left,
            right,
            added_words: count_words(&pieces, Change::Added),
            removed_words: count_words(&pieces, Change::Removed),
            pieces,
            rows: Vec::new(),
            width: 0,
            scroll: ScrollView::default(),
        }
    }

    pub fn total_rows(&self) -> usize {
        self.rows.len()
    }

    /// Wraps the diff to `width` cells (again only when the width changed)
    /// and pages it `page` rows at a time.
    pub fn fit(&mut self, width: u16, page: usize) {
        if width != self.width || self.rows.is_empty() {
            self.width = width;
            self.rows = wrap(&self.pieces, usize::from(width));
        }
        self.scroll.resize(self.rows.len(), page);
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let style = |change: Change| -> Style {
            match change {
                Change::Same => theme.text(TextStyle::Plain),
                Change::Added => theme.text(TextStyle::Added),
                Change::Removed => theme.text(TextStyle::Removed),
            }
        };
        for (offset, row) in self
            .rows
            .iter()
            .skip(self.scroll.offset())
            .take(usize::from(area.height))
            .enumerate()
        {
            let y = area.y + offset as u16;
            let mut x = area.x;
            for (change, text) in row {
                let room = area.right().saturating_sub(x) as usize;
                let (next, _) = buf.set_stringn(x, y, text, room, style(*change));
                x = next;
            }
        }
    }
}

/// Splits the pieces into rows of at most `width` cells, breaking after
/// whitespace where possible and at hard newlines always.
fn wrap(pieces: &[Piece], width: usize) -> Vec<Vec<(Change, String)>> {
    let width = width.max(1);
    let mut rows: Vec<Vec<(Change, String)>> = vec![Vec::new()];
    let mut used = 0usize;
    let push = |rows: &mut Vec<Vec<(Change, String)>>, change: Change, text: &str| {
        let Some(row) = rows.last_mut() else {
            rows.push(vec![(change, text.to_string())]);
            return;
        };
        match row.last_mut() {
            Some((last, existing)) if *last == change => existing.push_str(text),
            Some(_) | None => row.push((change, text.to_string())),
        }
    };
    for piece in pieces {
        // Tokens: words with their trailing spaces, and newlines alone.
        for (i, line) in piece.text.split('\n').enumerate() {
            if i > 0 {
                rows.push(Vec::new());
                used = 0;
            }
            for word in line.split_inclusive(' ') {
                let word = word.replace('\t', "    ");
                let cells = word.width();
                if used + word.trim_end().width() > width && used > 0 {
                    rows.push(Vec::new());
                    used = 0;
                }
                if cells > width {
                    // A word longer than the row: break it by characters.
                    let mut part = String::new();
                    let mut part_cells = 0;
                    for c in word.chars() {
                        let w = UnicodeWidthStr::width(c.encode_utf8(&mut [0; 4]) as &str);
                        if used + part_cells + w > width {
                            push(&mut rows, piece.change, &part);
                            rows.push(Vec::new());
                            used = 0;
                            part.clear();
                            part_cells = 0;
                        }
                        part.push(c);
                        part_cells += w;
                    }
                    push(&mut rows, piece.change, &part);
                    used += part_cells;
                } else {
                    push(&mut rows, piece.change, &word);
                    used += cells;
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_added_and_removed() {
        let pieces = word_diff("the quick brown fox", "the slow brown fox jumps");
        let changed: Vec<(Change, &str)> = pieces
            .iter()
            .filter(|p| p.change != Change::Same)
            .map(|p| (p.change, p.text.trim()))
            .collect();
        assert_eq!(
            changed,
            vec![
                (Change::Removed, "quick"),
                (Change::Added, "slow"),
                (Change::Added, "jumps")
            ]
        );
        let view = DiffView::new(
            "1".into(),
            "2".into(),
            "the quick brown fox",
            "the slow brown fox jumps",
        );
        assert_eq!(view.added_words, 2);
        assert_eq!(view.removed_words, 1);
    }

    #[test]
    fn identical_answers_have_no_changes() {
        let pieces = word_diff("same text\nhere", "same text\nhere");
        assert!(pieces.iter().all(|p| p.change == Change::Same));
    }

    #[test]
    fn wraps_and_renders_only_visible_rows() {
        let text: String = (0..100).map(|i| format!("word{i} ")).collect();
        let other = text.replace("word50", "changed50");
        let mut view = DiffView::new("a".into(), "b".into(), &text, &other);
        view.fit(20, 10);
        assert!(view.total_rows() > 30);
        view.scroll.apply(crate::tui::scroll::ScrollStep::Bottom);
        assert_eq!(view.scroll.offset(), view.total_rows() - 10);
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 10));
        view.render(Rect::new(0, 0, 20, 10), &mut buf, &Theme::monochrome());
        let last: String = (0..20).map(|x| buf[(x, 9)].symbol().to_string()).collect();
        assert!(last.contains("word99"), "{last}");
    }

    #[test]
    fn escapes_never_reach_the_screen() {
        let mut view = DiffView::new("a".into(), "b".into(), "x\x1b[2J", "y\x1b]0;t\x07");
        view.fit(30, 2);
        let mut buf = Buffer::empty(Rect::new(0, 0, 30, 2));
        view.render(Rect::new(0, 0, 30, 2), &mut buf, &Theme::monochrome());
        for y in 0..2 {
            for x in 0..30 {
                assert!(!buf[(x, y)].symbol().contains('\x1b'));
            }
        }
    }

    #[test]
    fn long_words_break() {
        let mut view = DiffView::new("a".into(), "b".into(), &"x".repeat(50), &"x".repeat(50));
        view.fit(20, 10);
        assert_eq!(view.total_rows(), 3);
    }
}
