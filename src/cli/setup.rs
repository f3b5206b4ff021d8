//! Everything a run needs, built once from the command line: paths, config,
//! keys, the router and the catalog loader. Shared by the CLI and the TUI.

use crate::config::{CliOverrides, Config, ConfigError, Paths, Secrets};
use crate::router::catalog_cache::CatalogCache;
use crate::router::catalog_load::CatalogLoader;
use crate::router::{Router, RouterError};

use super::{GlobalArgs, NetworkArgs};

pub struct Setup {
    pub config: Config,
    pub secrets: Secrets,
    pub router: Router,
    pub loader: CatalogLoader,
    /// Problems worth a line to the user that do not stop the run.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Router(#[from] RouterError),
}

impl Setup {
    /// `extra` carries per-command overrides (retries, idle timeout, privacy).
    pub fn load(global: &GlobalArgs, extra: &CliOverrides) -> Result<Setup, SetupError> {
        let paths = Paths::from_env();
        let config = Config::load(global.config.as_deref(), paths)?;
        let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
        let (secrets, dotenv_warning) = Secrets::load(&cwd);
        let overrides = CliOverrides {
            base_url: global.base_url.clone(),
            api_key_env: global.api_key_env.clone(),
            max_retries: extra.max_retries,
            idle_timeout_secs: extra.idle_timeout_secs,
            request_timeout_secs: extra.request_timeout_secs,
            privacy_per_request: extra.privacy_per_request,
        };
        let providers = config.providers(&overrides, &secrets)?;
        let settings = config.router_settings(&overrides);
        let router = Router::new(providers, settings)?;
        crate::logging::redact_keys(router.redactor().clone());
        let loader = CatalogLoader::new(
            router.clone(),
            CatalogCache::new(config.paths.catalog_cache_dir()),
            config.catalog_ttl(),
        );
        Ok(Setup {
            config,
            secrets,
            router,
            loader,
            warnings: dotenv_warning.into_iter().collect(),
        })
    }

    /// For commands that send requests (`compare`, `eval`): their retry and
    /// stall flags over the config; warnings go to stderr, one line each.
    pub fn load_for_requests(
        global: &GlobalArgs,
        network: &NetworkArgs,
    ) -> Result<Setup, SetupError> {
        let overrides = CliOverrides {
            max_retries: network.max_retries,
            idle_timeout_secs: network.idle_timeout,
            request_timeout_secs: network.request_timeout,
            ..CliOverrides::default()
        };
        let setup = Setup::load(global, &overrides)?;
        for warning in &setup.warnings {
            super::term::errln!("prism: warning: {}", crate::sanitize::Outside(warning));
        }
        Ok(setup)
    }

    pub fn config_path_description(&self) -> String {
        match &self.config.source {
            Some(path) => path.display().to_string(),
            None => format!(
                "{} (not present; built-in defaults in use)",
                self.config.paths.config_file().display()
            ),
        }
    }
}
