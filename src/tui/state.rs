//! The workbench's whole state: panes with their conversations and live
//! figures, the prompt editor, focus, overlays, catalogs and totals. Only the
//! reducer (`update.rs`) changes it; views only read it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use ratatui_textarea::TextArea;
use rust_decimal::Decimal;

use crate::router::catalog::{Catalog, ModelInfo};
use crate::router::events::RunResult;
use crate::router::{ChatMessage, ErrorKind, Providers, Target};
use crate::session::Session;
use crate::session::leaderboard::Leaderboard;

use super::browser::SessionBrowser;
use super::diff::DiffView;
use super::document::{BlockId, Document};
use super::layout::AppLayout;
use super::params::{Params, ParamsForm};
use super::picker::PickerState;
use super::theme::Theme;

/// A pane's identity, stable while panes are added and removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaneId(pub u64);

/// One request of one pane; messages of older runs are stale and dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunId(pub u64);

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
        matches!(
            self,
            PaneStatus::Queued | PaneStatus::Waiting | PaneStatus::Thinking | PaneStatus::Streaming
        )
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
    /// When the first event of the run arrived (the task started).
    pub started_at: Option<Instant>,
    /// Figures folded from the events; replaced by the router's final result.
    pub result: RunResult,
    /// A retry is waiting: why, and when it will go.
    pub retry_note: Option<String>,
    pub answer_block: Option<BlockId>,
    pub reasoning_block: Option<BlockId>,
    /// Held back by client-side pacing until then (free models' rate limits).
    pub queued_until: Option<Instant>,
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

#[derive(Clone, Debug)]
pub struct PaneState {
    pub id: PaneId,
    pub target: Target,
    /// Overrides of the shared parameters for this pane only.
    pub params: Params,
    /// The conversation so far (user and assistant turns that completed).
    pub history: Vec<ChatMessage>,
    pub document: Document,
    pub status: PaneStatus,
    pub run: Option<RunState>,
    pub scroll: Scroll,
    pub reasoning_collapsed: bool,
    /// Sum of this pane's known answer costs over the session.
    pub cost_usd: Decimal,
    pub tokens: u64,
    /// Rows of text the pane shows (its inner height), kept by the reducer for paging.
    pub height: u16,
}

impl PaneState {
    pub fn new(id: PaneId, target: Target) -> PaneState {
        PaneState {
            id,
            target,
            params: Params::default(),
            history: Vec::new(),
            document: Document::new(),
            status: PaneStatus::Idle,
            run: None,
            scroll: Scroll::default(),
            reasoning_collapsed: false,
            cost_usd: Decimal::ZERO,
            tokens: 0,
            height: 0,
        }
    }

    /// A finished exchange joins the conversation the next prompt continues.
    pub fn push_exchange(&mut self, prompt: String, answer: String) {
        self.history.push(ChatMessage::user(prompt));
        self.history.push(ChatMessage::assistant(answer));
    }

    /// Characters in the conversation so far, for the input-cost estimate.
    pub fn history_chars(&self) -> usize {
        self.history.iter().map(|m| m.content.len()).sum()
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
}

/// What has keyboard focus when no overlay is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Editor,
    /// A pane, by position.
    Pane(usize),
}

/// A modal layer over the workbench; it takes the keys while open.
#[derive(Clone, Debug)]
pub enum Overlay {
    /// The key list, scrolled this many rows.
    Help {
        scroll: u16,
    },
    Picker(Box<PickerState>, PickerTarget),
    Params(Box<ParamsForm>),
    /// Waiting for the verdict on the latest turn (a pane number, tie, all bad).
    Vote,
    /// Waiting for the pane to diff the given one against.
    DiffPick(usize),
    Diff(Box<DiffView>),
    Sessions(Box<SessionBrowser>),
    Leaderboard(Box<LeaderboardView>),
    /// Naming the session.
    Rename(Box<TextArea<'static>>),
    /// A pane's details: what was sent, who served, the exact record.
    Details(Box<TextView>),
}

/// A scrollable page of text lines (the details view).
#[derive(Clone, Debug)]
pub struct TextView {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: usize,
}

/// The leaderboard overlay: all votes, blind ones, sighted ones.
#[derive(Clone, Debug, Default)]
pub struct LeaderboardView {
    /// All, Blind, Sighted; None while loading.
    pub boards: Option<Vec<Leaderboard>>,
    pub shown: usize,
    pub problems: Vec<String>,
    pub scroll: usize,
}

/// What a picker's choice applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerTarget {
    Columns,
    Fallback(PaneId),
}

