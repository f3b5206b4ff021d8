//! One block of a document: its sanitized source, its styled and wrapped
//! logical lines (in one arena), and the cumulative row counts that let
//! `render` find a row by binary search. The last logical line is the open
//! one that appends re-render.

use ratatui::buffer::Buffer;

use super::BlockKind;
use super::draw::{self, Palette, Place};
use super::line::{Arena, Line, LineWriter, Roles, expand_tabs, offset};
use super::markdown;
use super::table::{self, Shape};
use super::wrap;
use crate::tui::glyphs;
use crate::tui::theme::TextStyle;

/// What ends a logical line: '\n', and the line and paragraph separators
/// (drawn as breaks so terminals never have to measure them).
const LINE_BREAKS: [char; 3] = ['\n', '\u{2028}', '\u{2029}'];

#[derive(Clone, Debug)]
pub(super) struct Block {
    kind: BlockKind,
    /// Sanitized text as appended (tabs and all), for `Document::text`.
    source: String,
    collapsed: bool,
    /// One per logical line of `source` (split at [`LINE_BREAKS`]), never empty once rendered.
    lines: Vec<Line>,
    /// The lines' display text, style runs and rows.
    arena: Arena,
    /// `line_row_ends[j]`: rows of lines 0..=j.
    line_row_ends: Vec<usize>,
    /// Where the open (last) logical line starts in `source`.
    open_start: usize,
    /// The Markdown state before the open line.
    open_state: markdown::State,
    /// Where each logical line starts in `source` (a table's rows are
    /// rendered again from its header).
    line_starts: Vec<usize>,
    /// The table being read before the open line, if any.
    open_table: Option<OpenTable>,
    /// Whether any line is a table's: their look depends on the width.
    has_tables: bool,
    /// Words of the source, for the collapsed reasoning header.
    words: usize,
    /// Whether the source ends inside a word, so an append may continue it.
    in_word: bool,
}

impl Block {
    pub(super) fn new(kind: BlockKind) -> Block {
        Block {
            kind,
            source: String::new(),
            collapsed: false,
            lines: Vec::new(),
            arena: Arena::default(),
            line_row_ends: Vec::new(),
            open_start: 0,
            open_state: None,
            line_starts: Vec::new(),
            open_table: None,
            has_tables: false,
            words: 0,
            in_word: false,
        }
    }

    pub(super) fn kind(&self) -> BlockKind {
        self.kind
    }

    pub(super) fn source(&self) -> &str {
        &self.source
    }

    pub(super) fn is_collapsed(&self) -> bool {
        self.kind == BlockKind::Reasoning && self.collapsed
    }

    pub(super) fn set_collapsed(&mut self, collapsed: bool) {
        if self.kind == BlockKind::Reasoning {
            self.collapsed = collapsed;
        }
    }

    /// Appends already sanitized text to the source (not yet rendered).
    pub(super) fn add_source(&mut self, clean: &str) {
        self.source.push_str(clean);
        for c in clean.chars() {
            let in_word = !c.is_whitespace();
            if in_word && !self.in_word {
                self.words += 1;
            }
            self.in_word = in_word;
        }
    }

    pub(super) fn reset_source(&mut self) {
        self.source.clear();
        self.words = 0;
        self.in_word = false;
        self.reset_rendering();
    }

    /// Forgets every rendered line, so the next render starts from the first.
    pub(super) fn reset_rendering(&mut self) {
        self.lines.clear();
        self.arena = Arena::default();
        self.line_row_ends.clear();
        self.open_start = 0;
        self.open_state = None;
        self.line_starts.clear();
        self.open_table = None;
        self.has_tables = false;
    }

