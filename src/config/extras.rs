//! Config sections for OpenRouter provider preferences (`[preferences]`,
//! shared and per model), the privacy switch (`[privacy]`), client-side
//! pacing (`[pacing]`), local server discovery (`[discovery]`), the cost
//! warning (`[limits]`) and the workbench's judge (`[judge]`), with what the
//! rest of prism reads from them.

use std::collections::BTreeMap;
use std::time::Duration;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{Deserializer, Error as _};

use crate::router::discovery::{self, DEFAULT_PORTS};
use crate::router::figures::usd_setting;
use crate::router::pacing::PacingSettings;
use crate::router::preferences::ProviderPrefs;

use super::Config;

/// `[preferences]`: keys of `ProviderPrefs` shared by every column, and
/// `[preferences."MODEL"]` tables for one model (as the user writes it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PreferencesConfig {
    pub shared: ProviderPrefs,
    pub models: BTreeMap<String, ProviderPrefs>,
}

/// The keys of `ProviderPrefs` (also a suite's `[defaults]` may hold them);
/// any other key of `[preferences]` must be a model's table.
pub const PREFERENCE_KEYS: [&str; 8] = [
    "sort",
    "order",
    "only",
    "ignore",
    "allow_fallbacks",
    "deny_data_collection",
    "max_price",
    "variant",
];

impl<'de> Deserialize<'de> for PreferencesConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let table = toml::Table::deserialize(deserializer)?;
        let mut shared = toml::Table::new();
        let mut models = BTreeMap::new();
        for (key, value) in table {
            if PREFERENCE_KEYS.contains(&key.as_str()) {
                shared.insert(key, value);
                continue;
            }
            let toml::Value::Table(model_table) = value else {
                return Err(D::Error::custom(format!(
                    "unknown preference '{key}' (known: {}; or a table [preferences.\"MODEL\"] for one model)",
                    PREFERENCE_KEYS.join(", ")
                )));
            };
            let prefs = toml::Value::Table(model_table)
                .try_into::<ProviderPrefs>()
                .map_err(|e| {
                    D::Error::custom(format!("[preferences.\"{key}\"]: {}", one_line(&e)))
                })?;
            models.insert(key, prefs);
        }
        let shared = toml::Value::Table(shared)
            .try_into::<ProviderPrefs>()
            .map_err(|e| D::Error::custom(format!("[preferences]: {}", one_line(&e))))?;
        Ok(PreferencesConfig { shared, models })
    }
}

fn one_line(error: &impl std::fmt::Display) -> String {
    error.to_string().trim().replace('\n', " ")
}

/// `[privacy]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PrivacyConfig {
    /// `data_collection: deny` on every OpenRouter request.
    #[serde(default)]
    pub deny_data_collection: bool,
}

/// `[pacing]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PacingConfig {
    /// Requests a minute on OpenRouter `:free` models (default 20; 0: no pacing).
    pub free_requests_per_minute: Option<u32>,
    /// Requests a minute for particular models (0: no pacing for that one).
    #[serde(default)]
    pub models: BTreeMap<String, u32>,
}

/// `[discovery]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DiscoveryConfig {
    /// Look for local servers at startup (default true).
    pub enabled: Option<bool>,
    /// Ports by provider name, over the usual ones; 0 skips that server.
    #[serde(default)]
    pub ports: BTreeMap<String, u16>,
    /// Price discovered local models at $0 instead of unknown.
    #[serde(default)]
    pub free: bool,
    /// How long one probe may take (default 400).
    pub timeout_ms: Option<u64>,
}

/// `[limits]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Warn before a turn whose estimated cost is above this many USD.
    #[serde(default, with = "usd_setting::option")]
    pub warn_turn_cost_usd: Option<Decimal>,
    /// `prism eval` asks before a run estimated above this many USD (default 1).
    #[serde(default, with = "usd_setting::option")]
    pub eval_confirm_usd: Option<Decimal>,
    /// The most text one answer may bring, in MiB (default 16).
    pub max_answer_mib: Option<u64>,
    /// The largest model catalog read, in MiB (default 32).
    pub max_catalog_mib: Option<u64>,
}

/// `[judge]`: the model the workbench asks to compare a turn's answers
/// (any column form), and what it is asked to judge by.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JudgeConfig {
    pub model: Option<String>,
    pub rubric: Option<String>,
}

/// The judge when `[judge] model` is not set: strong enough to compare
/// answers, cheap enough to ask on a key press.
pub const DEFAULT_JUDGE: &str = "openai/gpt-4o-mini";
/// What the judge weighs when `[judge] rubric` is not set.
pub const DEFAULT_RUBRIC: &str = "Which answer responds to the user's prompt better: \
correct first, then complete, then clear and concise?";

