//! A pane's conversation as a scrollable document that is styled and wrapped
//! incrementally: an append re-renders only the block's last (open) line and
//! the new ones, and drawing touches only the visible rows.

mod block;
mod draw;
mod line;
mod markdown;
mod table;
mod wrap;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_markdown;
#[cfg(test)]
mod tests_props;
#[cfg(test)]
mod tests_tables;
#[cfg(test)]
mod tests_width;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use self::block::Block;
use self::draw::{Palette, Place};
use crate::sanitize::sanitize;
use crate::tui::theme::Theme;

/// A block of a [`Document`]. Ids from before [`Document::clear`] address
/// nothing afterwards: appends to them are ignored, `text` is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BlockId {
    index: u32,
    generation: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// The user's prompt: every line prefixed "› " (first) / "  " (continuation), TextStyle::Prompt, no Markdown.
    Prompt,
    /// Reasoning: plain text (no Markdown), TextStyle::Reasoning, shown under a header row
    /// ("▾ reasoning" expanded / "▸ reasoning · N words" collapsed, TextStyle::ReasoningHeader).
    Reasoning,
    /// The answer: Markdown (or raw text when markdown is off).
    Answer,
    /// One-line notices: errors (TextStyle::Error), "cancelled", etc. Plain text.
    Error,
    Notice,
}

/// The rows of a conversation.
///
/// Layout, kept simple and predictable: blocks follow each other with no
/// blank rows between them, except one blank row before every Prompt block
/// that is not the first block and one after every non-empty Prompt. An empty block has no rows (a Reasoning
/// block gets its header row with its first character), and a block's
/// trailing empty line has none either, so a final "\n" adds no row until
/// text follows it. The width starts at 0 (no rows) until [`Document::set_width`].
#[derive(Clone, Debug, Default)]
pub struct Document {
    blocks: Vec<Block>,
    /// `block_row_ends[i]`: rows of blocks 0..=i, for binary search in `render`.
    block_row_ends: Vec<usize>,
    width_cells: u16,
    /// Raw text for answers; false (the default) means Markdown.
    raw: bool,
    /// Bumped by `clear`, so older ids go stale instead of addressing new blocks.
    generation: u32,
    /// Logical lines styled and wrapped so far by push/append/set_text/set_markdown;
    /// tests use it to prove appends stay incremental.
    lines_rendered: u64,
}

impl Document {
    pub fn new() -> Document {
        Document::default()
    }

    /// Adds a block at the end and returns its id. `text` may be empty.
    pub fn push(&mut self, kind: BlockKind, text: &str) -> BlockId {
        let index = self.blocks.len();
        let mut block = Block::new(kind);
        block.add_source(&sanitize(text));
        self.lines_rendered += block.render_from_open(!self.raw, self.width_cells);
        self.blocks.push(block);
        self.refresh_rows_from(index);
        BlockId {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            generation: self.generation,
        }
    }

    /// Appends to a block. Costs the appended text plus the block's last
    /// logical line (re-styled and re-wrapped), plus a few words per later block.
    pub fn append(&mut self, block: BlockId, text: &str) {
        let Some(index) = self.index_of(block) else {
            return;
        };
        let clean = sanitize(text);
        if clean.is_empty() {
            return;
        }
        let markdown = !self.raw;
        let width_cells = self.width_cells;
        if let Some(block) = self.blocks.get_mut(index) {
            block.add_source(&clean);
            self.lines_rendered += block.render_from_open(markdown, width_cells);
        }
        self.refresh_rows_from(index);
    }

    /// Replaces a block's text (re-renders that block).
    pub fn set_text(&mut self, block: BlockId, text: &str) {
        let Some(index) = self.index_of(block) else {
            return;
        };
        let (markdown, width_cells) = (!self.raw, self.width_cells);
        if let Some(block) = self.blocks.get_mut(index) {
            block.reset_source();
            block.add_source(&sanitize(text));
            self.lines_rendered += block.render_from_open(markdown, width_cells);
        }
        self.refresh_rows_from(index);
    }

    /// The block's source text as appended (sanitized); empty for a stale id.
    pub fn text(&self, block: BlockId) -> &str {
        self.get(block).map_or("", Block::source)
    }

    /// The block's kind; `Notice` for a stale id.
    pub fn kind(&self, block: BlockId) -> BlockKind {
        self.get(block).map_or(BlockKind::Notice, Block::kind)
    }

    /// Collapses or expands a Reasoning block (others ignore it).
    pub fn set_collapsed(&mut self, block: BlockId, collapsed: bool) {
        let Some(index) = self.index_of(block) else {
            return;
        };
        if let Some(block) = self.blocks.get_mut(index) {
            block.set_collapsed(collapsed);
        }
        self.refresh_rows_from(index);
    }

