//! One request to one provider: send it, read the SSE body through the
//! decoder, and turn chunks into `StreamEvent`s. Retrying and falling back
//! are the caller's business (`run.rs`); this file only reports what happened.

use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::RouterSettings;
use super::body::{self, Clock, Read, Stop};
use super::error::{self, ErrorContext, ErrorKind, RouterError};
use super::events::{RunResult, StreamEvent};
use super::provider::{Provider, ProviderKind};
use super::redact::Redactor;
use super::reply;
use super::sse::SseDecoder;
use super::wire;

mod chunk_reader;
use chunk_reader::ChunkReader;

/// Hands events to the listener (if any) and folds them into the result.
pub(super) struct Emitter<'a> {
    pub tx: Option<&'a mpsc::Sender<StreamEvent>>,
    /// Whether the listener wants text deltas too, or only how the run goes.
    pub deltas: bool,
    pub result: &'a mut RunResult,
}

impl Emitter<'_> {
    pub async fn emit(&mut self, event: StreamEvent) {
        self.result.apply(&event);
        if let Some(tx) = self.tx
            && (self.deltas || !event.is_delta())
        {
            // A listener that went away (the CLI printing, the TUI closing)
            // must not stop the stream; the result still collects it.
            let _ = tx.send(event).await;
        }
    }
}

/// How one attempt ended, when it did not succeed.
pub(super) struct AttemptFailure {
    pub error: RouterError,
    /// Tokens were already shown: retrying would repeat them.
    pub produced_output: bool,
}

pub(super) struct AttemptRequest<'a> {
    pub http: &'a reqwest::Client,
    pub provider: &'a Provider,
    /// The model, or an OpenRouter fallback chain.
    pub models: &'a [&'a str],
    pub body: &'a serde_json::Value,
    pub settings: &'a RouterSettings,
    pub cancel: &'a CancellationToken,
    /// Keeps keys out of everything the server says.
    pub redactor: &'a Redactor,
}

/// A JSON answer may carry this much beside its text (ids, usage, escapes).
const JSON_ANSWER_OVERHEAD_BYTES: usize = 64 * 1024;

