//! The routing core: providers, the model catalog, the SSE decoder, typed
//! stream events, pricing, the checks on every number a server sends
//! (`figures`) and on replies that are no chat completion (`reply`), errors,
//! retries and fallback; the routers that pick a column's model per prompt;
//! OpenRouter provider preferences, client-side pacing, account records
//! (`/generation`, `/key`) and local server discovery. It knows nothing of
//! terminals; the TUI and the headless CLI both drive it.

pub mod account;
mod answer_text;
pub mod catalog;
pub mod catalog_cache;
pub mod catalog_load;
pub mod chat;
pub mod columns;
pub mod complexity;
pub mod direct;
pub mod discovery;
pub mod endpoints;
pub mod error;
pub mod events;
pub mod figures;
pub mod finish;
pub mod html;
pub mod pacing;
pub mod policy;
pub mod preferences;
pub mod pricing;
pub mod provider;
pub mod redact;
pub mod reply;
pub mod retry;
pub mod sse;
pub mod tokens;
pub mod usage;
pub mod warm;
pub mod wire;

mod body;
mod run;
mod stream;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::clock::{Clock, SystemClock};

pub use account::{GenerationRecord, GenerationWait, KeyInfo};
pub use chat::{ChatMessage, ChatParams, Role, Target};
pub use error::{ErrorKind, RouterError};
pub use events::{CostSource, RunResult, StreamEvent};
pub use pacing::PacingSettings;
pub use preferences::{MaxPrice, ProviderPrefs, ProviderSort, Variant};
pub use provider::{ModelRef, Provider, ProviderKind, Providers};
pub use retry::RetryPolicy;

/// Reasoning models think for minutes before the first token; half an hour
/// leaves them room and still ends a request that never will.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(1800);
/// Long answers are a few hundred KiB; 16 MiB is far past any real one.
pub const DEFAULT_MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
/// OpenRouter's full listing is about 1.5 MiB.
pub const DEFAULT_MAX_CATALOG_BYTES: usize = 32 * 1024 * 1024;
/// Error bodies, `/generation` and `/key` records are a few hundred bytes.
pub const MAX_SMALL_BODY_BYTES: usize = 64 * 1024;

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
    /// One attempt, from sending the request to the answer's last byte, ends
    /// by then whatever trickles in (keep-alive comments included).
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// The largest SSE event accepted; a bigger one fails the stream.
    pub max_event_bytes: usize,
    /// The most answer text (content, reasoning and tool-call arguments)
    /// one attempt may bring; past it the stream fails, keeping what came.
    pub max_answer_bytes: usize,
    /// The largest `/models` body read (catalogs, discovery probes).
    pub max_catalog_bytes: usize,
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
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            connect_timeout: Duration::from_secs(10),
            max_event_bytes: sse::DEFAULT_MAX_EVENT_BYTES,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            max_catalog_bytes: DEFAULT_MAX_CATALOG_BYTES,
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
    /// Every key of every provider, kept out of server text.
    redactor: redact::Redactor,
    settings: RouterSettings,
    /// Shared by every run, so pacing holds across panes and turns.
    pacer: pacing::Pacer,
    /// What retry backoff, pacing and generation lookups wait on.
    clock: Arc<dyn Clock>,
}

impl Router {
    pub fn new(providers: Providers, settings: RouterSettings) -> Result<Router, RouterError> {
        Router::with_clock(providers, settings, Arc::new(SystemClock))
    }

