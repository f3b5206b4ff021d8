//! The session browser overlay: every saved session (date, name, models,
//! turns, cost), searchable; open one, or delete it after a confirmation.
//! A pure component: actions and typed text in, an outcome out; the
//! reducer does the rest.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::session::Summary;
use crate::units::format_datetime_utc;

use super::boxes::{centered, overlay_box};
use super::keymap::{BrowserAction, Context};
use super::scroll::ScrollStep;
use super::theme::Theme;

/// Rows a page step moves.
const PAGE_ROWS: usize = 10;

#[derive(Clone, Debug, Default)]
pub struct SessionBrowser {
    /// Newest first; None while the list is loading.
    pub items: Option<Vec<Summary>>,
    /// Beside `items`: each session's prompts and answers, lower-cased.
    texts: Vec<String>,
    /// Files that could not be read, one line each (they are left alone).
    pub problems: Vec<String>,
    /// Changed only through `handle_key` and `insert_str`, which keep `matches`.
    query: String,
    /// Indices into `items` of the sessions the query matches, in order;
    /// recomputed by `set_items` and on every query change, not per frame.
    matches: Vec<usize>,
    pub cursor: usize,
    /// Asking "delete this one?" for the id.
    pub confirm_delete: Option<String>,
    /// The session open in the workbench (marked in the list).
    pub current: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrowserOutcome {
    Continue,
    Open(String),
    Delete(String),
}

impl SessionBrowser {
    pub fn new(current: String) -> SessionBrowser {
        SessionBrowser {
            current,
            ..SessionBrowser::default()
        }
    }

    pub fn set_items(&mut self, items: Vec<Summary>, texts: Vec<String>, problems: Vec<String>) {
        self.items = Some(items);
        self.texts = texts;
        self.problems = problems;
        self.refilter();
        self.clamp();
    }

    /// Appends pasted text to the query as typing it would: the cursor goes
    /// back to the top match.
    pub fn insert_str(&mut self, text: &str) {
        self.query.push_str(text);
        self.cursor = 0;
        self.refilter();
        self.clamp();
    }

    /// The sessions matching the query: every word must appear in the name,
    /// the models, the id, a prompt or an answer (case-insensitive).
    pub fn visible(&self) -> Vec<&Summary> {
        // `get`, not indexing: `items` is public and may have been emptied
        // (set to None while reloading) since the last refilter.
        let items = self.items.as_deref().unwrap_or_default();
        self.matches
            .iter()
            .filter_map(|&index| items.get(index))
            .collect()
    }

    /// Recomputes `matches` from `items` and `query`.
    fn refilter(&mut self) {
        let words: Vec<String> = self
            .query
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        self.matches = self
            .items
            .iter()
            .flatten()
            .enumerate()
            .filter(|(index, s)| {
                let haystack = format!(
                    "{} {} {}",
                    s.name.as_deref().unwrap_or(""),
                    s.models.join(" "),
                    s.id
                )
                .to_lowercase();
                let text = self.texts.get(*index).map_or("", String::as_str);
                words
                    .iter()
                    .all(|w| haystack.contains(w.as_str()) || text.contains(w.as_str()))
            })
            .map(|(index, _)| index)
            .collect();
    }

    fn clamp(&mut self) {
        let count = self.visible().len();
        self.cursor = self.cursor.min(count.saturating_sub(1));
    }

    fn selected_id(&self) -> Option<String> {
        let items = self.items.as_deref()?;
        let index = *self.matches.get(self.cursor)?;
        items.get(index).map(|s| s.id.clone())
    }

    /// The keys that apply now: the browser's, or the delete question's.
    pub fn context(&self) -> Context {
        if self.confirm_delete.is_some() {
            Context::ConfirmDelete
        } else {
            Context::Sessions
        }
    }

    pub fn apply(&mut self, action: BrowserAction) -> BrowserOutcome {
        if let Some(id) = self.confirm_delete.take() {
            return match action {
                BrowserAction::ConfirmDelete => BrowserOutcome::Delete(id),
                BrowserAction::Move(_)
                | BrowserAction::Open
                | BrowserAction::AskDelete
                | BrowserAction::Backspace
                | BrowserAction::ClearQuery => BrowserOutcome::Continue,
            };
        }
        match action {
            BrowserAction::Open => {
                return match self.selected_id() {
                    Some(id) => BrowserOutcome::Open(id),
                    None => BrowserOutcome::Continue,
                };
            }
            BrowserAction::AskDelete => self.confirm_delete = self.selected_id(),
            BrowserAction::ConfirmDelete => {}
            BrowserAction::Move(step) => {
                self.cursor = match (step, step.rows(PAGE_ROWS + 1)) {
                    (ScrollStep::Top, _) => 0,
                    (ScrollStep::Bottom, _) => usize::MAX,
                    (_, Some(rows)) => self.cursor.saturating_add_signed(rows),
                    (_, None) => self.cursor,
                }
            }
            BrowserAction::Backspace => {
                self.query.pop();
                self.refilter();
            }
            BrowserAction::ClearQuery => {
                self.query.clear();
                self.refilter();
            }
        }
        self.clamp();
        BrowserOutcome::Continue
    }

