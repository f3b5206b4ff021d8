//! The upstreams that serve one model on OpenRouter
//! (`GET /models/{author}/{slug}/endpoints`): provider, slug to pin it by,
//! context, prices, quantization, uptime and the last 30 minutes' latency and
//! throughput. Every number is checked as it is read (one beyond belief is
//! unknown, with a note); every string is redacted of keys here and
//! sanitised where it is shown. Also the expansion of one model into one
//! column per upstream, each pinned to it.
//!
//! Units: `latency_last_30m` is read as **milliseconds**. The OpenAPI spec
//! says so (`PercentileStats`: "Latency percentiles in milliseconds … time to
//! first token") and live answers quoted in public code read so (p50 636,
//! p99 3045); only the spec's hand-written example (p50 0.25) reads like
//! seconds. A latency under a millisecond, which no upstream achieves, is
//! kept as sent and flagged with a note rather than silently rescaled.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::Router;
use super::error::{ErrorKind, RouterError};
use super::figures::{self, RawNumber, checked};
use super::pricing::Pricing;
use super::provider::{ModelRef, ProviderKind};

/// An endpoint list is a few KiB per upstream; a popular model has a few dozen.
pub const MAX_ENDPOINTS_BODY_BYTES: usize = 1024 * 1024;

/// One model and the upstreams that serve it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelEndpoints {
    /// The model as OpenRouter names it ("openai/gpt-4o-mini").
    pub id: String,
    pub name: String,
    pub endpoints: Vec<Endpoint>,
    /// Figures and entries that are not used, and why (one line each).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One upstream of a model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Who serves it ("OpenAI", "DeepInfra").
    pub provider_name: String,
    /// The slug that pins it (`provider.only`): "openai", "deepinfra/fp8";
    /// empty when the server gave none (it cannot be pinned then).
    pub tag: String,
    /// The endpoint's own name ("DeepInfra | meta-llama/llama-3.3-70b-instruct").
    pub name: String,
    pub quantization: Option<String>,
    pub context_length: Option<u64>,
    pub max_completion_tokens: Option<u64>,
    pub max_prompt_tokens: Option<u64>,
    /// USD per token, as the catalog's.
    pub pricing: Pricing,
    /// A fraction taken off the listed prices (0.3 = 30% off), when given.
    pub discount: Option<f64>,
    /// OpenRouter's status code for the endpoint (0 normal; its negative
    /// values are not documented).
    pub status: Option<i64>,
    /// Percent of requests that succeeded (rate limits excluded).
    pub uptime_last_5m: Option<f64>,
    pub uptime_last_30m: Option<f64>,
    pub uptime_last_1d: Option<f64>,
    /// Time to first token, in milliseconds (null without an API key).
    pub latency_last_30m_ms: Option<Percentiles>,
    /// Output tokens per second (null without an API key).
    pub throughput_last_30m: Option<Percentiles>,
    pub supported_parameters: Vec<String>,
    pub supports_implicit_caching: Option<bool>,
}

/// The 50th, 75th, 90th and 99th percentiles of a figure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    pub p50: Option<f64>,
    pub p75: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
}

impl Percentiles {
    fn is_empty(&self) -> bool {
        [self.p50, self.p75, self.p90, self.p99]
            .iter()
            .all(Option::is_none)
    }
}

impl Endpoint {
    /// Both token prices are exactly zero.
    pub fn is_free(&self) -> bool {
        self.pricing.is_free()
    }
}

/// `{"data": ListEndpointsResponse}` (OpenAPI `listEndpoints`).
#[derive(Deserialize)]
struct WireList {
    data: WireModel,
}

#[derive(Deserialize)]
struct WireModel {
    id: String,
    #[serde(default)]
    name: Option<String>,
    /// Each entry is read on its own, so one malformed entry is skipped
    /// (with a note) instead of failing the list.
    #[serde(default)]
    endpoints: Option<Vec<Box<RawValue>>>,
}

#[derive(Deserialize)]
struct WireEndpoint {
    #[serde(default)]
    provider_name: Option<String>,
    #[serde(default)]
    tag: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    quantization: Option<String>,
    #[serde(default)]
    context_length: RawNumber,
    #[serde(default)]
    max_completion_tokens: RawNumber,
    #[serde(default)]
    max_prompt_tokens: RawNumber,
    #[serde(default)]
    pricing: Option<Box<RawValue>>,
    #[serde(default)]
    status: RawNumber,
    #[serde(default)]
    uptime_last_5m: RawNumber,
    #[serde(default)]
    uptime_last_30m: RawNumber,
    #[serde(default)]
    uptime_last_1d: RawNumber,
    #[serde(default)]
    latency_last_30m: Option<WirePercentiles>,
    #[serde(default)]
    throughput_last_30m: Option<WirePercentiles>,
    #[serde(default)]
    supported_parameters: Option<Vec<String>>,
    #[serde(default)]
    supports_implicit_caching: Option<bool>,
}

#[derive(Deserialize)]
struct WirePercentiles {
    #[serde(default)]
    p50: RawNumber,
    #[serde(default)]
    p75: RawNumber,
    #[serde(default)]
    p90: RawNumber,
    #[serde(default)]
    p99: RawNumber,
}

