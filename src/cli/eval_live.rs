//! `prism eval --tui`: opens the live view on the run (after the estimate
//! and the confirmation, before anything is sent) as a task of its own
//! that owns the terminal; the run feeds it its events. The report is
//! printed once the view is closed and the terminal given back.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::cli::term::errln;
use crate::eval::events::EvalEvent;
use crate::eval::record::Digest;
use crate::eval::suite::LoadedSuite;
use crate::router::Target;
use crate::session::store::SessionStore;
use crate::tui::eval::state::{EvalView, Init};
use crate::tui::runtime::eval::{Context, Ended, Feed, run};
use crate::tui::theme::Theme;

/// Whether the view can take a terminal: stdin and stdout both are one.
pub fn has_terminal() -> bool {
    use std::io::IsTerminal;
    super::term::stdout_is_terminal() && std::io::stdin().is_terminal()
}

/// What the view opens on.
pub struct Opening<'a> {
    pub run_id: &'a str,
    pub loaded: &'a LoadedSuite,
    /// Results journalled before this invocation.
    pub earlier: &'a [Digest],
    pub targets: &'a [Target],
    pub volume: Option<u64>,
    pub journal: &'a Path,
    pub sessions: PathBuf,
    pub events: mpsc::Receiver<EvalEvent>,
    pub cancel: CancellationToken,
}

/// The open view.
pub struct View {
    task: tokio::task::JoinHandle<std::io::Result<Ended>>,
}

pub fn open(opening: Opening<'_>) -> View {
    let suite = Arc::new(opening.loaded.suite.clone());
    let view = EvalView::new(Init {
        run_id: opening.run_id.to_string(),
        suite: suite.clone(),
        earlier: opening.earlier.to_vec(),
        volume: opening.volume,
        theme: Theme::from_env(),
        size: (80, 24),
    });
    let context = Context {
        journal: opening.journal.to_path_buf(),
        store: SessionStore::new(opening.sessions),
        suite,
        targets: opening.targets.to_vec(),
    };
    let feed = Feed {
        events: opening.events,
        cancel: opening.cancel,
    };
    View {
        task: tokio::spawn(run(view, feed, context)),
    }
}

impl View {
    /// Waits for the user to close the view; the session to continue in
    /// the workbench, if a case was sent there.
    pub async fn closed(self) -> Option<String> {
        match self.task.await {
            Ok(Ok(ended)) => ended.handoff,
            Ok(Err(error)) => {
                errln!("prism: the terminal failed: {error}");
                None
            }
            Err(error) => {
                errln!("prism: the live view stopped: {error}");
                None
            }
        }
    }
}
