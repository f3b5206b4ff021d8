//! Keys while an overlay is open, and opening the overlays that need data
//! (sessions, leaderboard) or a choice (vote, diff partner, a name).

use crossterm::event::{KeyCode, KeyEvent};

use crate::session::Verdict;
use crate::tui::browser::{BrowserOutcome, SessionBrowser};
use crate::tui::diff::DiffView;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::msg::Effect;
use crate::tui::params::FormOutcome;
use crate::tui::picker::{self, PickerOutcome};
use crate::tui::state::{AppState, NoticeLevel, Overlay};

use super::{actions, notify, panes, record};

pub fn on_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Some(overlay) = state.overlay.take() else {
        return;
    };
    // Ctrl+C quits from any overlay.
    if keymap::lookup(Context::Editor, &key) == Some(Action::Quit)
        && !matches!(
            overlay,
            Overlay::Picker(..) | Overlay::Params(_) | Overlay::Rename(_)
        )
    {
        actions::apply(state, Action::Quit, effects);
        return;
    }
    match overlay {
        Overlay::Help { scroll } => {
            // Arrows and pages scroll; any other key closes.
            let scroll = match key.code {
                KeyCode::Up | KeyCode::Char('k') => Some(scroll.saturating_sub(1)),
                KeyCode::Down | KeyCode::Char('j') => Some(scroll.saturating_add(1)),
                KeyCode::PageUp => Some(scroll.saturating_sub(10)),
                KeyCode::PageDown | KeyCode::Char(' ') => Some(scroll.saturating_add(10)),
                _ => None,
            };
            if let Some(scroll) = scroll {
                state.overlay = Some(Overlay::Help { scroll });
            }
        }
        Overlay::Picker(mut picker, target) => {
            let outcome = match picker::action_for_key(key) {
                Some(action) => picker.apply(action),
                None => PickerOutcome::Continue,
            };
            match outcome {
                PickerOutcome::Continue => state.overlay = Some(Overlay::Picker(picker, target)),
                PickerOutcome::Cancel => {}
                PickerOutcome::Apply(references) => {
                    panes::apply_picker(state, target, references, effects);
                }
            }
        }
        Overlay::Params(mut form) => match form.handle_key(key) {
            FormOutcome::Continue => state.overlay = Some(Overlay::Params(form)),
            FormOutcome::Cancel => {}
            FormOutcome::Apply(params) => panes::apply_params(state, form.scope, params, effects),
        },
        Overlay::Vote => on_vote_key(state, key, effects),
        Overlay::DiffPick(from) => {
            if let KeyCode::Char(c @ '1'..='9') = key.code {
                let other = c as usize - '1' as usize;
                open_diff(state, from, other);
            }
        }
        Overlay::Diff(mut view) => {
            let page = state.size.1.saturating_sub(6) as usize;
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => view.scroll_by(-1, page),
                KeyCode::Down | KeyCode::Char('j') => view.scroll_by(1, page),
                KeyCode::PageUp => view.scroll_by(-(page as isize), page),
                KeyCode::PageDown | KeyCode::Char(' ') => view.scroll_by(page as isize, page),
                KeyCode::Home | KeyCode::Char('g') => view.scroll = 0,
                KeyCode::End | KeyCode::Char('G') => view.scroll_by(isize::MAX / 2, page),
                _ => return,
            }
            state.overlay = Some(Overlay::Diff(view));
        }
        Overlay::Sessions(mut browser) => match browser.handle_key(key) {
            BrowserOutcome::Continue => state.overlay = Some(Overlay::Sessions(browser)),
            BrowserOutcome::Close => {}
            BrowserOutcome::Open(id) => {
                if id == state.session.id {
                    notify(state, NoticeLevel::Info, "that session is the one open");
                } else {
                    effects.push(Effect::OpenSession(id));
                }
            }
            BrowserOutcome::Delete(id) => {
                if id == state.session.id {
                    // Deleting the open session leaves an empty new one.
                    super::runs::cancel_all(state, effects);
                    super::runs::clear_panes(state);
                    let blind = state.session.blind;
                    record::start_session(state, blind);
                }
                effects.push(Effect::DeleteSession(id.clone()));
                notify(state, NoticeLevel::Info, format!("deleted session {id}"));
                browser.items = None;
                state.overlay = Some(Overlay::Sessions(browser));
                effects.push(Effect::ListSessions);
            }
        },
        Overlay::Leaderboard(mut view) => {
            match key.code {
                KeyCode::Tab | KeyCode::Char('b') => view.shown = (view.shown + 1) % 3,
                KeyCode::BackTab => view.shown = (view.shown + 2) % 3,
                KeyCode::Up | KeyCode::Char('k') => view.scroll = view.scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => view.scroll += 1,
                _ => return,
            }
            state.overlay = Some(Overlay::Leaderboard(view));
        }
        Overlay::Details(mut view) => {
            let page = state.size.1.saturating_sub(6) as usize;
            let max = view.lines.len().saturating_sub(page);
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => view.scroll = view.scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => view.scroll = (view.scroll + 1).min(max),
                KeyCode::PageUp => view.scroll = view.scroll.saturating_sub(page),
                KeyCode::PageDown | KeyCode::Char(' ') => {
                    view.scroll = (view.scroll + page).min(max)
                }
                _ => return,
            }
            state.overlay = Some(Overlay::Details(view));
        }
        Overlay::Rename(mut field) => match key.code {
            KeyCode::Esc => {}
            KeyCode::Enter => {
                let name = field.lines().join(" ").trim().to_string();
                state.session.name = (!name.is_empty()).then_some(name);
                record::persist(state, effects, None, true);
                let title = state.session.title();
                notify(
                    state,
                    NoticeLevel::Info,
                    format!("session named \"{title}\""),
                );
            }
            _ => {
                field.input(key);
                state.overlay = Some(Overlay::Rename(field));
            }
        },
    }
}

