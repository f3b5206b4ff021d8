//! What the workbench knows of models and the account: catalogs as they
//! load (instantly from cache, then refreshed), local servers found at
//! start, the OpenRouter key's credit, and the picker's rows built from them.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::router::ModelRef;
use crate::router::catalog::{Catalog, ModelInfo};
use crate::router::catalog_load::{CatalogWarning, Refresh};
use crate::router::policy::router_target;
use crate::tui::msg::Effect;
use crate::tui::picker::PickerEntry;
use crate::tui::state::{AppState, CatalogEntry, NoticeLevel, Overlay};

use super::{estimate, notify};

/// Catalog loads at start: instant from cache or the bundled snapshot, then a
/// background refresh when stale, for every provider a pane uses.
pub fn catalog_effects(state: &AppState) -> Vec<Effect> {
    let providers = &state.settings.providers;
    let mut names = BTreeSet::new();
    names.insert(providers.default_name().to_string());
    for pane in &state.workspace.panes {
        for model in &pane.target.chain {
            names.insert(model.provider.clone());
        }
    }
    let mut effects = Vec::new();
    for provider in names {
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

/// What runs at start beside the catalogs: local server discovery, and the
/// OpenRouter key's credit.
pub fn startup_effects(state: &AppState) -> Vec<Effect> {
    let config = &state.settings.config;
    let mut effects = Vec::new();
    // (empty when discovery is off)
    let candidates = config.discovery_candidates();
    if !candidates.is_empty() {
        effects.push(Effect::Discover {
            candidates,
            timeout: config.discovery_timeout(),
            free: config.discovery_free(),
        });
    }
    effects.extend(key_effect(state));
    effects
}

/// Asks for the default provider's key info when it is OpenRouter with a key.
pub fn key_effect(state: &AppState) -> Option<Effect> {
    let provider = state.settings.providers.default_provider()?;
    (provider.kind == crate::router::ProviderKind::OpenRouter && provider.api_key.is_some())
        .then(|| Effect::FetchKey(provider.name.clone()))
}

pub fn on_catalog(
    state: &mut AppState,
    provider: String,
    catalog: Option<Arc<Catalog>>,
    warnings: &[CatalogWarning],
    refreshed: bool,
) {
    for warning in warnings {
        tracing::info!(%provider, %warning, "catalog");
    }
    let warning = warnings.last().map(ToString::to_string);
    let catalogs = &mut state.catalogs.by_provider;
    match catalog {
        Some(catalog) => {
            // An offline load must not replace a fresher catalog that arrived first.
            let keep_existing = !refreshed
                && catalogs
                    .get(&provider)
                    .is_some_and(|e| e.catalog.fetched_at_unix >= catalog.fetched_at_unix);
            if !keep_existing {
                catalogs.insert(
                    provider,
                    CatalogEntry {
                        catalog,
                        refreshing: !refreshed,
                        warning,
                    },
                );
            } else if let Some(entry) = catalogs.get_mut(&provider) {
                entry.refreshing = false;
            }
        }
        None => {
            if let Some(entry) = catalogs.get_mut(&provider) {
                entry.refreshing = false;
                entry.warning = warning;
            }
        }
    }
    refresh_open_picker(state);
    estimate::estimate(state);
    state.touch();
}

/// Local servers found at start: their catalogs (parsed and priced by the
/// runtime) join the picker.
pub fn on_local_found(state: &mut AppState, found: Vec<Arc<Catalog>>) {
    let mut names = Vec::new();
    for catalog in found {
        names.push(format!(
            "{} ({} models)",
            catalog.provider,
            catalog.models.len()
        ));
        state.catalogs.by_provider.insert(
            catalog.provider.clone(),
            CatalogEntry {
                catalog,
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
    estimate::estimate(state);
}

/// An open picker shows the catalogs as they are now; a closed one is
/// filled when it opens, so nothing is built for it here.
fn refresh_open_picker(state: &mut AppState) {
    if !matches!(state.ui.overlay, Some(Overlay::Picker(..))) {
        return;
    }
    let entries = picker_entries(state);
    let status = state.catalogs.status(state.now.unix);
    if let Some(Overlay::Picker(picker, _)) = &mut state.ui.overlay {
        picker.set_entries(entries);
        picker.set_status(status);
    }
}

/// The picker's rows: every loaded catalog's models, and the config's routers.
pub fn picker_entries(state: &AppState) -> Vec<PickerEntry> {
    let providers = &state.settings.providers;
    let mut entries = Vec::new();
    for (provider, entry) in &state.catalogs.by_provider {
        for model in &entry.catalog.models {
            let reference =
                providers.display_ref(&ModelRef::new(provider.clone(), model.id.clone()));
            entries.push(PickerEntry {
                reference,
                provider: provider.clone(),
                model: model.clone(),
            });
        }
    }
    // Routers from the config file are columns too; their price depends on
    // the prompt, so it shows as unknown.
    for policy in &state.settings.policies {
        let reference = router_target(policy.name()).label;
        let name = policy.description().map_or_else(
            || format!("router: rules, else {}", policy.default_model()),
            |d| format!("router: {d}"),
        );
        entries.push(PickerEntry {
            reference: reference.clone(),
            provider: "router".to_string(),
            model: ModelInfo::unlisted(reference, name),
        });
    }
    entries
}
