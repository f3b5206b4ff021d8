//! Everything that can happen to the workbench, as messages for the reducer,
//! and everything the reducer asks the runtime to do, as effects. Time enters
//! only inside messages, so the reducer stays pure.

use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::router::catalog::Catalog;
use crate::router::catalog_load::Refresh;
use crate::router::events::{RunResult, StreamEvent};
use crate::router::{ChatMessage, ChatParams, Target};
use crate::session::leaderboard::Leaderboard;
use crate::session::{Session, Summary};

use super::state::{PaneId, RunId};

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// A batch of a run's events (consecutive deltas merged; `merged` says
    /// how many deltas were folded into others, for the live token count),
    /// with when it arrived.
    Stream {
        pane: PaneId,
        run: RunId,
        events: Vec<StreamEvent>,
        merged: u64,
        at: Instant,
    },
    /// The run ended; the router's result has the final figures.
    RunFinished {
        pane: PaneId,
        run: RunId,
        result: Box<RunResult>,
        at: Instant,
    },
    CatalogLoaded {
        provider: String,
        catalog: Option<Arc<Catalog>>,
        warnings: Vec<String>,
        /// A background refresh (true) or the instant offline load (false).
        refreshed: bool,
    },
    /// `$EDITOR` closed: the new prompt text, or why it failed.
    EditorClosed(Result<String, String>),
    /// The clock, only while something is live, to advance elapsed timers.
    Tick {
        at: Instant,
        unix: i64,
    },
    /// The terminal could not be written or read.
    TerminalError(String),
    /// SIGTERM, SIGINT, SIGHUP or SIGQUIT.
    Signal,
    /// Something the user should know that needs no answer (a session
    /// opened as a copy because another prism has it).
    Notice(String),
    /// The saved sessions, and a line per file that could not be read.
    SessionsListed {
        items: Vec<Summary>,
        problems: Vec<String>,
    },
    SessionOpened(Result<Box<Session>, String>),
    /// All votes, blind ones, sighted ones.
    LeaderboardLoaded {
        boards: Vec<Leaderboard>,
        problems: Vec<String>,
    },
    /// A save failed (disk full, permissions): the session is still in memory.
    SaveFailed(String),
    /// OpenRouter's exact record of a finished answer.
    GenerationFetched {
        pane: PaneId,
        run: RunId,
        record: Result<crate::router::account::GenerationRecord, String>,
    },
    /// The OpenRouter key's credit and limits.
    KeyFetched(Result<crate::router::account::KeyInfo, String>),
    /// Local servers that answered at startup.
    LocalFound(Vec<crate::router::discovery::Found>),
}

#[derive(Debug, PartialEq)]
pub enum Effect {
    StartRun {
        pane: PaneId,
        run: RunId,
        target: Target,
        messages: Vec<ChatMessage>,
        params: ChatParams,
    },
    CancelRun(RunId),
    LoadCatalog {
        provider: String,
        refresh: Refresh,
    },
    /// Put text on the clipboard with OSC 52 (works over SSH).
    CopyToClipboard(String),
    /// Suspend the UI and edit this text in `$EDITOR`.
    OpenEditor(String),
    /// Hand a snapshot to the session writer (it coalesces and writes in order).
    SaveSession(Arc<Session>),
    DeleteSession(String),
    ListSessions,
    OpenSession(String),
    LoadLeaderboard,
    FetchGeneration {
        pane: PaneId,
        run: RunId,
        provider: String,
        id: String,
    },
    FetchKey(String),
    /// Look for local servers at these (provider, base URL) pairs.
    Discover {
        candidates: Vec<(String, String)>,
        timeout: std::time::Duration,
    },
    Quit,
}
