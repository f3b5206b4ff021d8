//! The event loop: one task owns the terminal and selects over messages
//! (terminal events from crossterm's `EventStream`, stream batches, catalogs),
//! signals, a frame deadline that exists only while something changed, and a
//! clock that ticks only while answers are live. Idle, it waits and draws
//! nothing (a notice wakes it once, when it expires). Every message is stamped with the time it was sent; the effects
//! the reducer asks for (streams, disk, the network, parsing) run here.

mod asks;
mod batch;
mod editor;
pub mod eval;
mod frames;
mod input;
mod parsed;
mod signals;
mod stream;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::clock::now_unix;
use crate::router::Router;
use crate::router::catalog_load::{CatalogLoader, Refresh};
use crate::session::Session;
use crate::session::claim::claim_or_copy;
use crate::session::store::SessionStore;
use crate::session::writer::SessionWriter;

use super::msg::{Effect, Msg, Now, SessionIoError, Stamped, TerminalError};
use super::state::{AppState, LeaderboardView, RunId};
use super::terminal::Tty;
use super::update::update;

use editor::edit_externally;
use frames::{FrameScheduler, Ticker};
use input::spawn_input;
use parsed::{local_catalogs, search_text};
pub use signals::SIGINT;
use signals::Signals;
use stream::{Job, spawn_run};

/// About 60 frames a second at most.
const FRAME_INTERVAL: Duration = Duration::from_millis(16);
/// Elapsed timers in pane titles advance this often while answers are live.
const CLOCK_INTERVAL: Duration = Duration::from_millis(250);
/// A stream task sends what it has at least this often...
const BATCH_INTERVAL: Duration = Duration::from_millis(16);
/// ...or as soon as this much text is waiting.
const BATCH_BYTES: usize = 16 * 1024;
/// Messages handled before the loop looks at the frame deadline again.
const MAX_MESSAGES_PER_PASS: usize = 256;

pub struct Services {
    pub router: Router,
    pub loader: CatalogLoader,
    pub store: SessionStore,
    /// The eval runs' journals, for the run list (F5).
    pub runs: crate::eval::runs::RunStore,
}

/// Sends messages to the loop, each stamped with the time it was sent.
#[derive(Clone)]
struct Outbox {
    tx: mpsc::Sender<Stamped>,
}

impl Outbox {
    /// Waits while the loop is behind (backpressure); false once it is gone.
    async fn send(&self, msg: Msg) -> bool {
        self.tx.send(stamp(msg)).await.is_ok()
    }
}

/// A message stamped with the time now.
fn stamp(msg: Msg) -> Stamped {
    Stamped::new(msg, Now::current())
}

/// Runs until the user quits; returns the signal that ended it, if one did.
pub async fn run(
    mut tty: Tty,
    mut state: AppState,
    services: Services,
    initial: Vec<Effect>,
) -> std::io::Result<Option<i32>> {
    let (tx, mut rx) = mpsc::channel::<Stamped>(1024);
    let outbox = Outbox { tx };
    // Terminal input has a channel of its own, read before stream batches,
    // so a key never waits behind them.
    let (keys_tx, mut keys_rx) = mpsc::channel::<Stamped>(64);
    let keys = Outbox { tx: keys_tx };
    let writer = SessionWriter::spawn(services.store.clone());
    // A failed save becomes a notice in the footer; the session stays in memory.
    if let Some(mut errors) = writer.errors() {
        let notices = outbox.clone();
        tokio::spawn(async move {
            while let Some(error) = errors.recv().await {
                if !notices.send(Msg::SaveFailed(error)).await {
                    break;
                }
            }
        });
    }
    let mut runner = EffectRunner {
        services,
        writer,
        outbox: outbox.clone(),
        keys,
        runs: HashMap::new(),
    };
    let mut input = spawn_input(runner.keys.clone());
    let mut signals = Signals::new();
    let mut frames = FrameScheduler::new(FRAME_INTERVAL);
    let mut ticker = Ticker::new(CLOCK_INTERVAL, Instant::now());
    let mut ended_by: Option<i32> = None;
    let mut open_session = SessionHolder::new(&state.record.session.id);
    let mut warmer = super::warm::Warmer::default();
    warmer.follow(&state, &runner.services.router, std::time::Instant::now());

    for effect in initial {
        runner.run(effect, &mut tty, &mut input).await;
    }

    while !state.ui.quit {
        let now = Instant::now();
        let draw_at = frames.deadline(state.ui.dirty, now);
        let tick_at = ticker.deadline(state.workspace.any_live(), now);
        let notice_at = state.notice_expires_at().map(Instant::from_std);
        let mut inbox: Vec<Stamped> = Vec::new();
        tokio::select! {
            biased;
            _ = sleep_until(draw_at) => {
                if let Err(err) = tty.draw(&state) {
                    inbox.push(stamp(Msg::TerminalError(TerminalError::Draw(err))));
                }
                state.ui.dirty = false;
                frames.drawn(Instant::now());
            }
            Some(msg) = keys_rx.recv() => {
                drain_into(&mut inbox, msg, &mut keys_rx, |msg| msg);
                inbox = input::join_bursts(inbox);
                // What was typed is drawn at once, not at the next frame.
                frames.input();
            }
            Some(msg) = rx.recv() => drain_into(&mut inbox, msg, &mut rx, |msg| msg),
            _ = sleep_until(tick_at) => {
                ticker.ticked(Instant::now());
                inbox.push(stamp(Msg::Tick));
            }
            // The notice expires: the footer's figures come back.
            _ = sleep_until(notice_at) => inbox.push(stamp(Msg::Tick)),
            signal = signals.next() => {
                ended_by = Some(signal);
                inbox.push(stamp(Msg::Signal));
            }
        }
        for msg in inbox {
            for effect in update(&mut state, msg) {
                runner.run(effect, &mut tty, &mut input).await;
            }
        }
        open_session.follow(&state.record.session.id, &runner);
        warmer.follow(&state, &runner.services.router, std::time::Instant::now());
    }
    runner.cancel_all();
    input.abort();
    // Everything the session writer was handed is on disk before we leave.
    runner.writer.flush().await;
    Ok(ended_by)
}

