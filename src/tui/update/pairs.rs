//! Via-OpenRouter / direct pane pairs once both have answered: the
//! measured difference (time to first token, cost, the hop, the markup per
//! 1M tokens, as `compare --via-and-direct` shows it), for the details view
//! and one line in the footer.

use crate::router::direct::{self, PairFigures};
use crate::tui::ids::PaneId;
use crate::tui::state::{AppState, NoticeLevel, PaneState, PaneStatus};

use super::notify;

/// The pair `pane` belongs to, with both panes' latest answers finished
/// (on the same turn): its measured figures, priced from the catalogs.
pub fn pair_figures(state: &AppState, pane: &PaneState) -> Option<PairFigures> {
    let pair = state
        .workspace
        .pairs
        .iter()
        .find(|p| p.routed == pane.id || p.direct == pane.id)?;
    let finished = |id| {
        let pane = state.workspace.panes.iter().find(|p| p.id == id)?;
        let run = pane.run.as_ref()?;
        matches!(pane.status, PaneStatus::Done | PaneStatus::Failed).then_some(run)
    };
    let (routed, direct) = (finished(pair.routed)?, finished(pair.direct)?);
    if routed.turn != direct.turn {
        return None;
    }
    let prices = |target: &crate::router::Target| {
        let model = target.chain.first()?;
        state
            .model_info(&model.provider, &model.model)
            .map(|info| &info.pricing)
    };
    Some(direct::figures(
        &pair.pair,
        &routed.result,
        &direct.result,
        prices(&pair.pair.routed),
        prices(&pair.pair.direct),
    ))
}

/// A pair's answers are both in: one line in the footer (names are not
/// shown while the session is blind).
pub fn on_pane_finished(state: &mut AppState, pane: PaneId) {
    if state.hidden() {
        return;
    }
    let Some(pane) = state.workspace.panes.iter().find(|p| p.id == pane) else {
        return;
    };
    let Some(figures) = pair_figures(state, pane) else {
        return;
    };
    let hop = match figures.hop_ms {
        Some(_) => format!(", hop {}", crate::units::signed_duration_ms(figures.hop_ms)),
        None => String::new(),
    };
    let said = format!(
        "{} via OpenRouter − direct: ttft {}{hop}; I shows the cost, the hop and the markup",
        figures.model,
        crate::units::difference_ms(figures.ttft_difference_ms)
    );
    notify(state, NoticeLevel::Info, said);
}
