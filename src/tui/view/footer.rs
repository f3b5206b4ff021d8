//! The footer: the turn's and session's totals (or, while typing, the
//! estimated input cost per model), the catalog's source and age, any notice,
//! and the key hints of the current mode.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::router::pricing::format_usd;
use crate::tui::state::{AppState, Focus, NoticeLevel, Overlay};

pub fn draw(frame: &mut Frame, rect: Rect, state: &AppState) {
    if rect.height == 0 {
        return;
    }
    let theme = &state.theme;
    let mut first: Vec<Span> = Vec::new();
    let prompt = match &state.overlay {
        Some(Overlay::Vote) => Some(format!(
            "Vote on turn {}: press 1-{} for the best pane · t tie · n all bad · Esc cancels",
            state.session.turns.len(),
            state.panes.len().min(9)
        )),
        Some(Overlay::DiffPick(from)) => Some(format!(
            "Diff pane {} against which pane? Press its number (1-{}) · Esc cancels",
            from + 1,
            state.panes.len().min(9)
        )),
        _ => None,
    };
    match &state.notice {
        _ if prompt.is_some() => first.push(Span::styled(prompt.unwrap_or_default(), theme.key())),
        Some(notice) => {
            let style = match notice.level {
                NoticeLevel::Info => theme.hint(),
                NoticeLevel::Warning => theme.warning(),
                NoticeLevel::Error => theme.error(),
            };
            first.push(Span::styled(notice.text.clone(), style));
        }
        None if !state.estimate.is_empty() => first.extend(estimate_spans(state)),
        None => first.extend(totals_spans(state)),
    }
    let catalog = catalog_summary(state);
    let used: usize = first.iter().map(|s| s.content.chars().count()).sum();
    let room = (rect.width as usize).saturating_sub(used + 2);
    if !catalog.is_empty() && room > 10 {
        let catalog: String = if catalog.chars().count() > room {
            let cut: String = catalog.chars().take(room.saturating_sub(1)).collect();
            format!("{cut}…")
        } else {
            catalog
        };
        let pad = (rect.width as usize).saturating_sub(used + catalog.chars().count());
        first.push(Span::raw(" ".repeat(pad)));
        first.push(Span::styled(catalog, theme.hint()));
    }
    let lines = vec![Line::from(first), hints(state, rect.width)];
    frame.render_widget(Paragraph::new(lines), rect);
}

fn totals_spans(state: &AppState) -> Vec<Span<'static>> {
    let theme = &state.theme;
    if state.hidden() {
        return vec![Span::styled(
            "blind session: names and costs hidden until you vote (Ctrl+V)".to_string(),
            theme.key(),
        )];
    }
    if state.turns() == 0 {
        return vec![Span::styled(
            format!("{} models ready · no prompt sent yet", state.panes.len()),
            theme.hint(),
        )];
    }
    let turn = if state.turn_cost_complete {
        format_usd(state.turn_cost_usd)
    } else {
        format!("{} + unknown", format_usd(state.turn_cost_usd))
    };
    vec![
        Span::styled("turn ", theme.hint()),
        Span::raw(turn),
        Span::styled(" · session ", theme.hint()),
        Span::raw(format_usd(state.session_cost_usd)),
        Span::styled(
            format!(
                " ({} turn{}, {} tokens)",
                state.turns(),
                if state.turns() == 1 { "" } else { "s" },
                crate::units::count(state.session_tokens)
            ),
            theme.hint(),
        ),
    ]
}

/// "≈ 320 tok in: 1 $0.0008 · 2 $0.00005 · 3 free · 4 ?"
fn estimate_spans(state: &AppState) -> Vec<Span<'static>> {
    let theme = &state.theme;
    if state.hidden() {
        // Per-model prices would give the models away.
        return vec![Span::styled(
            format!(
                "≈ {} tok in · costs hidden while blind",
                crate::units::count(state.estimate_tokens)
            ),
            theme.hint(),
        )];
    }
    let mut spans = vec![Span::styled(
        format!("≈ {} tok in: ", crate::units::count(state.estimate_tokens)),
        theme.hint(),
    )];
    for (i, cost) in state.estimate.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.hint()));
        }
        spans.push(Span::styled(format!("{} ", i + 1), theme.key()));
        let text = match cost {
            Some(cost) if cost.is_zero() => "free".to_string(),
            Some(cost) => format_usd(*cost),
            None => "?".to_string(),
        };
        spans.push(Span::raw(text));
    }
    spans
}