    /// Re-renders the open line and every line after it; returns how many
    /// logical lines that was (1 for an append within a line).
    ///
    /// A table's rows re-align as they come rather than showing raw until
    /// the table ends (which, at the end of an answer, would be never): a
    /// finished row that widens a column renders the table's rows again
    /// from its header. That costs the table's rows, only when a column
    /// grows, and columns are capped in width, so a table re-aligns a
    /// bounded number of times however long it gets. The open (unfinished)
    /// row is drawn in the current widths and cut to them, never widening
    /// them, so the table does not jump with every token of a partial row.
    /// Drawing is untouched: frames read the cached rows whatever happened.
    pub(super) fn render_from_open(&mut self, markdown: bool, width_cells: u16) -> u64 {
        if let Some(open) = self.lines.pop() {
            self.arena.truncate_to(&open);
        }
        self.line_row_ends.pop();
        self.line_starts.pop();
        let mut rows = self.line_row_ends.last().copied().unwrap_or(0);
        let mut state = self.open_state;
        let mut table = self.open_table.take();
        let mut start = self.open_start;
        let mut rendered = 0;
        let tables = markdown && self.kind == BlockKind::Answer;
        loop {
            let rest = self.source.get(start..).unwrap_or("");
            let (segment, next_start) = match rest.find(LINE_BREAKS) {
                Some(at) => {
                    let separator = rest[at..].chars().next().map_or(1, char::len_utf8);
                    (&rest[..at], Some(start + at + separator))
                }
                None => (rest, None),
            };
            let state_before = state;
            let table_before = table.clone();
            let mut table_row = None;
            if tables && state.is_none() {
                match self.table_step(&mut table, segment, next_start.is_some()) {
                    TableStep::Restart(line) => {
                        start = self.truncate_to_line(line);
                        rows = self.line_row_ends.last().copied().unwrap_or(0);
                        // A header starts outside any fence or table.
                        state = None;
                        continue;
                    }
                    TableStep::Line(row) => table_row = Some(row),
                    TableStep::NotTable => {}
                }
            }
            let first = self.lines.is_empty();
            let mut writer = LineWriter::new(&mut self.arena);
            match (table_row, &table) {
                (Some(TableRow::Rule), Some(open)) => {
                    table::rule(&open.shape, width_cells, &mut writer)
                }
                (Some(TableRow::Cells(cells, header)), Some(open)) => {
                    table::row(&open.shape, &cells, header, width_cells, &mut writer);
                }
                _ => render_line(self.kind, markdown, first, &mut state, segment, &mut writer),
            }
            self.has_tables |= table.is_some();
            let mut line = writer.finish();
            let hidden = next_start.is_none() && segment.is_empty();
            rows += wrap_into(&mut self.arena, &mut line, width_cells, hidden);
            rendered += 1;
            self.lines.push(line);
            self.line_row_ends.push(rows);
            self.line_starts.push(start);
            match next_start {
                Some(next) => start = next,
                None => {
                    self.open_start = start;
                    self.open_state = state_before;
                    self.open_table = table_before;
                    return rendered;
                }
            }
        }
    }

    /// Where the line `segment` (about to be line `self.lines.len()`) stands
    /// in a table: a row of the open one (which may widen it), the delimiter
    /// row that makes the line above a header (render again from there), or
    /// not a table line (which ends any open table).
    fn table_step(
        &self,
        table: &mut Option<OpenTable>,
        segment: &str,
        finished: bool,
    ) -> TableStep {
        let index = self.lines.len();
        if let Some(open) = table.as_mut() {
            if table::row_cells(segment).is_none() {
                *table = None;
                return TableStep::NotTable;
            }
            if index == open.header_line + 1 {
                return TableStep::Line(TableRow::Rule);
            }
            let cells = table::styled_cells(segment);
            let header = index == open.header_line;
            if finished && !header && open.shape.widen(&cells) {
                return TableStep::Restart(open.header_line);
            }
            return TableStep::Line(TableRow::Cells(cells, header));
        }
        // A finished delimiter row under a row with as many cells starts a table.
        let Some(aligns) = finished.then(|| table::delimiter(segment)).flatten() else {
            return TableStep::NotTable;
        };
        let Some(header_line) = index.checked_sub(1) else {
            return TableStep::NotTable;
        };
        let header_start = self.line_starts.get(header_line).copied().unwrap_or(0);
        let header_source = self
            .source
            .get(header_start..)
            .and_then(|rest| rest.split(LINE_BREAKS).next())
            .unwrap_or("");
        if table::row_cells(header_source).is_none() {
            return TableStep::NotTable;
        }
        match Shape::new(&table::styled_cells(header_source), aligns) {
            Some(shape) => {
                *table = Some(OpenTable { header_line, shape });
                TableStep::Restart(header_line)
            }
            None => TableStep::NotTable,
        }
    }

    /// Drops line `line` and every line after it; returns where it started in the source.
    fn truncate_to_line(&mut self, line: usize) -> usize {
        if let Some(first) = self.lines.get(line).copied() {
            self.arena.truncate_to(&first);
        }
        self.lines.truncate(line);
        self.line_row_ends.truncate(line);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        self.line_starts.truncate(line);
        start
    }

    /// Re-wraps every line at a new width (styling is kept; a block with
    /// tables is rendered again, as their columns fit the width).
    pub(super) fn rewrap(&mut self, width_cells: u16) {
        if self.has_tables {
            self.reset_rendering();
            self.render_from_open(true, width_cells);
            return;
        }
        let open_is_empty = self.open_start >= self.source.len();
        let last = self.lines.len().saturating_sub(1);
        let mut rows = 0;
        self.arena.rows.clear();
        self.line_row_ends.clear();
        for (index, line) in self.lines.iter_mut().enumerate() {
            let hidden = index == last && open_is_empty;
            rows += wrap_into(&mut self.arena, line, width_cells, hidden);
            self.line_row_ends.push(rows);
        }
    }

