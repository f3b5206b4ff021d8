//! One pane: the target it asks, its conversation and text, the run it
//! shows with that run's live figures, where it is scrolled, and the
//! estimated input cost of the prompt being typed.

use std::time::Instant;

use rust_decimal::Decimal;

use crate::router::events::RunResult;
use crate::router::{ChatMessage, ErrorKind, Target};
use crate::tui::document::{BlockId, Document};
use crate::tui::ids::{PaneId, RunId};
use crate::tui::params::Params;

/// Where a pane's current answer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaneStatus {
    /// Nothing asked yet.
    Idle,
    /// Sent to the router, no request out yet.
    Queued,
    /// The request is out; no token yet.
    Waiting,
    /// Reasoning tokens are arriving.
    Thinking,
    /// Answer tokens are arriving.
    Streaming,
    Done,
    Failed,
    Cancelled,
}

impl PaneStatus {
    pub fn is_live(self) -> bool {
        match self {
            PaneStatus::Queued
            | PaneStatus::Waiting
            | PaneStatus::Thinking
            | PaneStatus::Streaming => true,
            PaneStatus::Idle | PaneStatus::Done | PaneStatus::Failed | PaneStatus::Cancelled => {
                false
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PaneStatus::Idle => "idle",
            PaneStatus::Queued => "queued",
            PaneStatus::Waiting => "waiting",
            PaneStatus::Thinking => "thinking",
            PaneStatus::Streaming => "streaming",
            PaneStatus::Done => "done",
            PaneStatus::Failed => "error",
            PaneStatus::Cancelled => "cancelled",
        }
    }
}

/// The run a pane is showing (live or finished).
#[derive(Clone, Debug)]
pub struct RunState {
    pub id: RunId,
    /// The session turn this run answers.
    pub turn: usize,
    pub prompt: String,
    /// When the prompt was sent (Enter, or `r`): the start of the wait
    /// that retries and backoff are part of.
    pub sent_at: Option<Instant>,
    /// When the first event of the run arrived (the task started).
    pub started_at: Option<Instant>,
    /// When the answering attempt's first token arrived (the live rate
    /// counts from it, and the wait from Enter until the router's figure).
    pub first_token_at: Option<Instant>,
    /// Figures folded from the events; replaced by the router's final result.
    pub result: RunResult,
    /// A retry is waiting: why, and when it will go (the title counts down).
    pub retry_note: Option<String>,
    pub retry_at: Option<Instant>,
    pub answer_block: Option<BlockId>,
    pub reasoning_block: Option<BlockId>,
    /// Held back by client-side pacing until then (free models' rate limits).
    pub queued_until: Option<Instant>,
}

impl RunState {
    pub fn new(id: RunId, turn: usize, prompt: String, result: RunResult) -> RunState {
        RunState {
            id,
            turn,
            prompt,
            sent_at: None,
            started_at: None,
            first_token_at: None,
            result,
            retry_note: None,
            retry_at: None,
            answer_block: None,
            reasoning_block: None,
            queued_until: None,
        }
    }
}

/// Scroll position: following the tail, or parked at a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scroll {
    /// The first visible row when not following.
    pub offset: usize,
    pub follow: bool,
}

impl Default for Scroll {
    fn default() -> Self {
        Scroll {
            offset: 0,
            follow: true,
        }
    }
}

/// What sending the prompt being typed would cost this pane, before any answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// Input tokens: the conversation, the system prompt and the prompt.
    pub tokens: u64,
    /// Those tokens at the catalog's input price; None when it is unknown.
    pub cost_usd: Option<Decimal>,
}

#[derive(Clone, Debug)]
pub struct PaneState {
    pub id: PaneId,
    pub target: Target,
    /// Overrides of the shared parameters for this pane only.
    pub params: Params,
    /// The conversation so far (user and assistant turns that completed).
    history: Vec<ChatMessage>,
    /// Characters in `history`, kept with it (the estimate reads it per key).
    history_chars: usize,
    pub document: Document,
    pub status: PaneStatus,
    pub run: Option<RunState>,
    pub scroll: Scroll,
    pub reasoning_collapsed: bool,
    /// Rows of text the pane shows (its inner height), kept by the reducer for paging.
    pub height: u16,
    /// The input cost of the prompt being typed; None while the prompt is empty.
    pub estimate: Option<Estimate>,
}

impl PaneState {
    pub fn new(id: PaneId, target: Target) -> PaneState {
        PaneState {
            id,
            target,
            params: Params::default(),
            history: Vec::new(),
            history_chars: 0,
            document: Document::new(),
            status: PaneStatus::Idle,
            run: None,
            scroll: Scroll::default(),
            reasoning_collapsed: false,
            height: 0,
            estimate: None,
        }
    }

    /// The conversation so far: what the next prompt continues.
    pub fn history(&self) -> &[ChatMessage] {
        &self.history
    }

    /// A finished exchange joins the conversation the next prompt continues.
    pub fn push_exchange(&mut self, prompt: String, answer: String) {
        self.history_chars += prompt.chars().count() + answer.chars().count();
        self.history.push(ChatMessage::user(prompt));
        self.history.push(ChatMessage::assistant(answer));
    }

    /// Takes the last exchange back out (its answer is being asked again).
    pub fn drop_last_exchange(&mut self) {
        for _ in 0..2 {
            if let Some(message) = self.history.pop() {
                self.history_chars -= message.content.chars().count();
            }
        }
    }

    /// Characters in the conversation so far, for the input-cost estimate.
    pub fn history_chars(&self) -> usize {
        self.history_chars
    }

    /// The first visible row: the tail when following, else the parked offset.
    pub fn first_row(&self) -> usize {
        let max = self
            .document
            .total_rows()
            .saturating_sub(usize::from(self.height));
        if self.scroll.follow {
            max
        } else {
            self.scroll.offset.min(max)
        }
    }

    pub fn error_kind(&self) -> Option<ErrorKind> {
        self.run
            .as_ref()
            .and_then(|r| r.result.error.as_ref())
            .map(|e| e.kind)
    }

    /// The text of the answer it shows, if any.
    pub fn answer_text(&self) -> Option<&str> {
        let block = self.run.as_ref()?.answer_block?;
        Some(self.document.text(block))
    }

    /// Forgets the conversation, the text and the run: a fresh start.
    pub fn clear(&mut self) {
        self.history.clear();
        self.history_chars = 0;
        self.document.clear();
        self.run = None;
        self.status = PaneStatus::Idle;
        self.scroll = Scroll::default();
        self.estimate = None;
    }
}