    /// A key no binding names: its character joins the search. A pending
    /// delete question is answered "no".
    pub fn type_char(&mut self, c: char) {
        if self.confirm_delete.take().is_some() {
            return;
        }
        self.insert_str(&c.to_string());
    }

    /// A session as the delete question names it: "NAME" (id), or its
    /// models and date when it has no name.
    fn describe(&self, id: &str) -> String {
        let summary = self.items.iter().flatten().find(|s| s.id == id);
        let name = summary
            .and_then(|s| s.name.as_deref())
            .filter(|n| !n.trim().is_empty());
        match (summary, name) {
            (Some(_), Some(name)) => {
                format!("\"{}\" ({id})", crate::sanitize::one_line(name))
            }
            (Some(s), None) => format!(
                "the session of {} with {} ({id})",
                format_datetime_utc(s.updated_at_unix),
                crate::sanitize::one_line(&s.models.join(", "))
            ),
            (None, _) => format!("session {id}"),
        }
    }

    /// The delete question was answered with anything but yes.
    pub fn keep(&mut self) {
        self.confirm_delete = None;
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let width = area.width.saturating_sub(6).min(140);
        let height = area.height.saturating_sub(4);
        let rect = centered(area, width, height);
        let count = self.items.as_ref().map_or(0, Vec::len);
        let visible = self.visible();
        let title = format!(" Sessions ({} of {count}) ", visible.len());
        let title = Line::styled(title, theme.title());
        let inner = overlay_box(buf, rect, title, self.context(), theme);
        if inner.height < 3 {
            return;
        }
        // Date, turns, cost and markers are fixed; name and models share the rest.
        let flexible = (inner.width as usize)
            .saturating_sub(16 + 5 + 10 + 8 + 8)
            .max(20);
        let name_width = flexible * 45 / 100;
        let models_width = flexible - name_width;
        let mut lines: Vec<Line> = vec![Line::from(vec![
            Span::styled("> ", theme.key()),
            Span::raw(self.query.clone()),
            Span::styled("█", theme.hint()),
        ])];
        if let Some(id) = &self.confirm_delete {
            lines.push(Line::styled(
                format!(
                    "Delete {}? It cannot be undone. y deletes, any other key keeps it.",
                    self.describe(id)
                ),
                theme.error(),
            ));
        } else if let Some(problem) = self.problems.first() {
            let more = if self.problems.len() > 1 {
                format!(" (+{} more)", self.problems.len() - 1)
            } else {
                String::new()
            };
            lines.push(Line::styled(format!("{problem}{more}"), theme.warning()));
        } else {
            lines.push(Line::styled(
                format!(
                    "{:<16}  {:<name_width$}  {:<models_width$}  {:>5}  {:>10}",
                    "date (UTC)", "name", "models", "turns", "cost"
                ),
                theme.hint(),
            ));
        }
        let rows = inner.height.saturating_sub(2) as usize;
        match &self.items {
            None => lines.push(Line::styled("loading…", theme.hint())),
            Some(_) if visible.is_empty() => lines.push(Line::styled(
                "No sessions yet: every comparison is saved here as it happens.",
                theme.hint(),
            )),
            Some(_) => {
                let first = self.cursor.saturating_sub(rows.saturating_sub(1));
                for (index, summary) in visible.iter().enumerate().skip(first).take(rows) {
                    let date = format_datetime_utc(summary.updated_at_unix);
                    let name: String =
                        crate::sanitize::one_line(summary.name.as_deref().unwrap_or(""))
                            .chars()
                            .take(name_width)
                            .collect();
                    let models: String = crate::sanitize::one_line(&summary.models.join(", "))
                        .chars()
                        .take(models_width)
                        .collect();
                    let marker = if summary.id == self.current {
                        "●"
                    } else {
                        " "
                    };
                    let blind = if summary.blind { " blind" } else { "" };
                    let text = format!(
                        "{date:<16}  {name:<name_width$}  {models:<models_width$}  {:>5}  {:>10}{blind} {marker}",
                        summary.turns,
                        summary.cost_label()
                    );
                    let style = if index == self.cursor {
                        theme.selected()
                    } else {
                        ratatui::style::Style::default()
                    };
                    lines.push(Line::styled(text, style));
                }
            }
        }
        Paragraph::new(lines).render(inner, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, name: &str, models: &[&str]) -> Summary {
        Summary {
            id: id.into(),
            name: Some(name.into()),
            created_at_unix: 1_790_000_000,
            updated_at_unix: 1_790_000_000,
            models: models.iter().map(|m| m.to_string()).collect(),
            turns: 2,
            votes: 1,
            cost_usd: Some(rust_decimal::Decimal::new(12, 4)),
            unpriced_answers: 0,
            blind: false,
            revealed: false,
        }
    }

    fn type_text(browser: &mut SessionBrowser, text: &str) {
        for c in text.chars() {
            browser.type_char(c);
        }
    }

    #[test]
    fn search_open_and_delete_with_confirmation() {
        let mut browser = SessionBrowser::new("b".into());
        browser.set_items(
            vec![
                summary("a", "Haiku about Rust", &["openai/gpt-4o"]),
                summary("b", "SQL question", &["anthropic/claude-sonnet-4.5"]),
            ],
            vec![],
            vec![],
        );
        type_text(&mut browser, "claude");
        assert_eq!(browser.visible().len(), 1);
        assert_eq!(
            browser.apply(BrowserAction::Open),
            BrowserOutcome::Open("b".into())
        );
        assert_eq!(
            browser.apply(BrowserAction::AskDelete),
            BrowserOutcome::Continue
        );
        assert_eq!(browser.confirm_delete.as_deref(), Some("b"));
        assert_eq!(browser.context(), Context::ConfirmDelete);
        browser.type_char('n');
        assert_eq!(browser.confirm_delete, None, "anything but y keeps it");
        assert_eq!(browser.query, "claude", "and types nothing");
        browser.apply(BrowserAction::AskDelete);
        assert_eq!(
            browser.apply(BrowserAction::ConfirmDelete),
            BrowserOutcome::Delete("b".into())
        );
    }

    #[test]
    fn the_search_covers_prompts_and_answers() {
        let mut browser = SessionBrowser::new(String::new());
        browser.set_items(
            vec![
                summary("a", "Haiku about Rust", &["openai/gpt-4o"]),
                summary("b", "SQL question", &["anthropic/claude-sonnet-4.5"]),
            ],
            vec![
                "write a haiku\nferris the crab\n".into(),
                "what is a window function?\nover (partition by …)\n".into(),
            ],
            vec![],
        );
        type_text(&mut browser, "PARTITION");
        let ids: Vec<&str> = browser.visible().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["b"], "found by its answer");
        browser.apply(BrowserAction::ClearQuery);
        type_text(&mut browser, "ferris haiku");
        let ids: Vec<&str> = browser.visible().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["a"], "words from the answer and the name");
    }

