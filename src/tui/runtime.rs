//! The event loop: one task owns the terminal and selects over messages
//! (terminal events from crossterm's `EventStream`, stream batches, catalogs),
//! signals, a frame deadline that exists only while something changed, and a
//! clock that ticks only while answers are live. Idle, it waits and draws nothing.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crossterm::event::{Event, EventStream};

use crate::router::catalog_load::now_unix;
use crate::router::catalog_load::{CatalogLoader, Refresh};
use crate::router::events::StreamEvent;
use crate::router::{ChatMessage, ChatParams, Router, Target};
use crate::session::leaderboard::{self, VoteFilter};
use crate::session::lock::claim_or_copy;
use crate::session::store::SessionStore;
use crate::session::writer::SessionWriter;

use super::msg::{Effect, Msg};
use super::state::{AppState, PaneId, RunId};
use super::terminal::Tty;
use super::update::update;

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
}

/// Runs until the user quits; returns the signal that ended it, if one did.
pub async fn run(
    mut tty: Tty,
    mut state: AppState,
    services: Services,
    initial: Vec<Effect>,
) -> std::io::Result<Option<i32>> {
    let (tx, mut rx) = mpsc::channel::<Msg>(1024);
    let writer = SessionWriter::spawn(services.store.clone());
    // A failed save becomes a notice in the footer; the session stays in memory.
    if let Some(mut errors) = writer.errors() {
        let notices = tx.clone();
        tokio::spawn(async move {
            while let Some(error) = errors.recv().await {
                if notices.send(Msg::SaveFailed(error)).await.is_err() {
                    break;
                }
            }
        });
    }
    let mut runner = EffectRunner {
        services,
        writer,
        tx: tx.clone(),
        runs: HashMap::new(),
    };
    let mut input = spawn_input(tx.clone());
    let mut signals = Signals::new();
    let mut ended_by: Option<i32> = None;
    let mut open_session = SessionHolder::new(&state.session.id);
    let mut last_draw: Option<Instant> = None;
    let mut next_tick = Instant::now() + CLOCK_INTERVAL;
    let mut warmer = super::warm::Warmer::default();
    warmer.follow(&state, &runner.services.router, std::time::Instant::now());

    for effect in initial {
        runner.run(effect, &mut tty, &mut input).await;
    }

    while !state.quit {
        let now = Instant::now();
        let draw_at = state
            .dirty
            .then(|| last_draw.map_or(now, |at| at + FRAME_INTERVAL));
        let live = state.any_live();
        if !live {
            next_tick = now + CLOCK_INTERVAL;
        }
        let mut inbox: Vec<Msg> = Vec::new();
        tokio::select! {
            biased;
            _ = sleep_until(draw_at), if draw_at.is_some() => {
                if let Err(err) = tty.draw(&state) {
                    inbox.push(Msg::TerminalError(format!("cannot draw: {err}")));
                }
                state.dirty = false;
                last_draw = Some(Instant::now());
            }
            Some(msg) = rx.recv() => {
                inbox.push(msg);
                while inbox.len() < MAX_MESSAGES_PER_PASS {
                    match rx.try_recv() {
                        Ok(msg) => inbox.push(msg),
                        Err(_) => break,
                    }
                }
            }
            _ = tokio::time::sleep_until(next_tick), if live => {
                next_tick = Instant::now() + CLOCK_INTERVAL;
                inbox.push(Msg::Tick {
                    at: std::time::Instant::now(),
                    unix: crate::router::catalog_load::now_unix(),
                });
            }
            signal = signals.next() => {
                ended_by = Some(signal);
                inbox.push(Msg::Signal);
            }
        }
        for msg in inbox {
            for effect in update(&mut state, msg) {
                runner.run(effect, &mut tty, &mut input).await;
            }
        }
        open_session.follow(&state.session.id, &runner);
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

/// Terminal input as a task of its own: it is polled only when crossterm's
/// `EventStream` wakes it, so streaming traffic never makes the loop poll the
/// terminal (crossterm's reader lock is contended on every poll).
fn spawn_input(tx: mpsc::Sender<Msg>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(event) = events.next().await {
            let msg = match event {
                Ok(event) => terminal_msg(event),
                Err(err) => Some(Msg::TerminalError(format!(
                    "cannot read the terminal: {err}"
                ))),
            };
            if let Some(msg) = msg
                && tx.send(msg).await.is_err()
            {
                break;
            }
        }
    })
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn terminal_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize(width, height)),
        Event::FocusGained | Event::FocusLost => None,
    }
}

