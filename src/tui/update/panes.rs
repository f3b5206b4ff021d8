//! The set of panes: the workbench at start, the config's say, the picker's
//! choice (columns or one pane's fallback chain), the parameter form, and
//! removing a pane.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::router::catalog::SortKey;
use crate::router::catalog_load::Refresh;
use crate::router::policy::{router_name, router_target};
use crate::router::{ModelRef, Providers, Target};
use crate::tui::msg::{Effect, Now};
use crate::tui::params::{Params, ParamsScope};
use crate::tui::picker::{PickerPurpose, PickerState, list_rows};
use crate::tui::state::{
    AppState, Catalogs, Focus, NoticeLevel, Overlay, PaneState, PickerTarget, SessionRecord,
    Settings, Ui, Workspace,
};
use crate::tui::theme::Theme;

use super::{catalogs, estimate, notify, record, relayout, runs, screen};

/// What the workbench starts from.
pub struct Startup {
    pub providers: Providers,
    pub targets: Vec<Target>,
    pub params: Params,
    pub theme: Theme,
    /// The terminal's size.
    pub size: (u16, u16),
    pub now: Now,
    /// Seeds the state's randomness (blind labels, session ids).
    pub seed: u64,
}

/// The workbench at start: one pane per target, nothing asked yet.
pub fn new_state(startup: Startup) -> AppState {
    let Startup {
        providers,
        targets,
        params,
        theme,
        size,
        now,
        seed,
    } = startup;
    let mut rng = fastrand::Rng::with_seed(seed);
    let session_id = crate::session::types::new_id(now.unix, rng.u16(..));
    let mut state = AppState {
        workspace: Workspace::new(targets, size),
        ui: Ui {
            dirty: true,
            ..Ui::default()
        },
        catalogs: Catalogs::default(),
        record: SessionRecord {
            session: crate::session::Session::new(session_id, now.unix),
            last_saved_at: None,
        },
        settings: Settings {
            providers,
            params,
            markdown: true,
            privacy: false,
            warn_turn_cost_usd: None,
            policies: Vec::new(),
            config: Arc::new(crate::config::Config {
                file: crate::config::ConfigFile::default(),
                source: None,
                paths: crate::config::Paths::resolve(|_| None),
            }),
            theme,
        },
        now,
        rng,
    };
    record::sync_columns(&mut state);
    relayout(&mut state);
    if let Some(missing) = missing_key_notice(&state) {
        notify(&mut state, NoticeLevel::Warning, missing);
    }
    state
}

/// What to set when a pane's provider has no key, naming the variable.
fn missing_key_notice(state: &AppState) -> Option<String> {
    let providers = &state.settings.providers;
    let provider = state
        .workspace
        .panes
        .iter()
        .filter_map(|p| p.target.chain.first())
        .filter_map(|m| providers.get(&m.provider))
        .find(|p| p.is_missing_key())?;
    let var = provider
        .api_key_env
        .as_deref()
        .unwrap_or("its API key variable");
    Some(format!(
        "no API key for {}: set {var} (in the environment or a .env file here), or use a local provider such as ollama:MODEL",
        provider.name
    ))
}

/// Takes the config file's say: provider preferences per pane, the privacy
/// switch, the cost warning.
pub fn apply_config(state: &mut AppState, config: crate::config::Config) {
    state.settings.privacy = config.deny_data_collection();
    state.settings.warn_turn_cost_usd = config.warn_turn_cost_usd();
    for pane in &mut state.workspace.panes {
        if pane.params.prefs.is_empty() {
            pane.params.prefs = config.own_preferences_for(pane.target.config_key());
        }
    }
    state.settings.config = Arc::new(config);
    record::sync_columns(state);
}

pub fn open_picker(state: &mut AppState, target: PickerTarget, effects: &mut Vec<Effect>) {
    let panes = &state.workspace.panes;
    let (purpose, chosen) = match target {
        PickerTarget::Columns => (
            PickerPurpose::Columns,
            panes.iter().map(|p| p.target.label.clone()).collect(),
        ),
        PickerTarget::Fallback(id) => {
            let Some(pane) = panes.iter().find(|p| p.id == id) else {
                return;
            };
            let chain = pane
                .target
                .chain
                .iter()
                .map(|m| state.settings.providers.display_ref(m))
                .collect();
            (PickerPurpose::Fallback, chain)
        }
    };
    let entries = catalogs::picker_entries(state);
    let mut picker = PickerState::new(purpose, entries, chosen, SortKey::Price);
    picker.set_status(state.catalogs.status(state.now.unix));
    picker.set_page_rows(list_rows(screen(state)));
    state.ui.overlay = Some(Overlay::Picker(Box::new(picker), target));
    // The picker shows cached data at once; refresh any stale catalog behind
    // it (the loader knows whether it is stale).
    for (provider, entry) in &mut state.catalogs.by_provider {
        effects.push(Effect::LoadCatalog {
            provider: provider.clone(),
            refresh: Refresh::IfStale,
        });
        entry.refreshing = true;
    }
}