/// A catalog and its freshness, per provider.
#[derive(Clone, Debug)]
pub struct CatalogEntry {
    pub catalog: Arc<Catalog>,
    pub refreshing: bool,
    pub warning: Option<String>,
}

/// A line for the user where they are looking (the footer), until replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub level: NoticeLevel,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeLevel {
    Info,
    Warning,
    Error,
}

pub struct AppState {
    pub panes: Vec<PaneState>,
    pub editor: TextArea<'static>,
    pub focus: Focus,
    pub overlay: Option<Overlay>,
    /// A pane shown alone, by id.
    pub zoom: Option<PaneId>,
    pub layout: AppLayout,
    pub size: (u16, u16),
    /// Lines in the prompt editor (the editor grows with them).
    pub editor_lines: u16,
    /// The latest time a message brought, for elapsed timers.
    pub now: Option<Instant>,
    /// Wall-clock seconds, for catalog ages; set by the runtime, never read here.
    pub now_unix: i64,
    pub providers: Providers,
    pub catalogs: BTreeMap<String, CatalogEntry>,
    /// Shared parameters; each pane may override them.
    pub params: Params,
    pub markdown: bool,
    pub notice: Option<Notice>,
    /// Cost and tokens of the latest turn and of the whole session.
    pub turn_cost_usd: Decimal,
    pub turn_cost_complete: bool,
    pub session_cost_usd: Decimal,
    pub session_tokens: u64,
    /// Estimated input cost of the prompt being typed, per pane (same order).
    pub estimate: Vec<Option<Decimal>>,
    pub estimate_tokens: u64,
    pub next_pane: u64,
    pub next_run: u64,
    /// Something visible changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
    pub theme: Theme,
    /// The session on disk: columns, finished turns' answers, votes. Live
    /// answers are merged in when a snapshot is saved.
    pub session: Session,
    /// Routers from the config file: a router pane's model is decided per prompt.
    pub policies: Vec<crate::router::policy::Policy>,
    /// The config file: per-model provider preferences, discovery, limits.
    pub config: Arc<crate::config::Config>,
    /// `data_collection: deny` on every OpenRouter request (F3; shown in the footer).
    pub privacy: bool,
    /// The OpenRouter key's credit and limits, refreshed after each turn.
    pub key_info: Option<crate::router::account::KeyInfo>,
    /// Warn before a turn whose estimated cost is above this (USD).
    pub warn_turn_cost_usd: Option<f64>,
    /// The prompt the user was warned about; Enter again sends it.
    pub confirm_costly: Option<String>,
    /// When the last snapshot was handed to the writer, to flush at least
    /// once a second while streaming (and not much more often).
    pub last_saved_at: Option<Instant>,
}

impl AppState {
    pub fn pane_index(&self, id: PaneId) -> Option<usize> {
        self.panes.iter().position(|p| p.id == id)
    }

    pub fn pane_mut(&mut self, id: PaneId) -> Option<&mut PaneState> {
        self.panes.iter_mut().find(|p| p.id == id)
    }

    pub fn any_live(&self) -> bool {
        self.panes.iter().any(|p| p.status.is_live())
    }

    pub fn focused_pane(&self) -> Option<usize> {
        match self.focus {
            Focus::Pane(i) if i < self.panes.len() => Some(i),
            _ => None,
        }
    }

    /// The catalog entry for a model on a provider, if loaded.
    pub fn model_info(&self, provider: &str, model: &str) -> Option<&ModelInfo> {
        self.catalogs.get(provider)?.catalog.get(model)
    }

    /// Turns asked in this session.
    pub fn turns(&self) -> usize {
        self.session.turns.len()
    }

    pub fn editor_text(&self) -> String {
        self.editor.lines().join("\n")
    }

    /// Model names and costs are hidden (a blind session not yet voted on).
    pub fn hidden(&self) -> bool {
        self.session.names_hidden()
    }

    /// What a pane is called on screen: its model, or "Model A" while blind.
    /// The pane's name as shown: its blind label while hidden, else its
    /// model (an id from a catalog, so through the sanitiser).
    pub fn pane_label(&self, pane: &PaneState) -> String {
        if self.hidden()
            && let Some(label) = self
                .session
                .column(pane.id.0)
                .and_then(|c| c.blind_label.clone())
        {
            return label;
        }
        crate::sanitize::one_line(&pane.target.label).into_owned()
    }
}