struct EffectRunner {
    services: Services,
    writer: SessionWriter,
    tx: mpsc::Sender<Msg>,
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
                let token = spawn_run(
                    self.services.router.clone(),
                    self.tx.clone(),
                    Job {
                        pane,
                        run,
                        target,
                        messages,
                        params,
                    },
                );
                self.runs.insert(run, token);
            }
            Effect::CancelRun(run) => {
                if let Some(token) = self.runs.remove(&run) {
                    token.cancel();
                }
            }
            Effect::LoadCatalog { provider, refresh } => {
                let loader = self.services.loader.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let outcome = loader.load(&provider, refresh).await;
                    let _ = tx
                        .send(Msg::CatalogLoaded {
                            provider,
                            catalog: outcome.catalog.map(std::sync::Arc::new),
                            warnings: outcome.warnings,
                            refreshed: refresh != Refresh::Offline,
                        })
                        .await;
                });
            }
            Effect::CopyToClipboard(text) => {
                if let Err(err) = tty.copy_to_clipboard(&text) {
                    let _ = self
                        .tx
                        .send(Msg::TerminalError(format!("cannot copy: {err}")))
                        .await;
                }
            }
            Effect::OpenEditor(text) => {
                // Stop reading input so every keystroke goes to the editor.
                input.abort();
                let _ = (&mut *input).await;
                let outcome = edit_externally(tty, &text);
                *input = spawn_input(self.tx.clone());
                let _ = self.tx.send(Msg::EditorClosed(outcome)).await;
            }
            Effect::SaveSession(session) => self.writer.save(session),
            Effect::DeleteSession(id) => self.writer.delete(id),
            Effect::ListSessions => {
                let (store, writer, tx) = self.session_io();
                tokio::spawn(async move {
                    // List what is on disk after every queued save landed.
                    writer.flush().await;
                    let listed = tokio::task::spawn_blocking(move || store.list()).await;
                    let msg = match listed {
                        Ok((items, problems)) => Msg::SessionsListed {
                            items,
                            problems: problems.iter().map(ToString::to_string).collect(),
                        },
                        Err(err) => Msg::SaveFailed(format!("listing sessions failed: {err}")),
                    };
                    let _ = tx.send(msg).await;
                });
            }
            Effect::OpenSession(id) => {
                let (store, writer, tx) = self.session_io();
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
                    let (msg, notice) = match loaded.await {
                        Ok(Ok((session, notice))) => {
                            (Msg::SessionOpened(Ok(Box::new(session))), notice)
                        }
                        Ok(Err(err)) => (Msg::SessionOpened(Err(err.to_string())), None),
                        Err(err) => (
                            Msg::SessionOpened(Err(format!("opening failed: {err}"))),
                            None,
                        ),
                    };
                    let _ = tx.send(msg).await;
                    if let Some(notice) = notice {
                        let _ = tx.send(Msg::Notice(notice)).await;
                    }
                });
            }
            Effect::LoadLeaderboard => {
                let (store, writer, tx) = self.session_io();
                tokio::spawn(async move {
                    writer.flush().await;
                    let computed = tokio::task::spawn_blocking(move || {
                        let (sessions, problems) = store.load_all();
                        let boards = [VoteFilter::All, VoteFilter::Blind, VoteFilter::Sighted]
                            .into_iter()
                            .map(|filter| leaderboard::compute(&sessions, filter))
                            .collect();
                        (boards, problems.iter().map(ToString::to_string).collect())
                    })
                    .await;
                    if let Ok((boards, problems)) = computed {
                        let _ = tx.send(Msg::LeaderboardLoaded { boards, problems }).await;
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
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let record = router
                        .fetch_generation(&provider, &id)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::GenerationFetched { pane, run, record }).await;
                });
            }
            Effect::FetchKey(provider) => {
                let router = self.services.router.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let info = router.fetch_key(&provider).await.map_err(|e| e.to_string());
                    let _ = tx.send(Msg::KeyFetched(info)).await;
                });
            }
            Effect::Discover {
                candidates,
                timeout,
            } => {
                let tx = self.tx.clone();
                // In the background: the first frame never waits for it.
                tokio::spawn(async move {
                    let found = crate::router::discovery::discover(&candidates, timeout).await;
                    if !found.is_empty() {
                        let _ = tx.send(Msg::LocalFound(found)).await;
                    }
                });
            }
            Effect::Quit => self.cancel_all(),
        }
    }

    fn session_io(&self) -> (SessionStore, SessionWriter, mpsc::Sender<Msg>) {
        (
            self.services.store.clone(),
            self.writer.clone(),
            self.tx.clone(),
        )
    }

    fn cancel_all(&mut self) {
        for (_, token) in self.runs.drain() {
            token.cancel();
        }
    }
}