impl Config {
    /// The workbench's judge, as the user writes models.
    pub fn judge_model(&self) -> &str {
        self.file
            .judge
            .model
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .unwrap_or(DEFAULT_JUDGE)
    }

    /// Whether the file names a judge (`[judge] model`): then the agreement
    /// view asks it to group the answers, else text similarity does.
    pub fn judge_configured(&self) -> bool {
        self.file
            .judge
            .model
            .as_deref()
            .is_some_and(|m| !m.trim().is_empty())
    }

    /// What the workbench's judge is asked.
    pub fn judge_rubric(&self) -> &str {
        self.file
            .judge
            .rubric
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .unwrap_or(DEFAULT_RUBRIC)
    }

    /// A column's preferences from the file: the model's own table over the
    /// shared keys. `model_reference` is the model as the user writes it; a
    /// table keyed with or without the default provider's prefix matches.
    /// A model's own preference table (without the shared one), or none.
    pub fn own_preferences_for(&self, model_reference: &str) -> ProviderPrefs {
        self.own_table(model_reference).cloned().unwrap_or_default()
    }

    fn own_table(&self, model_reference: &str) -> Option<&ProviderPrefs> {
        let preferences = &self.file.preferences;
        let reference = model_reference.trim();
        let default_provider = self
            .file
            .default_provider
            .as_deref()
            .unwrap_or(super::OPENROUTER);
        let prefixed = format!("{default_provider}:{reference}");
        preferences
            .models
            .get(reference)
            .or_else(|| preferences.models.get(&prefixed))
            .or_else(|| {
                reference
                    .strip_prefix(&format!("{default_provider}:"))
                    .and_then(|bare| preferences.models.get(bare))
            })
    }

    pub fn preferences_for(&self, model_reference: &str) -> ProviderPrefs {
        let shared = &self.file.preferences.shared;
        match self.own_table(model_reference) {
            Some(own) => own.merged_over(shared),
            None => shared.clone(),
        }
    }

    /// The privacy switch: `data_collection: deny` on every OpenRouter request.
    pub fn deny_data_collection(&self) -> bool {
        self.file.privacy.deny_data_collection
    }

    pub fn pacing_settings(&self) -> PacingSettings {
        let pacing = &self.file.pacing;
        let defaults = PacingSettings::default();
        PacingSettings {
            free_requests: pacing
                .free_requests_per_minute
                .unwrap_or(defaults.free_requests),
            per_model: pacing.models.clone(),
            ..defaults
        }
    }

    /// Local server ports by provider name: the usual ones (in their
    /// order, changed by the file where it says so), then servers the file
    /// adds. A port of 0 in the file keeps the usual port.
    pub fn local_ports(&self) -> Vec<(String, u16)> {
        let configured = &self.file.discovery.ports;
        let mut ports: Vec<(String, u16)> = DEFAULT_PORTS
            .iter()
            .map(|(name, usual)| {
                let port = configured.get(*name).copied().filter(|p| *p != 0);
                (name.to_string(), port.unwrap_or(*usual))
            })
            .collect();
        for (name, port) in configured {
            if *port != 0 && !ports.iter().any(|(known, _)| known == name) {
                ports.push((name.clone(), *port));
            }
        }
        ports
    }

    /// `(provider, base URL)` pairs to probe at startup; empty when discovery
    /// is off. A provider whose base_url the file sets is where the user
    /// said, so it is not probed; neither is one whose port the file sets to 0.
    pub fn discovery_candidates(&self) -> Vec<(String, String)> {
        if !self.discovery_enabled() {
            return Vec::new();
        }
        let file = &self.file;
        self.local_ports()
            .into_iter()
            .filter(|(name, _)| {
                file.discovery.ports.get(name) != Some(&0)
                    && file
                        .providers
                        .get(name)
                        .is_none_or(|entry| entry.base_url.is_none())
            })
            .map(|(name, port)| (name, discovery::local_base_url(port)))
            .collect()
    }

    fn discovery_enabled(&self) -> bool {
        self.file.discovery.enabled.unwrap_or(true)
    }

    pub fn discovery_timeout(&self) -> Duration {
        self.file
            .discovery
            .timeout_ms
            .map_or(discovery::DEFAULT_TIMEOUT, Duration::from_millis)
    }

    /// Price discovered local models at $0 (`discovery::price_as_free`).
    pub fn discovery_free(&self) -> bool {
        self.file.discovery.free
    }

    /// The estimated run cost above which `prism eval` asks first.
    pub fn eval_confirm_usd(&self) -> Decimal {
        self.file.limits.eval_confirm_usd.unwrap_or(Decimal::ONE)
    }

    /// The turn cost above which the workbench warns before sending.
    pub fn warn_turn_cost_usd(&self) -> Option<Decimal> {
        self.file.limits.warn_turn_cost_usd
    }
}

#[cfg(test)]
mod tests;
