//! Styled logical lines, stored compactly: a block keeps one arena holding
//! every line's display text, style runs and wrapped rows, and each line is
//! a small record of offsets into it (no allocation per line or per row).

use crate::tui::theme::TextStyle;

/// Style roles in the order they are patched onto each other: block-level
/// roles first, inline roles last, so `**bold**` inside a heading stays bold
/// on top of the heading's colour.
pub(super) const ROLE_ORDER: [TextStyle; 20] = [
    TextStyle::Plain,
    TextStyle::Dim,
    TextStyle::Prompt,
    TextStyle::Reasoning,
    TextStyle::ReasoningHeader,
    TextStyle::Error,
    TextStyle::Notice,
    TextStyle::Quote,
    TextStyle::Heading,
    TextStyle::ListMarker,
    TextStyle::CodeFence,
    TextStyle::CodeBlock,
    TextStyle::Rule,
    TextStyle::Link,
    TextStyle::Strong,
    TextStyle::Emphasis,
    TextStyle::Strike,
    TextStyle::Code,
    TextStyle::Added,
    TextStyle::Removed,
];

/// A set of [`TextStyle`] roles as bits (bit i is `ROLE_ORDER[i]`): a run of
/// `***both***` is Strong and Emphasis at once, in 4 bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Roles(pub(super) u32);

impl Roles {
    pub(super) fn of(role: TextStyle) -> Roles {
        Roles(1 << bit(role))
    }

    pub(super) fn with(self, role: TextStyle) -> Roles {
        Roles(self.0 | Roles::of(role).0)
    }
}

const fn bit(role: TextStyle) -> u32 {
    match role {
        TextStyle::Plain => 0,
        TextStyle::Dim => 1,
        TextStyle::Prompt => 2,
        TextStyle::Reasoning => 3,
        TextStyle::ReasoningHeader => 4,
        TextStyle::Error => 5,
        TextStyle::Notice => 6,
        TextStyle::Quote => 7,
        TextStyle::Heading => 8,
        TextStyle::ListMarker => 9,
        TextStyle::CodeFence => 10,
        TextStyle::CodeBlock => 11,
        TextStyle::Rule => 12,
        TextStyle::Link => 13,
        TextStyle::Strong => 14,
        TextStyle::Emphasis => 15,
        TextStyle::Strike => 16,
        TextStyle::Code => 17,
        TextStyle::Added => 18,
        TextStyle::Removed => 19,
    }
}

// `bit` and `ROLE_ORDER` agree: bit i is ROLE_ORDER[i] (checked at compile time).
const _: () = {
    let mut index = 0;
    while index < ROLE_ORDER.len() {
        assert!(bit(ROLE_ORDER[index]) as usize == index);
        index += 1;
    }
};

/// The roles of the arena text from the previous run's end to `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Run {
    pub(super) end: u32,
    pub(super) roles: Roles,
}

/// How a line breaks into rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Flow {
    /// At spaces; a word longer than the row is broken by characters.
    #[default]
    Words,
    /// Anywhere, keeping every space (code block lines).
    Chars,
    /// One row of '─' across the width (a thematic break); the text is empty.
    Rule,
}

/// A row: arena text `start..end`, after the hang on continuation rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct RowSpan {
    pub(super) start: u32,
    pub(super) end: u32,
}

/// A block's lines, all in three vectors; offsets are u32 to halve their size
/// (a block over 4 GiB is clamped, never wrapped around).
#[derive(Clone, Debug, Default)]
pub(super) struct Arena {
    pub(super) text: String,
    pub(super) runs: Vec<Run>,
    pub(super) rows: Vec<RowSpan>,
}

/// One logical line: offsets into its block's [`Arena`].
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Line {
    /// Display text is `text_start..text_end`: markers already replaced
    /// ("- " → "• "), tabs expanded, sanitized.
    pub(super) text_start: u32,
    pub(super) text_end: u32,
    /// Bytes before this (indentation, list/quote markers, the prompt's "› ")
    /// never offer a break, so they stay whole on the first row.
    pub(super) content_start: u32,
    /// `text_end..hang_end` is drawn before each continuation row so list
    /// items and quotes stay aligned with their text ("  " under "• ").
    pub(super) hang_end: u32,
    pub(super) hang_roles: Roles,
    pub(super) runs_start: u32,
    pub(super) runs_end: u32,
    /// Rows at the document's width; none at width 0 or for a block's trailing empty line.
    pub(super) rows_start: u32,
    pub(super) rows_end: u32,
    /// Paint the whole row in these roles before the text (code block lines).
    pub(super) fill: Option<Roles>,
    pub(super) flow: Flow,
}

