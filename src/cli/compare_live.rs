//! The live text printer of `prism compare`: one column streamed at a time,
//! the others buffered until their turn.

use std::io::Write;

use crate::router::events::StreamEvent;
use crate::sanitize::{Outside, sanitize};

use super::term::{self, errln};

/// Prints text-format output as it streams: the first unfinished column
/// live, later ones buffered until their turn, so sections never interleave.
/// Answers go to stdout and nothing else does: failures go to stderr (when
/// the column's turn comes), and with `--reasoning` so does the reasoning,
/// framed so it cannot run into the answer.
pub(super) struct LivePrinter {
    enabled: bool,
    reasoning: bool,
    labels: Vec<String>,
    buffers: Vec<String>,
    /// Reasoning of a column that is not live yet, shown when it is.
    thoughts: Vec<String>,
    /// A failure of a column that is not live yet, reported when it is.
    failures: Vec<Option<String>>,
    done: Vec<bool>,
    current: usize,
    sections: bool,
    header_printed: bool,
    /// The live column's reasoning is open on stderr (its frame not closed).
    thinking: bool,
    colour: bool,
}

impl LivePrinter {
    pub(super) fn new(labels: Vec<String>, enabled: bool, reasoning: bool) -> LivePrinter {
        let count = labels.len();
        LivePrinter {
            enabled,
            reasoning,
            labels,
            buffers: vec![String::new(); count],
            thoughts: vec![String::new(); count],
            failures: vec![None; count],
            done: vec![false; count],
            current: 0,
            sections: count > 1,
            header_printed: false,
            thinking: false,
            colour: term::stderr_is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    pub(super) fn on_event(&mut self, index: usize, event: &StreamEvent) -> std::io::Result<()> {
        if !self.enabled || index >= self.labels.len() {
            return Ok(());
        }
        match event {
            StreamEvent::Content(text) => {
                if index == self.current {
                    self.end_thinking()?;
                    self.print_header()?;
                    let mut out = term::stdout();
                    out.write_all(sanitize(text).as_bytes())?;
                    out.flush()?;
                } else {
                    self.buffers[index].push_str(&sanitize(text));
                }
            }
            StreamEvent::Reasoning(text) if self.reasoning => {
                if index == self.current {
                    self.think(text)?;
                } else {
                    self.thoughts[index].push_str(text);
                }
            }
            StreamEvent::Queued { wait_ms } => {
                errln!(
                    "prism: {}: queued {} by pacing (the model's rate limit)",
                    Outside(&self.labels[index]),
                    crate::units::duration_ms(*wait_ms)
                );
            }
            StreamEvent::Retrying {
                error, delay_ms, ..
            } => {
                errln!(
                    "prism: {}: {}; retrying in {}",
                    Outside(&self.labels[index]),
                    Outside(&error.message),
                    crate::units::duration_ms(*delay_ms)
                );
            }
            StreamEvent::Failed(error) => {
                self.failures[index] = Some(error.message.clone());
                if index == self.current {
                    self.end_thinking()?;
                    self.print_header()?;
                    self.report_failure(index);
                }
                self.done[index] = true;
                self.advance()?;
            }
            StreamEvent::Finished { .. } => {
                self.done[index] = true;
                self.advance()?;
            }
            // Reasoning not asked for (or of a column not yet shown), the
            // figures and the notes on them: the table at the end has them.
            StreamEvent::Reasoning(_)
            | StreamEvent::Note(_)
            | StreamEvent::Attempting { .. }
            | StreamEvent::Started { .. }
            | StreamEvent::FirstToken { .. }
            | StreamEvent::FirstAnswerToken { .. }
            | StreamEvent::ToolCall(_)
            | StreamEvent::Usage { .. } => {}
        }
        Ok(())
    }

    /// Reasoning of the live column on stderr, opened by a frame line.
    pub(super) fn think(&mut self, text: &str) -> std::io::Result<()> {
        let mut err = term::stderr();
        if !self.thinking {
            self.thinking = true;
            let label = if self.sections {
                format!(" of {}", Outside(&self.labels[self.current]))
            } else {
                String::new()
            };
            writeln!(err, "── reasoning{label} ──")?;
        }
        if self.colour {
            err.dim(text)?;
        } else {
            err.write_all(sanitize(text).as_bytes())?;
        }
        err.flush()
    }

    /// Closes the live column's reasoning frame, if one is open.
    pub(super) fn end_thinking(&mut self) -> std::io::Result<()> {
        if std::mem::take(&mut self.thinking) {
            let mut err = term::stderr();
            writeln!(err, "\n── end of reasoning ──")?;
            err.flush()?;
        }
        Ok(())
    }

    /// A column's failure, once, on stderr.
    pub(super) fn report_failure(&mut self, index: usize) {
        if let Some(message) = self.failures[index].take() {
            errln!(
                "prism: {} failed: {}",
                Outside(&self.labels[index]),
                Outside(&message)
            );
        }
    }

    pub(super) fn print_header(&mut self) -> std::io::Result<()> {
        if self.header_printed || !self.sections {
            self.header_printed = true;
            return Ok(());
        }
        self.header_printed = true;
        let mut out = term::stdout();
        let n = self.labels.len();
        let label = Outside(&self.labels[self.current]);
        if self.current > 0 {
            writeln!(out)?;
        }
        writeln!(out, "━━ [{}/{n}] {label} ━━", self.current + 1)?;
        out.flush()
    }

    /// Moves the live section forward past every finished column.
    pub(super) fn advance(&mut self) -> std::io::Result<()> {
        while self.current < self.labels.len() && self.done[self.current] {
            self.catch_up()?;
            self.end_thinking()?;
            self.print_header()?;
            let mut out = term::stdout();
            out.write_all(std::mem::take(&mut self.buffers[self.current]).as_bytes())?;
            writeln!(out)?;
            out.flush()?;
            drop(out);
            self.report_failure(self.current);
            self.current += 1;
            self.header_printed = false;
            if self.current < self.labels.len() {
                self.catch_up()?;
            }
        }
        Ok(())
    }

    /// Shows what a column that just became live gathered while it waited:
    /// its reasoning (on stderr), then its answer so far.
    pub(super) fn catch_up(&mut self) -> std::io::Result<()> {
        let thought = std::mem::take(&mut self.thoughts[self.current]);
        if !thought.is_empty() {
            self.think(&thought)?;
        }
        if !self.buffers[self.current].is_empty() {
            self.end_thinking()?;
            self.print_header()?;
            let mut out = term::stdout();
            out.write_all(std::mem::take(&mut self.buffers[self.current]).as_bytes())?;
            out.flush()?;
        }
        Ok(())
    }

    /// Flushes anything left (a column whose task ended without a final event).
    pub(super) fn finish(&mut self) -> std::io::Result<()> {
        if !self.enabled {
            return Ok(());
        }
        for flag in &mut self.done {
            *flag = true;
        }
        self.advance()
    }
}