pub(super) fn parse_target(providers: &Providers, label: &str) -> Option<Target> {
    if let Some(name) = router_name(label.trim()) {
        return Some(router_target(name));
    }
    // One model is read as columns are written, so `MODEL@SLUG` pins it.
    if !label.contains(',') {
        let column = crate::router::columns::ColumnArg::Model(label.to_string());
        return crate::router::columns::targets(providers, &[column])
            .ok()
            .and_then(|mut targets| targets.pop());
    }
    let chain: Vec<ModelRef> = label
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .filter_map(|part| providers.parse_ref(part).ok())
        .collect();
    (!chain.is_empty()).then(|| Target {
        label: label.to_string(),
        chain,
        router: None,
        upstream: None,
    })
}

pub fn apply_picker(
    state: &mut AppState,
    target: PickerTarget,
    references: Vec<String>,
    effects: &mut Vec<Effect>,
) {
    match target {
        PickerTarget::Columns => {
            let mut kept: Vec<PaneState> = Vec::new();
            let mut old = std::mem::take(&mut state.workspace.panes);
            for reference in references {
                if let Some(position) = old.iter().position(|p| p.target.label == reference) {
                    kept.push(old.remove(position));
                } else if let Some(target) = parse_target(&state.settings.providers, &reference) {
                    let prefs = state
                        .settings
                        .config
                        .own_preferences_for(target.config_key());
                    let mut pane = PaneState::new(state.workspace.ids.pane(), target);
                    pane.document.set_markdown(state.settings.markdown);
                    pane.params.prefs = prefs;
                    kept.push(pane);
                }
            }
            // Panes no longer chosen stop streaming.
            for pane in &old {
                if let Some(run) = pane.run.as_ref().filter(|_| pane.status.is_live()) {
                    effects.push(Effect::CancelRun(run.id));
                }
            }
            let workspace = &mut state.workspace;
            workspace.panes = kept;
            if workspace
                .zoom
                .is_some_and(|id| workspace.pane_index(id).is_none())
            {
                workspace.zoom = None;
            }
            let new_providers: BTreeSet<String> = workspace
                .panes
                .iter()
                .flat_map(|p| p.target.chain.iter().map(|m| m.provider.clone()))
                .filter(|p| !state.catalogs.by_provider.contains_key(p))
                .collect();
            for provider in new_providers {
                effects.push(Effect::LoadCatalog {
                    provider,
                    refresh: Refresh::IfStale,
                });
            }
        }
        PickerTarget::Fallback(id) => {
            let label = references.join(",");
            if let Some(target) = parse_target(&state.settings.providers, &label)
                && let Some(pane) = state.workspace.pane_mut(id)
            {
                pane.target = target;
            }
        }
    }
    record::sync_columns(state);
    record::persist(state, effects, None, true);
    relayout(state);
    estimate::estimate(state);
}

pub fn apply_params(
    state: &mut AppState,
    scope: ParamsScope,
    params: Params,
    effects: &mut Vec<Effect>,
) {
    match scope {
        ParamsScope::All => {
            state.settings.params = params;
            let summary = state.settings.params.summary();
            let text = if summary.is_empty() {
                "parameters for all panes: server defaults".to_string()
            } else {
                format!("parameters for all panes: {summary}")
            };
            notify(state, NoticeLevel::Info, text);
        }
        ParamsScope::Pane(id) => {
            if let Some(pane) = state.workspace.pane_mut(id) {
                pane.params = params;
            }
        }
    }
    record::sync_columns(state);
    record::persist(state, effects, None, true);
    estimate::estimate(state);
}

pub fn remove_pane(state: &mut AppState, index: usize, effects: &mut Vec<Effect>) {
    runs::cancel_pane(state, index, effects);
    let pane = state.workspace.panes.remove(index);
    if state.workspace.zoom == Some(pane.id) {
        state.workspace.zoom = None;
    }
    // Named as the pane was shown (a blind pane by its letter).
    let label = state.pane_label(&pane);
    state.workspace.removed = Some((index, Box::new(pane)));
    notify(
        state,
        NoticeLevel::Info,
        format!("removed {label} · u on a pane puts it back"),
    );
    record::sync_columns(state);
    record::persist(state, effects, None, true);
    relayout(state);
    estimate::estimate(state);
}

/// Puts back the pane `d` removed last, where it was, with its
/// conversation and answers (an answer it was streaming stays cancelled).
pub fn restore_removed_pane(state: &mut AppState, effects: &mut Vec<Effect>) {
    let Some((index, pane)) = state.workspace.removed.take() else {
        notify(state, NoticeLevel::Info, "no removed pane to put back");
        return;
    };
    let index = index.min(state.workspace.panes.len());
    let label = state.pane_label(&pane);
    state.workspace.panes.insert(index, *pane);
    state.workspace.focus = Focus::Pane(index);
    notify(state, NoticeLevel::Info, format!("put back {label}"));
    record::sync_columns(state);
    record::persist(state, effects, None, true);
    relayout(state);
    estimate::estimate(state);
}