fn catalog_summary(state: &AppState) -> String {
    let now = state.now_unix;
    let default = state.providers.default_name();
    let Some(entry) = state
        .catalogs
        .get(default)
        .or_else(|| state.catalogs.values().next())
    else {
        return "catalog: loading…".to_string();
    };
    let mut text = format!("catalog: {}", entry.catalog.describe(now));
    if entry.refreshing {
        text.push_str(" · refreshing…");
    }
    // Account and privacy come first: they matter more than the catalog's age.
    let mut front = Vec::new();
    if state.privacy {
        front.push("private (no data collection)".to_string());
    }
    if let Some(info) = &state.key_info {
        front.push(crate::sanitize::one_line(&info.summary()).into_owned());
    }
    if !front.is_empty() {
        text = format!("{} · {text}", front.join(" · "));
    }
    text
}

/// Key hints for the current mode, as many as fit the width (never cut mid-hint).
fn hints(state: &AppState, width: u16) -> Line<'static> {
    let theme = &state.theme;
    let pairs: Vec<(&str, &str)> = match &state.overlay {
        Some(Overlay::Help { .. }) => {
            vec![("↑↓ PgUp PgDn", "scroll"), ("any other key", "close help")]
        }
        Some(Overlay::Picker(..)) => vec![
            ("type", "search"),
            ("Space", "mark"),
            ("Enter", "apply"),
            ("Ctrl+S", "sort"),
            ("Ctrl+F", "free only"),
            ("Ctrl+U", "clear search"),
            ("Esc", "cancel"),
        ],
        Some(Overlay::Params(_)) => {
            vec![("Tab", "next field"), ("Enter", "apply"), ("Esc", "cancel")]
        }
        Some(Overlay::Vote) => vec![
            ("1-9", "best pane"),
            ("t", "tie"),
            ("n", "all bad"),
            ("Esc", "cancel"),
        ],
        Some(Overlay::DiffPick(_)) => vec![("1-9", "pane"), ("Esc", "cancel")],
        Some(Overlay::Diff(_) | Overlay::Leaderboard(_) | Overlay::Details(_)) => {
            vec![("↑↓ PgUp PgDn", "scroll"), ("any other key", "close")]
        }
        Some(Overlay::Sessions(_)) => crate::tui::browser::BINDINGS.to_vec(),
        Some(Overlay::Rename(_)) => vec![("Enter", "save"), ("Esc", "cancel")],
        None => match state.focus {
            Focus::Editor => vec![
                ("Enter", "send"),
                ("Alt+Enter", "new line"),
                ("Ctrl+P", "models"),
                ("Tab", "panes"),
                ("Ctrl+S", "params"),
                ("Ctrl+X", "cancel"),
                ("Ctrl+N", "new chat"),
                ("Ctrl+G", "$EDITOR"),
                ("F1", "help"),
                ("Ctrl+C", "quit"),
            ],
            Focus::Pane(_) => vec![
                ("↑↓", "scroll"),
                ("End", "follow"),
                ("z", "zoom"),
                ("c", "cancel"),
                ("r", "retry"),
                ("y", "copy"),
                ("t", "reasoning"),
                ("F", "fallback"),
                ("s", "params"),
                ("?", "help"),
                ("i", "prompt"),
            ],
        },
    };
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (key, what) in pairs {
        let cost = key.chars().count() + what.chars().count() + 3;
        if used + cost > width as usize {
            break;
        }
        if used > 0 {
            spans.push(Span::styled("  ", theme.hint()));
        }
        spans.push(Span::styled(key.to_string(), theme.key()));
        spans.push(Span::styled(format!(" {what}"), theme.hint()));
        used += cost;
    }
    Line::from(spans)
}
