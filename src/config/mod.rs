//! Layered configuration: built-in defaults and provider presets, then the
//! user's TOML file, then the command line. Builds the router's providers with
//! their keys resolved from the environment or `.env`, and compiles the
//! routers (`[routers.NAME]`) that pick a column's model per prompt.

pub mod extras;
pub mod paths;
pub mod secrets;
pub mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::router::policy::{Policy, PolicyError, RouterConfig};
use crate::router::provider::{
    Provider, ProviderKind, Providers, WithheldKey, host_label, normalize_base_url,
};
use crate::router::{Attribution, RouterSettings};

pub use extras::{
    DiscoveryConfig, JudgeConfig, LimitsConfig, PacingConfig, PreferencesConfig, PrivacyConfig,
};
pub use paths::Paths;
pub use secrets::{KeySource, Secrets};

/// The columns the workbench opens with when neither the command line, the
/// last session nor the config file names any.
pub const DEFAULT_MODELS: [&str; 3] = [
    "openai/gpt-4o-mini",
    "anthropic/claude-haiku-4.5",
    "google/gemini-2.5-flash",
];

/// The default provider and where its key comes from.
pub const OPENROUTER: &str = "openrouter";
pub const OPENROUTER_BASE_URL: &str = "https://openrouter.ai/api/v1";
pub const OPENROUTER_KEY_ENV: &str = "OPENROUTER_API_KEY";

