//! The model picker overlay: fuzzy search over every catalog the routing core
//! loaded, sorting, free-only filtering and multi-select, for choosing the
//! columns or one pane's fallback chain. A pure component: actions in, an
//! outcome out; no I/O, no clock. The app's reducer owns it and tells it how
//! many rows its list shows (from the layout); its view only reads it.

#[cfg(test)]
mod marks_tests;
mod row;
mod table;
#[cfg(test)]
mod tests;
mod view;
#[cfg(test)]
mod view_tests;

/// Text cut to a width with an ellipsis, for other views' tables too.
pub(crate) use table::truncated;

use std::collections::HashSet;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

use crate::router::catalog::{ModelInfo, SortKey, compare_models};
use crate::tui::theme::Theme;

pub use crate::tui::keymap::PickerAction;
use row::{Row, fold_exact, match_indices};
pub use view::list_rows;

#[derive(Clone, Debug, PartialEq)]
pub struct PickerEntry {
    /// How the user writes it: the bare id for the default provider ("openai/gpt-4o"),
    /// "provider:id" for others ("ollama:llama3.2:3b"). Unique within the picker.
    pub reference: String,
    pub provider: String,
    pub model: ModelInfo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerPurpose {
    /// Choose the set of columns: marks start on the models already shown; applying gives the new set.
    Columns,
    /// Build an ordered fallback chain for one pane: marking appends to the chain (rows show 1, 2, 3...), unmarking removes.
    Fallback,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickerOutcome {
    /// Keep the picker open (redraw).
    Continue,
    Cancel,
    /// The chosen references in order: for Columns, the models already shown keep their original order
    /// and newly marked ones follow in marking order; for Fallback, the chain in marking order.
    /// If nothing is marked when Apply is pressed, the row under the cursor counts as marked
    /// (so Enter on a row "just picks it"); with no row either, the list is empty.
    Apply(Vec<String>),
}

/// Rows the list shows per page until the reducer says how many fit.
const DEFAULT_PAGE_ROWS: u16 = 10;

/// The picker's whole state: rows, query, sort, filter, marks and cursor.
#[derive(Clone, Debug)]
pub struct PickerState {
    purpose: PickerPurpose,
    rows: Vec<Row>,
    /// The reference and name columns' wanted widths over all rows, kept by
    /// `set_entries` (see `table::wanted_widths`).
    wanted_widths: (u16, u16),
    /// Row indices in sort-key order.
    sorted: Vec<usize>,
    /// Row indices the list shows, top to bottom.
    visible: Vec<usize>,
    query: String,
    pattern: Pattern,
    /// Scores rows and finds their matched letters.
    matcher: Matcher,
    sort: SortKey,
    free_only: bool,
    /// References chosen when the picker opened, in their order.
    chosen: Vec<String>,
    /// Marked references in marking order (starting with `chosen`).
    marks: Vec<String>,
    /// Index into `visible`.
    cursor: usize,
    status: String,
    /// The first list row shown; the cursor is always on the page.
    scroll_offset: usize,
    /// List rows on screen (from the layout); the PageUp/PageDown step.
    page_rows: u16,
    /// The matched letters of each row on the page, sorted (empty without a query).
    highlights: Vec<Vec<u32>>,
}

impl PickerState {
    /// `chosen`: references currently chosen, in order (pre-marked). They stay chosen even when they are
    /// not in `entries` (e.g. a model whose catalog failed to load) — such rows show "?" figures.
    pub fn new(
        purpose: PickerPurpose,
        entries: Vec<PickerEntry>,
        chosen: Vec<String>,
        sort: SortKey,
    ) -> PickerState {
        let mut seen = HashSet::new();
        let chosen: Vec<String> = chosen
            .into_iter()
            .filter(|reference| seen.insert(reference.clone()))
            .collect();
        let mut state = PickerState {
            purpose,
            rows: Vec::new(),
            wanted_widths: (0, 0),
            sorted: Vec::new(),
            visible: Vec::new(),
            query: String::new(),
            pattern: Pattern::default(),
            matcher: Matcher::new(Config::DEFAULT),
            sort,
            free_only: false,
            marks: chosen.clone(),
            chosen,
            cursor: 0,
            status: String::new(),
            scroll_offset: 0,
            page_rows: DEFAULT_PAGE_ROWS,
            highlights: Vec::new(),
        };
        state.set_entries(entries);
        state
    }

    /// Replaces the entries (a background refresh finished); keeps query, marks, sort and the
    /// cursor on the same reference when it still exists.
    pub fn set_entries(&mut self, entries: Vec<PickerEntry>) {
        let kept = self.cursor_reference().map(str::to_string);
        let old_cursor = self.cursor;
        let mut seen = HashSet::new();
        let mut rows = Vec::with_capacity(entries.len() + self.chosen.len());
        for entry in entries {
            if seen.insert(entry.reference.clone()) {
                rows.push(Row::new(entry, true));
            }
        }
        for reference in self.chosen.iter().chain(&self.marks) {
            if seen.insert(reference.clone()) {
                rows.push(Row::unlisted(reference));
            }
        }
        self.wanted_widths = table::wanted_widths(&rows);
        self.rows = rows;
        self.resort();
        self.refilter();
        self.cursor = old_cursor;
        self.restore_cursor(kept.as_deref());
        self.follow_cursor();
    }

    /// How many list rows the screen shows (see `list_rows`).
    pub fn set_page_rows(&mut self, rows: u16) {
        if rows != self.page_rows {
            self.page_rows = rows;
            self.follow_cursor();
        }
    }

    /// One line shown under the list, e.g. "openrouter: cache, fetched 2h ago · refreshing…" or a load error.
    pub fn set_status(&mut self, status: String) {
        self.status = status;
    }

    pub fn apply(&mut self, action: PickerAction) -> PickerOutcome {
        let outcome = self.step(action);
        self.follow_cursor();
        outcome
    }

    fn step(&mut self, action: PickerAction) -> PickerOutcome {
        let page = usize::from(self.page_rows.max(1));
        let last = self.visible.len().saturating_sub(1);
        match action {
            PickerAction::Up => self.cursor = self.cursor.saturating_sub(1),
            PickerAction::Down => self.cursor = (self.cursor + 1).min(last),
            PickerAction::PageUp => self.cursor = self.cursor.saturating_sub(page),
            PickerAction::PageDown => self.cursor = (self.cursor + page).min(last),
            PickerAction::Top => self.cursor = 0,
            PickerAction::Bottom => self.cursor = last,
            PickerAction::Toggle => self.toggle_cursor_row(),
            PickerAction::Apply => return PickerOutcome::Apply(self.applied()),
            PickerAction::Cancel => return PickerOutcome::Cancel,
            PickerAction::CycleSort => {
                self.sort = next_sort(self.sort);
                self.keeping_cursor(|state| {
                    state.resort();
                    state.refilter();
                });
            }
            PickerAction::ToggleFree => {
                self.free_only = !self.free_only;
                self.keeping_cursor(Self::refilter);
            }
            PickerAction::Input(c) if !c.is_control() => {
                self.query.push(c);
                self.query_changed();
            }
            PickerAction::Input(_) => {}
            PickerAction::Backspace => {
                if self.query.pop().is_some() {
                    self.query_changed();
                }
            }
            PickerAction::DeleteWord => {
                let kept = delete_last_word(&self.query).len();
                if kept != self.query.len() {
                    self.query.truncate(kept);
                    self.query_changed();
                }
            }
            PickerAction::ClearQuery => {
                if !self.query.is_empty() {
                    self.query.clear();
                    self.query_changed();
                }
            }
        }
        PickerOutcome::Continue
    }

    /// Appends pasted text to the query (control characters dropped), then
    /// filters once: the same result as typing it, without a filter per character.
    pub fn insert_str(&mut self, text: &str) {
        let before = self.query.len();
        self.query.extend(text.chars().filter(|c| !c.is_control()));
        if self.query.len() != before {
            self.query_changed();
            self.follow_cursor();
        }
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn sort(&self) -> SortKey {
        self.sort
    }

    pub fn purpose(&self) -> PickerPurpose {
        self.purpose
    }

    /// References of the visible (filtered, sorted) rows, top to bottom — for tests.
    pub fn visible(&self) -> Vec<&str> {
        self.visible
            .iter()
            .map(|&row| self.rows[row].entry.reference.as_str())
            .collect()
    }

    pub fn cursor_reference(&self) -> Option<&str> {
        let row = *self.visible.get(self.cursor)?;
        Some(self.rows[row].entry.reference.as_str())
    }

    /// Draws the overlay: a centred box of about 90% × 80% of `area`, cleared beneath.
    pub fn render(
        &self,
        area: ratatui::layout::Rect,
        buf: &mut ratatui::buffer::Buffer,
        theme: &Theme,
    ) {
        view::render(self, area, buf, theme);
    }

    /// The 1-based position of `reference` among the marks (its place in a fallback chain).
    fn mark_position(&self, reference: &str) -> Option<usize> {
        self.marks
            .iter()
            .position(|marked| marked == reference)
            .map(|index| index + 1)
    }

    fn toggle_cursor_row(&mut self) {
        let Some(reference) = self.cursor_reference().map(str::to_string) else {
            return;
        };
        match self.mark_position(&reference) {
            Some(position) => {
                self.marks.remove(position - 1);
            }
            None => self.marks.push(reference),
        }
    }

    fn applied(&self) -> Vec<String> {
        if self.marks.is_empty() {
            return self
                .cursor_reference()
                .map(str::to_string)
                .into_iter()
                .collect();
        }
        match self.purpose {
            PickerPurpose::Fallback => self.marks.clone(),
            PickerPurpose::Columns => {
                let kept = self.chosen.iter().filter(|r| self.marks.contains(r));
                let added = self.marks.iter().filter(|r| !self.chosen.contains(r));
                kept.chain(added).cloned().collect()
            }
        }
    }

    fn query_changed(&mut self) {
        self.pattern = Pattern::parse(&self.query, CaseMatching::Smart, Normalization::Smart);
        self.refilter();
        self.cursor = 0;
        self.scroll_offset = 0;
    }

    /// Scrolls the list so the cursor is on the page, then finds the
    /// matched letters of the rows shown.
    fn follow_cursor(&mut self) {
        let height = usize::from(self.page_rows.max(1));
        let mut offset = self.scroll_offset;
        if self.cursor < offset {
            offset = self.cursor;
        } else if self.cursor >= offset + height {
            offset = self.cursor + 1 - height;
        }
        self.scroll_offset = offset.min(self.visible.len().saturating_sub(height));
        self.highlights.clear();
        if self.query.is_empty() {
            return;
        }
        let shown = self.visible.iter().skip(self.scroll_offset).take(height);
        for &row in shown {
            let mut indices = Vec::new();
            match_indices(
                &self.pattern,
                &self.rows[row],
                &mut self.matcher,
                &mut indices,
            );
            self.highlights.push(indices);
        }
    }

    /// Runs `change`, then puts the cursor back on the row it was on if that
    /// row is still visible, else on the top row.
    fn keeping_cursor(&mut self, change: impl FnOnce(&mut PickerState)) {
        let kept = self.cursor_reference().map(str::to_string);
        change(self);
        self.cursor = 0;
        self.restore_cursor(kept.as_deref());
    }

    /// Moves the cursor onto `reference` if visible; otherwise clamps it.
    fn restore_cursor(&mut self, reference: Option<&str>) {
        let found = reference.and_then(|wanted| {
            self.visible
                .iter()
                .position(|&row| self.rows[row].entry.reference == wanted)
        });
        self.cursor = found.unwrap_or(self.cursor);
        self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
    }

    /// Orders every row by the sort key as `sort_models` does, so the picker
    /// agrees with `prism models`: Name and ties go by model id (a local
    /// "ollama:llama3.2:3b" sorts as "llama3.2:3b"), equal ids by reference.
    fn resort(&mut self) {
        let rows = &self.rows;
        let sort = self.sort;
        let mut sorted: Vec<usize> = (0..rows.len()).collect();
        sorted.sort_by(|&a, &b| {
            let (a, b) = (&rows[a].entry, &rows[b].entry);
            compare_models(&a.model, &b.model, sort).then_with(|| a.reference.cmp(&b.reference))
        });
        self.sorted = sorted;
    }

    /// Recomputes the visible rows: free-only filter, then with a query the
    /// matching rows, exact id matches first ("gpt4o" is openai/gpt-4o), then by
    /// score, ties in sort-key order; without a query, sort-key order.
    fn refilter(&mut self) {
        let rows = &self.rows;
        let free_only = self.free_only;
        let candidates = self
            .sorted
            .iter()
            .copied()
            .filter(|&row| !free_only || rows[row].entry.model.is_free());
        if self.pattern.atoms.is_empty() {
            self.visible = candidates.collect();
            return;
        }
        let exact_query = fold_exact(&self.query);
        let mut scored: Vec<(bool, u32, usize)> = Vec::new();
        for row in candidates {
            let candidate = &rows[row];
            let Some(score) = self
                .pattern
                .score(candidate.haystack.slice(..), &mut self.matcher)
            else {
                continue;
            };
            let exact = !exact_query.is_empty()
                && (candidate.exact_slug == exact_query
                    || candidate.exact_reference == exact_query);
            scored.push((exact, score, row));
        }
        // Stable: equal (exact, score) keep sort-key order.
        scored.sort_by(|left, right| right.0.cmp(&left.0).then(right.1.cmp(&left.1)));
        self.visible = scored.into_iter().map(|(_, _, row)| row).collect();
    }
}

fn next_sort(sort: SortKey) -> SortKey {
    match sort {
        SortKey::Price => SortKey::Context,
        SortKey::Context => SortKey::Name,
        SortKey::Name => SortKey::Created,
        SortKey::Created => SortKey::Price,
    }
}

/// What Ctrl+W leaves: the query without its trailing separators and the run
/// of letters and digits before them ("openai/gpt" → "openai/", "openai/" → "").
fn delete_last_word(query: &str) -> &str {
    let without_separators = query.trim_end_matches(|c: char| !c.is_alphanumeric());
    without_separators.trim_end_matches(char::is_alphanumeric)
}
