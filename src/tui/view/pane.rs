//! One pane: a border whose title names the model and its state, whose
//! bottom line carries the live figures, and the visible rows of its text.

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::router::events::RunResult;
use crate::tui::boxes::framed;
use crate::tui::layout::pane_inner;
use crate::tui::state::{AppState, PaneState, PaneStatus};
use crate::tui::theme::PaneStateStyle;

use super::figures::{self, Figure};

pub fn draw(
    frame: &mut Frame,
    rect: Rect,
    state: &AppState,
    index: usize,
    pane: &PaneState,
    focused: bool,
    floor: Figure,
) {
    let theme = &state.settings.theme;
    let block = framed(theme, focused)
        .title(title(state, index, pane, rect.width))
        .title_bottom(Line::from(figures::line(state, pane, rect.width, floor)).right_aligned());
    let inner = pane_inner(rect);
    frame.render_widget(block, rect);
    if pane.document.is_empty() {
        let hint = empty_hint(state, pane);
        frame.render_widget(
            Paragraph::new(Line::styled(hint, theme.hint())).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    pane.document
        .render(pane.first_row(), inner, frame.buffer_mut(), theme);
}

fn status_style(status: PaneStatus) -> PaneStateStyle {
    match status {
        PaneStatus::Idle => PaneStateStyle::Idle,
        PaneStatus::Queued | PaneStatus::Waiting | PaneStatus::Thinking | PaneStatus::Streaming => {
            PaneStateStyle::Live
        }
        PaneStatus::Done => PaneStateStyle::Done,
        PaneStatus::Failed | PaneStatus::Cancelled => PaneStateStyle::Failed,
    }
}

fn elapsed(state: &AppState, pane: &PaneState) -> Option<Duration> {
    let started = pane.run.as_ref()?.started_at?;
    Some(state.now.at.saturating_duration_since(started))
}

/// Cuts `text` to `room` characters with an ellipsis in the middle, which
/// keeps both the vendor and the model's tail ("anthropic/cl…sonnet-4.5").
fn fit_middle(text: &str, room: usize) -> String {
    let count = text.chars().count();
    if count <= room {
        return text.to_string();
    }
    if room <= 1 {
        return "…".chars().take(room).collect();
    }
    let head = (room - 1) / 2;
    let tail = room - 1 - head;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

fn width_of(spans: &[Span]) -> usize {
    spans.iter().map(|s| s.content.chars().count()).sum()
}

/// " 1 model → served · state · params ", fitted to the border: extras go
/// first, then the model name shrinks, and the state stays readable.
fn title(state: &AppState, index: usize, pane: &PaneState, width: u16) -> Line<'static> {
    let theme = &state.settings.theme;
    let budget = (width as usize).saturating_sub(2);
    let run = pane.run.as_ref();
    let mut status = pane.status.label().to_string();
    match pane.status {
        PaneStatus::Waiting | PaneStatus::Thinking => {
            if let Some(wait) = elapsed(state, pane) {
                status = format!("{status} {:.1}s", wait.as_secs_f64());
            }
        }
        PaneStatus::Failed => {
            if let Some(kind) = pane.error_kind() {
                status = format!("error: {}", kind.as_str().replace('_', " "));
            }
        }
        PaneStatus::Queued => {
            // Pacing holds it back: count down to when it goes.
            if let Some(until) = run.and_then(|r| r.queued_until) {
                let left = until.saturating_duration_since(state.now.at);
                status = format!("queued {}s (rate limit)", left.as_secs_f64().ceil() as u64);
            }
        }
        PaneStatus::Idle | PaneStatus::Streaming | PaneStatus::Done | PaneStatus::Cancelled => {}
    }
    if let Some(run) = run
        && let Some(note) = run.retry_note.as_ref()
    {
        // Counts down with the clock, which ticks while the pane is live.
        let left = run
            .retry_at
            .map(|at| at.saturating_duration_since(state.now.at))
            .unwrap_or_default();
        status = format!("{status} · {note} · retry in {:.1}s", left.as_secs_f64());
    }
    // An answer cut short says so where it is seen, not only in I.
    if let Some(why) = run
        .and_then(|r| r.result.finish_reason.as_deref())
        .filter(|_| pane.status == PaneStatus::Done)
        .and_then(crate::router::finish::truncation)
    {
        status = format!("{status} · cut: {why}");
    }
    let number = Span::styled(format!(" {} ", index + 1), theme.key());
    let status = Span::styled(status, theme.state(status_style(pane.status)));
    let mut extras: Vec<Span> = Vec::new();
    let hidden = state.hidden();
    if let Some(route) = run
        .and_then(|r| r.result.route.as_ref())
        .filter(|_| !hidden)
    {
        // A router pane says which model its rules picked and which rule fired.
        extras.push(Span::styled(
            format!(" → {}", crate::sanitize::Outside(&route.summary())),
            theme.hint(),
        ));
    } else if let Some(served) = run.and_then(|r| served_shown(pane, &r.result))
        && !hidden
    {
        extras.push(Span::styled(
            format!(" → {}", crate::sanitize::Outside(served)),
            theme.hint(),
        ));
    }
    // Parameters are the user's own tells of which model is which.
    if !pane.params.is_empty() && !hidden {
        extras.push(Span::styled(
            format!(" · {}", pane.params.summary()),
            theme.hint(),
        ));
    }
    // A narrow pane keeps the bare state ("error") rather than starve the name.
    let status = if number.content.chars().count() + status.content.chars().count() + 16 > budget {
        Span::styled(pane.status.label(), status.style)
    } else {
        status
    };
    let fixed = number.content.chars().count() + 3 + status.content.chars().count() + 1;
    while !extras.is_empty() && fixed + width_of(&extras) + 12 > budget {
        extras.pop();
    }
    let room = budget.saturating_sub(fixed + width_of(&extras)).max(6);
    let label = Span::styled(fit_middle(&state.pane_label(pane), room), theme.title());
    let mut spans = vec![number, label];
    if is_voted_best(state, pane) {
        spans.push(Span::styled(" ★ best", theme.key()));
    }
    spans.extend(extras);
    spans.push(Span::raw(" · "));
    spans.push(status);
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// The model that served, when the title should name it: a fallback
/// chain's (whichever of its models answered), else one that is not what
/// was asked (a router's own choice, a renamed upstream model).
fn served_shown<'a>(pane: &PaneState, result: &'a RunResult) -> Option<&'a str> {
    if pane.target.chain.len() > 1 {
        return result.served_model.as_deref();
    }
    result.served_instead_of(&pane.target.label)
}

/// The latest turn's vote named this pane best.
fn is_voted_best(state: &AppState, pane: &PaneState) -> bool {
    matches!(
        state.record.session.turns.last().and_then(|t| t.vote.as_ref()).map(|v| v.verdict),
        Some(crate::session::Verdict::Best { column }) if column == pane.id.0
    )
}

fn empty_hint(state: &AppState, pane: &PaneState) -> String {
    let provider = pane
        .target
        .chain
        .first()
        .and_then(|m| state.settings.providers.get(&m.provider));
    if let Some(provider) = provider.filter(|p| p.is_missing_key()) {
        // The provider's name would say which blind pane is which.
        if state.hidden() {
            return "No API key for this pane's provider: see the notice, or pick other models (Ctrl+P).".into();
        }
        let var = provider
            .api_key_env
            .as_deref()
            .unwrap_or("the API key variable");
        return format!(
            "No API key for {}. Set {var} in your environment or in a .env file in this directory, then restart prism. Or pick a local model (Ctrl+P), e.g. from ollama.",
            provider.name
        );
    }
    if pane.status == PaneStatus::Idle {
        "Type a prompt below and press Enter.".to_string()
    } else {
        String::new()
    }
}
