//! Finding local OpenAI-compatible servers (Ollama, LM Studio, llama.cpp,
//! vLLM) by asking `GET {base}/models` at their usual ports, all at once,
//! each with a short timeout, so a startup probe costs at most a fraction of
//! a second and never blocks anything (the TUI runs it in the background).

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::Value;

use super::catalog::{Catalog, CatalogError, CatalogSource, ParsedModels, parse_models};
use super::pricing::{Price, Pricing};

/// How long one probe may take; local servers answer in milliseconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(400);

/// The largest model list a probe reads. Local servers list a few KiB;
/// anything on a local port can answer, so a bigger body is not one of them
/// (and must not fill memory in the 400 ms a probe has).
pub const MAX_PROBE_BYTES: usize = 4 * 1024 * 1024;

/// The usual ports, by preset provider name.
pub const DEFAULT_PORTS: [(&str, u16); 4] = [
    ("ollama", 11434),
    ("lmstudio", 1234),
    ("llamacpp", 8080),
    ("vllm", 8000),
];

/// The base URL prism uses for a local server on `port`. IPv4 on purpose:
/// these servers listen on 127.0.0.1 by default, and `localhost` may try ::1 first.
pub fn local_base_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}/v1")
}

/// A server that answered like an OpenAI-compatible one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The provider name it was probed for ("ollama").
    pub provider: String,
    pub base_url: String,
    /// The `/models` body, ready for the catalog parser.
    pub body: Vec<u8>,
    pub model_count: usize,
}

impl Found {
    /// The models it serves, parsed as a catalog entry list.
    pub fn parsed(&self) -> Result<ParsedModels, CatalogError> {
        parse_models(&self.body)
    }

    /// Its catalog as of `now_unix`, priced at zero when `free` (the
    /// config's `[discovery] free`), else unknown.
    pub fn catalog(&self, now_unix: i64, free: bool) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::new(
            &self.provider,
            CatalogSource::Live,
            now_unix,
            self.parsed()?,
        );
        if free {
            price_as_free(&mut catalog);
        }
        Ok(catalog)
    }
}

/// Probes every `(provider name, base URL)` concurrently; returns those that
/// answered `GET {base}/models` with a model list within `timeout`, in the
/// order of `candidates`.
pub async fn discover(candidates: &[(String, String)], timeout: Duration) -> Vec<Found> {
    // The same TLS setup as the router (no default provider is compiled in),
    // though local probes are plain HTTP.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let Ok(http) = reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        // A proxy from the environment must never see localhost probes.
        .no_proxy()
        .user_agent(concat!("prism/", env!("CARGO_PKG_VERSION")))
        .build()
    else {
        return Vec::new();
    };
    let probes = candidates
        .iter()
        .map(|(provider, base_url)| probe(&http, provider, base_url, timeout));
    join_all(probes).await.into_iter().flatten().collect()
}

async fn probe(
    http: &reqwest::Client,
    provider: &str,
    base_url: &str,
    timeout: Duration,
) -> Option<Found> {
    let base_url = base_url.trim_end_matches('/');
    let url = format!("{base_url}/models");
    // The client's timeout covers the request; this one also covers a body
    // that trickles in.
    let fetch = async {
        let response = http.get(&url).send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        let clock = super::body::Clock::start(timeout, timeout);
        let never = tokio_util::sync::CancellationToken::new();
        let read =
            super::body::read_capped(response.bytes_stream(), MAX_PROBE_BYTES, &clock, &never);
        match read.await {
            super::body::Read::Whole(body) => Some(body),
            super::body::Read::Capped(_) | super::body::Read::Cut(..) => None,
        }
    };
    let body = tokio::time::timeout(timeout, fetch).await.ok()??;
    let model_count = model_count(&body)?;
    tracing::info!(provider, base_url, model_count, "found a local server");
    Some(Found {
        provider: provider.to_string(),
        base_url: base_url.to_string(),
        body,
        model_count,
    })
}

/// The number of models in an OpenAI-style `{"data": [...]}` list; None for
/// anything else (another kind of server on the port).
fn model_count(body: &[u8]) -> Option<usize> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value.get("data")?.as_array().map(Vec::len)
}

/// Prices every model of a local catalog at zero (`[discovery] free = true`):
/// the user's own hardware costs them nothing per token. Without it local
/// models stay unknown, never a made-up $0.
pub fn price_as_free(catalog: &mut Catalog) {
    for model in &mut catalog.models {
        model.pricing = Pricing {
            prompt: Price::Known(rust_decimal::Decimal::ZERO),
            completion: Price::Known(rust_decimal::Decimal::ZERO),
            ..Pricing::unknown()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_openai_model_lists_only() {
        assert_eq!(
            model_count(br#"{"object":"list","data":[{"id":"llama3.2:3b"},{"id":"qwen"}]}"#),
            Some(2)
        );
        assert_eq!(model_count(br#"{"data":[]}"#), Some(0));
        assert_eq!(model_count(b"<html>hello</html>"), None);
        assert_eq!(model_count(br#"{"models":[]}"#), None);
    }

    #[test]
    fn local_models_can_be_priced_free() {
        let body = br#"{"object":"list","data":[{"id":"llama3.2:3b","object":"model","owned_by":"library"}]}"#;
        let parsed = parse_models(body).expect("parses");
        let mut catalog = Catalog::new(
            "ollama",
            super::super::catalog::CatalogSource::Live,
            0,
            parsed,
        );
        assert!(!catalog.models[0].pricing.is_known());
        price_as_free(&mut catalog);
        assert!(catalog.models[0].is_free());
    }
}
