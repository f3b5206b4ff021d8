//! The text of one answer as it streams in: every delta passes the key
//! redactor (a tail that could be the start of a key waits for the next
//! delta) and counts against the size cap. Pure: it says which events to
//! emit, the stream reader emits them.

use super::events::StreamEvent;
use super::redact::{Redactor, StreamRedactor};

/// Which text a delta adds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    Content,
    Reasoning,
}

impl TextKind {
    fn event(self, text: String) -> StreamEvent {
        match self {
            TextKind::Content => StreamEvent::Content(text),
            TextKind::Reasoning => StreamEvent::Reasoning(text),
        }
    }
}

/// The cap was passed: the answer fails, keeping what was emitted.
#[derive(Debug, PartialEq, Eq)]
pub struct OverCap;

#[derive(Debug)]
pub struct AnswerText {
    redactor: Redactor,
    max_bytes: usize,
    /// Bytes emitted so far (content, reasoning, tool-call arguments).
    bytes: usize,
    content: StreamRedactor,
    reasoning: StreamRedactor,
}

impl AnswerText {
    pub fn new(redactor: Redactor, max_bytes: usize) -> AnswerText {
        AnswerText {
            redactor,
            max_bytes,
            bytes: 0,
            content: StreamRedactor::default(),
            reasoning: StreamRedactor::default(),
        }
    }

    /// The events for a delta of `kind` (text of the other kind that was
    /// held back comes first), into `events`; `OverCap` once the cap is
    /// passed, after the events up to it.
    pub fn push(
        &mut self,
        kind: TextKind,
        delta: &str,
        events: &mut Vec<StreamEvent>,
    ) -> Result<(), OverCap> {
        let other = match kind {
            TextKind::Content => TextKind::Reasoning,
            TextKind::Reasoning => TextKind::Content,
        };
        let held = self.held(other).flush();
        self.capped(other, held, events)?;
        let ready = match kind {
            TextKind::Content => self.content.push(&self.redactor, delta),
            TextKind::Reasoning => self.reasoning.push(&self.redactor, delta),
        };
        self.capped(kind, ready, events)
    }

    /// What was held back, at the end of the answer (within the cap).
    pub fn flush(&mut self, events: &mut Vec<StreamEvent>) {
        for kind in [TextKind::Reasoning, TextKind::Content] {
            let held = self.held(kind).flush();
            // Past the cap the answer has failed already: the rest is dropped.
            let _ = self.capped(kind, held, events);
        }
    }

    /// Tool-call arguments, keys redacted (not held back: they are not shown
    /// as they stream), counted against the cap.
    pub fn tool_arguments(&mut self, arguments: &str) -> Result<String, (String, OverCap)> {
        let arguments = self.redactor.redact_keys(arguments).into_owned();
        self.bytes = self.bytes.saturating_add(arguments.len());
        if self.bytes > self.max_bytes {
            Err((arguments, OverCap))
        } else {
            Ok(arguments)
        }
    }

    fn held(&mut self, kind: TextKind) -> &mut StreamRedactor {
        match kind {
            TextKind::Content => &mut self.content,
            TextKind::Reasoning => &mut self.reasoning,
        }
    }

    /// `text` as an event, cut at the cap.
    fn capped(
        &mut self,
        kind: TextKind,
        mut text: String,
        events: &mut Vec<StreamEvent>,
    ) -> Result<(), OverCap> {
        let room = self.max_bytes.saturating_sub(self.bytes);
        let over = text.len() > room;
        if over {
            let mut cut = room;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        if !text.is_empty() {
            self.bytes += text.len();
            events.push(kind.event(text));
        }
        if over { Err(OverCap) } else { Ok(()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_keeps_whole_characters_up_to_it() {
        let mut answer = AnswerText::new(Redactor::default(), 10);
        let mut events = Vec::new();
        assert_eq!(
            answer.push(TextKind::Content, "12345678", &mut events),
            Ok(())
        );
        assert_eq!(
            answer.push(TextKind::Reasoning, "éé", &mut events),
            Err(OverCap)
        );
        assert_eq!(
            events,
            vec![
                StreamEvent::Content("12345678".into()),
                StreamEvent::Reasoning("é".into())
            ]
        );
    }

    #[test]
    fn held_text_keeps_its_order_and_kind() {
        let mut answer = AnswerText::new(Redactor::new(["sk-or-v1-secret-key"]), 1 << 20);
        let mut events = Vec::new();
        answer
            .push(TextKind::Reasoning, "thinks s", &mut events)
            .expect("room");
        answer
            .push(TextKind::Content, "answer sk-or-v1-", &mut events)
            .expect("room");
        answer
            .push(TextKind::Content, "secret-key!", &mut events)
            .expect("room");
        answer.flush(&mut events);
        assert_eq!(
            events,
            vec![
                StreamEvent::Reasoning("thinks ".into()),
                StreamEvent::Reasoning("s".into()),
                StreamEvent::Content("answer ".into()),
                StreamEvent::Content("[redacted]!".into()),
            ]
        );
    }
}
