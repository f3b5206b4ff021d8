//! `prism models`: the catalog of a provider as an aligned table or JSON,
//! with the catalog's source and age always stated.

use std::io::Write;

use serde_json::json;

use crate::clock::now_unix;
use crate::config::CliOverrides;
use crate::router::catalog::{self, Catalog, ModelInfo};
use crate::router::catalog_load::Refresh;
use crate::router::discovery;
use crate::router::pricing::{self, format_per_million};
use crate::sanitize::Outside;

use super::report;
use super::term::{self, errln};
use super::{CliError, EXIT_FAILED, EXIT_OK, GlobalArgs, ModelsArgs, Setup};

pub async fn run(global: &GlobalArgs, args: ModelsArgs) -> Result<u8, CliError> {
    let setup = Setup::load(global, &CliOverrides::default())?;
    for warning in &setup.warnings {
        errln!("prism: warning: {}", Outside(&warning.to_string()));
    }
    if args.local {
        return local(&setup, &args).await;
    }
    let providers = setup.router.providers();
    let provider = args
        .provider
        .clone()
        .unwrap_or_else(|| providers.default_name().to_string());
    if providers.get(&provider).is_none() {
        let known: Vec<&str> = providers.iter().map(|p| p.name.as_str()).collect();
        return Err(CliError::Usage(format!(
            "unknown provider '{provider}' (known: {})",
            known.join(", ")
        )));
    }
    let refresh = if args.refresh {
        Refresh::Always
    } else {
        Refresh::IfStale
    };
    let outcome = setup.loader.load(&provider, refresh).await;
    for warning in &outcome.warnings {
        errln!("prism: warning: {}", Outside(&warning.to_string()));
    }
    let Some(catalog) = outcome.catalog else {
        errln!(
            "prism: no catalog for {}: the server could not be reached and nothing is cached",
            Outside(&provider)
        );
        return Ok(EXIT_FAILED);
    };
    let now = now_unix();

    let mut models = selected(&catalog, &args);
    catalog::sort_models(&mut models, args.sort.into());

    let mut out = term::stdout();
    if args.json {
        let value = json!({
            "provider": catalog.provider,
            "source": catalog.source,
            "fetched_at_unix": catalog.fetched_at_unix,
            "age_secs": catalog.age_secs(now),
            "count": models.len(),
            "models": models.iter().map(|m| model_json(m)).collect::<Vec<_>>(),
        });
        report::write_json(&mut out, &value)?;
    } else {
        let rows: Vec<Vec<String>> = models.iter().map(|m| table_row(m.id.clone(), m)).collect();
        let table = report::table(
            &["id", "context", "$/1M in", "$/1M out"],
            &rows,
            &[false, true, true, true],
        );
        out.write_all(table.as_bytes())?;
    }
    out.flush()?;
    errln!(
        "{} of {} models · {} catalog: {}",
        models.len(),
        catalog.models.len(),
        Outside(&catalog.provider),
        catalog.describe(now)
    );
    Ok(EXIT_OK)
}

/// The models `--search` and `--free` keep, in catalog order.
fn selected<'a>(catalog: &'a Catalog, args: &ModelsArgs) -> Vec<&'a ModelInfo> {
    let mut models = match &args.search {
        Some(query) => catalog.search(query),
        None => catalog.models.iter().collect(),
    };
    if args.free {
        models.retain(|m| m.is_free());
    }
    models
}

fn table_row(reference: String, model: &ModelInfo) -> Vec<String> {
    vec![
        reference,
        model
            .context_length
            .map_or("?".into(), catalog::format_context),
        format_per_million(model.pricing.prompt),
        format_per_million(model.pricing.completion),
    ]
}