/// Parses an endpoints body. A figure beyond belief is unknown with a note;
/// an entry that is not an endpoint is skipped with a note; a body that is
/// not an endpoint list at all is `malformed_response`.
pub fn parse_endpoints(body: &[u8]) -> Result<ModelEndpoints, RouterError> {
    if super::html::is_html(body) {
        return Err(RouterError::malformed(format!(
            "the endpoint list is an {}",
            super::html::html_summary(body)
        )));
    }
    let wire: WireList = serde_json::from_slice(body)
        .map_err(|e| RouterError::malformed(format!("the endpoint list does not parse: {e}")))?;
    let model = wire.data;
    let mut notes = Vec::new();
    let Some(entries) = model.endpoints else {
        return Err(RouterError::malformed(
            "the endpoint list has no `endpoints` array",
        ));
    };
    let mut endpoints = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        match serde_json::from_str::<WireEndpoint>(entry.get()) {
            Ok(wire) => endpoints.push(endpoint(wire, index, &mut notes)),
            Err(e) => notes.push(format!("endpoint {} is skipped: {e}", index + 1)),
        }
    }
    Ok(ModelEndpoints {
        name: model.name.unwrap_or_else(|| model.id.clone()),
        id: model.id,
        endpoints,
        notes,
    })
}

fn endpoint(wire: WireEndpoint, index: usize, notes: &mut Vec<String>) -> Endpoint {
    let tag = wire.tag.unwrap_or_default();
    let provider_name = wire
        .provider_name
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| format!("endpoint {}", index + 1));
    // Notes name the upstream, so a reader knows whose figure is unknown.
    let mut own = Vec::new();
    let mut count =
        |field: &str, raw: &RawNumber| checked(&mut own, field, raw, figures::token_count);
    let context_length = count("context_length", &wire.context_length);
    let max_completion_tokens = count("max_completion_tokens", &wire.max_completion_tokens);
    let max_prompt_tokens = count("max_prompt_tokens", &wire.max_prompt_tokens);
    let mut uptime = |field: &str, raw: &RawNumber| checked(&mut own, field, raw, figures::percent);
    let uptime_last_5m = uptime("uptime_last_5m", &wire.uptime_last_5m);
    let uptime_last_30m = uptime("uptime_last_30m", &wire.uptime_last_30m);
    let uptime_last_1d = uptime("uptime_last_1d", &wire.uptime_last_1d);
    let status = checked(&mut own, "status", &wire.status, status_code);
    let latency = percentiles(
        "latency_last_30m",
        wire.latency_last_30m.as_ref(),
        figures::millis_exact,
        &mut own,
    );
    if let Some(p50) = latency.and_then(|l| l.p50)
        && p50 > 0.0
        && p50 < 1.0
    {
        own.push(format!(
            "latency_last_30m p50 is {p50}: under a millisecond, which no upstream answers in; \
             OpenRouter documents milliseconds, so it is shown as sent (it may be seconds)"
        ));
    }
    let throughput = percentiles(
        "throughput_last_30m",
        wire.throughput_last_30m.as_ref(),
        figures::rate,
        &mut own,
    );
    notes.extend(
        own.into_iter()
            .map(|note| format!("{provider_name}: {note}")),
    );
    let (pricing, discount) = pricing(wire.pricing.as_deref(), &provider_name, notes);
    Endpoint {
        provider_name,
        tag,
        name: wire.name.unwrap_or_default(),
        quantization: wire.quantization.filter(|q| !q.trim().is_empty()),
        context_length,
        max_completion_tokens,
        max_prompt_tokens,
        pricing,
        discount,
        status,
        uptime_last_5m,
        uptime_last_30m,
        uptime_last_1d,
        latency_last_30m_ms: latency,
        throughput_last_30m: throughput,
        supported_parameters: wire.supported_parameters.unwrap_or_default(),
        supports_implicit_caching: wire.supports_implicit_caching,
    }
}

/// The four percentiles, each checked; None when none is known.
fn percentiles(
    field: &str,
    wire: Option<&WirePercentiles>,
    check: fn(&str, &str) -> Result<Option<f64>, figures::Reason>,
    notes: &mut Vec<String>,
) -> Option<Percentiles> {
    let wire = wire?;
    let mut read =
        |name: &str, raw: &RawNumber| checked(notes, &format!("{field} {name}"), raw, check);
    let percentiles = Percentiles {
        p50: read("p50", &wire.p50),
        p75: read("p75", &wire.p75),
        p90: read("p90", &wire.p90),
        p99: read("p99", &wire.p99),
    };
    (!percentiles.is_empty()).then_some(percentiles)
}

