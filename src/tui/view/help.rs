//! The help overlay: every binding, read from the keymap tables themselves,
//! the current mode's first; two columns when the terminal is wide enough,
//! scrollable when it is short.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::keymap::{self, Context};
use crate::tui::state::{AppState, Focus};
use crate::tui::theme::Theme;

use super::{centered, overlay_block};

/// A titled list of (keys, what they do).
struct Section {
    title: &'static str,
    rows: Vec<(&'static str, &'static str)>,
}

fn context_section(context: Context) -> Section {
    let title = match context {
        Context::Editor => "Prompt editor",
        Context::Pane => "Focused pane",
        Context::Global => "Everywhere",
    };
    Section {
        title,
        rows: keymap::bindings(context)
            .map(|b| (b.label, b.help))
            .collect(),
    }
}

fn lines(sections: &[Section], theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let label_width = sections
        .iter()
        .flat_map(|s| s.rows.iter())
        .map(|(keys, _)| keys.chars().count())
        .max()
        .unwrap_or(8)
        .min(width / 3);
    let mut out = Vec::new();
    for section in sections {
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(section.title, theme.title()));
        for (keys, what) in &section.rows {
            out.push(Line::from(vec![
                Span::styled(format!(" {keys:<label_width$}  "), theme.key()),
                Span::raw(*what),
            ]));
        }
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, scroll: u16) {
    let theme = &state.theme;
    let (first, other) = match state.focus {
        Focus::Editor => (Context::Editor, Context::Pane),
        Focus::Pane(_) => (Context::Pane, Context::Editor),
    };
    let picker = Section {
        title: "Model picker (Ctrl+P)",
        rows: crate::tui::picker::BINDINGS.to_vec(),
    };
    let mouse = Section {
        title: "Mouse",
        rows: vec![
            ("wheel", "scroll the pane under the pointer"),
            ("click", "focus a pane or the prompt"),
        ],
    };
    let width = area.width.saturating_sub(4).min(150);
    let two_columns = width >= 110;
    let (left, right) = if two_columns {
        (
            vec![
                context_section(first),
                context_section(Context::Global),
                mouse,
            ],
            vec![context_section(other), picker],
        )
    } else {
        (
            vec![
                context_section(first),
                context_section(Context::Global),
                context_section(other),
                picker,
                mouse,
            ],
            Vec::new(),
        )
    };
    let column_width = if two_columns {
        (width - 3) / 2
    } else {
        width.saturating_sub(2)
    } as usize;
    let left = lines(&left, theme, column_width);
    let right = lines(&right, theme, column_width);
    let content_rows = left.len().max(right.len()) as u16;
    let height = (content_rows + 2).min(area.height);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let max_scroll = content_rows.saturating_sub(height.saturating_sub(2));
    let scroll = scroll.min(max_scroll);
    let title = if max_scroll > 0 {
        " Keys · ↑↓ scroll · any other key closes "
    } else {
        " Keys · any key closes "
    };
    let block = overlay_block(theme).title(Line::styled(title, theme.title()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let columns = if two_columns {
        let half = (inner.width.saturating_sub(1)) / 2;
        vec![
            (left, Rect::new(inner.x, inner.y, half, inner.height)),
            (
                right,
                Rect::new(
                    inner.x + half + 1,
                    inner.y,
                    inner.width - half - 1,
                    inner.height,
                ),
            ),
        ]
    } else {
        vec![(left, inner)]
    };
    for (text, column) in columns {
        frame.render_widget(Paragraph::new(text).scroll((scroll, 0)), column);
    }
}