    #[test]
    fn the_delete_question_names_the_session() {
        let mut browser = SessionBrowser::new(String::new());
        let mut unnamed = summary("b", "", &["anthropic/claude-sonnet-4.5"]);
        unnamed.name = None;
        browser.set_items(
            vec![
                summary("a", "Haiku about Rust", &["openai/gpt-4o"]),
                unnamed,
            ],
            vec![],
            vec![],
        );
        assert_eq!(browser.describe("a"), "\"Haiku about Rust\" (a)");
        assert_eq!(
            browser.describe("b"),
            format!(
                "the session of {} with anthropic/claude-sonnet-4.5 (b)",
                format_datetime_utc(1_790_000_000)
            )
        );
        browser.apply(BrowserAction::AskDelete);
        let mut buf = Buffer::empty(Rect::new(0, 0, 120, 12));
        browser.render(buf.area, &mut buf, &Theme::monochrome());
        let shown: String = (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            shown.contains("Delete \"Haiku about Rust\" (a)?"),
            "{shown}"
        );
    }

    #[test]
    fn pasting_into_the_search_moves_the_cursor_like_typing() {
        let mut browser = SessionBrowser::new(String::new());
        browser.set_items(
            vec![
                summary("a", "Haiku about Rust", &["openai/gpt-4o"]),
                summary("b", "SQL question", &["anthropic/claude-sonnet-4.5"]),
            ],
            vec![],
            vec![],
        );
        browser.apply(BrowserAction::Move(ScrollStep::Down));
        assert_eq!(browser.cursor, 1);
        browser.insert_str("haiku rust");
        assert_eq!(browser.query, "haiku rust");
        assert_eq!(browser.cursor, 0);
        assert_eq!(browser.visible().len(), 1);
        assert_eq!(
            browser.apply(BrowserAction::Open),
            BrowserOutcome::Open("a".into())
        );
        browser.insert_str(" nothing matches this");
        assert!(browser.visible().is_empty());
        assert_eq!(browser.apply(BrowserAction::Open), BrowserOutcome::Continue);
    }
}
