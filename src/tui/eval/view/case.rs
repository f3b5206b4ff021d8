//! One case's answers side by side: the prompt on top, a pane per column
//! (as many as fit; ←→ shows others), each with its mark, time and cost,
//! the answer with its word diff against the leftmost pane (words it adds
//! underlined, words it lacks struck through), and each check's reason;
//! under the prompt, how much the answers agree (distinct answers, the
//! outlier column marked in its title).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::eval::record::EvalResult;
use crate::router::pricing::format_usd;
use crate::sanitize::{one_line, sanitize};
use crate::tui::diff::{Change, Piece};
use crate::tui::glyphs::for_screen;
use crate::tui::theme::{TextStyle, Theme};

use super::super::layout;
use super::super::state::{Answers, CaseView, EvalView};
use super::{fit, outcome_style};

/// Prompt rows shown at most.
const PROMPT_ROWS: u16 = 3;

pub fn draw(buf: &mut Buffer, area: Rect, view: &EvalView, open: &CaseView) {
    Clear.render(area, buf);
    let theme = &view.theme;
    let id = view.case_ids.get(open.case).map_or("", String::as_str);
    let mut title = format!(" case {} of {} · {} ", open.case + 1, view.cases(), id);
    if view.repeat > 1 {
        title.push_str(&format!("· repeat {} of {} ", open.repeat + 1, view.repeat));
    }
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(Line::styled(
            fit(&title, usize::from(area.width.saturating_sub(4))),
            theme.title(),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height < 3 {
        return;
    }
    let prompt = view
        .suite
        .cases
        .get(open.case)
        .map(|c| for_screen(&sanitize(&c.prompt)).into_owned())
        .unwrap_or_default();
    // The prompt's rows, wrapped, up to PROMPT_ROWS.
    let width = usize::from(inner.width.max(1));
    let rows: usize = format!("prompt {prompt}")
        .split('\n')
        .map(|line| line.width().div_ceil(width).max(1))
        .sum();
    let prompt_rect = Rect {
        height: u16::try_from(rows)
            .unwrap_or(PROMPT_ROWS)
            .min(PROMPT_ROWS)
            .min(inner.height - 1),
        ..inner
    };
    Paragraph::new(vec![Line::from(vec![
        Span::styled("prompt ", theme.hint()),
        Span::styled(prompt, theme.text(TextStyle::Prompt)),
    ])])
    .wrap(Wrap { trim: false })
    .render(prompt_rect, buf);
    let mut panes_rect = Rect {
        y: prompt_rect.bottom(),
        height: inner.height - prompt_rect.height,
        ..inner
    };
    if let Some(line) = agreement_line(view, open).filter(|_| panes_rect.height > 3) {
        Paragraph::new(line).render(
            Rect {
                height: 1,
                ..panes_rect
            },
            buf,
        );
        panes_rect.y += 1;
        panes_rect.height -= 1;
    }

    let answers = match &open.answers {
        Answers::Loading => {
            Paragraph::new(Line::styled("reading the journal…", theme.hint()))
                .render(panes_rect, buf);
            return;
        }
        Answers::Failed(error) => {
            Paragraph::new(Line::styled(
                format!("cannot read the answers: {error}"),
                theme.error(),
            ))
            .render(panes_rect, buf);
            return;
        }
        Answers::Loaded(answers) => answers,
    };
    let columns = view.columns.len();
    let shown = layout::case_panes(panes_rect.width, columns);
    let pane_width = panes_rect.width / u16::try_from(shown).unwrap_or(1).max(1);
    for (slot, column) in (open.first..columns).take(shown).enumerate() {
        let rect = Rect {
            x: panes_rect.x + pane_width * u16::try_from(slot).unwrap_or(0),
            width: pane_width,
            ..panes_rect
        };
        let result = answers.get(column).and_then(Option::as_ref);
        let diff = open
            .diff
            .then(|| open.diffs.get(column).and_then(Option::as_ref))
            .flatten();
        let outlier = open
            .agreement
            .as_ref()
            .is_some_and(|(columns, a)| a.outliers.iter().any(|&i| columns[i] == column));
        pane(
            buf,
            rect,
            view,
            column,
            result,
            diff,
            open.scroll,
            (slot == 0, outlier),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn pane(
    buf: &mut Buffer,
    rect: Rect,
    view: &EvalView,
    column: usize,
    result: Option<&EvalResult>,
    diff: Option<&Vec<Piece>>,
    scroll: u16,
    (base, outlier): (bool, bool),
) {
    let theme = &view.theme;
    // The diff's base says so first, before a long title is cut.
    let base = if base && view.columns.len() > 1 {
        "base: "
    } else {
        ""
    };
    let mut title = vec![Span::styled(
        format!(" {base}{} {} ", column + 1, view.columns[column]),
        theme.title(),
    )];
    if let Some(result) = result {
        let outcome = result.outcome();
        let mark = match outcome {
            crate::eval::record::Outcome::Pass => "✓ pass",
            crate::eval::record::Outcome::Fail => "✗ fail",
            crate::eval::record::Outcome::Error => "! error",
            crate::eval::record::Outcome::Ungraded => "? ungraded",
        };
        // Before the mark and figures, so a narrow title keeps it.
        if outlier {
            title.push(Span::styled("≠ ", theme.warning()));
        }
        title.push(Span::styled(
            format!("{mark} "),
            outcome_style(Some(outcome), theme),
        ));
        let mut figures = crate::units::duration(result.total_ms);
        if let Some(cost) = result.cost_usd {
            figures.push_str(&format!(" {}", format_usd(cost)));
        }
        title.push(Span::styled(format!("{figures} "), theme.hint()));
    }

    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(false))
        .title(Line::from(title));
    let inner = block.inner(rect);
    block.render(rect, buf);
    let Some(result) = result else {
        Paragraph::new(Line::styled("no result yet", theme.hint())).render(inner, buf);
        return;
    };
    let mut lines = match diff {
        Some(pieces) => diff_lines(pieces, theme),
        None => sanitize(&result.text)
            .lines()
            .map(|l| Line::raw(for_screen(l).into_owned()))
            .collect(),
    };
    if let Some(error) = &result.error {
        lines.push(Line::styled(
            format!(
                "error: {}: {}",
                error.kind.as_str(),
                one_line(&error.message)
            ),
            theme.error(),
        ));
    }
    if let Some(model) = &result.served_model {
        lines.push(Line::styled(
            format!("served by {}", one_line(model)),
            theme.hint(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("checks", theme.title()));
    if result.checks.is_empty() {
        lines.push(Line::styled("none", theme.hint()));
    }
    for check in &result.checks {
        let (mark, style) = match check.pass {
            Some(true) => ("✓", theme.free()),
            Some(false) => ("✗", theme.warning()),
            None => ("?", theme.hint()),
        };
        // A reason names its check ("icontains: …"); without one, the check's type.
        let text = format!(
            "{mark} {}",
            one_line(check.reason.as_deref().unwrap_or(&check.kind))
        );
        lines.push(Line::styled(text, style));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(inner, buf);
}

/// "agreement 2 distinct answers of 3 · outlier 3 x/y · by normalised
/// text similarity", once the answers are read.
fn agreement_line(view: &EvalView, open: &CaseView) -> Option<Line<'static>> {
    let theme = &view.theme;
    let (columns, agreement) = open.agreement.as_ref()?;
    let mut text = if agreement.distinct() == 1 {
        format!("all {} answers say the same thing", columns.len())
    } else {
        format!(
            "{} distinct answers of {}",
            agreement.distinct(),
            columns.len()
        )
    };
    if !agreement.outliers.is_empty() {
        let names: Vec<String> = agreement
            .outliers
            .iter()
            .map(|&i| format!("{} {}", columns[i] + 1, view.columns[columns[i]]))
            .collect();
        text.push_str(&format!(" · outlier (≠) {}", names.join(", ")));
    }
    Some(Line::from(vec![
        Span::styled("agreement ", theme.hint()),
        Span::raw(text),
        Span::styled(" · by normalised text similarity", theme.hint()),
    ]))
}

/// The diff's pieces as lines: added words underlined, removed ones struck.
fn diff_lines(pieces: &[Piece], theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    for piece in pieces {
        let style = match piece.change {
            Change::Same => Style::default(),
            Change::Added => theme.text(TextStyle::Added),
            Change::Removed => theme.text(TextStyle::Removed),
        };
        let mut parts = piece.text.split('\n').peekable();
        while let Some(part) = parts.next() {
            if !part.is_empty() {
                spans.push(Span::styled(for_screen(part).into_owned(), style));
            }
            if parts.peek().is_some() {
                lines.push(Line::from(std::mem::take(&mut spans)));
            }
        }
    }
    if !spans.is_empty() {
        lines.push(Line::from(spans));
    }
    lines
}
