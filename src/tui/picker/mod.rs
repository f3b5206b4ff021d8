//! The model picker overlay: fuzzy search over every catalog the routing core
//! loaded, sorting, free-only filtering and multi-select, for choosing the
//! columns or one pane's fallback chain. A pure component: actions in, an
//! outcome out; no I/O, no clock. The app's reducer owns it, its view draws it.

mod keys;
#[cfg(test)]
mod marks_tests;
mod table;
#[cfg(test)]
mod tests;
mod view;
#[cfg(test)]
mod view_tests;

use std::cell::{Cell, RefCell};
use std::collections::HashSet;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

use crate::router::catalog::{ModelInfo, SortKey, compare_models};
use crate::tui::theme::Theme;

pub use keys::{BINDINGS, action_for_key};

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerAction {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Mark/unmark the row under the cursor.
    Toggle,
    /// Finish: see PickerOutcome::Apply.
    Apply,
    Cancel,
    /// Price → Context → Name → Newest → Price.
    CycleSort,
    /// Only free models on/off.
    ToggleFree,
    Input(char),
    Backspace,
    /// Ctrl+W: delete the last word of the query.
    DeleteWord,
    /// Ctrl+U: clear the query.
    ClearQuery,
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

/// Rows the list shows per page until the first render measures it.
const DEFAULT_PAGE_ROWS: u16 = 10;

/// One row of the picker: a catalog entry, or a chosen reference the catalog
/// does not list (shown with "?" figures so it can still be unmarked).
#[derive(Clone, Debug)]
struct Row {
    entry: PickerEntry,
    /// False for a chosen reference missing from every loaded catalog.
    listed: bool,
    /// The reference and name as shown (through the sanitiser: an escape
    /// or a zero-width space in an id is visible, never obeyed or hidden).
    shown_reference: String,
    shown_name: String,
    /// What the fuzzy matcher scores: "reference name", as shown.
    haystack: Utf32String,
    /// The model id after its last '/', folded by `fold_exact`.
    exact_slug: String,
    /// The whole reference, folded by `fold_exact`.
    exact_reference: String,
}

impl Row {
    fn new(entry: PickerEntry, listed: bool) -> Row {
        let shown_reference = crate::sanitize::one_line(&entry.reference).into_owned();
        let shown_name = crate::sanitize::one_line(&entry.model.name).into_owned();
        let haystack = if listed && entry.model.name != entry.reference {
            format!("{shown_reference} {shown_name}")
        } else {
            shown_reference.clone()
        };
        let slug = entry
            .model
            .id
            .rsplit_once('/')
            .map_or(entry.model.id.as_str(), |(_, slug)| slug);
        Row {
            exact_slug: fold_exact(slug),
            exact_reference: fold_exact(&entry.reference),
            shown_reference,
            shown_name,
            haystack: Utf32String::from(haystack),
            entry,
            listed,
        }
    }

    /// A chosen reference with no catalog entry.
    fn unlisted(reference: &str) -> Row {
        let (provider, id) = split_reference(reference);
        let entry = PickerEntry {
            reference: reference.to_string(),
            provider: provider.to_string(),
            model: ModelInfo::unlisted(id, id),
        };
        Row::new(entry, false)
    }
}

/// "ollama:llama3.2:3b" → ("ollama", "llama3.2:3b"); a bare id (its first ':'
/// comes after a '/', or there is none) belongs to the default provider ("").
fn split_reference(reference: &str) -> (&str, &str) {
    match reference.split_once(':') {
        Some((provider, id)) if !provider.contains('/') && !provider.is_empty() => (provider, id),
        _ => ("", reference),
    }
}

/// Lower-case letters and digits only, so "gpt4o" equals "gpt-4o".
fn fold_exact(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

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
    /// Scores rows in `refilter` and finds matched letters in `render`.
    matcher: RefCell<Matcher>,
    sort: SortKey,
    free_only: bool,
    /// References chosen when the picker opened, in their order.
    chosen: Vec<String>,
    /// Marked references in marking order (starting with `chosen`).
    marks: Vec<String>,
    /// Index into `visible`.
    cursor: usize,
    status: String,
    /// First visible list row, kept by `render` so the cursor stays in view.
    scroll_offset: Cell<usize>,
    /// List rows the last render showed; the PageUp/PageDown step.
    page_rows: Cell<u16>,
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
            matcher: RefCell::new(Matcher::new(Config::DEFAULT)),
            sort,
            free_only: false,
            marks: chosen.clone(),
            chosen,
            cursor: 0,
            status: String::new(),
            scroll_offset: Cell::new(0),
            page_rows: Cell::new(DEFAULT_PAGE_ROWS),
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
    }

    /// One line shown under the list, e.g. "openrouter: cache, fetched 2h ago · refreshing…" or a load error.
    pub fn set_status(&mut self, status: String) {
        self.status = status;
    }

    pub fn apply(&mut self, action: PickerAction) -> PickerOutcome {
        let page = usize::from(self.page_rows.get().max(1));
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
        self.scroll_offset.set(0);
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
                .score(candidate.haystack.slice(..), self.matcher.get_mut())
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
