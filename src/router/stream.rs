//! One request to one provider: send it, read the SSE body through the
//! decoder, and turn chunks into `StreamEvent`s. Retrying and falling back
//! are the caller's business (`run.rs`); this file only reports what happened.

use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::RouterSettings;
use super::answer_text::{AnswerText, OverCap, TextKind};
use super::body::{self, Clock, Read, Stop};
use super::error::{self, ErrorContext, ErrorKind, RouterError};
use super::events::{RunResult, StreamEvent, ToolCallDelta};
use super::provider::{Provider, ProviderKind};
use super::redact::Redactor;
use super::reply;
use super::sse::{Frame, SseDecoder};
use super::wire::{self, Chunk};

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
        let read = body::read_capped(
            response.bytes_stream(),
            super::MAX_SMALL_BODY_BYTES,
            &clock,
            request.cancel,
        );
        let body = read.await.into_bytes();
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
        let read = body::read_capped(
            response.bytes_stream(),
            super::MAX_SMALL_BODY_BYTES,
            &clock,
            request.cancel,
        );
        let body = read.await.into_bytes();
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

/// Interprets the chunks of one attempt.
struct ChunkReader<'a> {
    provider: &'a Provider,
    requested: &'a str,
    ctx: &'a ErrorContext<'a>,
    cancel: &'a CancellationToken,
    redactor: &'a Redactor,
    max_event_bytes: usize,
    max_answer_bytes: usize,
    sent_at: Instant,
    started: bool,
    first_token: bool,
    first_answer: bool,
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
    /// The answer's text so far: redacted and within the cap.
    text: AnswerText,
}