/// Everything needed to wrap or draw one line, borrowed from the arena.
/// Offsets in `runs` and `rows` index `text`, the whole arena text.
#[derive(Clone, Copy)]
pub(super) struct LineView<'a> {
    pub(super) text: &'a str,
    pub(super) runs: &'a [Run],
    pub(super) rows: &'a [RowSpan],
    pub(super) hang: &'a str,
    pub(super) hang_roles: Roles,
    pub(super) fill: Option<Roles>,
    pub(super) flow: Flow,
}

impl Arena {
    pub(super) fn view(&self, line: &Line) -> LineView<'_> {
        let at = |offset: u32| offset as usize;
        LineView {
            text: &self.text,
            runs: self
                .runs
                .get(at(line.runs_start)..at(line.runs_end))
                .unwrap_or(&[]),
            rows: self
                .rows
                .get(at(line.rows_start)..at(line.rows_end))
                .unwrap_or(&[]),
            hang: self
                .text
                .get(at(line.text_end)..at(line.hang_end))
                .unwrap_or(""),
            hang_roles: line.hang_roles,
            fill: line.fill,
            flow: line.flow,
        }
    }

    /// Drops `line` and everything after it, to render it again.
    pub(super) fn truncate_to(&mut self, line: &Line) {
        let text_start = line.text_start as usize;
        // Always a boundary unless a block outgrew u32 offsets; never panic on that.
        if self.text.is_char_boundary(text_start) {
            self.text.truncate(text_start);
        }
        self.runs.truncate(line.runs_start as usize);
        self.rows.truncate(line.rows_start as usize);
    }
}

/// Writes one line's text and runs at the end of an arena.
pub(super) struct LineWriter<'a> {
    arena: &'a mut Arena,
    text_start: usize,
    runs_start: usize,
    content_start: usize,
    pub(super) flow: Flow,
    pub(super) fill: Option<Roles>,
    /// The continuation prefix; empty for none.
    pub(super) hang: String,
    pub(super) hang_roles: Roles,
}

impl<'a> LineWriter<'a> {
    pub(super) fn new(arena: &'a mut Arena) -> LineWriter<'a> {
        let (text_start, runs_start) = (arena.text.len(), arena.runs.len());
        LineWriter {
            arena,
            text_start,
            runs_start,
            content_start: text_start,
            flow: Flow::Words,
            fill: None,
            hang: String::new(),
            hang_roles: Roles::default(),
        }
    }

    /// Appends `piece` in `roles`, merging with the line's previous run when the roles match.
    pub(super) fn push(&mut self, piece: &str, roles: Roles) {
        if piece.is_empty() {
            return;
        }
        self.arena.text.push_str(piece);
        let end = offset(self.arena.text.len());
        let own_runs = self.arena.runs.len() > self.runs_start;
        match self.arena.runs.last_mut() {
            Some(last) if own_runs && last.roles == roles => last.end = end,
            _ => self.arena.runs.push(Run { end, roles }),
        }
    }

    /// Bytes of arena text so far, to read back with [`LineWriter::text_since`].
    pub(super) fn len(&self) -> usize {
        self.arena.text.len()
    }

    /// The text pushed since `len()` returned `start`.
    pub(super) fn text_since(&self, start: usize) -> &str {
        self.arena.text.get(start..).unwrap_or("")
    }

    /// Marks everything pushed so far as the unbreakable prefix.
    pub(super) fn start_content(&mut self) {
        self.content_start = self.arena.text.len();
    }

    /// Stores the hang after the text; the line has no rows until wrapped.
    pub(super) fn finish(self) -> Line {
        let text_end = offset(self.arena.text.len());
        self.arena.text.push_str(&self.hang);
        let rows = offset(self.arena.rows.len());
        Line {
            text_start: offset(self.text_start),
            text_end,
            content_start: offset(self.content_start),
            hang_end: offset(self.arena.text.len()),
            hang_roles: self.hang_roles,
            runs_start: offset(self.runs_start),
            runs_end: offset(self.arena.runs.len()),
            rows_start: rows,
            rows_end: rows,
            fill: self.fill,
            flow: self.flow,
        }
    }
}

pub(super) fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Expands tabs to the next multiple of 4 display columns of the line.
pub(super) fn expand_tabs(line: &str) -> std::borrow::Cow<'_, str> {
    use unicode_width::UnicodeWidthChar;
    const TAB_STOP_COLUMNS: usize = 4;
    if !line.contains('\t') {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = TAB_STOP_COLUMNS - column % TAB_STOP_COLUMNS;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(c);
            column += c.width().unwrap_or(0);
        }
    }
    std::borrow::Cow::Owned(out)
}
