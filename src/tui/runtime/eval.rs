//! The live eval view's loop: one task owns the terminal and selects over
//! the run's events (a bounded channel whose sender waits, so no result is
//! lost), keys, the results of its own effects, signals, and a frame
//! deadline that exists only while something changed. Idle, it draws
//! nothing. Quitting while the run goes on cancels it; the journal keeps
//! what is done, so `prism eval --resume RUN` finishes it.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::clock::now_unix;
use crate::eval::events::EvalEvent;
use crate::eval::handoff::{CaseHandoff, session_for_case};
use crate::eval::journal;
use crate::eval::journal::read_result_at;
use crate::eval::record::EvalResult;
use crate::eval::runs::RunStore;
use crate::eval::suite::Suite;
use crate::router::Target;
use crate::router::{Router, columns};
use crate::session::store::SessionStore;
use crate::tui::eval::runs::{ReadRun, RunRow};
use crate::tui::eval::state::EvalView;
use crate::tui::eval::update::{Effect, Msg, prepare, update};
use crate::tui::eval::view;
use crate::tui::msg::Msg as WorkbenchMsg;
use crate::tui::terminal::Tty;

use super::frames::FrameScheduler;
use super::signals::Signals;
use super::{FRAME_INTERVAL, Outbox, drain_into, sleep_until};

/// While results stream in, the summary (computed over every result so
/// far) is brought up to date at most this often; the grid every frame.
const SUMMARY_INTERVAL: Duration = Duration::from_millis(200);

/// The run as the view sees it.
pub struct Feed {
    pub events: mpsc::Receiver<EvalEvent>,
    /// Cancelled when the user stops the run.
    pub cancel: CancellationToken,
}

/// What the view's effects need: the journal to read answers from, and
/// what a case's workbench session is made of.
pub struct Context {
    pub journal: PathBuf,
    pub store: SessionStore,
    pub suite: Arc<Suite>,
    pub targets: Vec<Target>,
}

/// How the view ended.
#[derive(Debug, Default)]
pub struct Ended {
    /// A session to open in the workbench.
    pub handoff: Option<String>,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
}

/// Takes the terminal and runs the view until the user quits.
pub async fn run(mut view: EvalView, mut feed: Feed, context: Context) -> std::io::Result<Ended> {
    let mut tty = Tty::enter()?;
    view.size = tty.size()?;
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let input = spawn_input(tx.clone());
    let context = Arc::new(context);
    let mut signals = Signals::new();
    let mut frames = FrameScheduler::new(FRAME_INTERVAL);
    let mut summarised_at: Option<Instant> = None;
    let mut events_open = true;
    let mut ended = Ended::default();
    let mut failure = None;

    while !view.quit {
        let now = Instant::now();
        let draw_at = frames.deadline(view.dirty, now);
        let mut inbox: Vec<Msg> = Vec::new();
        tokio::select! {
            biased;
            _ = sleep_until(draw_at) => {
                let due = summarised_at.is_none_or(|at| now >= at + SUMMARY_INTERVAL);
                let summarise = view.summary_stale && (due || !view.running());
                if summarise {
                    prepare(&mut view);
                    summarised_at = Some(now);
                }
                if let Err(error) = tty.draw_with(|frame| view::draw(frame, &view)) {
                    failure = Some(error);
                    break;
                }
                // A summary left for later asks for another frame.
                view.dirty = view.summary_stale;
                frames.drawn(Instant::now());
            }
            Some(msg) = rx.recv() => drain_into(&mut inbox, msg, &mut rx, |msg| msg),
            event = feed.events.recv(), if events_open => match event {
                Some(event) => drain_into(&mut inbox, event, &mut feed.events, Msg::Run),
                None => {
                    events_open = false;
                    inbox.push(Msg::RunEnded { interrupted: feed.cancel.is_cancelled() });
                }
            },
            signal = signals.next() => {
                ended.signal = Some(signal);
                inbox.push(Msg::Signal);
            }
        }
        for msg in inbox {
            for effect in update(&mut view, msg) {
                run_effect(effect, &feed.cancel, &context, &tx);
            }
        }
    }
    input.abort();
    drop(tty);
    if let Some(error) = failure {
        feed.cancel.cancel();
        return Err(error);
    }
    ended.handoff = view.handoff.take();
    Ok(ended)
}

fn run_effect(
    effect: Effect,
    cancel: &CancellationToken,
    context: &Arc<Context>,
    tx: &mpsc::Sender<Msg>,
) {
    match effect {
        Effect::CancelRun => cancel.cancel(),
        Effect::LoadCase {
            case,
            repeat,
            offsets,
        } => {
            let (context, tx) = (context.clone(), tx.clone());
            tokio::spawn(async move {
                let read =
                    tokio::task::spawn_blocking(move || read_results(&context.journal, &offsets))
                        .await;
                let answers = read.unwrap_or_else(|e| Err(e.to_string()));
                let _ = tx
                    .send(Msg::CaseLoaded {
                        case,
                        repeat,
                        answers,
                    })
                    .await;
            });
        }
        Effect::Handoff {
            case,
            repeat: _,
            offsets,
        } => {
            let (context, tx) = (context.clone(), tx.clone());
            tokio::spawn(async move {
                let saved = tokio::task::spawn_blocking(move || {
                    let Context {
                        journal,
                        store,
                        suite,
                        targets,
                    } = &*context;
                    save_case(journal, store, suite, targets, case, &offsets)
                })
                .await;
                let saved = saved.unwrap_or_else(|e| Err(e.to_string()));
                let _ = tx.send(Msg::Handed(saved)).await;
            });
        }
    }
}