/// Prices per 1M tokens as exact decimal strings (null when unknown).
fn model_json(model: &ModelInfo) -> serde_json::Value {
    let per_million = |p: pricing::Price| p.per_million().map(|v| v.to_string());
    json!({
        "id": model.id,
        "name": model.name,
        "context_length": model.context_length,
        "max_completion_tokens": model.max_completion_tokens,
        "created_unix": model.created_unix,
        "input_modalities": model.input_modalities,
        "output_modalities": model.output_modalities,
        "supported_parameters": model.supported_parameters,
        "free": model.is_free(),
        "usd_per_1m_input": per_million(model.pricing.prompt),
        "usd_per_1m_output": per_million(model.pricing.completion),
        "pricing": pricing_json(&model.pricing),
    })
}

/// USD per token as plain decimal strings, as the server writes them
/// (`"0.0000025"`), null when unknown; the optional prices only when set.
fn pricing_json(pricing: &pricing::Pricing) -> serde_json::Value {
    let price = |p: pricing::Price| match p {
        pricing::Price::Known(usd) => json!(usd.normalize().to_string()),
        pricing::Price::Unknown => serde_json::Value::Null,
    };
    let mut value = json!({
        "prompt": price(pricing.prompt),
        "completion": price(pricing.completion),
    });
    for (name, extra) in [
        ("request", pricing.request),
        ("internal_reasoning", pricing.internal_reasoning),
        ("input_cache_read", pricing.input_cache_read),
        ("input_cache_write", pricing.input_cache_write),
    ] {
        if let Some(extra) = extra {
            value[name] = price(extra);
        }
    }
    value
}

/// `prism models --local`: probes the local servers' usual ports (as the
/// workbench does at startup) and lists what each one serves.
async fn local(setup: &Setup, args: &ModelsArgs) -> Result<u8, CliError> {
    let config = &setup.config;
    let candidates = config.discovery_candidates();
    let found = discovery::discover(&candidates, config.discovery_timeout()).await;
    let now = now_unix();
    let mut catalogs = Vec::new();
    for server in &found {
        match server.catalog(now, config.discovery_free()) {
            Ok(catalog) => {
                if let Some(summary) = catalog.notes_summary() {
                    errln!(
                        "prism: warning: {}: {}",
                        Outside(&server.base_url),
                        Outside(&summary)
                    );
                }
                catalogs.push((server, catalog));
            }
            Err(error) => errln!(
                "prism: warning: {}: {}",
                Outside(&server.base_url),
                Outside(&error.to_string())
            ),
        }
    }
    if candidates.is_empty() {
        errln!(
            "prism: discovery is off ([discovery] enabled = false in the config): nothing was probed"
        );
    } else if found.is_empty() {
        let tried: Vec<String> = candidates
            .iter()
            .map(|(name, url)| format!("{} at {}", Outside(name), Outside(url)))
            .collect();
        errln!(
            "prism: no local model server found; tried {} (start one, or set its port in [discovery] ports)",
            tried.join(", ")
        );
    }
    let mut out = term::stdout();
    if args.json {
        let servers: Vec<serde_json::Value> = catalogs
            .iter()
            .map(|(server, catalog)| {
                json!({
                    "provider": server.provider,
                    "base_url": server.base_url,
                    "models": selected(catalog, args).into_iter().map(model_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        report::write_json(&mut out, &json!({ "servers": servers }))?;
    } else if !catalogs.is_empty() {
        let mut rows = Vec::new();
        for (_, catalog) in &catalogs {
            let mut models = selected(catalog, args);
            catalog::sort_models(&mut models, args.sort.into());
            for m in models {
                rows.push(table_row(format!("{}:{}", catalog.provider, m.id), m));
            }
        }
        let table = report::table(
            &["model", "context", "$/1M in", "$/1M out"],
            &rows,
            &[false, true, true, true],
        );
        out.write_all(table.as_bytes())?;
    }
    out.flush()?;
    if !found.is_empty() {
        let names: Vec<String> = found
            .iter()
            .map(|f| {
                format!(
                    "{} at {} ({} models)",
                    Outside(&f.provider),
                    Outside(&f.base_url),
                    f.model_count
                )
            })
            .collect();
        errln!(
            "{} of {} local servers found: {}",
            found.len(),
            candidates.len(),
            names.join(", ")
        );
    }
    Ok(EXIT_OK)
}
