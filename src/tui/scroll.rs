//! Scrolling a page over rows: one step type for every key that scrolls,
//! and `ScrollView`, the bounded position the scrolling overlays share
//! (help, diff, leaderboard, details). The reducer keeps its sizes current,
//! so the offset never leaves the text and views only read it.

/// One scrolling move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScrollStep {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

impl ScrollStep {
    /// The rows this step moves by on a page of `page` rows (a page step
    /// keeps one row of context); None for the jumps to either end.
    pub fn rows(self, page: usize) -> Option<isize> {
        let page = isize::try_from(page.saturating_sub(1).max(1)).unwrap_or(isize::MAX);
        match self {
            ScrollStep::Up => Some(-1),
            ScrollStep::Down => Some(1),
            ScrollStep::PageUp => Some(-page),
            ScrollStep::PageDown => Some(page),
            ScrollStep::Top | ScrollStep::Bottom => None,
        }
    }
}

/// The first row shown of `rows`, with `page` rows visible at a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScrollView {
    offset: usize,
    rows: usize,
    page: usize,
}

impl ScrollView {
    pub fn new(rows: usize, page: usize) -> ScrollView {
        ScrollView {
            offset: 0,
            rows,
            page,
        }
    }

    /// The first visible row.
    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn page(&self) -> usize {
        self.page
    }

    /// The last offset that still fills the page.
    pub fn max_offset(&self) -> usize {
        self.rows.saturating_sub(self.page)
    }

    /// There is more than one page.
    pub fn scrolls(&self) -> bool {
        self.max_offset() > 0
    }

    /// The text or the page changed size; the offset stays within them.
    pub fn resize(&mut self, rows: usize, page: usize) {
        self.rows = rows;
        self.page = page;
        self.offset = self.offset.min(self.max_offset());
    }

    pub fn apply(&mut self, step: ScrollStep) {
        let max = self.max_offset();
        self.offset = match (step, step.rows(self.page)) {
            (ScrollStep::Top, _) => 0,
            (ScrollStep::Bottom, _) => max,
            (_, Some(rows)) => self.offset.saturating_add_signed(rows).min(max),
            (_, None) => self.offset,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_stays_within_the_text() {
        let mut view = ScrollView::new(100, 10);
        view.apply(ScrollStep::Up);
        assert_eq!(view.offset(), 0);
        view.apply(ScrollStep::Down);
        view.apply(ScrollStep::PageDown);
        assert_eq!(view.offset(), 10, "a page keeps one row of context");
        view.apply(ScrollStep::Bottom);
        assert_eq!(view.offset(), 90);
        for _ in 0..50 {
            view.apply(ScrollStep::Down);
        }
        assert_eq!(view.offset(), 90, "never past the last page");
        view.apply(ScrollStep::PageUp);
        assert_eq!(view.offset(), 81);
        view.apply(ScrollStep::Top);
        assert_eq!(view.offset(), 0);
    }

    #[test]
    fn a_shorter_text_or_a_taller_page_pulls_the_offset_back() {
        let mut view = ScrollView::new(100, 10);
        view.apply(ScrollStep::Bottom);
        view.resize(30, 10);
        assert_eq!(view.offset(), 20);
        view.resize(30, 40);
        assert_eq!(view.offset(), 0);
        assert!(!view.scrolls());
        let mut empty = ScrollView::default();
        empty.apply(ScrollStep::PageDown);
        assert_eq!(empty.offset(), 0);
    }
}
