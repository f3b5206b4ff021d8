//! The figures on a pane's bottom border ("ttft 412ms · 85 tok/s · 240 tok ·
//! $0.0012") and which of them give way when panes are narrow: one fixed
//! order of importance, and one cut shared by every pane on screen, so a
//! figure shown in one pane is shown in every pane that has it.

use ratatui::style::Style;
use ratatui::text::Span;

use crate::router::events::RunResult;
use crate::tui::state::{AppState, PaneState, RunState};

/// A pane's figures from the least to the most important: a narrow pane
/// drops them from the top of this list (the derived order is the ranking,
/// so two figures can never tie).
///
/// Why this order: the routing hop is a diagnostic of the extra hop, worth
/// a glance only beside a direct pane. The token count mostly explains the
/// cost and is in the details view (I). The timing (ttft, and the wait from
/// Enter after retries) is what an interactive user feels first; the rate
/// is how the whole answer comes and differs most between models; the cost
/// is what the answer charged, the figure people compare models on and one
/// no other place shows per pane live. The scroll position is not a figure
/// of the model but the pane's own state: a user who scrolled up must see
/// that new text is not followed, so it goes last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Figure {
    Hop,
    Tokens,
    Timing,
    Rate,
    Cost,
    Scroll,
}

/// One figure's text, in the order it is shown (left to right).
type Part = (Figure, String);

/// The figures of `pane`, all of them, in display order (timing, rate,
/// tokens, cost, hop, scroll); growing as the answer streams.
fn parts(state: &AppState, pane: &PaneState) -> Vec<Part> {
    let Some(run) = pane.run.as_ref() else {
        return Vec::new();
    };
    let result = &run.result;
    // Tokens are the server's count once it comes, estimated from the text
    // (never counted in chunks) until then: "~" on the count and the rate.
    let count = result.completion_count().filter(|c| c.tokens > 0);
    let approx = if count.is_some_and(|c| !c.exact) {
        "~"
    } else {
        ""
    };
    let rate = result.tokens_per_s.or_else(|| {
        // Live rate: tokens since the answering attempt's first one over
        // the time since it arrived (a finished answer's is the router's).
        if !pane.status.is_live() {
            return None;
        }
        let tokens = count?.tokens;
        let secs = state
            .now
            .at
            .saturating_duration_since(run.first_token_at?)
            .as_secs_f64();
        (secs > 0.2 && tokens > 1).then(|| (tokens - 1) as f64 / secs)
    });
    let cost = match result.cost_text() {
        // Costs give models away while the session is blind.
        _ if state.hidden() => None,
        Some(cost) => Some(cost),
        // Unknown is said, never shown as $0 or left out.
        None if !pane.status.is_live() && result.is_unpriced() => Some("cost ?".into()),
        None => None,
    };
    let mut parts: Vec<Part> = Vec::new();
    if let Some(ttft) = result.ttft_ms {
        let mut timing = format!("ttft {}", crate::units::duration_ms(ttft));
        // Retries, backoff or pacing came first: the wait from Enter to the
        // first token, beside the answering attempt's own ttft.
        if let Some(wait) = from_enter_ms(run, result).filter(|&wait| wait >= ttft + WAITED_MS) {
            timing = format!("wait {} · {timing}", crate::units::duration_ms(wait));
        }
        // A reasoning model's first answer token comes after its first token.
        if let Some(answer) = result.first_answer_ms.filter(|&ms| ms > ttft) {
            timing = format!(
                "{timing} · 1st answer {}",
                crate::units::duration_ms(answer)
            );
        }
        // (one part: a narrow pane drops them together, never one alone)
        parts.push((Figure::Timing, timing));
    }
    if let Some(rate) = rate {
        parts.push((Figure::Rate, format!("{approx}{rate:.0} tok/s")));
    }
    if let Some(count) = count {
        parts.push((Figure::Tokens, format!("{count} tok")));
    }
    if let Some(cost) = cost {
        parts.push((Figure::Cost, cost));
    }
    // The routing hop: our time to first token minus the upstream's latency.
    if let Some(hop) = result.overhead_ms.filter(|_| !state.hidden()) {
        parts.push((Figure::Hop, format!("hop {hop}ms")));
    }
    if !pane.scroll.follow {
        let total = pane.document.total_rows().max(1);
        let percent = (pane.first_row() + usize::from(pane.height)).min(total) * 100 / total;
        parts.push((Figure::Scroll, format!("{percent}% · End follows")));
    }
    parts
}

/// Whether `parts` fit on the bottom border of a pane `width` cells wide.
fn fit(parts: &[Part], width: u16) -> bool {
    let budget = usize::from(width).saturating_sub(4);
    parts.iter().map(|p| p.1.chars().count() + 3).sum::<usize>() <= budget
}

/// The least important figure a pane can keep: everything ranked below it
/// goes (`Figure::Hop` keeps all).
fn floor_that_fits(mut parts: Vec<Part>, width: u16) -> Figure {
    let mut floor = Figure::Hop;
    while !fit(&parts, width) {
        let Some(lowest) = parts.iter().map(|p| p.0).min() else {
            break;
        };
        parts.retain(|p| p.0 != lowest);
        floor = next_up(lowest);
    }
    floor
}

/// The figure ranked just above `figure` (the top one stays itself).
fn next_up(figure: Figure) -> Figure {
    match figure {
        Figure::Hop => Figure::Tokens,
        Figure::Tokens => Figure::Timing,
        Figure::Timing => Figure::Rate,
        Figure::Rate => Figure::Cost,
        Figure::Cost | Figure::Scroll => Figure::Scroll,
    }
}

/// The cut every pane on screen shares: the floor of the pane that must
/// drop most, over the model figures only (one pane's scroll position
/// does not take figures from the others). `panes` are the visible panes
/// with their widths.
pub(super) fn shared_floor<'a>(
    state: &AppState,
    panes: impl IntoIterator<Item = (&'a PaneState, u16)>,
) -> Figure {
    panes
        .into_iter()
        .map(|(pane, width)| {
            let mut parts = parts(state, pane);
            parts.retain(|p| p.0 != Figure::Scroll);
            floor_that_fits(parts, width)
        })
        .max()
        .unwrap_or(Figure::Hop)
}

/// The bottom border's text: the figures at or above `floor`, then (if the
/// pane still lacks room, as when it is scrolled) its own least important
/// ones dropped too.
pub(super) fn line(
    state: &AppState,
    pane: &PaneState,
    width: u16,
    floor: Figure,
) -> Vec<Span<'static>> {
    let mut parts = parts(state, pane);
    parts.retain(|p| p.0 >= floor);
    let own = floor_that_fits(parts.clone(), width);
    parts.retain(|p| p.0 >= own);
    if parts.is_empty() || !fit(&parts, width) {
        return Vec::new();
    }
    let text: Vec<String> = parts.into_iter().map(|p| p.1).collect();
    vec![Span::styled(
        format!(" {} ", text.join(" · ")),
        Style::default(),
    )]
}

/// A wait this much longer than the attempt's own ttft is worth showing.
const WAITED_MS: u64 = 100;

/// From Enter to the first token, retries, backoff and pacing included:
/// the router's figure once the run ends, measured by message times until then.
fn from_enter_ms(run: &RunState, result: &RunResult) -> Option<u64> {
    result.start_ttft_ms.or_else(|| {
        let waited = run.first_token_at?.saturating_duration_since(run.sent_at?);
        u64::try_from(waited.as_millis()).ok()
    })
}