struct Job {
    pane: PaneId,
    run: RunId,
    target: Target,
    messages: Vec<ChatMessage>,
    params: ChatParams,
}

/// One task per run: the router streams into a channel; this task batches
/// what arrives (merging consecutive deltas) and hands it to the loop. Its
/// sends wait when the loop is behind, which slows the socket reader, never
/// the UI, and loses no text.
fn spawn_run(router: Router, app: mpsc::Sender<Msg>, job: Job) -> CancellationToken {
    let cancel = CancellationToken::new();
    let token = cancel.clone();
    tokio::spawn(async move {
        // Cancelled once the task ends, so the runner's `retain` forgets it.
        let _forget = token.clone().drop_guard();
        let (tx, mut rx) = mpsc::channel::<StreamEvent>(1024);
        let (pane, run) = (job.pane, job.run);
        let forward = {
            let app = app.clone();
            async move {
                while let Some(first) = rx.recv().await {
                    let mut batch = Batch::default();
                    batch.push(first);
                    // One timer per batch, then take whatever arrived: no
                    // wake-up and no timer per token while tokens pour in.
                    let deadline = Instant::now() + BATCH_INTERVAL;
                    let mut open = true;
                    while open && batch.bytes < BATCH_BYTES {
                        match rx.try_recv() {
                            Ok(event) => batch.push(event),
                            Err(mpsc::error::TryRecvError::Disconnected) => open = false,
                            Err(mpsc::error::TryRecvError::Empty) => {
                                if Instant::now() >= deadline {
                                    break;
                                }
                                tokio::time::sleep_until(deadline).await;
                            }
                        }
                    }
                    let msg = Msg::Stream {
                        pane,
                        run,
                        events: batch.events,
                        merged: batch.merged,
                        at: std::time::Instant::now(),
                    };
                    if app.send(msg).await.is_err() {
                        break;
                    }
                }
            }
        };
        let stream = router.run(&job.target, &job.messages, &job.params, Some(tx), token);
        let (result, ()) = tokio::join!(stream, forward);
        let _ = app
            .send(Msg::RunFinished {
                pane,
                run,
                result: Box::new(result),
                at: std::time::Instant::now(),
            })
            .await;
    });
    cancel
}

/// Events waiting to go to the loop, with consecutive deltas merged.
#[derive(Default)]
struct Batch {
    events: Vec<StreamEvent>,
    bytes: usize,
    /// Deltas merged into an earlier one (each still counts as a token).
    merged: u64,
}

impl Batch {
    fn push(&mut self, event: StreamEvent) {
        match (self.events.last_mut(), event) {
            (Some(StreamEvent::Content(text)), StreamEvent::Content(more))
            | (Some(StreamEvent::Reasoning(text)), StreamEvent::Reasoning(more)) => {
                self.bytes += more.len();
                self.merged += 1;
                text.push_str(&more);
            }
            (_, event) => {
                if let StreamEvent::Content(text) | StreamEvent::Reasoning(text) = &event {
                    self.bytes += text.len();
                }
                self.events.push(event);
            }
        }
    }
}

