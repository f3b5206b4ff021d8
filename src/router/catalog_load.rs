//! Which catalog to use: a fresh cache as is, else the server's `/models`
//! (then cached), else a stale cache, else the snapshot bundled for
//! OpenRouter. The outcome always says where the catalog came from.

use std::time::Duration;

use super::Router;
use super::catalog::{Catalog, CatalogError, CatalogSource, ParsedModels, parse_models};
use super::catalog_cache::{CacheError, CatalogCache, bundled_openrouter};
use super::error::RouterError;
use super::provider::ProviderKind;
use super::redact::Redactor;
use crate::clock::now_unix;

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
    /// Each problem met, e.g. "could not refresh the catalog: connection refused".
    pub warnings: Vec<CatalogWarning>,
}

/// Something that went wrong while loading a catalog; the load goes on
/// with the next source, so each is a warning, with its cause attached.
#[derive(Debug, thiserror::Error)]
pub enum CatalogWarning {
    #[error("unknown provider '{0}'")]
    UnknownProvider(String),
    #[error("ignoring the cached catalog: {0}")]
    Cache(#[source] CacheError),
    #[error("ignoring the cached catalog: {0}")]
    CachedUnreadable(#[source] CatalogError),
    #[error("could not cache the catalog: {0}")]
    Store(#[source] CacheError),
    #[error("could not refresh the catalog: {0}")]
    Refresh(#[source] RouterError),
    #[error("{url} sent a catalog prism cannot read: {source}")]
    Unreadable { url: String, source: CatalogError },
    /// Prices left out of the catalog as unknown, summed up in a line.
    #[error("{0}")]
    BeyondBelief(String),
    #[error("the catalog task stopped ({0})")]
    Task(#[source] tokio::task::JoinError),
}

#[derive(Clone, Debug)]
pub struct CatalogLoader {
    router: Router,
    cache: CatalogCache,
    ttl: Duration,
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
            outcome.warnings.push(CatalogWarning::BeyondBelief(summary));
        }
        outcome
    }

    async fn pick(&self, provider_name: &str, refresh: Refresh) -> LoadOutcome {
        let mut warnings = Vec::new();
        let Some(provider) = self.router.providers().get(provider_name) else {
            return LoadOutcome {
                catalog: None,
                warnings: vec![CatalogWarning::UnknownProvider(provider_name.to_string())],
            };
        };
        let now = now_unix();

        let cache = self.cache.clone();
        let (name, base_url) = (provider.name.clone(), provider.base_url.clone());
        let redactor = self.router.redactor().clone();
        let cached =
            match off_thread(move || read_cached(&cache, &name, &base_url, &redactor)).await {
                Ok(catalog) => catalog,
                Err(warning) => {
                    warnings.push(warning);
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
                    let url = provider.models_url();
                    let redactor = self.router.redactor().clone();
                    let parsed = off_thread(move || {
                        let parsed = parse_redacted(&body, &redactor)
                            .map_err(|source| CatalogWarning::Unreadable { url, source })?;
                        let stored = cache.store(&name, &base_url, &body, now);
                        Ok((Catalog::new(name, CatalogSource::Live, now, parsed), stored))
                    });
                    match parsed.await {
                        Ok((catalog, stored)) => {
                            if let Err(err) = stored {
                                warnings.push(CatalogWarning::Store(err));
                            }
                            return LoadOutcome {
                                catalog: Some(catalog),
                                warnings,
                            };
                        }
                        Err(warning) => warnings.push(warning),
                    }
                }
                Err(err) => {
                    tracing::warn!(provider = %provider.name, error = %err, "catalog refresh failed");
                    warnings.push(CatalogWarning::Refresh(err));
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
fn parse_redacted(body: &[u8], redactor: &Redactor) -> Result<ParsedModels, CatalogError> {
    let mut parsed = parse_models(body).map_err(|error| {
        let text = error.to_string();
        match redactor.redact(&text) {
            std::borrow::Cow::Borrowed(_) => error,
            std::borrow::Cow::Owned(clean) => CatalogError::Redacted(clean),
        }
    })?;
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
) -> Result<Option<Catalog>, CatalogWarning> {
    let Some(cached) = cache
        .load(provider, base_url)
        .map_err(CatalogWarning::Cache)?
    else {
        return Ok(None);
    };
    let parsed =
        parse_redacted(&cached.body, redactor).map_err(CatalogWarning::CachedUnreadable)?;
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
    work: impl FnOnce() -> Result<T, CatalogWarning> + Send + 'static,
) -> Result<T, CatalogWarning> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|err| Err(CatalogWarning::Task(err)))
}