    /// A router whose waits (retry backoff, pacing, generation lookups) run
    /// on `clock`: a `ManualClock` lets tests check them without waiting.
    pub fn with_clock(
        providers: Providers,
        settings: RouterSettings,
        clock: Arc<dyn Clock>,
    ) -> Result<Router, RouterError> {
        // reqwest is built without a default crypto provider (aws-lc-rs takes
        // minutes to compile on small machines); ring is installed once here.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .tcp_nodelay(true)
            // Warm connections (`warm`) wait here for the prompt: idle ones
            // live 90 s; HTTP/2 ones are kept alive with pings meanwhile.
            .pool_idle_timeout(warm::POOL_IDLE)
            .tcp_keepalive(Duration::from_secs(30))
            .http2_keep_alive_interval(Duration::from_secs(20))
            .http2_keep_alive_while_idle(true)
            .user_agent(concat!("prism/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                RouterError::new(
                    ErrorKind::Connection,
                    format!("cannot start the HTTP client: {e}"),
                )
            })?;
        let redactor = redact::Redactor::new(
            providers
                .iter()
                .flat_map(Provider::known_keys)
                .map(provider::ApiKey::expose),
        );
        Ok(Router {
            inner: Arc::new(Inner {
                http,
                redactor,
                providers,
                pacer: pacing::Pacer::new(settings.pacing.window),
                settings,
                clock,
            }),
        })
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.inner.clock.as_ref()
    }

    pub fn providers(&self) -> &Providers {
        &self.inner.providers
    }

    pub fn settings(&self) -> &RouterSettings {
        &self.inner.settings
    }

    /// Redacts this run's keys (and `Bearer` tokens) from server text.
    pub fn redactor(&self) -> &redact::Redactor {
        &self.inner.redactor
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
        run::run_target(
            self,
            target,
            messages,
            params,
            events.as_ref(),
            true,
            &cancel,
        )
        .await
    }

    /// Like [`Router::run`], but `events` gets only how the run goes
    /// (attempts, pacing waits, retries, start, first token, usage, the
    /// end), never the text deltas: for listeners that read the text from
    /// the result, such as `prism eval`, this saves an event per token.
    pub async fn run_quietly(
        &self,
        target: &Target,
        messages: &[ChatMessage],
        params: &ChatParams,
        events: mpsc::Sender<StreamEvent>,
        cancel: CancellationToken,
    ) -> RunResult {
        run::run_target(
            self,
            target,
            messages,
            params,
            Some(&events),
            false,
            &cancel,
        )
        .await
    }

    /// `GET {base}/models` of one provider: the raw body, for the catalog.
    /// Capped at `max_catalog_bytes`; keys the server echoes are redacted.
    pub async fn fetch_models(&self, provider_name: &str) -> Result<Vec<u8>, RouterError> {
        let provider = self.providers().get(provider_name).ok_or_else(|| {
            RouterError::new(
                ErrorKind::BadRequest,
                format!("unknown provider '{provider_name}'"),
            )
        })?;
        let url = provider.models_url();
        let limit = self.settings().max_catalog_bytes;
        match self
            .get(provider, &url, Duration::from_secs(30), limit)
            .await
        {
            Err(error) if error.status == Some(404) => Err(RouterError {
                kind: ErrorKind::EndpointNotFound,
                message: format!("{url} answered 404: is the base URL right?"),
                ..error
            }),
            Err(error) if error.kind == ErrorKind::TooLarge => Err(RouterError {
                message: format!(
                    "the catalog at {url} passed {}, the cap ([limits] max_catalog_mib); nothing was cached",
                    crate::units::size(limit)
                ),
                ..error
            }),
            Err(error) => Err(error),
            Ok(body) => Ok(self.redactor().redact_bytes(body)),
        }
    }

    /// An authenticated GET to a provider (its key and extra headers): the
    /// body on 2xx (at most `limit_bytes`, else a `TooLarge` error), a typed
    /// error naming the provider otherwise, its server text redacted.
    /// Bounded by `timeout` and the idle timeout, whichever is shorter.
    pub(crate) async fn get(
        &self,
        provider: &Provider,
        url: &str,
        timeout: Duration,
        limit_bytes: usize,
    ) -> Result<Vec<u8>, RouterError> {
        self.get_unredacted(provider, url, timeout, limit_bytes)
            .await
            .map_err(|error| self.redactor().error(error))
    }

    async fn get_unredacted(
        &self,
        provider: &Provider,
        url: &str,
        timeout: Duration,
        limit_bytes: usize,
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
            .map_err(|e| error::from_transport(e, &provider.base_url, connect_timeout))?;
        let status = response.status().as_u16();
        let ok = (200..300).contains(&status);
        let limit_bytes = if ok {
            limit_bytes
        } else {
            MAX_SMALL_BODY_BYTES
        };
        // reqwest's own timeout ends the whole request; this clock only
        // mirrors it, and the cap keeps a huge body out of memory.
        let clock = body::Clock::start(timeout, timeout);
        let never = tokio_util::sync::CancellationToken::new();
        let read = body::read_capped(response.bytes_stream(), limit_bytes, &clock, &never).await;
        let body = match read {
            body::Read::Whole(body) => body,
            body::Read::Capped(body) if !ok => body,
            body::Read::Capped(_) => {
                return Err(RouterError::new(
                    ErrorKind::TooLarge,
                    format!(
                        "the body of {url} passed {}",
                        crate::units::size(limit_bytes)
                    ),
                ));
            }
            body::Read::Cut(_, Some(_)) => {
                return Err(RouterError::new(
                    ErrorKind::Timeout,
                    format!("timed out waiting for {url}"),
                ));
            }
            body::Read::Cut(_, None) => {
                return Err(RouterError::new(
                    ErrorKind::StreamEndedEarly,
                    format!("the connection broke while reading {url}"),
                ));
            }
        };
        if ok {
            return Ok(body);
        }
        let ctx = error::ErrorContext::of(provider, "");
        Err(error::from_http(status, &body, None, &ctx))
    }
}
