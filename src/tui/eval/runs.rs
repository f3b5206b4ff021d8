//! The eval runs in the data dir, listed in the workbench (F5) as
//! `prism runs list` lists them, newest first. Enter asks for the chosen
//! run's journal (read off the loop) and shows it in the eval view over the
//! workbench; leaving the view comes back to this list. Runs read here are
//! never run: an unfinished one is shown as it stands, with how to finish it.

use std::path::PathBuf;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};
use rust_decimal::Decimal;

use crate::eval::journal::Contents;
use crate::eval::record::{Digest, Outcome};
use crate::eval::suite::Suite;
use crate::router::pricing::format_usd;
use crate::sanitize::one_line;
use crate::tui::boxes::{centered, overlay_box};
use crate::tui::keymap::{BrowserAction, Context};
use crate::tui::scroll::ScrollStep;
use crate::tui::theme::Theme;
use crate::units::format_datetime_utc;

use super::state::EvalView;

/// One run, as the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRow {
    pub id: String,
    pub started_unix: i64,
    pub suite: String,
    pub columns: usize,
    pub done: usize,
    pub total: usize,
    pub passed: usize,
    pub cost_usd: Option<Decimal>,
}

impl RunRow {
    pub fn of(id: &str, contents: &Contents) -> RunRow {
        let suite = &contents.header.suite;
        RunRow {
            id: id.to_string(),
            started_unix: contents.header.created_at_unix,
            suite: suite.name.clone().unwrap_or_else(|| suite.path.clone()),
            columns: suite.columns.len(),
            done: contents.digests.len(),
            total: suite.cells(),
            passed: contents
                .digests
                .iter()
                .filter(|d| d.outcome == Outcome::Pass)
                .count(),
            cost_usd: contents
                .digests
                .iter()
                .filter_map(|d| d.cost_usd)
                .reduce(|a, b| a.saturating_add(b)),
        }
    }
}

/// A run's journal read back for the view.
#[derive(Debug)]
pub struct ReadRun {
    pub id: String,
    pub journal: PathBuf,
    pub suite: Suite,
    pub digests: Vec<Digest>,
}

/// The run shown in the eval view, and the journal its answers come from.
#[derive(Clone, Debug)]
pub struct OpenRun {
    pub view: Box<EvalView>,
    pub journal: PathBuf,
}

#[derive(Clone, Debug, Default)]
pub struct RunList {
    /// None while the runs are being read.
    pub rows: Option<Vec<RunRow>>,
    /// Journals that could not be read, one line each.
    pub problems: Vec<String>,
    pub cursor: usize,
    /// The run whose journal is being read.
    pub opening: Option<String>,
    /// The run shown in the eval view.
    pub open: Option<OpenRun>,
}

/// What a key in the list led to.
#[derive(Debug, PartialEq, Eq)]
pub enum ListOutcome {
    Continue,
    Open(String),
}

/// Rows of the box around the list that are not runs: borders, header, notes.
const CHROME_ROWS: u16 = 4;

impl RunList {
    /// The box the list is drawn in on a screen of `area`.
    fn rect(area: Rect) -> Rect {
        centered(
            area,
            area.width.saturating_sub(6).min(130),
            area.height.saturating_sub(4),
        )
    }

    /// Runs shown at once on a screen of `size`.
    pub fn page(size: (u16, u16)) -> usize {
        let rect = RunList::rect(Rect::new(0, 0, size.0, size.1));
        usize::from(rect.height.saturating_sub(CHROME_ROWS)).max(1)
    }

    /// The runs as read; their names (from the journals) made one safe line.
    pub fn set_rows(&mut self, mut rows: Vec<RunRow>, problems: Vec<String>) {
        for row in &mut rows {
            row.id = one_line(&row.id).into_owned();
            row.suite = one_line(&row.suite).into_owned();
        }
        self.cursor = self.cursor.min(rows.len().saturating_sub(1));
        self.rows = Some(rows);
        self.problems = problems.iter().map(|p| one_line(p).into_owned()).collect();
    }

