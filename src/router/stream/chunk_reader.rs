//! Reading one attempt's body chunk by chunk: frames, text, tool calls, usage and how it ended.

use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::{AttemptFailure, AttemptRequest, Emitter};
use crate::router::answer_text::{AnswerText, OverCap, TextKind};
use crate::router::body::{Clock, Stop};
use crate::router::error::{self, ErrorContext, ErrorKind, RouterError};
use crate::router::events::{StreamEvent, ToolCallDelta};
use crate::router::provider::{Provider, ProviderKind};
use crate::router::redact::Redactor;
use crate::router::reply;
use crate::router::sse::Frame;
use crate::router::wire::{self, Chunk};

/// Interprets the chunks of one attempt.
pub(super) struct ChunkReader<'a> {
    pub(super) provider: &'a Provider,
    pub(super) requested: &'a str,
    pub(super) ctx: &'a ErrorContext<'a>,
    pub(super) cancel: &'a CancellationToken,
    pub(super) redactor: &'a Redactor,
    pub(super) max_event_bytes: usize,
    pub(super) max_answer_bytes: usize,
    pub(super) sent_at: Instant,
    pub(super) started: bool,
    pub(super) first_token: bool,
    pub(super) first_answer: bool,
    pub(super) produced_output: bool,
    pub(super) finish_reason: Option<String>,
    /// An error chunk arrived; we keep reading for its usage, then fail.
    pub(super) pending_error: Option<RouterError>,
    pub(super) saw_done: bool,
    /// A chunk had a choice: this is a chat completion stream.
    pub(super) saw_choice: bool,
    /// SSE frames (events or comments) decoded so far.
    pub(super) frames_seen: usize,
    /// The first bytes of the body, to say what came when it was no stream.
    pub(super) head: Vec<u8>,
    /// The answer's text so far: redacted and within the cap.
    pub(super) text: AnswerText,
}

impl<'a> ChunkReader<'a> {
    pub(super) fn new(
        request: &'a AttemptRequest<'a>,
        ctx: &'a ErrorContext<'a>,
        sent_at: Instant,
    ) -> Self {
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

    pub(super) fn keep_head(&mut self, bytes: &[u8]) {
        let room = reply::HEAD_BYTES.saturating_sub(self.head.len());
        self.head.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    pub(super) fn failure(&self, error: RouterError) -> AttemptFailure {
        AttemptFailure {
            error,
            produced_output: self.produced_output,
        }
    }

    /// The error for a read that stopped (None: the connection broke).
    pub(super) fn stopped(&self, stop: Option<Stop>, clock: &Clock) -> RouterError {
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

    pub(super) fn too_large(&self) -> RouterError {
        let mut error = RouterError::too_large(
            "the answer",
            self.max_answer_bytes,
            "[limits] max_answer_mib",
        );
        error.message.push_str("; what arrived is kept");
        error
    }

    /// Emits answer text through the key redactor and within the size cap.
    pub(super) async fn emit_text(
        &mut self,
        kind: TextKind,
        delta: &str,
        out: &mut Emitter<'_>,
    ) -> Result<(), RouterError> {
        // The first token's time is when it arrived, even if it is held back.
        // One reading serves both firsts: when the first token is answer
        // text, the two are the same instant (a second reading, after the
        // first event's send, could fall a millisecond later).
        let arrived_ms = self.sent_at.elapsed().as_millis() as u64;
        self.first_token(arrived_ms, out).await;
        if kind == TextKind::Content && !self.first_answer {
            self.first_answer = true;
            out.emit(StreamEvent::FirstAnswerToken { ms: arrived_ms })
                .await;
        }
        let mut events = Vec::new();
        let pushed = self.text.push(kind, delta, &mut events);
        for event in events {
            out.emit(event).await;
        }
        pushed.map_err(|OverCap| self.too_large())
    }

    /// Shows what the key redactor held back (at the end of the answer).
    pub(super) async fn flush_held(&mut self, out: &mut Emitter<'_>) {
        let mut events = Vec::new();
        self.text.flush(&mut events);
        for event in events {
            out.emit(event).await;
        }
    }

    pub(super) async fn handle_frames(
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

    pub(super) async fn on_chunk(
        &mut self,
        chunk: Chunk,
        out: &mut Emitter<'_>,
    ) -> Result<(), AttemptFailure> {
        self.read_chunk(chunk, out)
            .await
            .map_err(|error| self.failure(error))
    }

    pub(super) async fn read_chunk(
        &mut self,
        chunk: Chunk,
        out: &mut Emitter<'_>,
    ) -> Result<(), RouterError> {
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
    pub(super) fn not_a_stream(&self) -> Option<RouterError> {
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

    /// Marks output as produced; the first time, `arrived_ms` (after the
    /// request was sent) is the time to the first token.
    pub(super) async fn first_token(&mut self, arrived_ms: u64, out: &mut Emitter<'_>) {
        self.produced_output = true;
        if !self.first_token {
            self.first_token = true;
            out.emit(StreamEvent::FirstToken {
                ttft_ms: arrived_ms,
            })
            .await;
        }
    }

    /// The end of the body: success only after `[DONE]` or a finish reason,
    /// and only for a stream of chat chunks.
    pub(super) async fn finish(&mut self, out: &mut Emitter<'_>) -> Result<(), AttemptFailure> {
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