fn on_vote_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    let verdict = match key.code {
        KeyCode::Char(c @ '1'..='9') => {
            let index = c as usize - '1' as usize;
            match state.panes.get(index) {
                Some(pane) => Verdict::Best { column: pane.id.0 },
                None => {
                    notify(state, NoticeLevel::Warning, format!("there is no pane {c}"));
                    return;
                }
            }
        }
        KeyCode::Char('t') | KeyCode::Char('=') => Verdict::Tie,
        KeyCode::Char('n') | KeyCode::Char('0') => Verdict::AllBad,
        _ => return,
    };
    if let Some(said) = record::vote(state, verdict) {
        notify(state, NoticeLevel::Info, said);
        record::persist(state, effects, None, true);
    }
}

pub fn open_vote(state: &mut AppState) {
    if state.session.turns.is_empty() {
        notify(
            state,
            NoticeLevel::Info,
            "send a prompt first, then vote on the answers",
        );
    } else if state.any_live() {
        notify(
            state,
            NoticeLevel::Info,
            "wait for every answer before voting",
        );
    } else {
        state.overlay = Some(Overlay::Vote);
    }
}

pub fn open_diff_from(state: &mut AppState, from: usize) {
    match state.panes.len() {
        0 | 1 => notify(state, NoticeLevel::Info, "a diff needs two panes"),
        2 => open_diff(state, from, 1 - from.min(1)),
        _ => state.overlay = Some(Overlay::DiffPick(from)),
    }
}

pub(super) fn answer_text(state: &AppState, index: usize) -> Option<String> {
    let pane = state.panes.get(index)?;
    let block = pane.run.as_ref()?.answer_block?;
    Some(pane.document.text(block).to_string())
}

fn open_diff(state: &mut AppState, from: usize, to: usize) {
    if from == to || to >= state.panes.len() {
        notify(
            state,
            NoticeLevel::Warning,
            "pick another pane to compare with",
        );
        return;
    }
    let (Some(left), Some(right)) = (answer_text(state, from), answer_text(state, to)) else {
        notify(
            state,
            NoticeLevel::Info,
            "both panes need an answer to compare",
        );
        return;
    };
    let name = |i: usize| format!("{} {}", i + 1, state.pane_label(&state.panes[i]));
    let mut view = DiffView::new(name(from), name(to), &left, &right);
    view.set_width(state.size.0.saturating_sub(8));
    state.overlay = Some(Overlay::Diff(Box::new(view)));
}

pub fn open_sessions(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.overlay = Some(Overlay::Sessions(Box::new(SessionBrowser::new(
        state.session.id.clone(),
    ))));
    // The list shows the open session as saved, so save it first (in order).
    record::persist(state, effects, None, true);
    effects.push(Effect::ListSessions);
}

pub fn open_leaderboard(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.overlay = Some(Overlay::Leaderboard(Box::default()));
    record::persist(state, effects, None, true);
    effects.push(Effect::LoadLeaderboard);
}

pub fn open_rename(state: &mut AppState) {
    let mut field =
        ratatui_textarea::TextArea::new(vec![state.session.name.clone().unwrap_or_default()]);
    field.move_cursor(ratatui_textarea::CursorMove::End);
    state.overlay = Some(Overlay::Rename(Box::new(field)));
}

