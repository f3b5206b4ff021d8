//! Everything that can happen to the workbench, as messages for the reducer,
//! and everything the reducer asks the runtime to do, as effects. Every
//! message comes stamped with the time it happened, so the reducer never
//! reads a clock; failures come as typed errors with their causes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyEvent, MouseEvent};

use crate::router::account::{GenerationRecord, KeyInfo};
use crate::router::catalog::Catalog;
use crate::router::catalog_load::{CatalogWarning, Refresh};
use crate::router::events::{RunResult, StreamEvent};
use crate::router::{ChatMessage, ChatParams, RouterError, Target};
use crate::session::leaderboard::Leaderboard;
use crate::session::writer::WriteError;
use crate::session::{Session, StoreError, Summary};

use super::eval::runs::{ReadRun, RunRow};
use super::ids::{PaneId, RunId};
use super::judge::JudgeAsk;
use crate::eval::judge::pairwise::Comparison;
use crate::eval::suite::Suite;

/// When something happened: a monotonic instant for durations on screen,
/// and the wall clock in unix seconds for what is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Now {
    pub at: Instant,
    pub unix: i64,
}

impl Now {
    /// The time now: read by the runtime as it sends a message, never by
    /// the reducer.
    pub fn current() -> Now {
        Now {
            at: tokio::time::Instant::now().into_std(),
            unix: crate::clock::now_unix(),
        }
    }

    /// The later of two times (messages may arrive slightly out of order).
    pub fn latest(self, other: Now) -> Now {
        Now {
            at: self.at.max(other.at),
            unix: self.unix.max(other.unix),
        }
    }
}

/// A message and when it happened: the reducer's one input.
#[derive(Debug)]
pub struct Stamped {
    pub msg: Msg,
    pub now: Now,
}

impl Stamped {
    pub fn new(msg: Msg, now: Now) -> Stamped {
        Stamped { msg, now }
    }
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Keys read from the terminal at once: a paste in a terminal without
    /// bracketed paste (or typing ahead). In the prompt they are typed as
    /// text, Enter as a new line.
    Keys(Vec<KeyEvent>),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// A batch of a run's events (consecutive deltas merged; `merged` says
    /// how many deltas were folded into others, for the live token count).
    Stream {
        pane: PaneId,
        run: RunId,
        events: Vec<StreamEvent>,
        merged: u64,
    },
    /// The run ended; the router's result has the final figures.
    RunFinished {
        pane: PaneId,
        run: RunId,
        result: Box<RunResult>,
    },
    CatalogLoaded {
        provider: String,
        catalog: Option<Arc<Catalog>>,
        warnings: Vec<CatalogWarning>,
        /// A background refresh (true) or the instant offline load (false).
        refreshed: bool,
    },
    /// `$EDITOR` closed: the new prompt text, or why it failed.
    EditorClosed(Result<String, EditorError>),
    /// Time passed while answers are live: elapsed timers advance.
    Tick,
    /// The terminal could not be written or read.
    TerminalError(TerminalError),
    /// SIGTERM, SIGINT, SIGHUP or SIGQUIT.
    Signal,
    /// Something the user should know that needs no answer (a session
    /// opened as a copy because another prism has it).
    Notice(String),
    /// The saved sessions, and the files that could not be read; `texts`
    /// (beside `items`) hold each one's prompts and answers for the search.
    SessionsListed {
        items: Vec<Summary>,
        texts: Vec<String>,
        problems: Vec<StoreError>,
    },
    SessionOpened(Result<Box<Session>, SessionIoError>),
    /// All votes, blind ones, sighted ones.
    LeaderboardLoaded {
        boards: Vec<Leaderboard>,
        problems: Vec<StoreError>,
    },
    /// A save failed (disk full, permissions): the session is still in memory.
    SaveFailed(WriteError),
    /// OpenRouter's exact record of a finished answer.
    GenerationFetched {
        pane: PaneId,
        run: RunId,
        record: Result<GenerationRecord, RouterError>,
    },
    /// The OpenRouter key's credit and limits.
    KeyFetched(Result<KeyInfo, RouterError>),
    /// Catalogs of the local servers that answered at startup.
    LocalFound(Vec<Arc<Catalog>>),
    /// A model's upstream providers as pinned columns, or why not.
    UpstreamsFetched {
        ask: u64,
        model: String,
        outcome: Result<Upstreams, String>,
    },
    /// The judge's calls on a turn's answers (both orders of every pair).
    Judged {
        ask: u64,
        comparisons: Vec<Comparison>,
    },
    /// The judge's grouping of a turn's answers (the agreement view).
    Grouped {
        ask: u64,
        grouped: crate::eval::judge::runner::Grouped,
    },
    /// The eval runs on disk, newest first, and the journals that could not be read.
    EvalRunsListed {
        rows: Vec<RunRow>,
        problems: Vec<String>,
    },
    /// A run's journal read back for the eval view, or why not.
    EvalRunRead {
        id: String,
        outcome: Result<Box<ReadRun>, String>,
    },
    /// For the eval view open on run `run_id` (answers read, a case handed off).
    EvalView {
        run_id: String,
        msg: crate::tui::eval::update::Msg,
    },
}

/// The upstreams of a model, as the runtime read them.
#[derive(Clone, Debug, PartialEq)]
pub struct Upstreams {
    /// `MODEL@SLUG`, one per upstream.
    pub columns: Vec<String>,
    /// Upstreams that could not be pinned apart, one line each.
    pub notes: Vec<String>,
}

/// What went wrong with the terminal.
#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    #[error("cannot draw: {0}")]
    Draw(#[source] std::io::Error),
    #[error("cannot read the terminal: {0}")]
    Read(#[source] std::io::Error),
    #[error("cannot copy: {0}")]
    Copy(#[source] std::io::Error),
}

/// Why editing the prompt in `$EDITOR` did not work.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("cannot write the prompt for {program}: {source}")]
    Write {
        program: String,
        source: std::io::Error,
    },
    #[error("cannot leave the screen for the editor: {0}")]
    Suspend(#[source] std::io::Error),
    #[error("cannot take the screen back: {0}")]
    Resume(#[source] std::io::Error),
    #[error("cannot read the edited prompt: {0}")]
    Read(#[source] std::io::Error),
    #[error("{program} exited with {status}; the prompt is unchanged")]
    Exited {
        program: String,
        status: std::process::ExitStatus,
    },
    #[error("cannot run {program} ({source}); set $EDITOR to your editor")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
}

/// Why a session could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SessionIoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("opening failed: {0}")]
    Task(#[source] tokio::task::JoinError),
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
    /// Look for local servers at these (provider, base URL) pairs; their
    /// catalogs are priced at zero when `free`.
    Discover {
        candidates: Vec<(String, String)>,
        timeout: Duration,
        free: bool,
    },
    /// List a model's upstreams on OpenRouter, as `MODEL@SLUG` columns.
    FetchUpstreams {
        ask: u64,
        model: String,
    },
    /// Put a turn's answers to the judge, every two in both orders.
    AskJudge(Box<JudgeAsk>),
    /// Ask the judge to group a turn's answers by what they say.
    AskGrouping(Box<crate::tui::judge::GroupingAsk>),
    /// Read the eval runs in the data dir.
    ListEvalRuns,
    /// Read a run's journal for the eval view.
    ReadEvalRun(String),
    /// What the eval view open on a run asks for: a case's answers, or the
    /// case saved as a session.
    EvalView {
        run_id: String,
        journal: PathBuf,
        suite: Arc<Suite>,
        effect: crate::tui::eval::update::Effect,
    },
    Quit,
}
