//! What the prompt being typed would cost: per pane, its tokens (the
//! conversation, the system prompt and the prompt, by the one token
//! estimate) at the input price of the model it would ask, which for a
//! router pane is the model its rules would pick.

use crate::router::Target;
use crate::router::policy::{self, RouteDecision};
use crate::router::tokens::request_tokens;
use crate::tui::state::{AppState, Estimate};

/// Re-estimates every pane for the prompt in the editor (or clears the
/// estimates when it is empty).
pub fn estimate(state: &mut AppState) {
    if state.workspace.editor.is_empty() {
        for pane in &mut state.workspace.panes {
            pane.estimate = None;
        }
        return;
    }
    let prompt = state.workspace.editor_text();
    // (its lines and a newline after each)
    let prompt_chars = prompt.chars().count() + 1;
    let estimates: Vec<Estimate> = (0..state.workspace.panes.len())
        .map(|index| {
            let pane = &state.workspace.panes[index];
            let params = pane.params.over(&state.settings.params);
            let system_chars = params.system.as_ref().map_or(0, |s| s.chars().count());
            let messages = pane.history().len() + 1 + usize::from(system_chars > 0);
            let tokens =
                request_tokens(prompt_chars + pane.history_chars() + system_chars, messages);
            let cost_usd = route_target(state, index, &prompt)
                .ok()
                .and_then(|(target, _)| {
                    let model = target.chain.first()?;
                    let info = state.model_info(&model.provider, &model.model)?;
                    info.pricing.input_cost(tokens)
                });
            Estimate { tokens, cost_usd }
        })
        .collect();
    for (pane, estimate) in state.workspace.panes.iter_mut().zip(estimates) {
        pane.estimate = Some(estimate);
    }
}

/// The target to ask for this prompt: the pane's own, or for a router pane
/// the model its rules pick (priced from the loaded catalogs).
pub fn route_target(
    state: &AppState,
    index: usize,
    prompt: &str,
) -> Result<(Target, Option<RouteDecision>), policy::PolicyError> {
    let pane = &state.workspace.panes[index];
    let providers = &state.settings.providers;
    let price_of = |reference: &str| {
        let model = providers.parse_ref(reference).ok()?;
        policy::price_per_million(state.model_info(&model.provider, &model.model)?)
    };
    policy::resolve_target(
        &pane.target,
        &state.settings.policies,
        providers,
        prompt,
        &price_of,
    )
}
