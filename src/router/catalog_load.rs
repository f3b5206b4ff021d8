//! Which catalog to use: a fresh cache as is, else the server's `/models`
//! (then cached), else a stale cache, else the snapshot bundled for
//! OpenRouter. The outcome always says where the catalog came from.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Router;
use super::catalog::{Catalog, CatalogSource, ParsedModels, parse_models};
use super::catalog_cache::{CatalogCache, bundled_openrouter};
use super::provider::ProviderKind;
use super::redact::Redactor;

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

    /// The catalog to use (see the module's doc), with a warning when some
    /// of its prices are beyond belief (they are unknown in it).
    pub async fn load(&self, provider_name: &str, refresh: Refresh) -> LoadOutcome {
        let mut outcome = self.pick(provider_name, refresh).await;
        if let Some(summary) = outcome.catalog.as_ref().and_then(Catalog::notes_summary) {
            outcome.warnings.push(summary);
        }
        outcome
    }

    async fn pick(&self, provider_name: &str, refresh: Refresh) -> LoadOutcome {
        let mut warnings = Vec::new();
        let Some(provider) = self.router.providers().get(provider_name) else {
            return LoadOutcome {
                catalog: None,
                warnings: vec![format!("unknown provider '{provider_name}'")],
            };
        };
        let now = now_unix();

        let cache = self.cache.clone();
        let (name, base_url) = (provider.name.clone(), provider.base_url.clone());
        let redactor = self.router.redactor().clone();
        let cached =
            match off_thread(move || read_cached(&cache, &name, &base_url, &redactor)).await {
                Ok(catalog) => catalog,
                Err(err) => {
                    warnings.push(format!("ignoring the cached catalog: {err}"));
                    None
                }
            };

        let fresh = cached.as_ref().is_some_and(|c| c.is_fresh(now, self.ttl));
        let fetch = match refresh {
            Refresh::Always => true,
            Refresh::IfStale => !fresh,
            Refresh::Offline => false,
        };

        if fetch {
            match self.router.fetch_models(&provider.name).await {
                Ok(body) => {
                    let cache = self.cache.clone();
                    let (name, base_url) = (provider.name.clone(), provider.base_url.clone());
                    let redactor = self.router.redactor().clone();
                    let parsed = off_thread(move || {
                        let parsed = parse_redacted(&body, &redactor)?;
                        let stored = cache.store(&name, &base_url, &body, now);
                        Ok((Catalog::new(name, CatalogSource::Live, now, parsed), stored))
                    });
                    match parsed.await {
                        Ok((catalog, stored)) => {
                            if let Err(err) = stored {
                                warnings.push(format!("could not cache the catalog: {err}"));
                            }
                            return LoadOutcome {
                                catalog: Some(catalog),
                                warnings,
                            };
                        }
                        Err(err) => warnings.push(format!(
                            "{} sent a catalog prism cannot read: {err}",
                            provider.models_url()
                        )),
                    }
                }
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
        if provider.kind == ProviderKind::OpenRouter
            && super::provider::host_is(&provider.base_url, "openrouter.ai")
            && let Ok(mut catalog) = off_thread(|| Ok(bundled_openrouter())).await
        {
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

/// A `/models` body, parsed, with any key the server put in an id or a
/// name redacted (and in the parse error, which may quote the body).
fn parse_redacted(body: &[u8], redactor: &Redactor) -> Result<ParsedModels, String> {
    let mut parsed =
        parse_models(body).map_err(|e| redactor.redact(&e.to_string()).into_owned())?;
    if !redactor.is_empty() {
        for model in &mut parsed.models {
            redactor.redact_in_place(&mut model.id);
            redactor.redact_in_place(&mut model.name);
        }
    }
    Ok(parsed)
}

/// The cached catalog of a provider, parsed; None when nothing is cached.
fn read_cached(
    cache: &CatalogCache,
    provider: &str,
    base_url: &str,
    redactor: &Redactor,
) -> Result<Option<Catalog>, String> {
    let Some(cached) = cache.load(provider, base_url).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let parsed = parse_redacted(&cached.body, redactor)?;
    Ok(Some(Catalog::new(
        provider,
        CatalogSource::Cache,
        cached.fetched_at_unix,
        parsed,
    )))
}

/// Disk and a megabyte of JSON stay off the async threads: the workbench
/// runs on one, and its frames must not wait for a catalog.
async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|err| Err(format!("the catalog task stopped ({err})")))
}