impl<'a> ChunkReader<'a> {
    fn new(request: &'a AttemptRequest<'a>, ctx: &'a ErrorContext<'a>, sent_at: Instant) -> Self {
        ChunkReader {
            provider: request.provider,
            requested: request.models.first().copied().unwrap_or_default(),
            ctx,
            cancel: request.cancel,
            redactor: request.redactor,
            max_event_bytes: request.settings.max_event_bytes,
            max_answer_bytes: request.settings.max_answer_bytes,
            sent_at,
            started: false,
            first_token: false,
            first_answer: false,
            produced_output: false,
            finish_reason: None,
            pending_error: None,
            saw_done: false,
            saw_choice: false,
            frames_seen: 0,
            head: Vec::new(),
            text: AnswerText::new(request.redactor.clone(), request.settings.max_answer_bytes),
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

    /// The error for a read that stopped (None: the connection broke).
    fn stopped(&self, stop: Option<Stop>, clock: &Clock) -> RouterError {
        match stop {
            Some(Stop::Cancelled) => RouterError::cancelled(),
            Some(Stop::Idle) => RouterError::stalled(clock.idle),
            Some(Stop::Deadline) => RouterError::deadline(clock.request_timeout),
            None => RouterError::new(
                ErrorKind::StreamEndedEarly,
                "stream ended early: the connection broke",
            ),
        }
    }

    fn too_large(&self) -> RouterError {
        let mut error = RouterError::too_large(
            "the answer",
            self.max_answer_bytes,
            "[limits] max_answer_mib",
        );
        error.message.push_str("; what arrived is kept");
        error
    }

    /// Emits answer text through the key redactor and within the size cap.
    async fn emit_text(
        &mut self,
        kind: TextKind,
        delta: &str,
        out: &mut Emitter<'_>,
    ) -> Result<(), RouterError> {
        // The first token's time is when it arrived, even if it is held back.
        self.first_token(out).await;
        if kind == TextKind::Content && !self.first_answer {
            self.first_answer = true;
            let ms = self.sent_at.elapsed().as_millis() as u64;
            out.emit(StreamEvent::FirstAnswerToken { ms }).await;
        }
        let mut events = Vec::new();
        let pushed = self.text.push(kind, delta, &mut events);
        for event in events {
            out.emit(event).await;
        }
        pushed.map_err(|OverCap| self.too_large())
    }

    /// Shows what the key redactor held back (at the end of the answer).
    async fn flush_held(&mut self, out: &mut Emitter<'_>) {
        let mut events = Vec::new();
        self.text.flush(&mut events);
        for event in events {
            out.emit(event).await;
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
                        self.failure(
                            self.redactor.error(
                                RouterError::malformed(format!(
                                    "a stream event is not JSON ({e}): {head}"
                                ))
                                .caused_by(e),
                            ),
                        )
                    })?;
                    self.on_chunk(chunk, out).await?;
                }
            }
        }
        Ok(())
    }

    async fn on_chunk(
        &mut self,
        chunk: Chunk,
        out: &mut Emitter<'_>,
    ) -> Result<(), AttemptFailure> {
        self.read_chunk(chunk, out)
            .await
            .map_err(|error| self.failure(error))
    }

    async fn read_chunk(&mut self, chunk: Chunk, out: &mut Emitter<'_>) -> Result<(), RouterError> {
        let redactor = self.redactor;
        // Every string the server names goes through the key redactor.
        let named = |text: &Option<String>| -> Option<String> {
            text.as_deref()
                .filter(|t| !t.is_empty())
                .map(|t| redactor.redact(t).into_owned())
        };
        // Other servers' ids ("chatcmpl-…") name nothing we could look up.
        if self.provider.kind == ProviderKind::OpenRouter
            && out.result.generation_id.is_none()
            && let Some(id) = named(&chunk.id)
        {
            out.result.generation_id = Some(id);
        }
        if !self.started && (chunk.model.is_some() || !chunk.choices.is_empty()) {
            self.started = true;
            let served_model = named(&chunk.model).unwrap_or_else(|| self.requested.to_string());
            let provider = named(&chunk.provider).unwrap_or_else(|| self.provider.name.clone());
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
            let error = error::from_stream_error(wire_error, self.ctx);
            self.pending_error = Some(redactor.error(error));
        }
        for choice in chunk.choices.iter().filter(|c| c.index.unwrap_or(0) == 0) {
            let Some(delta) = choice.delta.as_ref().or(choice.message.as_ref()) else {
                continue;
            };
            if let Some(reasoning) = delta.reasoning_text().filter(|t| !t.is_empty()) {
                self.emit_text(TextKind::Reasoning, &reasoning, out).await?;
            }
            if let Some(content) = delta.content.as_ref().filter(|t| !t.is_empty()) {
                self.emit_text(TextKind::Content, content, out).await?;
            }
            for call in &delta.tool_calls {
                self.produced_output = true;
                let function = call.function.as_ref();
                let arguments = function.and_then(|f| f.arguments.as_deref());
                let (arguments, over) = match self.text.tool_arguments(arguments.unwrap_or("")) {
                    Ok(arguments) => (arguments, None),
                    Err((arguments, over)) => (arguments, Some(over)),
                };
                out.emit(StreamEvent::ToolCall(ToolCallDelta {
                    index: call.index.unwrap_or(0),
                    id: named(&call.id),
                    name: function.and_then(|f| named(&f.name)),
                    arguments,
                }))
                .await;
                if over.is_some() {
                    return Err(self.too_large());
                }
            }
            if let Some(reason) = named(&choice.finish_reason) {
                if reason == "error" && self.pending_error.is_none() && chunk.error.is_none() {
                    self.pending_error = Some(RouterError::new(
                        ErrorKind::ServerError,
                        format!(
                            "{} stopped with finish_reason \"error\" and no details",
                            self.requested
                        ),
                    ));
                }
                self.finish_reason = Some(reason);
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
        Ok(())
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
        self.flush_held(out).await;
        if let Some(error) = self.pending_error.take() {
            return Err(self.failure(error));
        }
        if !self.saw_choice
            && let Some(error) = self.not_a_stream()
        {
            return Err(self.failure(self.redactor.error(error)));
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