/// The details of a pane's latest answer, as label/value lines.
pub fn open_details(state: &mut AppState, index: usize) {
    let Some(pane) = state.panes.get(index) else {
        return;
    };
    let hidden = state.hidden();
    let mut lines: Vec<String> = Vec::new();
    let mut row = |label: &str, value: String| {
        lines.push(format!("{label}\t{}", crate::sanitize::Outside(&value)));
    };
    row("column", state.pane_label(pane));
    if !hidden {
        let chain: Vec<String> = pane
            .target
            .chain
            .iter()
            .map(|m| state.providers.display_ref(m))
            .collect();
        if !chain.is_empty() {
            row("asks", chain.join(" → then "));
        }
    }
    let params = pane.params.over(&state.params);
    if !params.is_empty() {
        row("parameters", params.summary());
    }
    if state.privacy {
        row(
            "privacy",
            "data_collection \"deny\" on OpenRouter requests".into(),
        );
    }
    let Some(run) = pane.run.as_ref() else {
        row("status", "nothing asked yet".into());
        let title = format!("Details · pane {}", index + 1);
        state.overlay = Some(Overlay::Details(Box::new(crate::tui::state::TextView {
            title,
            lines,
            scroll: 0,
        })));
        return;
    };
    let result = &run.result;
    if let Some(route) = run.result.route.as_ref().filter(|_| !hidden) {
        row("router picked", route.summary());
        row("because", route.reason.clone());
    }
    if !hidden {
        if let Some(served) = &result.served_model {
            row("served model", served.clone());
        }
        if let Some(provider) = &result.provider {
            row("served by", provider.clone());
        }
        if let Some(via) = &result.via {
            row("through", via.clone());
        }
    }
    let status = match &result.error {
        Some(error) => format!("{}: {}", error.kind.as_str(), error.message),
        None => format!(
            "{}{}",
            pane.status.label(),
            result
                .finish_reason
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ),
    };
    row("status", status);
    if !hidden {
        for note in &result.notes {
            row("unknown because", note.clone());
        }
    }
    if let Some(ttft) = result.ttft_ms {
        row("time to first", crate::units::duration_ms(ttft));
    }
    if let Some(total) = result.total_ms {
        row("total time", crate::units::duration_ms(total));
    }
    if let Some(rate) = result.tokens_per_s {
        row("tokens/s", format!("{rate:.1}"));
    }
    if let Some(usage) = result.usage {
        row(
            "tokens",
            format!(
                "{} in → {} out (reasoning {}, cached {})",
                usage.prompt_tokens,
                usage.completion_tokens,
                usage.reasoning_tokens,
                usage.cached_tokens
            ),
        );
    }
    if !hidden {
        let cost = match (result.cost_usd, result.cost_source) {
            (Some(cost), Some(crate::router::CostSource::Computed)) => {
                format!(
                    "{} (computed from catalog prices)",
                    crate::router::pricing::format_usd(cost)
                )
            }
            (Some(cost), _) => format!(
                "{} (reported by the server)",
                crate::router::pricing::format_usd(cost)
            ),
            (None, _) => "unknown".into(),
        };
        row("cost", cost);
        if let Some(record) = &result.generation {
            lines.push(String::new());
            lines.push("OpenRouter's record of this answer:".into());
            let mut row = |label: &str, value: String| {
                lines.push(format!("{label}\t{}", crate::sanitize::Outside(&value)));
            };
            if let Some(cost) = record.total_cost_usd {
                row("exact cost", format!("${cost}"));
            }
            if let Some(name) = &record.provider_name {
                row("upstream", name.clone());
            }
            if let Some(latency) = record.latency_ms {
                row("upstream latency", crate::units::duration_ms(latency));
            }
            if let Some(time) = record.generation_time_ms {
                row("generation time", crate::units::duration_ms(time));
            }
            if let Some(hop) = result.overhead_ms {
                row(
                    "routing hop",
                    format!("{hop} ms (our time to first token − the upstream's latency)"),
                );
            }
        }
        if let Some(request) = &result.request {
            lines.push(String::new());
            lines.push("What was sent (the messages counted, not shown):".into());
            let pretty = serde_json::to_string_pretty(request).unwrap_or_default();
            lines.extend(
                pretty
                    .lines()
                    .map(|l| crate::sanitize::sanitize(l).into_owned()),
            );
        }
    }
    if result.attempts.len() > 1 || result.attempts.iter().any(|a| a.error.is_some()) {
        lines.push(String::new());
        lines.push("Attempts:".into());
        for (i, attempt) in result.attempts.iter().enumerate() {
            let outcome = attempt
                .error
                .as_ref()
                .map_or("answered".to_string(), |e| e.message.clone());
            let model = if hidden {
                "…".to_string()
            } else {
                attempt.model.clone()
            };
            lines.push(format!(
                "{}. {model} · {} · {outcome}",
                i + 1,
                crate::units::duration_ms(attempt.elapsed_ms)
            ));
        }
    }
    let title = format!("Details · pane {}", index + 1);
    state.overlay = Some(Overlay::Details(Box::new(crate::tui::state::TextView {
        title,
        lines,
        scroll: 0,
    })));
}