/// The config file as written by people. Unknown keys are errors, so a typo
/// is reported instead of silently ignored.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The provider that bare model ids go to.
    pub default_provider: Option<String>,
    /// The columns the workbench opens with when there is no last session.
    #[serde(default)]
    pub models: Vec<String>,
    #[serde(default)]
    pub defaults: RequestDefaults,
    #[serde(default)]
    pub network: NetworkConfig,
    #[serde(default)]
    pub attribution: AttributionConfig,
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderEntry>,
    /// Routers: columns (`router:NAME`) whose model rules pick per prompt.
    #[serde(default)]
    pub routers: BTreeMap<String, RouterConfig>,
    #[serde(default)]
    pub preferences: PreferencesConfig,
    #[serde(default)]
    pub privacy: PrivacyConfig,
    #[serde(default)]
    pub pacing: PacingConfig,
    #[serde(default)]
    pub discovery: DiscoveryConfig,
    #[serde(default)]
    pub limits: LimitsConfig,
    /// `[direct]`: an OpenRouter id → the same model on a direct provider
    /// ("openai/gpt-4o-mini" = "openai:gpt-4o-mini"), for `--via-and-direct`.
    #[serde(default)]
    pub direct: BTreeMap<String, String>,
    /// `[judge]`: the model the workbench's judge key asks, and its rubric.
    #[serde(default)]
    pub judge: JudgeConfig,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RequestDefaults {
    pub system: Option<String>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    pub max_retries: Option<u32>,
    pub idle_timeout_secs: Option<u64>,
    /// One request's whole allowance, from sending to the last byte.
    pub request_timeout_secs: Option<u64>,
    pub connect_timeout_secs: Option<u64>,
    pub catalog_ttl_hours: Option<u64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributionConfig {
    pub referer: Option<String>,
    pub title: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderEntry {
    /// Required for a new provider; optional when adjusting a preset.
    pub base_url: Option<String>,
    /// The environment variable holding the key; "" for none (local servers).
    pub api_key_env: Option<String>,
    pub kind: Option<ProviderKind>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("provider '{name}': {message}")]
    Provider { name: String, message: String },
    #[error(transparent)]
    Router(#[from] PolicyError),
}

/// Overrides from the command line for one run.
#[derive(Clone, Debug, Default)]
pub struct CliOverrides {
    pub base_url: Option<String>,
    pub api_key_env: Option<String>,
    pub max_retries: Option<u32>,
    pub idle_timeout_secs: Option<u64>,
    pub request_timeout_secs: Option<u64>,
    /// The caller sets `data_collection` per request itself (the workbench's
    /// F3 switch), so the router must not force the config's `[privacy]`.
    pub privacy_per_request: bool,
}

/// Everything a run needs to know, with its origin kept for messages.
#[derive(Clone, Debug)]
pub struct Config {
    pub file: ConfigFile,
    /// The file that was read, if any.
    pub source: Option<PathBuf>,
    pub paths: Paths,
}

/// Presets so `ollama:llama3.2` or `groq:llama-3.1-8b-instant` work without
/// any config. The file can change or add to them. The local servers
/// (ollama, lmstudio, llamacpp, vllm) come from `Config::local_ports`.
fn presets() -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    vec![
        (OPENROUTER, OPENROUTER_BASE_URL, Some(OPENROUTER_KEY_ENV)),
        (
            "openai",
            "https://api.openai.com/v1",
            Some("OPENAI_API_KEY"),
        ),
        (
            "groq",
            "https://api.groq.com/openai/v1",
            Some("GROQ_API_KEY"),
        ),
        (
            "together",
            "https://api.together.xyz/v1",
            Some("TOGETHER_API_KEY"),
        ),
    ]
}

impl Config {
    /// Reads `explicit` (which must exist) or the default file (which may not).
    pub fn load(explicit: Option<&Path>, paths: Paths) -> Result<Config, ConfigError> {
        let (path, required) = match explicit {
            Some(path) => (path.to_path_buf(), true),
            None => (paths.config_file(), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Config {
                    file: ConfigFile::default(),
                    source: None,
                    paths,
                });
            }
            Err(err) => {
                return Err(ConfigError::Read {
                    path,
                    message: err.to_string(),
                });
            }
        };
        let file = Self::parse(&text).map_err(|message| ConfigError::Parse {
            path: path.clone(),
            message,
        })?;
        Ok(Config {
            file,
            source: Some(path),
            paths,
        })
    }

    /// Parses and checks a config file: a typo or a value out of range is
    /// an error naming the key.
    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        let file: ConfigFile =
            toml::from_str(text).map_err(|err| err.to_string().trim_end().replace('\n', " "))?;
        validate::file(&file)?;
        Ok(file)
    }

    pub fn router_settings(&self, overrides: &CliOverrides) -> RouterSettings {
        let network = &self.file.network;
        let defaults = RouterSettings::default();
        let mut retry = defaults.retry;
        retry.max_retries = overrides
            .max_retries
            .or(network.max_retries)
            .unwrap_or(retry.max_retries);
        RouterSettings {
            retry,
            idle_timeout: overrides
                .idle_timeout_secs
                .or(network.idle_timeout_secs)
                .map(Duration::from_secs)
                .unwrap_or(defaults.idle_timeout),
            request_timeout: overrides
                .request_timeout_secs
                .or(network.request_timeout_secs)
                .map(Duration::from_secs)
                .unwrap_or(defaults.request_timeout),
            max_answer_bytes: mib_bytes(self.file.limits.max_answer_mib)
                .unwrap_or(defaults.max_answer_bytes),
            max_catalog_bytes: mib_bytes(self.file.limits.max_catalog_mib)
                .unwrap_or(defaults.max_catalog_bytes),
            connect_timeout: network
                .connect_timeout_secs
                .map(Duration::from_secs)
                .unwrap_or(defaults.connect_timeout),
            max_event_bytes: defaults.max_event_bytes,
            attribution: Attribution {
                referer: self
                    .file
                    .attribution
                    .referer
                    .clone()
                    .unwrap_or(defaults.attribution.referer),
                title: self
                    .file
                    .attribution
                    .title
                    .clone()
                    .unwrap_or(defaults.attribution.title),
            },
            pacing: self.pacing_settings(),
            deny_data_collection: self.deny_data_collection() && !overrides.privacy_per_request,
            generation_wait: defaults.generation_wait,
        }
    }

    pub fn catalog_ttl(&self) -> Duration {
        let hours = self.file.network.catalog_ttl_hours.unwrap_or(24);
        Duration::from_secs(hours.saturating_mul(3600))
    }

    /// Presets, then the file, then the flags; keys resolved from `secrets`.
    pub fn providers(
        &self,
        overrides: &CliOverrides,
        secrets: &Secrets,
    ) -> Result<Providers, ConfigError> {
        let mut list: Vec<Provider> = presets()
            .into_iter()
            .map(|(name, url, key_env)| {
                let mut provider = Provider::new(name, url);
                provider.api_key_env = key_env.map(str::to_string);
                provider
            })
            .collect();
        // Local servers at their usual (or configured) ports, no key.
        for (name, port) in self.local_ports() {
            validate_name(&name)?;
            let url = crate::router::discovery::local_base_url(port);
            list.push(Provider::new(name, &url));
        }

        for (name, entry) in &self.file.providers {
            validate_name(name)?;
            let index = match list.iter().position(|p| &p.name == name) {
                Some(index) => index,
                None => {
                    let url = entry
                        .base_url
                        .as_deref()
                        .ok_or_else(|| ConfigError::Provider {
                            name: name.clone(),
                            message: "needs a base_url (e.g. \"http://localhost:11434/v1\")".into(),
                        })?;
                    list.push(Provider::new(name.clone(), url));
                    list.len() - 1
                }
            };
            let provider = &mut list[index];
            if let Some(url) = &entry.base_url {
                check_url(name, url)?;
                provider.base_url = normalize_base_url(url);
                provider.kind = ProviderKind::infer(&provider.base_url);
            }
            if let Some(kind) = entry.kind {
                provider.kind = kind;
            }
            if let Some(var) = &entry.api_key_env {
                provider.api_key_env = Some(var.trim().to_string()).filter(|v| !v.is_empty());
            }
            provider.headers = entry
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
        }

        let default_name = self
            .file
            .default_provider
            .clone()
            .unwrap_or_else(|| OPENROUTER.to_string());
        let Some(default_index) = list.iter().position(|p| p.name == default_name) else {
            return Err(ConfigError::Provider {
                name: default_name,
                message: "is the default_provider but is not defined".into(),
            });
        };

        let default = &mut list[default_index];
        // The key's variable was configured for this URL (preset or file).
        let key_home = default.base_url.clone();
        let mut key_moved = false;
        if let Some(url) = &overrides.base_url {
            check_url("--base-url", url)?;
            let configured_kind = self
                .file
                .providers
                .get(&default.name)
                .and_then(|entry| entry.kind);
            default.base_url = normalize_base_url(url);
            default.kind =
                configured_kind.unwrap_or_else(|| ProviderKind::infer(&default.base_url));
            // A key belongs to its host (scheme, host and port, parsed):
            // moving the provider elsewhere for one run leaves its key behind
            // unless the user names the variable explicitly.
            key_moved = overrides.api_key_env.is_none()
                && !crate::router::provider::same_origin(&key_home, &default.base_url);
        }
        if let Some(var) = &overrides.api_key_env {
            default.api_key_env = Some(var.clone());
        }

        for provider in &mut list {
            provider.api_key = provider
                .api_key_env
                .as_deref()
                .and_then(|var| secrets.key(var));
        }
        let default = &mut list[default_index];
        if key_moved && let Some(var) = default.api_key_env.take() {
            default.withheld_key = default.api_key.take().map(|key| WithheldKey {
                var,
                home: host_label(&key_home),
                key,
            });
        }
        Ok(Providers::new(list, &default_name))
    }

    /// The file's routers, compiled in name order.
    pub fn policies(&self) -> Result<Vec<Policy>, ConfigError> {
        self.file
            .routers
            .iter()
            .map(|(name, router)| Policy::compile(name, router).map_err(ConfigError::from))
            .collect()
    }
}