/// Which session's lock the workbench keeps: the one open. When another
/// opens, the previous one is released once its last save is on disk,
/// unless it is open again by then.
struct SessionHolder {
    current: std::sync::Arc<std::sync::Mutex<String>>,
}

impl SessionHolder {
    fn new(id: &str) -> SessionHolder {
        SessionHolder {
            current: std::sync::Arc::new(std::sync::Mutex::new(id.to_string())),
        }
    }

    fn follow(&mut self, id: &str, runner: &EffectRunner) {
        let previous = {
            let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
            if *current == id {
                return;
            }
            std::mem::replace(&mut *current, id.to_string())
        };
        let (store, writer, _) = runner.session_io();
        let current = self.current.clone();
        tokio::spawn(async move {
            writer.flush().await;
            let reopened = *current.lock().unwrap_or_else(|p| p.into_inner()) == previous;
            if !reopened {
                let _ = tokio::task::spawn_blocking(move || store.release(&previous)).await;
            }
        });
    }
}

/// Puts `first` and whatever else is already waiting in `rx` into `inbox`,
/// up to `MAX_MESSAGES_PER_PASS` in all, so a pass handles a batch and the
/// frame deadline is looked at again between batches.
fn drain_into<T, U>(
    inbox: &mut Vec<U>,
    first: T,
    rx: &mut mpsc::Receiver<T>,
    wrap: impl Fn(T) -> U,
) {
    inbox.push(wrap(first));
    while inbox.len() < MAX_MESSAGES_PER_PASS {
        match rx.try_recv() {
            Ok(msg) => inbox.push(wrap(msg)),
            Err(_) => break,
        }
    }
}

/// Resolves at `at`; never without one.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

struct EffectRunner {
    services: Services,
    writer: SessionWriter,
    outbox: Outbox,
    /// Where the input task sends what it reads.
    keys: Outbox,
    runs: HashMap<RunId, CancellationToken>,
}