/// The endpoint's prices through the catalog's checks, and its discount
/// (a fraction from 0 to 1); notes name the upstream `who`.
fn pricing(raw: Option<&RawValue>, who: &str, notes: &mut Vec<String>) -> (Pricing, Option<f64>) {
    let Some(raw) = raw else {
        return (Pricing::unknown(), None);
    };
    let value: serde_json::Value = match serde_json::from_str(raw.get()) {
        Ok(value) => value,
        Err(e) => {
            notes.push(format!(
                "{who}: pricing does not parse ({e}): prices unknown"
            ));
            return (Pricing::unknown(), None);
        }
    };
    let discount = value.get("discount").and_then(|d| {
        let text = d.to_string();
        match figures::percent("pricing.discount", &text) {
            Ok(Some(fraction)) if fraction <= 1.0 => Some(fraction),
            Ok(None) => None,
            Ok(Some(_)) | Err(_) => {
                notes.push(format!(
                    "{who}: pricing.discount {} is not a fraction from 0 to 1: shown as unknown",
                    figures::shown(&text)
                ));
                None
            }
        }
    });
    (
        super::catalog::parse_pricing(who, Some(&value), notes),
        discount,
    )
}

/// OpenRouter's endpoint status: a small whole number, negative or zero.
fn status_code(field: &str, json: &str) -> Result<Option<i64>, figures::Reason> {
    match json.trim() {
        // Some of OpenRouter's SDK docs show a word ("default"): not a code.
        "null" => Ok(None),
        text if text.starts_with('"') => Ok(None),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|code| (-1000..=1000).contains(code))
            .map(Some)
            .ok_or_else(|| format!("{field} {} is not a status code", figures::shown(text))),
    }
}

/// Model variants that are routing shortcuts, not models of their own: the
/// endpoint list is asked for without them.
const VARIANTS: [&str; 7] = [
    "free", "nitro", "floor", "online", "thinking", "extended", "exacto",
];

/// The model id without a variant suffix, and the variant.
pub fn split_variant(model: &str) -> (&str, Option<&str>) {
    match model.rsplit_once(':') {
        Some((base, variant)) if VARIANTS.contains(&variant) => (base, Some(variant)),
        _ => (model, None),
    }
}

impl Router {
    /// `GET {base}/models/{author}/{slug}/endpoints` on an OpenRouter-kind
    /// provider, with its key when it has one (OpenRouter shows latency and
    /// throughput only to callers with a key). A `:free` model keeps only
    /// its free endpoints; other variants ask for the model itself.
    pub async fn fetch_endpoints(&self, model: &ModelRef) -> Result<ModelEndpoints, RouterError> {
        let provider = self.providers().get(&model.provider).ok_or_else(|| {
            RouterError::new(
                ErrorKind::BadRequest,
                format!("unknown provider '{}'", model.provider),
            )
        })?;
        if provider.kind != ProviderKind::OpenRouter {
            return Err(RouterError::new(
                ErrorKind::BadRequest,
                format!(
                    "{} is not OpenRouter: only OpenRouter lists a model's upstreams",
                    provider.name
                ),
            ));
        }
        let (base, variant) = split_variant(&model.model);
        let Some((author, slug)) = base
            .split_once('/')
            .filter(|(a, s)| !a.is_empty() && !s.is_empty())
        else {
            return Err(RouterError::new(
                ErrorKind::BadRequest,
                format!(
                    "'{}' is not an OpenRouter model id (author/slug)",
                    model.model
                ),
            ));
        };
        let url = format!(
            "{}/models/{}/{}/endpoints",
            provider.base_url,
            super::account::query_escape(author),
            super::account::query_escape(slug)
        );
        let body = match self
            .get(
                provider,
                &url,
                Duration::from_secs(30),
                MAX_ENDPOINTS_BODY_BYTES,
            )
            .await
        {
            Ok(body) => body,
            Err(error) if error.status == Some(404) => {
                return Err(RouterError {
                    kind: ErrorKind::UnknownModel,
                    message: format!("{} lists no model '{base}'", provider.name),
                    ..error
                });
            }
            Err(error) => return Err(error),
        };
        let mut list = parse_endpoints(&self.redactor().redact_bytes(body))
            .map_err(|error| self.redactor().error(error))?;
        if variant == Some("free") {
            list.endpoints.retain(Endpoint::is_free);
        }
        Ok(list)
    }
}

/// One column per upstream of `written` (the model as the user wrote it),
/// as columns are written: `MODEL@SLUG`, pinned to that upstream. Upstreams
/// without a usable slug, or with one already taken, cannot be pinned
/// apart: they are left out, with a note.
pub fn upstream_columns(
    written: &str,
    list: &ModelEndpoints,
    notes: &mut Vec<String>,
) -> Vec<String> {
    let mut slugs: Vec<&str> = Vec::new();
    for endpoint in &list.endpoints {
        let slug = endpoint.tag.trim();
        if !super::columns::valid_slug(slug) {
            notes.push(format!(
                "{}: no slug to pin it by; left out",
                endpoint.provider_name
            ));
        } else if slugs.contains(&slug) {
            notes.push(format!(
                "{}: its slug {slug} is listed twice; one column",
                endpoint.provider_name
            ));
        } else {
            slugs.push(slug);
        }
    }
    let model = written.trim();
    slugs.iter().map(|slug| format!("{model}@{slug}")).collect()
}

#[cfg(test)]
mod tests;
