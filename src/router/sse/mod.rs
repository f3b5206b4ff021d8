//! A Server-Sent-Events decoder (WHATWG "event stream interpretation") fed one
//! read at a time. The frames it yields do not depend on how the bytes were split
//! into reads; it runs in linear time and holds at most about `limit_bytes` per event.

use memchr::{memchr, memchr2};

/// Default cap on one event's size (data + the line being assembled).
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// A buffer that grew past this while holding one big event is freed afterwards
/// rather than kept, so one large event does not pin its memory for the stream.
const RETAINED_BUFFER_BYTES: usize = 64 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, None when absent (the default type "message").
    pub event: Option<String>,
    /// The joined `data:` lines, decoded as UTF-8 with invalid bytes replaced by U+FFFD.
    pub data: String,
    /// The last `id:` seen, if any. As in the spec it carries over to later
    /// events until another `id:` replaces it; an empty `id:` clears it.
    pub id: Option<String>,
}

impl SseEvent {
    /// OpenAI-compatible servers end a stream with `data: [DONE]`.
    pub fn is_done(&self) -> bool {
        self.data.trim_ascii() == "[DONE]"
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Event(SseEvent),
    /// A comment line's text after the ':', with one leading space stripped
    /// (as for field values): OpenRouter's keep-alive ": OPENROUTER PROCESSING"
    /// arrives as `Comment("OPENROUTER PROCESSING")`.
    Comment(String),
    /// The event being assembled exceeded the cap; its bytes were discarded up to
    /// the next blank line and decoding goes on after it.
    TooLarge {
        limit_bytes: usize,
    },
}

/// Turns a byte stream into [`Frame`]s. One decoder per stream; `feed` each read,
/// then `finish` at end of stream.
///
/// `retry:` fields are not frames: the last valid one is kept and read with
/// [`SseDecoder::retry_ms`].
#[derive(Debug, Clone)]
pub struct SseDecoder {
    limit_bytes: usize,
    /// The unfinished last line of earlier reads. It never holds a CR or LF, so
    /// it is never scanned again: only new bytes are searched for a line end.
    line: Vec<u8>,
    /// Joined `data:` values of the event being assembled, each followed by "\n".
    data: Vec<u8>,
    event_type: Vec<u8>,
    last_event_id: Option<String>,
    retry_ms: Option<u64>,
    /// The previous read ended in CR: an LF opening the next one belongs to it.
    pending_cr: bool,
    /// Bytes of a leading BOM matched so far; None once the stream start is past.
    bom_matched: Option<usize>,
    /// Over the cap: bytes are dropped until the event's blank line.
    discarding: bool,
    /// While discarding, whether the current (dropped) line has any bytes, so a
    /// blank line can be told from the end of a long one.
    discarded_line_has_bytes: bool,
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl SseDecoder {
    pub fn new() -> Self {
        Self::with_max_event_bytes(DEFAULT_MAX_EVENT_BYTES)
    }

    /// `limit` caps one event, counted in input bytes: its data, its event type
    /// and the line being read. (Each invalid byte decodes to a 3-byte U+FFFD, so
    /// an emitted `data` string can be longer than the bytes it came from.)
    pub fn with_max_event_bytes(limit: usize) -> Self {
        SseDecoder {
            limit_bytes: limit,
            line: Vec::new(),
            data: Vec::new(),
            event_type: Vec::new(),
            last_event_id: None,
            retry_ms: None,
            pending_cr: false,
            bom_matched: Some(0),
            discarding: false,
            discarded_line_has_bytes: false,
        }
    }

    /// The reconnection time from the last valid `retry:` field, in milliseconds.
    pub fn retry_ms(&self) -> Option<u64> {
        self.retry_ms
    }

    /// Feed one read's bytes; complete frames are appended to `out` in order.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<Frame>) {
        let mut rest = self.skip_bom(chunk);
        if self.pending_cr && !rest.is_empty() {
            self.pending_cr = false;
            if let Some(after_lf) = rest.strip_prefix(b"\n") {
                rest = after_lf;
            }
        }
        while let Some(end) = memchr2(b'\n', b'\r', rest) {
            let (line, terminator) = rest.split_at(end);
            let terminator_len = match terminator {
                [b'\r', b'\n', ..] => 2,
                [b'\r'] => {
                    // The LF of a CRLF may open the next read.
                    self.pending_cr = true;
                    1
                }
                _ => 1,
            };
            self.end_line(line, out);
            rest = terminator.get(terminator_len..).unwrap_or_default();
        }
        if !rest.is_empty() {
            self.push_partial_line(rest, out);
        }
    }