impl EffectRunner {
    async fn run(
        &mut self,
        effect: Effect,
        tty: &mut Tty,
        input: &mut tokio::task::JoinHandle<()>,
    ) {
        // Runs that ended (their tasks cancel their own tokens on the way out).
        self.runs.retain(|_, token| !token.is_cancelled());
        match effect {
            Effect::StartRun {
                pane,
                run,
                target,
                messages,
                params,
            } => {
                let job = Job {
                    pane,
                    run,
                    target,
                    messages,
                    params,
                };
                let token = spawn_run(self.services.router.clone(), self.outbox.clone(), job);
                self.runs.insert(run, token);
            }
            Effect::CancelRun(run) => {
                if let Some(token) = self.runs.remove(&run) {
                    token.cancel();
                }
            }
            Effect::LoadCatalog { provider, refresh } => {
                let loader = self.services.loader.clone();
                let outbox = self.outbox.clone();
                tokio::spawn(async move {
                    let outcome = loader.load(&provider, refresh).await;
                    outbox
                        .send(Msg::CatalogLoaded {
                            provider,
                            catalog: outcome.catalog.map(Arc::new),
                            warnings: outcome.warnings,
                            refreshed: refresh != Refresh::Offline,
                        })
                        .await;
                });
            }
            Effect::CopyToClipboard(text) => {
                if let Err(err) = tty.copy_to_clipboard(&text) {
                    self.outbox
                        .send(Msg::TerminalError(TerminalError::Copy(err)))
                        .await;
                }
            }
            Effect::OpenEditor(text) => {
                // Stop reading input so every keystroke goes to the editor.
                input.abort();
                let _ = (&mut *input).await;
                let outcome = edit_externally(tty, &text);
                *input = spawn_input(self.keys.clone());
                self.outbox.send(Msg::EditorClosed(outcome)).await;
            }
            Effect::SaveSession(session) => self.writer.save(session),
            Effect::DeleteSession(id) => self.writer.delete(id),
            Effect::ListSessions => {
                let (store, writer, outbox) = self.session_io();
                tokio::spawn(async move {
                    // List what is on disk after every queued save landed.
                    writer.flush().await;
                    // Read and searched off the loop: the search covers
                    // every prompt and answer.
                    let listed = tokio::task::spawn_blocking(move || {
                        let (sessions, problems) = store.load_all();
                        let items = sessions.iter().map(Session::summary).collect();
                        let texts = sessions.iter().map(search_text).collect();
                        (items, texts, problems)
                    });
                    match listed.await {
                        Ok((items, texts, problems)) => {
                            let msg = Msg::SessionsListed {
                                items,
                                texts,
                                problems,
                            };
                            outbox.send(msg).await;
                        }
                        Err(err) => tracing::error!(error = %err, "listing sessions stopped"),
                    }
                });
            }
            Effect::OpenSession(id) => {
                let (store, writer, outbox) = self.session_io();
                tokio::spawn(async move {
                    writer.flush().await;
                    // Locked for this workbench, or a copy when another has it open.
                    let loaded = tokio::task::spawn_blocking(move || {
                        let session = store.load(&id)?;
                        Ok::<_, crate::session::StoreError>(claim_or_copy(
                            &store,
                            session,
                            now_unix(),
                        ))
                    });
                    let (loaded, notice) = match loaded.await {
                        Ok(Ok((session, notice))) => (Ok(Box::new(session)), notice),
                        Ok(Err(err)) => (Err(SessionIoError::Store(err)), None),
                        Err(err) => (Err(SessionIoError::Task(err)), None),
                    };
                    outbox.send(Msg::SessionOpened(loaded)).await;
                    if let Some(notice) = notice {
                        outbox.send(Msg::Notice(notice)).await;
                    }
                });
            }
            Effect::LoadLeaderboard => {
                let (store, writer, outbox) = self.session_io();
                tokio::spawn(async move {
                    writer.flush().await;
                    let computed = tokio::task::spawn_blocking(move || {
                        let (sessions, problems) = store.load_all();
                        let boards = LeaderboardView::compute_boards(&sessions);
                        (boards, problems)
                    })
                    .await;
                    match computed {
                        Ok((boards, problems)) => {
                            outbox
                                .send(Msg::LeaderboardLoaded { boards, problems })
                                .await;
                        }
                        Err(err) => tracing::error!(error = %err, "the leaderboard stopped"),
                    }
                });
            }
            Effect::FetchGeneration {
                pane,
                run,
                provider,
                id,
            } => {
                let router = self.services.router.clone();
                let outbox = self.outbox.clone();
                tokio::spawn(async move {
                    let record = router.fetch_generation(&provider, &id).await;
                    outbox
                        .send(Msg::GenerationFetched { pane, run, record })
                        .await;
                });
            }
            Effect::FetchKey(provider) => {
                let router = self.services.router.clone();
                let outbox = self.outbox.clone();
                tokio::spawn(async move {
                    let info = router.fetch_key(&provider).await;
                    outbox.send(Msg::KeyFetched(info)).await;
                });
            }
            Effect::Discover {
                candidates,
                timeout,
                free,
            } => {
                let outbox = self.outbox.clone();
                // In the background: the first frame never waits for it.
                tokio::spawn(async move {
                    let found = crate::router::discovery::discover(&candidates, timeout).await;
                    let catalogs = local_catalogs(&found, free);
                    if !catalogs.is_empty() {
                        outbox.send(Msg::LocalFound(catalogs)).await;
                    }
                });
            }
            Effect::AskJudge(ask) => asks::spawn_judge(
                self.services.router.clone(),
                self.services.loader.clone(),
                self.outbox.clone(),
                *ask,
            ),
            Effect::AskGrouping(ask) => asks::spawn_grouping(
                self.services.router.clone(),
                self.services.loader.clone(),
                self.outbox.clone(),
                *ask,
            ),
            Effect::FetchUpstreams { ask, model } => {
                asks::spawn_upstreams(
                    self.services.router.clone(),
                    self.outbox.clone(),
                    ask,
                    model,
                );
            }
            Effect::ListEvalRuns => {
                eval::spawn_list(self.services.runs.clone(), self.outbox.clone());
            }
            Effect::ReadEvalRun(id) => {
                eval::spawn_read(self.services.runs.clone(), self.outbox.clone(), id);
            }
            Effect::EvalView {
                run_id,
                journal,
                suite,
                effect,
            } => eval::spawn_view_effect(
                eval::Embedded {
                    run_id,
                    journal,
                    suite,
                    router: self.services.router.clone(),
                    store: self.services.store.clone(),
                },
                effect,
                self.outbox.clone(),
            ),
            Effect::Quit => self.cancel_all(),
        }
    }

    fn session_io(&self) -> (SessionStore, SessionWriter, Outbox) {
        (
            self.services.store.clone(),
            self.writer.clone(),
            self.outbox.clone(),
        )
    }

    fn cancel_all(&mut self) {
        for (_, token) in self.runs.drain() {
            token.cancel();
        }
    }
}
