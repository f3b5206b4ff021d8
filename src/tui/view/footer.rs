//! The footer: the turn's and session's totals (or, while typing, the
//! estimated input cost per model), the catalog's source and age, any notice,
//! and the key hints of the current mode, read from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::router::pricing::format_usd;
use crate::tui::keymap;
use crate::tui::state::{AppState, NoticeLevel, Overlay};

pub fn draw(frame: &mut Frame, rect: Rect, state: &AppState) {
    if rect.height == 0 {
        return;
    }
    let theme = &state.settings.theme;
    let panes = &state.workspace.panes;
    let mut first: Vec<Span> = Vec::new();
    let prompt = match &state.ui.overlay {
        Some(Overlay::Vote) => Some(format!(
            "Vote on turn {}: press 1-{} for the best pane · t tie · n all bad · Esc cancels",
            state.record.turns(),
            panes.len().min(9)
        )),
        Some(Overlay::DiffPick(from)) => Some(format!(
            "Diff pane {} against which pane? Press its number (1-{}) · Esc cancels",
            from + 1,
            panes.len().min(9)
        )),
        Some(_) | None => None,
    };
    match (prompt, &state.ui.notice) {
        (Some(prompt), _) => first.push(Span::styled(prompt, theme.key())),
        (None, Some(notice)) => {
            let style = match notice.level {
                NoticeLevel::Info => theme.hint(),
                NoticeLevel::Warning => theme.warning(),
                NoticeLevel::Error => theme.error(),
            };
            first.push(Span::styled(notice.text.clone(), style));
        }
        (None, None) => match state.workspace.estimate_tokens() {
            Some(tokens) => first.extend(estimate_spans(state, tokens)),
            None => first.extend(totals_spans(state)),
        },
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
    let theme = &state.settings.theme;
    if state.hidden() {
        return vec![Span::styled(
            "blind session: names and costs hidden until you vote (Ctrl+V)".to_string(),
            theme.key(),
        )];
    }
    let turns = state.record.turns();
    if turns == 0 {
        return vec![Span::styled(
            format!(
                "{} models ready · no prompt sent yet",
                state.workspace.panes.len()
            ),
            theme.hint(),
        )];
    }
    // A floor ("$0.0012+ (2 unknown)") where some cost is unknown, never $0.
    let totals = state.record.totals();
    vec![
        Span::styled("turn ", theme.hint()),
        Span::raw(totals.turn.label()),
        Span::styled(" · session ", theme.hint()),
        Span::raw(totals.session.label()),
        Span::styled(
            format!(
                " ({turns} turn{}, {} tokens)",
                if turns == 1 { "" } else { "s" },
                crate::units::count(totals.session_tokens)
            ),
            theme.hint(),
        ),
    ]
}

/// "≈ 320 tok in: 1 $0.0008 · 2 $0.00005 · 3 free · 4 ?"
fn estimate_spans(state: &AppState, tokens: u64) -> Vec<Span<'static>> {
    let theme = &state.settings.theme;
    if state.hidden() {
        // Per-model prices would give the models away.
        return vec![Span::styled(
            format!(
                "≈ {} tok in · costs hidden while blind",
                crate::units::count(tokens)
            ),
            theme.hint(),
        )];
    }
    let mut spans = vec![Span::styled(
        format!("≈ {} tok in: ", crate::units::count(tokens)),
        theme.hint(),
    )];
    for (i, pane) in state.workspace.panes.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.hint()));
        }
        spans.push(Span::styled(format!("{} ", i + 1), theme.key()));
        let cost = pane.estimate.and_then(|e| e.cost_usd);
        let text = match cost {
            Some(cost) if cost.is_zero() => "free".to_string(),
            Some(cost) => format_usd(cost),
            None => "?".to_string(),
        };
        spans.push(Span::raw(text));
    }
    spans
}

fn catalog_summary(state: &AppState) -> String {
    let now = state.now.unix;
    let catalogs = &state.catalogs.by_provider;
    let default = state.settings.providers.default_name();
    let Some(entry) = catalogs.get(default).or_else(|| catalogs.values().next()) else {
        return "catalog: loading…".to_string();
    };
    let mut text = format!("catalog: {}", entry.catalog.describe(now));
    if entry.refreshing {
        text.push_str(" · refreshing…");
    }
    // Account and privacy come first: they matter more than the catalog's age.
    let mut front = Vec::new();
    // Raw text lasts until switched back: it says so as long as it lasts.
    if !state.settings.markdown {
        front.push("raw text (Ctrl+T: Markdown)".to_string());
    }
    if state.settings.privacy {
        front.push("private (no data collection)".to_string());
    }
    if let Some(info) = &state.catalogs.key_info {
        front.push(crate::sanitize::one_line(&info.summary()).into_owned());
    }
    if !front.is_empty() {
        text = format!("{} · {text}", front.join(" · "));
    }
    text
}

/// Key hints for the current mode from the keymap: as many as fit the
/// width, most important first, help and quit (or the way out) always.
fn hints(state: &AppState, width: u16) -> Line<'static> {
    let theme = &state.settings.theme;
    let hints = keymap::fitted_hints(
        state.key_context(),
        keymap::HintPlace::Footer,
        usize::from(width),
        2,
    );
    let mut spans = Vec::new();
    for hint in hints {
        if !spans.is_empty() {
            spans.push(Span::styled("  ", theme.hint()));
        }
        spans.push(Span::styled(hint.keys, theme.key()));
        spans.push(Span::styled(format!(" {}", hint.word), theme.hint()));
    }
    Line::from(spans)
}
