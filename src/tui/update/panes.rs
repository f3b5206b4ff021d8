//! The set of panes and what they know: building the start state, applying
//! the picker's choice and the parameter form, catalogs as they load, and the
//! input-cost estimate of the prompt being typed.

use std::collections::BTreeSet;
use std::sync::Arc;

use ratatui::style::Style;
use ratatui_textarea::{TextArea, WrapMode};
use rust_decimal::Decimal;

use crate::router::catalog::{Catalog, SortKey};
use crate::router::catalog_load::Refresh;
use crate::router::{ModelRef, Providers, Target};
use crate::tui::layout::AppLayout;
use crate::tui::msg::Effect;
use crate::tui::params::{Params, ParamsScope};
use crate::tui::picker::{PickerEntry, PickerPurpose, PickerState};
use crate::tui::state::{
    AppState, CatalogEntry, Focus, NoticeLevel, Overlay, PaneId, PaneState, PickerTarget,
};
use crate::tui::theme::Theme;

use super::{notify, record, relayout, runs};
use crate::session::Session;
use crate::session::types::new_id;

pub fn new_editor(text: &str) -> TextArea<'static> {
    let lines: Vec<String> = if text.is_empty() {
        vec![String::new()]
    } else {
        text.split('\n').map(str::to_string).collect()
    };
    let mut editor = TextArea::new(lines);
    editor.set_wrap_mode(WrapMode::WordOrGlyph);
    editor.set_cursor_line_style(Style::default());
    editor.set_placeholder_text(
        "Type a prompt · Enter sends it to every pane · Alt+Enter for a new line",
    );
    editor.move_cursor(ratatui_textarea::CursorMove::Bottom);
    editor.move_cursor(ratatui_textarea::CursorMove::End);
    editor
}