/// The full results at these journal offsets (None where there is none).
fn read_results(
    journal: &std::path::Path,
    offsets: &[Option<u64>],
) -> Result<Vec<Option<EvalResult>>, String> {
    let file = File::open(journal).map_err(|e| format!("{}: {e}", journal.display()))?;
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    offsets
        .iter()
        .map(|offset| match offset {
            Some(offset) => {
                read_result_at(&mut reader, *offset, &mut line).map_err(|e| e.to_string())
            }
            None => Ok(None),
        })
        .collect()
}

/// Saves the case as a session; its id.
fn save_case(
    journal: &Path,
    store: &SessionStore,
    suite: &Suite,
    targets: &[Target],
    case: usize,
    offsets: &[Option<u64>],
) -> Result<String, String> {
    let results = read_results(journal, offsets)?;
    let now = now_unix();
    let id = crate::session::types::new_id(now, fastrand::u16(..));
    let session = session_for_case(&CaseHandoff {
        suite,
        case,
        targets,
        results: &results,
        id: id.clone(),
        now_unix: now,
    })
    .ok_or_else(|| format!("no case {}", case + 1))?;
    store.save(&session).map_err(|e| e.to_string())?;
    Ok(id)
}

/// Reads every run's journal, newest first (off the loop).
pub(super) fn spawn_list(store: RunStore, outbox: Outbox) {
    tokio::spawn(async move {
        let listed = tokio::task::spawn_blocking(move || list_runs(&store)).await;
        let (rows, problems) = listed.unwrap_or_else(|e| (Vec::new(), vec![e.to_string()]));
        outbox
            .send(WorkbenchMsg::EvalRunsListed { rows, problems })
            .await;
    });
}

fn list_runs(store: &RunStore) -> (Vec<RunRow>, Vec<String>) {
    let ids = match store.ids() {
        Ok(ids) => ids,
        Err(error) => return (Vec::new(), vec![error.to_string()]),
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for id in ids.iter().rev() {
        match journal::read(&store.path_for(id)) {
            Ok(contents) => rows.push(RunRow::of(id, &contents)),
            Err(error) => problems.push(error.to_string()),
        }
    }
    (rows, problems)
}

/// Reads one run's journal for the eval view (off the loop).
pub(super) fn spawn_read(store: RunStore, outbox: Outbox, id: String) {
    tokio::spawn(async move {
        let path = store.path_for(&id);
        let read = tokio::task::spawn_blocking(move || {
            let contents = journal::read(&path).map_err(|e| e.to_string())?;
            Ok(Box::new(ReadRun {
                id: contents.header.run_id.clone(),
                journal: path,
                suite: contents.header.suite,
                digests: contents.digests,
            }))
        })
        .await;
        let outcome = read.unwrap_or_else(|e| Err(e.to_string()));
        outbox.send(WorkbenchMsg::EvalRunRead { id, outcome }).await;
    });
}

/// What the eval view open in the workbench works on.
pub(super) struct Embedded {
    pub run_id: String,
    pub journal: PathBuf,
    pub suite: Arc<Suite>,
    pub router: Router,
    pub store: SessionStore,
}

/// Runs what the eval view open in the workbench asked for, off the loop;
/// the outcome goes back to it tagged with its run.
pub(super) fn spawn_view_effect(embedded: Embedded, effect: Effect, outbox: Outbox) {
    tokio::spawn(async move {
        let run_id = embedded.run_id.clone();
        let done = tokio::task::spawn_blocking(move || match effect {
            Effect::CancelRun => None,
            Effect::LoadCase {
                case,
                repeat,
                offsets,
            } => Some(Msg::CaseLoaded {
                case,
                repeat,
                answers: read_results(&embedded.journal, &offsets),
            }),
            Effect::Handoff { case, offsets, .. } => {
                let saved = targets(&embedded.router, &embedded.suite).and_then(|targets| {
                    save_case(
                        &embedded.journal,
                        &embedded.store,
                        &embedded.suite,
                        &targets,
                        case,
                        &offsets,
                    )
                });
                Some(Msg::Handed(saved))
            }
        })
        .await;
        let msg = match done {
            Ok(Some(msg)) => msg,
            Ok(None) => return,
            Err(error) => Msg::Handed(Err(error.to_string())),
        };
        outbox.send(WorkbenchMsg::EvalView { run_id, msg }).await;
    });
}

/// The suite's columns as the workbench's providers resolve them now.
fn targets(router: &Router, suite: &Suite) -> Result<Vec<Target>, String> {
    let labels = suite.column_labels();
    suite
        .columns
        .iter()
        .zip(labels)
        .map(|(column, label)| {
            let target = columns::targets(router.providers(), &[column.to_arg()])?
                .into_iter()
                .next();
            let mut target = target.ok_or_else(|| format!("no target for {label}"))?;
            target.label = label;
            Ok(target)
        })
        .collect()
}

/// Keys and resizes as messages, from a task of their own.
fn spawn_input(tx: mpsc::Sender<Msg>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(Ok(event)) = events.next().await {
            let msg = match event {
                Event::Key(key) => Msg::Key(key),
                Event::Resize(width, height) => Msg::Resize(width, height),
                Event::Mouse(_) | Event::Paste(_) | Event::FocusGained | Event::FocusLost => {
                    continue;
                }
            };
            if tx.send(msg).await.is_err() {
                break;
            }
        }
    })
}