pub(super) async fn attempt(
    request: &AttemptRequest<'_>,
    out: &mut Emitter<'_>,
    sent_at: Instant,
) -> Result<(), AttemptFailure> {
    let provider = request.provider;
    let url = provider.chat_url();
    let model_label = request.models.join(",");
    let ctx = ErrorContext::of(provider, &model_label);
    let fail = |error: RouterError| AttemptFailure {
        error,
        produced_output: false,
    };

    if provider.is_missing_key() {
        let var = provider.api_key_env.as_deref().unwrap_or_default();
        return Err(fail(RouterError::missing_key(&provider.name, var)));
    }

    let builder = build_request(request, &url);
    let settings = request.settings;
    let idle = settings.idle_timeout;
    let clock = Clock::start(idle, settings.request_timeout);
    let response = match body::wait(builder.send(), &clock, request.cancel).await {
        Err(stop) => {
            let error = match stop {
                Stop::Cancelled => RouterError::cancelled(),
                Stop::Deadline => RouterError::deadline(clock.request_timeout),
                Stop::Idle => RouterError::new(
                    ErrorKind::Timeout,
                    format!(
                        "no response from {} within {}s",
                        provider.base_url,
                        idle.as_secs()
                    ),
                ),
            };
            return Err(fail(error));
        }
        Ok(Err(err)) => {
            return Err(fail(error::from_transport(
                err,
                &provider.base_url,
                settings.connect_timeout,
            )));
        }
        Ok(Ok(response)) => response,
    };

    let status = response.status();
    // OpenRouter names the generation in a header; the chunks' `id` is the fallback.
    out.result.generation_id = response
        .headers()
        .get("x-generation-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_string);
    // Anything but a 200 is refused: its (small) body says why, read once.
    if status != reqwest::StatusCode::OK {
        let retry_after = error::retry_after(response.headers(), SystemTime::now());
        let body = small_body(response, &clock, request.cancel).await;
        let error = if status.is_success() {
            request
                .redactor
                .error(reply::unexpected_success(status.as_u16(), &body))
        } else {
            error::from_http(status.as_u16(), &body, retry_after, &ctx)
        };
        return Err(fail(error));
    }

    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if content_type.starts_with("text/html") {
        // A captive portal or a proxy's page, not an answer.
        let body = small_body(response, &clock, request.cancel).await;
        let error = RouterError::malformed(super::html::html_summary(&body));
        return Err(fail(request.redactor.error(error)));
    }
    let mut reader = ChunkReader::new(request, &ctx, sent_at);
    let outcome = if content_type.starts_with("application/json") {
        read_json(response, &clock, &mut reader, out).await
    } else {
        read_stream(response, &clock, &mut reader, out).await
    };
    // Text held back while it could have been the start of a key is shown
    // now, whatever the outcome (`finish` already did on success).
    reader.flush_held(out).await;
    outcome
}

/// A body that is not an answer (an error, a proxy's page), read once and
/// capped: what arrived is enough to say why.
async fn small_body(
    response: reqwest::Response,
    clock: &Clock,
    cancel: &CancellationToken,
) -> Vec<u8> {
    body::read_capped(
        response.bytes_stream(),
        super::MAX_SMALL_BODY_BYTES,
        clock,
        cancel,
    )
    .await
    .into_bytes()
}

/// Some proxies ignore `stream: true` and answer with one JSON body.
async fn read_json(
    response: reqwest::Response,
    clock: &Clock,
    reader: &mut ChunkReader<'_>,
    out: &mut Emitter<'_>,
) -> Result<(), AttemptFailure> {
    let limit = reader
        .max_answer_bytes
        .saturating_add(JSON_ANSWER_OVERHEAD_BYTES);
    let read = body::read_capped(response.bytes_stream(), limit, clock, reader.cancel);
    let body = match read.await {
        Read::Whole(body) => body,
        Read::Capped(_) => {
            return Err(reader.failure(RouterError::too_large(
                "the JSON answer",
                limit,
                "[limits] max_answer_mib",
            )));
        }
        Read::Cut(_, stop) => return Err(reader.failure(reader.stopped(stop, clock))),
    };
    let chunk = reply::completion_from_json(&body)
        .map_err(|error| reader.failure(reader.redactor.error(error)))?;
    reader.on_chunk(chunk, out).await?;
    reader.saw_done = true;
    reader.finish(out).await
}

async fn read_stream(
    response: reqwest::Response,
    clock: &Clock,
    reader: &mut ChunkReader<'_>,
    out: &mut Emitter<'_>,
) -> Result<(), AttemptFailure> {
    let mut body = response.bytes_stream();
    let mut decoder = SseDecoder::with_max_event_bytes(reader.max_event_bytes);
    let mut frames = Vec::new();
    loop {
        match body::wait(body.next(), clock, reader.cancel).await {
            Err(stop) => return Err(reader.failure(reader.stopped(Some(stop), clock))),
            Ok(Some(Err(err))) => {
                let error = RouterError::new(
                    ErrorKind::StreamEndedEarly,
                    format!(
                        "stream ended early: the connection broke ({})",
                        wire::one_line(&err.to_string())
                    ),
                )
                .caused_by(err);
                return Err(reader.failure(error));
            }
            Ok(Some(Ok(bytes))) => {
                reader.keep_head(&bytes);
                decoder.feed(&bytes, &mut frames);
            }
            Ok(None) => {
                decoder.finish(&mut frames);
                reader.handle_frames(&mut frames, out).await?;
                return reader.finish(out).await;
            }
        }
        reader.handle_frames(&mut frames, out).await?;
        if reader.saw_done {
            // The body's end (the last chunk) usually follows [DONE] at
            // once: read it aside, so the connection goes back to the pool
            // warm for the next prompt. A server that keeps the body open
            // after [DONE] gets the connection closed instead.
            tokio::spawn(drain_after_done(body));
            return reader.finish(out).await;
        }
    }
}

/// What may follow `[DONE]` before the body ends, at most.
const DRAIN_BYTES: usize = 64 * 1024;
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// Reads a body to its end within [`DRAIN_BYTES`] and [`DRAIN_TIME`], then
/// drops it: a body read to its end leaves its connection reusable.
async fn drain_after_done<B: AsRef<[u8]>>(
    mut body: impl futures_util::Stream<Item = reqwest::Result<B>> + Unpin,
) {
    let mut read = 0usize;
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        while let Some(Ok(bytes)) = body.next().await {
            read = read.saturating_add(bytes.as_ref().len());
            if read > DRAIN_BYTES {
                break;
            }
        }
    })
    .await;
}

fn build_request(request: &AttemptRequest<'_>, url: &str) -> reqwest::RequestBuilder {
    let provider = request.provider;
    let mut builder = request
        .http
        .post(url)
        .header(reqwest::header::ACCEPT, "text/event-stream")
        .header(reqwest::header::CONTENT_TYPE, "application/json");
    if let Some(key) = &provider.api_key {
        builder = builder.bearer_auth(key.expose());
    }
    if provider.kind == ProviderKind::OpenRouter {
        let attribution = &request.settings.attribution;
        builder = builder
            .header("HTTP-Referer", attribution.referer.as_str())
            .header("X-Title", attribution.title.as_str())
            .header("X-OpenRouter-Title", attribution.title.as_str());
    }
    for (name, value) in &provider.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder.body(request.body.to_string())
}