/// MiB as bytes (the values are checked to be at most a few GiB).
fn mib_bytes(mib: Option<u64>) -> Option<usize> {
    mib.and_then(|mib| usize::try_from(mib.saturating_mul(1024 * 1024)).ok())
}

/// The provider name `router:` references would collide with.
const ROUTER_RESERVED: &str = "router";

fn validate_name(name: &str) -> Result<(), ConfigError> {
    // `router:NAME` names a router column, so no provider may be called that.
    if name == ROUTER_RESERVED {
        return Err(ConfigError::Provider {
            name: name.to_string(),
            message: "is reserved for router columns (router:NAME); pick another name".into(),
        });
    }
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::Provider {
            name: name.to_string(),
            message: "names may use letters, digits, '-', '_' and '.' only".into(),
        })
    }
}

fn check_url(name: &str, url: &str) -> Result<(), ConfigError> {
    let url = url.trim();
    let parsed = url::Url::parse(url);
    let http = parsed
        .as_ref()
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    if http {
        Ok(())
    } else {
        Err(ConfigError::Provider {
            name: name.to_string(),
            message: format!("base_url '{url}' must be an http:// or https:// URL with a host"),
        })
    }
}

/// The documented default config, shipped in `assets/` and printed by `prism config`.
pub const DEFAULT_CONFIG_TOML: &str = include_str!("../../assets/default-config.toml");

#[cfg(test)]
mod tests;
