//! The routing core: providers, the model catalog, the SSE decoder, typed
//! stream events, pricing, the checks on every number a server sends
//! (`figures`) and on replies that are no chat completion (`reply`), errors,
//! retries and fallback; the routers that pick a column's model per prompt;
//! OpenRouter provider preferences, client-side pacing, account records
//! (`/generation`, `/key`) and local server discovery. It knows nothing of
//! terminals; the TUI and the headless CLI both drive it.

pub mod account;
pub mod catalog;
pub mod catalog_cache;
pub mod catalog_load;
pub mod chat;
pub mod complexity;
pub mod discovery;
pub mod error;
pub mod events;
pub mod figures;
pub mod pacing;
pub mod policy;
pub mod preferences;
pub mod pricing;
pub mod provider;
pub mod reply;
pub mod retry;
pub mod sse;
pub mod usage;
pub mod wire;

mod run;
mod stream;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub use account::{GenerationRecord, GenerationWait, KeyInfo};
pub use chat::{ChatMessage, ChatParams, Role, Target};
pub use error::{ErrorKind, RouterError};
pub use events::{CostSource, RunResult, StreamEvent};
pub use pacing::PacingSettings;
pub use preferences::{MaxPrice, ProviderPrefs, ProviderSort, Variant};
pub use provider::{ModelRef, Provider, ProviderKind, Providers};
pub use retry::RetryPolicy;

/// OpenRouter's app attribution (`HTTP-Referer`, `X-Title`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribution {
    pub referer: String,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RouterSettings {
    pub retry: RetryPolicy,
    /// A stream with no bytes for this long has stalled.
    pub idle_timeout: Duration,
    pub connect_timeout: Duration,
    /// The largest SSE event accepted; a bigger one fails the stream.
    pub max_event_bytes: usize,
    pub attribution: Attribution,
    /// Client-side pacing of rate-limited models (`:free` ones by default).
    pub pacing: PacingSettings,
    /// The privacy switch: `data_collection: deny` on every OpenRouter request.
    pub deny_data_collection: bool,
    /// How long to keep asking for a generation record that is not ready.
    pub generation_wait: GenerationWait,
}

impl Default for RouterSettings {
    fn default() -> Self {
        RouterSettings {
            retry: RetryPolicy::default(),
            idle_timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            max_event_bytes: sse::DEFAULT_MAX_EVENT_BYTES,
            attribution: Attribution {
                referer: "https://github.com/prism-llm/prism".into(),
                title: "prism".into(),
            },
            pacing: PacingSettings::default(),
            deny_data_collection: false,
            generation_wait: GenerationWait::default(),
        }
    }
}

/// The shared routing core. Cheap to clone: every pane's task holds one.
#[derive(Clone, Debug)]
pub struct Router {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    providers: Providers,
    settings: RouterSettings,
    /// Shared by every run, so pacing holds across panes and turns.
    pacer: pacing::Pacer,
}

impl Router {
    pub fn new(providers: Providers, settings: RouterSettings) -> Result<Router, RouterError> {
        // reqwest is built without a default crypto provider (aws-lc-rs takes
        // minutes to compile on small machines); ring is installed once here.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .tcp_nodelay(true)
            .user_agent(concat!("prism/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                RouterError::new(
                    ErrorKind::Connection,
                    format!("cannot start the HTTP client: {e}"),
                )
            })?;
        Ok(Router {
            inner: Arc::new(Inner {
                http,
                providers,
                pacer: pacing::Pacer::new(settings.pacing.window),
                settings,
            }),
        })
    }

    pub fn providers(&self) -> &Providers {
        &self.inner.providers
    }

    pub fn settings(&self) -> &RouterSettings {
        &self.inner.settings
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn pacer(&self) -> &pacing::Pacer {
        &self.inner.pacer
    }

    /// Streams one column to completion. Events go to `events` as they
    /// happen (send waits when the listener is behind, so nothing is lost);
    /// the result holds everything, including partial text after a failure.
    /// Cancelling closes the connection at once.
    pub async fn run(
        &self,
        target: &Target,
        messages: &[ChatMessage],
        params: &ChatParams,
        events: Option<mpsc::Sender<StreamEvent>>,
        cancel: CancellationToken,
    ) -> RunResult {
        run::run_target(self, target, messages, params, events.as_ref(), &cancel).await
    }

    /// `GET {base}/models` of one provider: the raw body, for the catalog.
    pub async fn fetch_models(&self, provider_name: &str) -> Result<Vec<u8>, RouterError> {
        let provider = self.providers().get(provider_name).ok_or_else(|| {
            RouterError::new(
                ErrorKind::BadRequest,
                format!("unknown provider '{provider_name}'"),
            )
        })?;
        let url = provider.models_url();
        match self.get(provider, &url, Duration::from_secs(30)).await {
            Err(error) if error.status == Some(404) => Err(RouterError {
                kind: ErrorKind::EndpointNotFound,
                message: format!("{url} answered 404: is the base URL right?"),
                ..error
            }),
            other => other,
        }
    }

    /// An authenticated GET to a provider (its key and extra headers): the
    /// body on 2xx, a typed error naming the provider otherwise. Bounded by
    /// `timeout` and the idle timeout, whichever is shorter.
    pub(crate) async fn get(
        &self,
        provider: &Provider,
        url: &str,
        timeout: Duration,
    ) -> Result<Vec<u8>, RouterError> {
        let mut builder = self
            .http()
            .get(url)
            .timeout(self.settings().idle_timeout.min(timeout));
        if let Some(key) = &provider.api_key {
            builder = builder.bearer_auth(key.expose());
        }
        for (name, value) in &provider.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let connect_timeout = self.settings().connect_timeout;
        let response = builder
            .send()
            .await
            .map_err(|e| error::from_transport(&e, &provider.base_url, connect_timeout))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| error::from_transport(&e, &provider.base_url, connect_timeout))?;
        if (200..300).contains(&status) {
            return Ok(body.to_vec());
        }
        let ctx = error::ErrorContext {
            provider: &provider.name,
            model: "",
            url: &provider.base_url,
            key_env: provider.api_key_env.as_deref(),
        };
        Err(error::from_http(status, &body, None, &ctx))
    }
}