    pub fn apply(&mut self, action: BrowserAction, page: usize) -> ListOutcome {
        let count = self.rows.as_ref().map_or(0, Vec::len);
        let last = count.saturating_sub(1);
        match action {
            BrowserAction::Move(step) => {
                self.cursor = match (step, step.rows(page)) {
                    (ScrollStep::Top, _) => 0,
                    (ScrollStep::Bottom, _) => last,
                    (_, Some(rows)) => self.cursor.saturating_add_signed(rows).min(last),
                    (_, None) => self.cursor,
                };
                ListOutcome::Continue
            }
            BrowserAction::Open => match self.rows.as_ref().and_then(|r| r.get(self.cursor)) {
                Some(row) if self.opening.is_none() => {
                    self.opening = Some(row.id.clone());
                    ListOutcome::Open(row.id.clone())
                }
                Some(_) | None => ListOutcome::Continue,
            },
            BrowserAction::AskDelete
            | BrowserAction::ConfirmDelete
            | BrowserAction::Backspace
            | BrowserAction::ClearQuery => ListOutcome::Continue,
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let rect = RunList::rect(area);
        let count = self.rows.as_ref().map_or(0, Vec::len);
        let title = Line::styled(format!(" Eval runs ({count}) "), theme.title());
        let inner = overlay_box(buf, rect, title, Context::Runs, theme);
        if inner.height < 3 {
            return;
        }
        let suite_width =
            usize::from(inner.width).saturating_sub(20 + 2 + 16 + 2 + 13 + 7 + 10 + 8);
        let header = format!(
            "{:<20}  {:<16}  {:<suite_width$}  {:>13}  {:>6}  {:>9}",
            "run", "started (UTC)", "suite", "results", "pass", "cost"
        );
        let mut lines = vec![Line::styled(header, theme.hint())];
        let note = match (&self.opening, self.problems.first()) {
            (Some(id), _) => Some((format!("reading run {id}…"), theme.hint())),
            (None, Some(problem)) => {
                let more = match self.problems.len() {
                    1 => String::new(),
                    n => format!(" (+{} more)", n - 1),
                };
                Some((format!("{problem}{more}"), theme.warning()))
            }
            (None, None) => None,
        };
        let rows = usize::from(inner.height).saturating_sub(1 + usize::from(note.is_some()));
        match &self.rows {
            None => lines.push(Line::styled("reading the runs…", theme.hint())),
            Some(runs) if runs.is_empty() => lines.push(Line::styled(
                "No eval runs yet: `prism eval SUITE.toml` makes one.",
                theme.hint(),
            )),
            Some(runs) => {
                let first = self.cursor.saturating_sub(rows.saturating_sub(1));
                for (index, run) in runs.iter().enumerate().skip(first).take(rows) {
                    let pass = if run.done == 0 {
                        "-".to_string()
                    } else {
                        format!("{:.0}%", run.passed as f64 * 100.0 / run.done as f64)
                    };
                    let text = format!(
                        "{}  {:<16}  {}  {:>13}  {:>6}  {:>11}",
                        super::view::pad(&run.id, 20),
                        format_datetime_utc(run.started_unix),
                        super::view::pad(&run.suite, suite_width),
                        format!("{}/{}", run.done, run.total),
                        pass,
                        run.cost_usd.map_or("unknown".into(), format_usd),
                    );
                    let style = if index == self.cursor {
                        theme.selected()
                    } else if run.done < run.total {
                        theme.hint()
                    } else {
                        ratatui::style::Style::default()
                    };
                    lines.push(Line::styled(text, style));
                }
            }
        }
        Paragraph::new(lines).render(inner, buf);
        if let Some((text, style)) = note {
            let row = Rect {
                y: inner.bottom().saturating_sub(1),
                height: 1,
                ..inner
            };
            Paragraph::new(Line::styled(text, style)).render(row, buf);
        }
    }
}
