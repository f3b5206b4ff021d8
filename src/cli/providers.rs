//! `prism providers MODEL`: the upstreams that serve one OpenRouter model
//! (provider, slug to pin it by, quantization, context, prices, uptime,
//! recent time to first token and speed) as a table or JSON.

use std::io::Write;

use serde_json::json;

use crate::config::CliOverrides;
use crate::router::catalog;
use crate::router::endpoints::{Endpoint, ModelEndpoints, Percentiles, upstream_columns};
use crate::router::pricing::{Price, format_per_million};
use crate::sanitize::Outside;

use super::report;
use super::term::{self, errln};
use super::{CliError, EXIT_FAILED, EXIT_OK, GlobalArgs, ProvidersArgs, Setup};

pub async fn run(global: &GlobalArgs, args: ProvidersArgs) -> Result<u8, CliError> {
    let setup = Setup::load(global, &CliOverrides::default())?;
    for warning in &setup.warnings {
        errln!("prism: warning: {}", Outside(warning));
    }
    let Some(list) = fetch(&setup, &args.model).await? else {
        return Ok(EXIT_FAILED);
    };
    let mut out = term::stdout();
    if args.json {
        report::write_json(&mut out, &list_json(&list))?;
    } else {
        let rows: Vec<Vec<String>> = list.endpoints.iter().map(row).collect();
        let table = report::table(
            &[
                "upstream",
                "slug",
                "quant",
                "context",
                "$/1M in",
                "$/1M out",
                "ttft p50",
                "tok/s p50",
                "uptime 30m",
            ],
            &rows,
            &[false, false, false, true, true, true, true, true, true],
        );
        out.write_all(table.as_bytes())?;
    }
    out.flush()?;
    for note in &list.notes {
        errln!("prism: {}: {}", Outside(&list.id), Outside(note));
    }
    let with_figures = list
        .endpoints
        .iter()
        .any(|e| e.latency_last_30m_ms.is_some() || e.throughput_last_30m.is_some());
    errln!(
        "{} upstreams of {} · ttft and tok/s: OpenRouter's median over the last 30 minutes{}",
        list.endpoints.len(),
        Outside(&list.id),
        if with_figures {
            ""
        } else {
            " (sent only to callers with a key)"
        }
    );
    if list.endpoints.len() > 1 {
        errln!(
            "compare them on one prompt: prism compare --per-provider {} PROMPT",
            Outside(args.model.trim())
        );
    }
    Ok(EXIT_OK)
}

/// The upstreams of `written`, or None after saying why on stderr. A model
/// of a provider that is not OpenRouter, or not an id, is a usage error.
pub(super) async fn fetch(
    setup: &Setup,
    written: &str,
) -> Result<Option<ModelEndpoints>, CliError> {
    let model = setup
        .router
        .providers()
        .parse_ref(written)
        .map_err(|e| CliError::Usage(format!("model '{written}': {e}")))?;
    match setup.router.fetch_endpoints(&model).await {
        Ok(list) => Ok(Some(list)),
        Err(error) if error.kind == crate::router::ErrorKind::BadRequest => {
            Err(CliError::Usage(error.message))
        }
        Err(error) => {
            errln!(
                "prism: cannot list the upstreams of {}: {}",
                Outside(written.trim()),
                Outside(&error.message)
            );
            Ok(None)
        }
    }
}

/// `--per-provider MODEL…` as columns: one `MODEL@SLUG` per upstream of
/// each, in the server's order. An upstream that cannot be pinned is left
/// out with a note; a model none of whose upstreams can is an error.
pub(super) async fn per_provider_columns(
    setup: &Setup,
    models: &[String],
) -> Result<Vec<String>, CliError> {
    let mut columns = Vec::new();
    for written in models {
        let Some(list) = fetch(setup, written).await? else {
            return Err(CliError::Io(format!(
                "--per-provider {}: the upstream list is needed to make its columns",
                written.trim()
            )));
        };
        let mut notes = list.notes.clone();
        let own = upstream_columns(written, &list, &mut notes);
        for note in &notes {
            errln!("prism: {}: {}", Outside(&list.id), Outside(note));
        }
        if own.is_empty() {
            return Err(CliError::Usage(format!(
                "--per-provider {}: OpenRouter lists no upstream that can be pinned",
                written.trim()
            )));
        }
        columns.extend(own);
    }
    Ok(columns)
}

fn row(endpoint: &Endpoint) -> Vec<String> {
    let dash = || "-".to_string();
    vec![
        endpoint.provider_name.clone(),
        if endpoint.tag.is_empty() {
            dash()
        } else {
            endpoint.tag.clone()
        },
        endpoint.quantization.clone().unwrap_or_else(dash),
        endpoint
            .context_length
            .map_or_else(dash, catalog::format_context),
        format_per_million(endpoint.pricing.prompt),
        format_per_million(endpoint.pricing.completion),
        median(endpoint.latency_last_30m_ms).map_or_else(dash, latency),
        median(endpoint.throughput_last_30m).map_or_else(dash, |rate| format!("{rate:.1}")),
        endpoint
            .uptime_last_30m
            .map_or_else(dash, |percent| format!("{percent:.1}%")),
    ]
}

/// Whole milliseconds; a figure under 10 ms keeps its fraction, so a
/// latency that may really be in seconds (0.25) is never shown as "0ms".
fn latency(ms: f64) -> String {
    if ms < 10.0 {
        format!("{}ms", (ms * 100.0).round() / 100.0)
    } else {
        format!("{ms:.0}ms")
    }
}

fn median(percentiles: Option<Percentiles>) -> Option<f64> {
    percentiles?.p50
}

/// The list as JSON: prices per 1M tokens as exact decimal strings, latency
/// in milliseconds, throughput in tokens per second (null when unknown).
fn list_json(list: &ModelEndpoints) -> serde_json::Value {
    let per_million = |price: Price| price.per_million().map(|v| v.to_string());
    let endpoints: Vec<serde_json::Value> = list
        .endpoints
        .iter()
        .map(|e| {
            json!({
                "provider_name": e.provider_name,
                "tag": e.tag,
                "name": e.name,
                "quantization": e.quantization,
                "context_length": e.context_length,
                "max_completion_tokens": e.max_completion_tokens,
                "prompt_per_1m_usd": per_million(e.pricing.prompt),
                "completion_per_1m_usd": per_million(e.pricing.completion),
                "discount": e.discount,
                "status": e.status,
                "uptime_last_5m": e.uptime_last_5m,
                "uptime_last_30m": e.uptime_last_30m,
                "uptime_last_1d": e.uptime_last_1d,
                "latency_last_30m_ms": e.latency_last_30m_ms,
                "throughput_last_30m_tokens_per_s": e.throughput_last_30m,
                "supported_parameters": e.supported_parameters,
                "column": (!e.tag.is_empty()).then(|| format!("{}@{}", list.id, e.tag)),
            })
        })
        .collect();
    json!({
        "id": list.id,
        "name": list.name,
        "count": endpoints.len(),
        "endpoints": endpoints,
        "notes": list.notes,
    })
}