    /// Collapses or expands every Reasoning block at once.
    pub fn set_reasoning_collapsed(&mut self, collapsed: bool) {
        for block in &mut self.blocks {
            block.set_collapsed(collapsed);
        }
        self.refresh_rows_from(0);
    }

    pub fn is_collapsed(&self, block: BlockId) -> bool {
        self.get(block).is_some_and(Block::is_collapsed)
    }

    /// Markdown on (the default) or raw text for Answer blocks; re-renders them.
    pub fn set_markdown(&mut self, on: bool) {
        if self.raw != on {
            return;
        }
        self.raw = !on;
        let width_cells = self.width_cells;
        for block in &mut self.blocks {
            if block.kind() == BlockKind::Answer {
                block.reset_rendering();
                self.lines_rendered += block.render_from_open(on, width_cells);
            }
        }
        self.refresh_rows_from(0);
    }

    pub fn markdown(&self) -> bool {
        !self.raw
    }

    /// The wrap width in cells (the pane's inner width). Re-wraps every line
    /// when it changes (once per resize); a no-op when equal. At 0 there are no rows.
    pub fn set_width(&mut self, width: u16) {
        if width == self.width_cells {
            return;
        }
        self.width_cells = width;
        for block in &mut self.blocks {
            block.rewrap(width);
        }
        self.refresh_rows_from(0);
    }

    pub fn width(&self) -> u16 {
        self.width_cells
    }

    /// Rows at the current width, over all blocks (collapsed reasoning counts 1).
    pub fn total_rows(&self) -> usize {
        self.block_row_ends.last().copied().unwrap_or(0)
    }

    /// Draws rows `[first_row, first_row + area.height)` into `buf` at `area`.
    /// Rows past the end are not written (they stay as the buffer had them,
    /// blank in a fresh frame). Costs the visible rows plus two binary
    /// searches, whatever the document's length.
    pub fn render(&self, first_row: usize, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let area = area.intersection(buf.area);
        if self.width_cells == 0 || area.is_empty() {
            return;
        }
        let palette = Palette::new(theme);
        let mut block_index = self.block_row_ends.partition_point(|end| *end <= first_row);
        // (block, line) of the previous row, so later rows step instead of searching.
        let mut cursor: Option<(usize, usize)> = None;
        for (row, y) in (first_row..).zip(area.top()..area.bottom()) {
            while self
                .block_row_ends
                .get(block_index)
                .is_some_and(|end| *end <= row)
            {
                block_index += 1;
            }
            let Some(block) = self.blocks.get(block_index) else {
                break;
            };
            let block_start = match block_index.checked_sub(1) {
                Some(previous) => self.block_row_ends.get(previous).copied().unwrap_or(0),
                None => 0,
            };
            let place = Place {
                x: area.x,
                y,
                max_cells: area.width.min(self.width_cells),
                width_cells: self.width_cells,
            };
            let hint = cursor.and_then(|(b, line)| (b == block_index).then_some(line));
            let local_row = row.saturating_sub(block_start);
            if let Some(line) = block.draw_row(block_index, local_row, hint, place, buf, &palette) {
                cursor = Some((block_index, line));
            }
        }
    }

    /// Removes all blocks (a fresh conversation); older ids go stale.
    pub fn clear(&mut self) {
        self.blocks.clear();
        self.block_row_ends.clear();
        self.generation = self.generation.wrapping_add(1);
    }

    pub fn blocks(&self) -> impl Iterator<Item = BlockId> + '_ {
        let generation = self.generation;
        (0..self.blocks.len()).map(move |index| BlockId {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            generation,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    fn index_of(&self, block: BlockId) -> Option<usize> {
        let index = usize::try_from(block.index).ok()?;
        (block.generation == self.generation && index < self.blocks.len()).then_some(index)
    }

    fn get(&self, block: BlockId) -> Option<&Block> {
        self.blocks.get(self.index_of(block)?)
    }

    /// Recomputes the cumulative row counts of blocks `from..`: O(later blocks),
    /// which is O(1) for the streaming block at the end.
    fn refresh_rows_from(&mut self, from: usize) {
        self.block_row_ends.truncate(from);
        let mut rows = self.block_row_ends.last().copied().unwrap_or(0);
        for (index, block) in self.blocks.iter().enumerate().skip(from) {
            // At width 0 nothing is visible, headers and blank rows included.
            if self.width_cells > 0 {
                rows += block.rows(index);
            }
            self.block_row_ends.push(rows);
        }
    }
}