    fn lead_rows(&self, index: usize) -> usize {
        usize::from(self.kind == BlockKind::Prompt && index > 0)
    }

    /// A blank row after a prompt sets the answer apart from the question.
    fn trail_rows(&self) -> usize {
        usize::from(self.kind == BlockKind::Prompt && !self.source.is_empty())
    }

    fn header_rows(&self) -> usize {
        usize::from(self.kind == BlockKind::Reasoning && !self.source.is_empty())
    }

    /// Rows of this block when it is block `index` of the document.
    pub(super) fn rows(&self, index: usize) -> usize {
        let body = if self.is_collapsed() {
            0
        } else {
            self.line_row_ends.last().copied().unwrap_or(0)
        };
        self.lead_rows(index) + self.header_rows() + body + self.trail_rows()
    }

    /// Draws the block's row `local_row`; `hint` is the line the previous row
    /// was in, so consecutive rows step forward instead of searching again.
    /// Returns the line drawn from, if any.
    pub(super) fn draw_row(
        &self,
        index: usize,
        local_row: usize,
        hint: Option<usize>,
        place: Place,
        buf: &mut Buffer,
        palette: &Palette,
    ) -> Option<usize> {
        let mut body_row = local_row.checked_sub(self.lead_rows(index))?;
        if self.header_rows() > 0 {
            if body_row == 0 {
                draw::reasoning_header(self.collapsed, self.words, place, buf, palette);
                return None;
            }
            body_row -= 1;
        }
        if body_row >= self.line_row_ends.last().copied().unwrap_or(0) {
            // The trailing blank row of a prompt.
            return None;
        }
        let line_index = match hint {
            Some(mut line) => {
                while self
                    .line_row_ends
                    .get(line)
                    .is_some_and(|end| *end <= body_row)
                {
                    line += 1;
                }
                line
            }
            None => self.line_row_ends.partition_point(|end| *end <= body_row),
        };
        let line_start = match line_index.checked_sub(1) {
            Some(previous) => self.line_row_ends.get(previous).copied().unwrap_or(0),
            None => 0,
        };
        let line = self.lines.get(line_index)?;
        draw::line_row(
            self.arena.view(line),
            body_row - line_start,
            place,
            buf,
            palette,
        );
        Some(line_index)
    }
}

/// Appends the rows of `line` to the arena (none if `hidden`); returns how many.
fn wrap_into(arena: &mut Arena, line: &mut Line, width_cells: u16, hidden: bool) -> usize {
    let before = arena.rows.len();
    line.rows_start = offset(before);
    if !hidden {
        wrap::wrap(&arena.text, line, width_cells, &mut arena.rows);
    }
    line.rows_end = offset(arena.rows.len());
    arena.rows.len() - before
}

/// Styles one logical line of a block of `kind`; `state` is the Markdown
/// state before it and becomes the state after it.
fn render_line(
    kind: BlockKind,
    markdown: bool,
    first_in_block: bool,
    state: &mut markdown::State,
    source: &str,
    line: &mut LineWriter,
) {
    let source = &*glyphs::for_screen(source);
    let role = match kind {
        BlockKind::Answer if markdown => return markdown::answer_line(source, state, line),
        BlockKind::Answer => TextStyle::Plain,
        BlockKind::Reasoning => TextStyle::Reasoning,
        BlockKind::Error => TextStyle::Error,
        BlockKind::Notice => TextStyle::Notice,
        BlockKind::Prompt => {
            line.hang.push_str("  ");
            line.hang_roles = Roles::of(TextStyle::Prompt);
            let prefix = if first_in_block { "› " } else { "  " };
            return plain_line(prefix, source, TextStyle::Prompt, line);
        }
    };
    plain_line("", source, role, line);
}

/// `prefix` then the text; leading indentation stays whole on the first row.
fn plain_line(prefix: &str, source: &str, role: TextStyle, line: &mut LineWriter) {
    let text = expand_tabs(source);
    let indent = text.len() - text.trim_start_matches(' ').len();
    let roles = Roles::of(role);
    line.push(prefix, roles);
    line.push(&text[..indent], roles);
    line.start_content();
    line.push(&text[indent..], roles);
}

/// A table being read: the line of its header row and its columns so far.
#[derive(Clone, Debug)]
struct OpenTable {
    header_line: usize,
    shape: Shape,
}

enum TableStep {
    /// Render again from this line (a table starts there, or widened).
    Restart(usize),
    Line(TableRow),
    NotTable,
}

enum TableRow {
    /// The delimiter row.
    Rule,
    /// A header (true) or body row's cells.
    Cells(Vec<table::Cell>, bool),
}