/// The workbench at start: one pane per target, nothing asked yet.
pub fn new_state(
    providers: Providers,
    targets: Vec<Target>,
    params: Params,
    theme: Theme,
    size: (u16, u16),
    now_unix: i64,
) -> AppState {
    let panes: Vec<PaneState> = targets
        .into_iter()
        .enumerate()
        .map(|(i, target)| PaneState::new(PaneId(i as u64), target))
        .collect();
    let mut state = AppState {
        next_pane: panes.len() as u64,
        panes,
        editor: new_editor(""),
        focus: Focus::Editor,
        overlay: None,
        zoom: None,
        layout: AppLayout::default(),
        size,
        editor_lines: 1,
        now: None,
        now_unix,
        providers,
        catalogs: Default::default(),
        params,
        markdown: true,
        notice: None,
        turn_cost_usd: Decimal::ZERO,
        turn_cost_complete: true,
        session_cost_usd: Decimal::ZERO,
        session_tokens: 0,
        estimate: Vec::new(),
        estimate_tokens: 0,
        next_run: 0,
        dirty: true,
        quit: false,
        theme,
        session: Session::new(new_id(now_unix), now_unix),
        last_saved_at: None,
        policies: Vec::new(),
        config: std::sync::Arc::new(crate::config::Config {
            file: crate::config::ConfigFile::default(),
            source: None,
            paths: crate::config::Paths::resolve(|_| None),
        }),
        privacy: false,
        key_info: None,
        warn_turn_cost_usd: None,
        confirm_costly: None,
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
    let provider = state
        .panes
        .iter()
        .filter_map(|p| p.target.chain.first())
        .filter_map(|m| state.providers.get(&m.provider))
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
    state.privacy = config.deny_data_collection();
    state.warn_turn_cost_usd = config.warn_turn_cost_usd();
    for pane in &mut state.panes {
        if pane.params.prefs.is_empty() {
            pane.params.prefs = config.own_preferences_for(pane.target.config_key());
        }
    }
    state.config = std::sync::Arc::new(config);
    record::sync_columns(state);
}

/// What runs at start beside the catalogs: local server discovery, and the
/// OpenRouter key's credit.
pub fn startup_effects(state: &AppState) -> Vec<Effect> {
    let mut effects = Vec::new();
    // (empty when discovery is off)
    let candidates = state.config.discovery_candidates();
    if !candidates.is_empty() {
        effects.push(Effect::Discover {
            candidates,
            timeout: state.config.discovery_timeout(),
        });
    }
    effects.extend(key_effect(state));
    effects
}

/// Asks for the default provider's key info when it is OpenRouter with a key.
pub fn key_effect(state: &AppState) -> Option<Effect> {
    let provider = state.providers.default_provider()?;
    (provider.kind == crate::router::ProviderKind::OpenRouter && provider.api_key.is_some())
        .then(|| Effect::FetchKey(provider.name.clone()))
}

/// Local servers found at start: their catalogs join the picker.
pub fn on_local_found(state: &mut AppState, found: Vec<crate::router::discovery::Found>) {
    let mut names = Vec::new();
    for server in found {
        let Ok(catalog) = server.catalog(state.now_unix, state.config.discovery_free()) else {
            continue;
        };
        names.push(format!(
            "{} ({} models)",
            server.provider,
            catalog.models.len()
        ));
        state.catalogs.insert(
            server.provider.clone(),
            CatalogEntry {
                catalog: Arc::new(catalog),
                refreshing: false,
                warning: None,
            },
        );
    }
    if !names.is_empty() {
        notify(
            state,
            NoticeLevel::Info,
            format!("found local {}: Ctrl+P to add them", names.join(", ")),
        );
    }
    refresh_open_picker(state);
    estimate(state);
}

/// An open picker shows the catalogs as they are now; a closed one is
/// filled when it opens, so nothing is built for it here.
fn refresh_open_picker(state: &mut AppState) {
    if !matches!(state.overlay, Some(Overlay::Picker(..))) {
        return;
    }
    let entries = picker_entries(state);
    let status = catalog_status(state);
    if let Some(Overlay::Picker(picker, _)) = &mut state.overlay {
        picker.set_entries(entries);
        picker.set_status(status);
    }
}

/// Catalog loads at start: instant from cache or the bundled snapshot, then a
/// background refresh when stale, for every provider a pane uses.
pub fn catalog_effects(state: &AppState) -> Vec<Effect> {
    let mut providers = BTreeSet::new();
    providers.insert(state.providers.default_name().to_string());
    for pane in &state.panes {
        for model in &pane.target.chain {
            providers.insert(model.provider.clone());
        }
    }
    let mut effects = Vec::new();
    for provider in providers {
        effects.push(Effect::LoadCatalog {
            provider: provider.clone(),
            refresh: Refresh::Offline,
        });
        effects.push(Effect::LoadCatalog {
            provider,
            refresh: Refresh::IfStale,
        });
    }
    effects
}

pub fn on_catalog(
    state: &mut AppState,
    provider: String,
    catalog: Option<Arc<Catalog>>,
    warnings: Vec<String>,
    refreshed: bool,
) {
    let warning = warnings.last().cloned();
    match catalog {
        Some(catalog) => {
            // An offline load must not replace a fresher catalog that arrived first.
            let keep_existing = !refreshed
                && state
                    .catalogs
                    .get(&provider)
                    .is_some_and(|e| e.catalog.fetched_at_unix >= catalog.fetched_at_unix);
            if !keep_existing {
                state.catalogs.insert(
                    provider.clone(),
                    CatalogEntry {
                        catalog,
                        refreshing: !refreshed,
                        warning,
                    },
                );
            } else if let Some(entry) = state.catalogs.get_mut(&provider) {
                entry.refreshing = false;
            }
        }
        None => {
            if let Some(entry) = state.catalogs.get_mut(&provider) {
                entry.refreshing = false;
                entry.warning = warning;
            }
        }
    }
    refresh_open_picker(state);
    estimate(state);
    state.dirty = true;
}

/// "openrouter: cache, fetched 2h ago · refreshing…" for each loaded catalog.
pub fn catalog_status(state: &AppState) -> String {
    let now = state.now_unix;
    state
        .catalogs
        .iter()
        .map(|(provider, entry)| {
            let mut text = format!("{provider}: {}", entry.catalog.describe(now));
            if entry.refreshing {
                text.push_str(" · refreshing…");
            } else if let Some(warning) = &entry.warning {
                text.push_str(&format!(" · {warning}"));
            }
            text
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn picker_entries(state: &AppState) -> Vec<PickerEntry> {
    let mut entries = Vec::new();
    for (provider, entry) in &state.catalogs {
        for model in &entry.catalog.models {
            let reference = state
                .providers
                .display_ref(&ModelRef::new(provider.clone(), model.id.clone()));
            entries.push(PickerEntry {
                reference,
                provider: provider.clone(),
                model: model.clone(),
            });
        }
    }
    // Routers from the config file are columns too; their price depends on
    // the prompt, so it shows as unknown.
    for policy in &state.policies {
        let reference = crate::router::policy::router_target(policy.name()).label;
        let name = policy.description().map_or_else(
            || format!("router: rules, else {}", policy.default_model()),
            |d| format!("router: {d}"),
        );
        entries.push(PickerEntry {
            reference: reference.clone(),
            provider: "router".to_string(),
            model: crate::router::catalog::ModelInfo::unlisted(reference, name),
        });
    }
    entries
}

pub fn open_picker(state: &mut AppState, target: PickerTarget, effects: &mut Vec<Effect>) {
    let (purpose, chosen) = match target {
        PickerTarget::Columns => (
            PickerPurpose::Columns,
            state.panes.iter().map(|p| p.target.label.clone()).collect(),
        ),
        PickerTarget::Fallback(id) => {
            let Some(pane) = state.panes.iter().find(|p| p.id == id) else {
                return;
            };
            let chain = pane
                .target
                .chain
                .iter()
                .map(|m| state.providers.display_ref(m))
                .collect();
            (PickerPurpose::Fallback, chain)
        }
    };
    let mut picker = PickerState::new(purpose, picker_entries(state), chosen, SortKey::Price);
    picker.set_status(catalog_status(state));
    state.overlay = Some(Overlay::Picker(Box::new(picker), target));
    // The picker shows cached data at once; refresh any stale catalog behind
    // it (the loader knows the real time; this clock stops while idle).
    for provider in state.catalogs.keys() {
        effects.push(Effect::LoadCatalog {
            provider: provider.clone(),
            refresh: Refresh::IfStale,
        });
    }
    for entry in state.catalogs.values_mut() {
        entry.refreshing = true;
    }
}

fn parse_target(state: &AppState, label: &str) -> Option<Target> {
    if let Some(name) = crate::router::policy::router_name(label.trim()) {
        return Some(crate::router::policy::router_target(name));
    }
    // One model is read as columns are written, so `MODEL@SLUG` pins it.
    if !label.contains(',') {
        let column = crate::router::columns::ColumnArg::Model(label.to_string());
        return crate::router::columns::targets(&state.providers, &[column])
            .ok()
            .and_then(|mut targets| targets.pop());
    }
    let chain: Vec<ModelRef> = label
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .filter_map(|part| state.providers.parse_ref(part).ok())
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
            let mut old = std::mem::take(&mut state.panes);
            for reference in references {
                if let Some(position) = old.iter().position(|p| p.target.label == reference) {
                    kept.push(old.remove(position));
                } else if let Some(target) = parse_target(state, &reference) {
                    let id = PaneId(state.next_pane);
                    state.next_pane += 1;
                    let prefs = state.config.own_preferences_for(target.config_key());
                    let mut pane = PaneState::new(id, target);
                    pane.document.set_markdown(state.markdown);
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
            state.panes = kept;
            if state.zoom.is_some_and(|id| state.pane_index(id).is_none()) {
                state.zoom = None;
            }
            let new_providers: BTreeSet<String> = state
                .panes
                .iter()
                .flat_map(|p| p.target.chain.iter().map(|m| m.provider.clone()))
                .filter(|p| !state.catalogs.contains_key(p))
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
            if let Some(target) = parse_target(state, &label)
                && let Some(pane) = state.pane_mut(id)
            {
                pane.target = target;
            }
        }
    }
    record::sync_columns(state);
    record::persist(state, effects, None, true);
    relayout(state);
    estimate(state);
}

pub fn apply_params(
    state: &mut AppState,
    scope: ParamsScope,
    params: Params,
    effects: &mut Vec<Effect>,
) {
    match scope {
        ParamsScope::All => {
            state.params = params;
            let summary = state.params.summary();
            let text = if summary.is_empty() {
                "parameters for all panes: server defaults".to_string()
            } else {
                format!("parameters for all panes: {summary}")
            };
            notify(state, NoticeLevel::Info, text);
        }
        ParamsScope::Pane(id) => {
            if let Some(pane) = state.pane_mut(id) {
                pane.params = params;
            }
        }
    }
    record::sync_columns(state);
    record::persist(state, effects, None, true);
    estimate(state);
}

pub fn remove_pane(state: &mut AppState, index: usize, effects: &mut Vec<Effect>) {
    runs::cancel_pane(state, index, effects);
    let pane = state.panes.remove(index);
    if state.zoom == Some(pane.id) {
        state.zoom = None;
    }
    notify(
        state,
        NoticeLevel::Info,
        format!("removed {} (Ctrl+P adds models)", pane.target.label),
    );
    record::sync_columns(state);
    record::persist(state, effects, None, true);
    relayout(state);
    estimate(state);
}

/// A rough token count: about four characters per token for English text
/// and code, plus a few tokens of framing per message.
pub fn estimate_tokens(chars: usize, messages: usize) -> u64 {
    (chars as u64).div_ceil(4) + 4 * messages as u64
}

/// The input cost of sending the prompt being typed, per pane (history and
/// system prompt included).
pub fn estimate(state: &mut AppState) {
    if state.editor.is_empty() {
        state.estimate.clear();
        state.estimate_tokens = 0;
        return;
    }
    let mut tokens_shown = 0;
    let prompt = state.editor_text();
    // (its lines and a newline after each)
    let prompt_chars = prompt.len() + 1;
    let estimates: Vec<Option<Decimal>> = state
        .panes
        .iter()
        .enumerate()
        .map(|(index, pane)| {
            let params = pane.params.over(&state.params);
            let system = params.system.as_ref().map_or(0, String::len);
            let messages = pane.history.len() + 1 + usize::from(system > 0);
            let tokens = estimate_tokens(prompt_chars + pane.history_chars() + system, messages);
            tokens_shown = tokens_shown.max(tokens);
            // A router pane costs what the model its rules would pick costs.
            let (target, _) = super::runs::route_target(state, index, &prompt).ok()?;
            let model = target.chain.first()?;
            let info = state.model_info(&model.provider, &model.model)?;
            info.pricing.input_cost(tokens)
        })
        .collect();
    state.estimate = estimates;
    state.estimate_tokens = tokens_shown;
}