    /// End of stream: emits a pending event and resets for a new stream.
    ///
    /// Unlike the spec, which drops an event missing its closing blank line,
    /// this dispatches it (and treats an unterminated last line as a line): some
    /// servers close right after `data: [DONE]` and nothing would be gained by
    /// losing the tail of an answer. The last event id and retry time are kept,
    /// as the spec keeps them across reconnections.
    pub fn finish(&mut self, out: &mut Vec<Frame>) {
        if let Some(matched) = self.bom_matched.take() {
            // A stream that ended inside what looked like a BOM: those bytes were content.
            self.line
                .extend_from_slice(BOM.get(..matched).unwrap_or_default());
        }
        if !self.discarding {
            if !self.line.is_empty() {
                let line = std::mem::take(&mut self.line);
                self.process_line(&line, out);
                self.recycle_line(line);
            }
            self.dispatch(out);
        }
        self.line.clear();
        self.data.clear();
        self.event_type.clear();
        self.pending_cr = false;
        self.bom_matched = Some(0);
        self.discarding = false;
        self.discarded_line_has_bytes = false;
    }

    /// Strips a UTF-8 BOM at the very start of the stream, even one split across reads.
    fn skip_bom<'a>(&mut self, mut chunk: &'a [u8]) -> &'a [u8] {
        while let Some(matched) = self.bom_matched {
            let Some((&byte, after)) = chunk.split_first() else {
                break;
            };
            if BOM.get(matched) == Some(&byte) {
                chunk = after;
                self.bom_matched = (matched + 1 < BOM.len()).then_some(matched + 1);
            } else {
                // Not a BOM after all: the bytes matched so far start the first line.
                self.line
                    .extend_from_slice(BOM.get(..matched).unwrap_or_default());
                self.bom_matched = None;
            }
        }
        chunk
    }

    /// Bytes assembled for the current event besides the line being read.
    fn event_bytes(&self) -> usize {
        self.data.len() + self.event_type.len()
    }

    /// A read ended inside a line: keep its bytes for the next read, if they fit.
    fn push_partial_line(&mut self, bytes: &[u8], out: &mut Vec<Frame>) {
        if self.discarding {
            self.discarded_line_has_bytes = true;
        } else if self.event_bytes() + self.line.len() + bytes.len() > self.limit_bytes {
            self.start_discarding(out, true);
        } else {
            let line_limit_bytes = self.limit_bytes - self.event_bytes();
            extend_capped(&mut self.line, bytes, line_limit_bytes);
        }
    }

    /// A line terminator was found; `tail` is the line's part in the current read.
    fn end_line(&mut self, tail: &[u8], out: &mut Vec<Frame>) {
        if self.discarding {
            let blank = tail.is_empty() && !self.discarded_line_has_bytes;
            self.discarded_line_has_bytes = false;
            if blank {
                // The oversized event is over.
                self.discarding = false;
            }
        } else if self.event_bytes() + self.line.len() + tail.len() > self.limit_bytes {
            self.start_discarding(out, false);
        } else if self.line.is_empty() {
            // The common case: the whole line is in this read, no copy.
            self.process_line(tail, out);
        } else {
            let mut line = std::mem::take(&mut self.line);
            line.extend_from_slice(tail);
            self.process_line(&line, out);
            self.recycle_line(line);
        }
    }

    fn start_discarding(&mut self, out: &mut Vec<Frame>, inside_line: bool) {
        out.push(Frame::TooLarge {
            limit_bytes: self.limit_bytes,
        });
        self.discarding = true;
        self.discarded_line_has_bytes = inside_line;
        self.line = Vec::new();
        self.data = Vec::new();
        self.event_type = Vec::new();
    }

    /// Gives the line buffer back for reuse, unless one long line made it big.
    fn recycle_line(&mut self, mut line: Vec<u8>) {
        if line.capacity() <= RETAINED_BUFFER_BYTES {
            line.clear();
            self.line = line;
        }
    }

    fn process_line(&mut self, line: &[u8], out: &mut Vec<Frame>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if let Some(comment) = line.strip_prefix(b":") {
            out.push(Frame::Comment(lossy(strip_one_space(comment))));
            return;
        }
        let (field, value) = match memchr(b':', line) {
            Some(colon) => {
                let (field, colon_value) = line.split_at(colon);
                (
                    field,
                    strip_one_space(colon_value.get(1..).unwrap_or_default()),
                )
            }
            None => (line, &[][..]),
        };
        match field {
            b"data" => {
                let data_limit_bytes = self.limit_bytes.saturating_sub(self.event_type.len());
                extend_capped(&mut self.data, value, data_limit_bytes);
                extend_capped(&mut self.data, b"\n", data_limit_bytes);
            }
            b"event" => {
                self.event_type.clear();
                self.event_type.extend_from_slice(value);
            }
            b"id" if !value.contains(&0) => {
                // An empty id resets the last event id.
                self.last_event_id = (!value.is_empty()).then(|| lossy(value));
            }
            b"retry" => self.retry_ms = parse_retry_ms(value).or(self.retry_ms),
            _ => {}
        }
    }

    /// A blank line: emit the assembled event, if it has data, and start a new one.
    fn dispatch(&mut self, out: &mut Vec<Frame>) {
        // Each data value was pushed with a "\n"; the last one is not part of the data.
        if let Some((_newline, data)) = self.data.split_last() {
            // Decoded only now, from all the event's bytes, so a character split
            // across reads decodes whole.
            let event = SseEvent {
                event: (!self.event_type.is_empty()).then(|| lossy(&self.event_type)),
                data: lossy(data),
                id: self.last_event_id.clone(),
            };
            out.push(Frame::Event(event));
        }
        self.event_type.clear();
        if self.data.capacity() > RETAINED_BUFFER_BYTES {
            self.data = Vec::new();
        } else {
            self.data.clear();
        }
    }
}

/// Appends with the usual doubling, but reserves no more than `limit_bytes`
/// (unless the bytes themselves need it), so a buffer near the cap is not doubled past it.
fn extend_capped(buffer: &mut Vec<u8>, bytes: &[u8], limit_bytes: usize) {
    let needed_bytes = buffer.len() + bytes.len();
    if needed_bytes > buffer.capacity() {
        let capacity_bytes =
            (2 * buffer.capacity()).clamp(needed_bytes, limit_bytes.max(needed_bytes));
        buffer.reserve_exact(capacity_bytes - buffer.len());
    }
    buffer.extend_from_slice(bytes);
}

/// A `retry:` value counts only if it is all ASCII digits; one too big for u64
/// is ignored like any other invalid value.
fn parse_retry_ms(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u64, |retry_ms, &byte| {
        let digit = byte.checked_sub(b'0').filter(|digit| *digit <= 9)?;
        retry_ms.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

fn strip_one_space(value: &[u8]) -> &[u8] {
    value.strip_prefix(b" ").unwrap_or(value)
}

fn lossy(bytes: &[u8]) -> String {
    // `from_utf8` validates valid text several times faster than the lossy walk.
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests;
