//! Which catalog to use: a fresh cache as is, else the server's `/models`
//! (then cached), else a stale cache, else the snapshot bundled for
//! OpenRouter. The outcome always says where the catalog came from.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Router;
use super::catalog::{Catalog, CatalogSource, parse_models};
use super::catalog_cache::{CatalogCache, bundled_openrouter};
use super::provider::ProviderKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refresh {
    /// Use the cache when younger than the TTL, else fetch.
    IfStale,
    /// Fetch even when the cache is fresh.
    Always,
    /// Never touch the network: cache, else the bundled snapshot.
    Offline,
}

/// A catalog (when any could be had) and what went wrong on the way.
#[derive(Debug)]
pub struct LoadOutcome {
    pub catalog: Option<Catalog>,
    /// One line per problem met, e.g. "could not refresh: connection refused".
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct CatalogLoader {
    router: Router,
    cache: CatalogCache,
    ttl: Duration,
}

pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl CatalogLoader {
    pub fn new(router: Router, cache: CatalogCache, ttl: Duration) -> CatalogLoader {
        CatalogLoader { router, cache, ttl }
    }

    pub async fn load(&self, provider_name: &str, refresh: Refresh) -> LoadOutcome {
        let mut warnings = Vec::new();
        let Some(provider) = self.router.providers().get(provider_name) else {
            return LoadOutcome {
                catalog: None,
                warnings: vec![format!("unknown provider '{provider_name}'")],
            };
        };
        let now = now_unix();

        let cached = match self.cache.load(&provider.name, &provider.base_url) {
            Ok(Some(cached)) => match parse_models(&cached.body) {
                Ok(parsed) => Some(Catalog::new(
                    provider.name.clone(),
                    CatalogSource::Cache,
                    cached.fetched_at_unix,
                    parsed,
                )),
                Err(err) => {
                    warnings.push(format!("ignoring the cached catalog: {err}"));
                    None
                }
            },
            Ok(None) => None,
            Err(err) => {
                warnings.push(format!("ignoring the cached catalog: {err}"));
                None
            }
        };

        let fresh = cached
            .as_ref()
            .is_some_and(|c| c.age_secs(now) < self.ttl.as_secs() as i64);
        let fetch = match refresh {
            Refresh::Always => true,
            Refresh::IfStale => !fresh,
            Refresh::Offline => false,
        };

        if fetch {
            match self.router.fetch_models(&provider.name).await {
                Ok(body) => match parse_models(&body) {
                    Ok(parsed) => {
                        if let Err(err) =
                            self.cache
                                .store(&provider.name, &provider.base_url, &body, now)
                        {
                            warnings.push(format!("could not cache the catalog: {err}"));
                        }
                        let catalog =
                            Catalog::new(provider.name.clone(), CatalogSource::Live, now, parsed);
                        return LoadOutcome {
                            catalog: Some(catalog),
                            warnings,
                        };
                    }
                    Err(err) => warnings.push(format!(
                        "{} sent a catalog prism cannot read: {err}",
                        provider.models_url()
                    )),
                },
                Err(err) => {
                    tracing::warn!(provider = %provider.name, error = %err, "catalog refresh failed");
                    warnings.push(format!("could not refresh the catalog: {err}"));
                }
            }
        }

        if let Some(catalog) = cached {
            return LoadOutcome {
                catalog: Some(catalog),
                warnings,
            };
        }
        // The snapshot describes OpenRouter itself, not a server at another URL.
        if provider.kind == ProviderKind::OpenRouter && provider.base_url.contains("openrouter.ai")
        {
            let mut catalog = bundled_openrouter();
            catalog.provider = provider.name.clone();
            return LoadOutcome {
                catalog: Some(catalog),
                warnings,
            };
        }
        LoadOutcome {
            catalog: None,
            warnings,
        }
    }
}
