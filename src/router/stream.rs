//! One request to one provider: send it, read the SSE body through the
//! decoder, and turn chunks into `StreamEvent`s. Retrying and falling back
//! are the caller's business (`run.rs`); this file only reports what happened.

use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::RouterSettings;
use super::error::{self, ErrorContext, ErrorKind, RouterError};
use super::events::{RunResult, StreamEvent, ToolCallDelta};
use super::provider::{Provider, ProviderKind};
use super::reply;
use super::sse::{Frame, SseDecoder};
use super::wire::{self, Chunk};

/// Hands events to the listener (if any) and folds them into the result.
pub(super) struct Emitter<'a> {
    pub tx: Option<&'a mpsc::Sender<StreamEvent>>,
    pub result: &'a mut RunResult,
}

impl Emitter<'_> {
    pub async fn emit(&mut self, event: StreamEvent) {
        self.result.apply(&event);
        if let Some(tx) = self.tx {
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
}

/// Largest error body we read; they are a few hundred bytes in practice.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

pub(super) async fn attempt(
    request: &AttemptRequest<'_>,
    out: &mut Emitter<'_>,
    sent_at: Instant,
) -> Result<(), AttemptFailure> {
    let provider = request.provider;
    let url = provider.chat_url();
    let model_label = request.models.join(",");
    let ctx = ErrorContext {
        provider: &provider.name,
        model: &model_label,
        url: &provider.base_url,
        key_env: provider.api_key_env.as_deref(),
    };
    let fail = |error: RouterError| AttemptFailure {
        error,
        produced_output: false,
    };

    if provider.is_missing_key() {
        let var = provider.api_key_env.as_deref().unwrap_or_default();
        return Err(fail(RouterError::missing_key(&provider.name, var)));
    }

    let builder = build_request(request, &url);
    let idle = request.settings.idle_timeout;
    let response = tokio::select! {
        biased;
        _ = request.cancel.cancelled() => return Err(fail(RouterError::cancelled())),
        sent = tokio::time::timeout(idle, builder.send()) => match sent {
            Err(_) => {
                return Err(fail(RouterError::new(
                    ErrorKind::Timeout,
                    format!("no response from {} within {}s", provider.base_url, idle.as_secs()),
                )));
            }
            Ok(Err(err)) => {
                return Err(fail(error::from_transport(&err, &provider.base_url, request.settings.connect_timeout)));
            }
            Ok(Ok(response)) => response,
        },
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
    if !status.is_success() {
        let retry_after = error::retry_after(response.headers(), SystemTime::now());
        let body = read_bounded(response, idle, request.cancel).await;
        return Err(fail(error::from_http(
            status.as_u16(),
            &body,
            retry_after,
            &ctx,
        )));
    }
    if status != reqwest::StatusCode::OK {
        let body = read_bounded(response, idle, request.cancel).await;
        return Err(fail(reply::unexpected_success(status.as_u16(), &body)));
    }

    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if content_type.starts_with("text/html") {
        // A captive portal or a proxy's page, not an answer.
        let body = read_bounded(response, idle, request.cancel).await;
        return Err(fail(RouterError::malformed(reply::html_summary(&body))));
    }
    let mut reader = ChunkReader::new(provider, request.models, &ctx, sent_at);
    if content_type.starts_with("application/json") {
        // Some proxies ignore `stream: true` and answer with one JSON body.
        let body = read_bounded(response, idle, request.cancel).await;
        let chunk = reply::completion_from_json(&body).map_err(fail)?;
        reader.on_chunk(chunk, out).await;
        reader.saw_done = true;
        return reader.finish(out).await;
    }

    let mut body = response.bytes_stream();
    let mut decoder = SseDecoder::with_max_event_bytes(request.settings.max_event_bytes);
    let mut frames = Vec::new();
    loop {
        let next = tokio::select! {
            biased;
            _ = request.cancel.cancelled() => {
                return Err(reader.failure(RouterError::cancelled()));
            }
            next = tokio::time::timeout(idle, body.next()) => next,
        };
        match next {
            Err(_) => return Err(reader.failure(RouterError::stalled(idle))),
            Ok(Some(Err(err))) => {
                let error = RouterError::new(
                    ErrorKind::StreamEndedEarly,
                    format!(
                        "stream ended early: the connection broke ({})",
                        wire::one_line(&err.to_string())
                    ),
                );
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
            // Dropping the body here closes the connection if the server
            // keeps it open after [DONE].
            return reader.finish(out).await;
        }
    }
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

/// Reads an error or non-streaming body, capped, giving up on a stall.
async fn read_bounded(
    response: reqwest::Response,
    idle: Duration,
    cancel: &CancellationToken,
) -> Vec<u8> {
    let mut body = response.bytes_stream();
    let mut out = Vec::new();
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.cancelled() => break,
            next = tokio::time::timeout(idle, body.next()) => next,
        };
        match next {
            Ok(Some(Ok(bytes))) => {
                let room = MAX_ERROR_BODY_BYTES.saturating_sub(out.len());
                out.extend_from_slice(&bytes[..bytes.len().min(room)]);
                if out.len() >= MAX_ERROR_BODY_BYTES {
                    break;
                }
            }
            _ => break,
        }
    }
    out
}

/// Interprets the chunks of one attempt.
struct ChunkReader<'a> {
    provider: &'a Provider,
    requested: &'a str,
    ctx: &'a ErrorContext<'a>,
    sent_at: Instant,
    started: bool,
    first_token: bool,
    produced_output: bool,
    finish_reason: Option<String>,
    /// An error chunk arrived; we keep reading for its usage, then fail.
    pending_error: Option<RouterError>,
    saw_done: bool,
    /// A chunk had a choice: this is a chat completion stream.
    saw_choice: bool,
    /// SSE frames (events or comments) decoded so far.
    frames_seen: usize,
    /// The first bytes of the body, to say what came when it was no stream.
    head: Vec<u8>,
}

impl<'a> ChunkReader<'a> {
    fn new(
        provider: &'a Provider,
        models: &'a [&'a str],
        ctx: &'a ErrorContext<'a>,
        sent_at: Instant,
    ) -> Self {
        ChunkReader {
            provider,
            requested: models.first().copied().unwrap_or_default(),
            ctx,
            sent_at,
            started: false,
            first_token: false,
            produced_output: false,
            finish_reason: None,
            pending_error: None,
            saw_done: false,
            saw_choice: false,
            frames_seen: 0,
            head: Vec::new(),
        }
    }

    fn keep_head(&mut self, bytes: &[u8]) {
        let room = reply::HEAD_BYTES.saturating_sub(self.head.len());
        self.head.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    fn failure(&self, error: RouterError) -> AttemptFailure {
        AttemptFailure {
            error,
            produced_output: self.produced_output,
        }
    }

    async fn handle_frames(
        &mut self,
        frames: &mut Vec<Frame>,
        out: &mut Emitter<'_>,
    ) -> Result<(), AttemptFailure> {
        for frame in frames.drain(..) {
            self.frames_seen += 1;
            if self.saw_done {
                continue;
            }
            match frame {
                Frame::Comment(_) => {}
                Frame::TooLarge { limit_bytes } => {
                    return Err(self.failure(RouterError::malformed(format!(
                        "an event was larger than {} MiB",
                        limit_bytes / (1024 * 1024)
                    ))));
                }
                Frame::Event(event) => {
                    if event.is_done() {
                        self.saw_done = true;
                        continue;
                    }
                    if event.data.trim().is_empty() {
                        continue;
                    }
                    let chunk: Chunk = wire::parse_chunk(&event.data).map_err(|e| {
                        let head: String = event.data.chars().take(80).collect();
                        self.failure(RouterError::malformed(format!(
                            "a stream event is not JSON ({e}): {head}"
                        )))
                    })?;
                    self.on_chunk(chunk, out).await;
                }
            }
        }
        Ok(())
    }

    async fn on_chunk(&mut self, chunk: Chunk, out: &mut Emitter<'_>) {
        // Other servers' ids ("chatcmpl-…") name nothing we could look up.
        if self.provider.kind == ProviderKind::OpenRouter
            && out.result.generation_id.is_none()
            && let Some(id) = chunk.id.as_ref().filter(|id| !id.is_empty())
        {
            out.result.generation_id = Some(id.clone());
        }
        if !self.started && (chunk.model.is_some() || !chunk.choices.is_empty()) {
            self.started = true;
            let served_model = chunk
                .model
                .clone()
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| self.requested.to_string());
            let provider = chunk
                .provider
                .clone()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| self.provider.name.clone());
            out.emit(StreamEvent::Started {
                served_model,
                provider,
            })
            .await;
        }
        self.saw_choice |= !chunk.choices.is_empty();
        if let Some(wire_error) = &chunk.error
            && self.pending_error.is_none()
        {
            self.pending_error = Some(error::from_stream_error(wire_error, self.ctx));
        }
        for choice in chunk.choices.iter().filter(|c| c.index.unwrap_or(0) == 0) {
            let Some(delta) = choice.delta.as_ref().or(choice.message.as_ref()) else {
                continue;
            };
            if let Some(reasoning) = delta.reasoning_text().filter(|t| !t.is_empty()) {
                self.first_token(out).await;
                out.emit(StreamEvent::Reasoning(reasoning)).await;
            }
            if let Some(content) = delta.content.as_ref().filter(|t| !t.is_empty()) {
                self.first_token(out).await;
                out.emit(StreamEvent::Content(content.clone())).await;
            }
            for call in &delta.tool_calls {
                self.produced_output = true;
                let function = call.function.as_ref();
                out.emit(StreamEvent::ToolCall(ToolCallDelta {
                    index: call.index.unwrap_or(0),
                    id: call.id.clone(),
                    name: function.and_then(|f| f.name.clone()),
                    arguments: function
                        .and_then(|f| f.arguments.clone())
                        .unwrap_or_default(),
                }))
                .await;
            }
            if let Some(reason) = choice.finish_reason.as_ref().filter(|r| !r.is_empty()) {
                if reason == "error" && self.pending_error.is_none() && chunk.error.is_none() {
                    self.pending_error = Some(RouterError::new(
                        ErrorKind::ServerError,
                        format!(
                            "{} stopped with finish_reason \"error\" and no details",
                            self.requested
                        ),
                    ));
                }
                self.finish_reason = Some(reason.clone());
            }
        }
        if let Some(usage) = &chunk.usage {
            let counts = usage.to_usage();
            let cost = usage.reported_cost_usd();
            if let Err(reason) = &counts {
                let note = format!("{reason}: the token counts are unknown");
                out.emit(StreamEvent::Note(note)).await;
            }
            if let Err(reason) = &cost {
                let note = format!("{reason}: the cost is unknown");
                out.emit(StreamEvent::Note(note)).await;
            }
            out.emit(StreamEvent::Usage {
                usage: counts.ok(),
                reported_cost_usd: cost.ok().flatten(),
            })
            .await;
        }
    }

    /// What came instead of chat chunks, when something did: a body that
    /// is no event stream at all (an HTML page, JSON sent as the wrong type:
    /// an error object in it is reported as such), or events that hold no
    /// chat chunk. None for a stream that just ended before its first
    /// chunk (that may be retried).
    fn not_a_stream(&self) -> Option<RouterError> {
        if self.frames_seen == 0 {
            if self.head.is_empty() {
                return None;
            }
            if let Some(wire_error) = reply::error_object(&self.head) {
                return Some(error::from_stream_error(&wire_error, self.ctx));
            }
            return Some(RouterError::malformed(reply::describe(&self.head)));
        }
        self.saw_done.then(|| {
            RouterError::malformed("the stream ended without a single chat completion chunk")
        })
    }

    async fn first_token(&mut self, out: &mut Emitter<'_>) {
        self.produced_output = true;
        if !self.first_token {
            self.first_token = true;
            let ttft_ms = self.sent_at.elapsed().as_millis() as u64;
            out.emit(StreamEvent::FirstToken { ttft_ms }).await;
        }
    }

    /// The end of the body: success only after `[DONE]` or a finish reason,
    /// and only for a stream of chat chunks.
    async fn finish(&mut self, out: &mut Emitter<'_>) -> Result<(), AttemptFailure> {
        if let Some(error) = self.pending_error.take() {
            return Err(self.failure(error));
        }
        if !self.saw_choice
            && let Some(error) = self.not_a_stream()
        {
            return Err(self.failure(error));
        }
        if !self.saw_done && self.finish_reason.is_none() {
            return Err(self.failure(RouterError::ended_early()));
        }
        out.emit(StreamEvent::Finished {
            finish_reason: self.finish_reason.clone(),
        })
        .await;
        Ok(())
    }
}
