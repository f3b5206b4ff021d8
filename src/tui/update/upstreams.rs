//! One model, every route, from the picker: the row's model expanded into
//! one pane per upstream provider (OpenRouter's endpoint list, fetched by
//! the runtime; each pane pinned as `MODEL@SLUG`), or paired with the same
//! model asked directly (`router::direct`), whose measured difference
//! `pairs.rs` reads.

use crate::router::direct;
use crate::tui::msg::{Effect, Upstreams};
use crate::tui::picker::PickerState;
use crate::tui::state::{AppState, NoticeLevel, PickerTarget, ViaDirect};

use super::{notify, panes};

/// Ctrl+E in the picker: ask for the row's upstreams (the picker closes;
/// the panes appear when the list arrives).
pub fn expand(state: &mut AppState, picker: Box<PickerState>, effects: &mut Vec<Effect>) {
    let Some(model) = picker.cursor_reference().map(str::to_string) else {
        notify(state, NoticeLevel::Info, "no model under the cursor");
        return;
    };
    let ask = state.ui.asks;
    state.ui.asks += 1;
    state.ui.upstreams_ask = Some(ask);
    notify(
        state,
        NoticeLevel::Info,
        format!("asking OpenRouter for the upstream providers of {model}…"),
    );
    effects.push(Effect::FetchUpstreams { ask, model });
}

/// The upstream list arrived: the model's plain pane (if any) becomes one
/// pane per upstream, in its place; otherwise they are added at the end.
pub fn on_upstreams(
    state: &mut AppState,
    ask: u64,
    model: &str,
    outcome: Result<Upstreams, String>,
    effects: &mut Vec<Effect>,
) {
    if state.ui.upstreams_ask != Some(ask) {
        return;
    }
    state.ui.upstreams_ask = None;
    let upstreams = match outcome {
        Ok(upstreams) => upstreams,
        Err(error) => {
            notify(
                state,
                NoticeLevel::Error,
                format!("upstreams of {model}: {error}"),
            );
            return;
        }
    };
    if upstreams.columns.is_empty() {
        let why = upstreams
            .notes
            .first()
            .map_or(String::new(), |n| format!(" ({n})"));
        notify(
            state,
            NoticeLevel::Warning,
            format!("OpenRouter lists no upstream of {model} to pin{why}"),
        );
        return;
    }
    let mut references: Vec<String> = labels(state);
    let new: Vec<String> = upstreams
        .columns
        .iter()
        .filter(|c| !references.contains(c))
        .cloned()
        .collect();
    let count = upstreams.columns.len();
    match references.iter().position(|r| r == model) {
        Some(at) => {
            references.splice(at..=at, new);
        }
        None => references.extend(new),
    }
    panes::apply_picker(state, PickerTarget::Columns, references, effects);
    let mut said = format!("{model}: one pane per upstream ({count}), each pinned to it");
    if !upstreams.notes.is_empty() {
        said.push_str(&format!("; {}", upstreams.notes.join("; ")));
    }
    notify(state, NoticeLevel::Info, said);
}

/// Ctrl+D in the picker: the row's model via OpenRouter and direct, as
/// two panes side by side (added, or kept when already there).
pub fn via_and_direct(state: &mut AppState, picker: Box<PickerState>, effects: &mut Vec<Effect>) {
    let Some(model) = picker.cursor_reference().map(str::to_string) else {
        notify(state, NoticeLevel::Info, "no model under the cursor");
        return;
    };
    let pair = match direct::pair(
        &state.settings.providers,
        &state.settings.config.file.direct,
        &model,
    ) {
        Ok(pair) => pair,
        Err(error) => {
            // The message was written for the command line's flag.
            let error = error.replace("--via-and-direct", "via and direct");
            notify(state, NoticeLevel::Error, error);
            return;
        }
    };
    let mut references = labels(state);
    for label in [&pair.routed.label, &pair.direct.label] {
        if !references.contains(label) {
            references.push(label.clone());
        }
    }
    panes::apply_picker(state, PickerTarget::Columns, references, effects);
    let id_of = |label: &str| {
        state
            .workspace
            .panes
            .iter()
            .find(|p| p.target.label == label)
            .map(|p| p.id)
    };
    if let (Some(routed), Some(direct)) = (id_of(&pair.routed.label), id_of(&pair.direct.label)) {
        let said = format!(
            "{} via OpenRouter and direct as {}: send a prompt, then I on either pane shows the hop and the markup",
            pair.routed.label, pair.direct.label
        );
        state
            .workspace
            .pairs
            .retain(|p| p.routed != routed && p.direct != direct);
        state.workspace.pairs.push(ViaDirect {
            routed,
            direct,
            pair,
        });
        notify(state, NoticeLevel::Info, said);
    }
}

/// The panes' labels, in order (the picker's list of references).
pub(super) fn labels(state: &AppState) -> Vec<String> {
    state
        .workspace
        .panes
        .iter()
        .map(|p| p.target.label.clone())
        .collect()
}