/// Hands the terminal to `$VISUAL`/`$EDITOR` (default `vi`) on a temp file
/// holding the prompt, and takes it back. The caller stops the input task
/// first, so keystrokes go to the editor.
fn edit_externally(tty: &mut Tty, text: &str) -> Result<String, String> {
    let command = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_string());
    let mut words = command.split_whitespace();
    let program = words.next().unwrap_or("vi").to_string();
    let args: Vec<String> = words.map(str::to_string).collect();
    let file =
        prompt_file(text).map_err(|e| format!("cannot write the prompt for {program}: {e}"))?;
    let path = file.path().to_path_buf();

    let suspended = tty.suspend();
    // Blocking on purpose: the editor owns the terminal until it exits, and
    // streams simply wait (their sockets buffer) until we are back.
    let status = std::process::Command::new(&program)
        .args(&args)
        .arg(&path)
        .status();
    let resumed = tty.resume();
    // By path: editors often save by writing a new file over the old one.
    let edited = std::fs::read_to_string(&path);
    drop(file);

    suspended.map_err(|e| format!("cannot leave the screen for the editor: {e}"))?;
    resumed.map_err(|e| format!("cannot take the screen back: {e}"))?;
    match status {
        Ok(status) if status.success() => {
            edited.map_err(|e| format!("cannot read the edited prompt: {e}"))
        }
        Ok(status) => Err(format!(
            "{program} exited with {status}; the prompt is unchanged"
        )),
        Err(err) => Err(format!(
            "cannot run {program} ({err}); set $EDITOR to your editor"
        )),
    }
}

/// The prompt for the editor in a private temp file: a new name nobody can
/// predict, created exclusively (a planted symlink is never followed) and
/// readable by the user only (0600). Removed when dropped.
fn prompt_file(text: &str) -> std::io::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut file = tempfile::Builder::new()
        .prefix("prism-prompt-")
        .suffix(".md")
        .tempfile()?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    Ok(file)
}

/// SIGTERM, SIGINT, SIGHUP and SIGQUIT as one stream, each ending the
/// workbench with the terminal restored (Ctrl+C in raw mode is a key, not a
/// signal). `next` gives the signal's number, for the exit status.
struct Signals {
    #[cfg(unix)]
    streams: Vec<(i32, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = [
                SignalKind::terminate(),
                SignalKind::interrupt(),
                SignalKind::hangup(),
                SignalKind::quit(),
            ]
            .into_iter()
            .filter_map(|kind| Some((kind.as_raw_value(), signal(kind).ok()?)))
            .collect();
            Signals { streams }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn next(&mut self) -> i32 {
        #[cfg(unix)]
        {
            if self.streams.is_empty() {
                return std::future::pending().await;
            }
            let waits = self.streams.iter_mut().map(|(number, stream)| {
                Box::pin(async move { stream.recv().await.map(|()| *number) })
            });
            let (number, _, _) = futures_util::future::select_all(waits).await;
            number.unwrap_or(SIGINT)
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            SIGINT
        }
    }
}

/// The interrupt signal's number (the same on every platform prism runs on).
pub const SIGINT: i32 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_prompt_file_is_private_and_unpredictable() {
        use std::os::unix::fs::PermissionsExt;
        let file = prompt_file("draft").expect("created");
        let path = file.path().to_path_buf();
        let mode = std::fs::metadata(&path)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "draft");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        assert_ne!(name, format!("prism-prompt-{}.md", std::process::id()));
        assert!(
            name.starts_with("prism-prompt-") && name.ends_with(".md"),
            "{name}"
        );
        let other = prompt_file("another").expect("created");
        assert_ne!(other.path(), path);
        drop(file);
        assert!(!path.exists(), "removed after editing");
    }

    #[test]
    fn batches_merge_deltas_but_keep_their_count() {
        let mut batch = Batch::default();
        for event in [
            StreamEvent::Reasoning("a".into()),
            StreamEvent::Reasoning("b".into()),
            StreamEvent::Content("c".into()),
            StreamEvent::Content("d".into()),
            StreamEvent::Content("e".into()),
            StreamEvent::Finished {
                finish_reason: None,
            },
        ] {
            batch.push(event);
        }
        assert_eq!(
            batch.events,
            vec![
                StreamEvent::Reasoning("ab".into()),
                StreamEvent::Content("cde".into()),
                StreamEvent::Finished {
                    finish_reason: None
                },
            ]
        );
        assert_eq!(batch.merged, 3);
        assert_eq!(batch.bytes, 5);
    }
}
