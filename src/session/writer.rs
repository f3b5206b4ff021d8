//! The session writer: one task applies saves and deletes in the order they
//! were queued, doing the file I/O in `spawn_blocking` so the UI thread never
//! waits on a disk. Queue policy: coalesce, so the newest snapshot always wins.
//!
//! Calls never block and never drop the latest state. A save replaces a
//! save of the same session still waiting in the queue (in its place: a
//! newer state is written no later than the older one would have been), so
//! at most one snapshot per session waits while a write is in progress;
//! a delete is a barrier for its session. Order is kept per session file.
//! Failures (a full disk, a file prism will not replace) go, as `WriteError`s,
//! to the receiver [`SessionWriter::errors`] hands out; the caller's
//! in-memory session is never touched.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{Notify, mpsc, oneshot};

use super::store::{SessionStore, StoreError};
use super::types::Session;

#[derive(Clone)]
pub struct SessionWriter {
    handle: Arc<Handle>,
}

/// Closes the queue when the last `SessionWriter` clone goes: the task then
/// writes what is still queued and ends.
struct Handle {
    shared: Arc<Shared>,
    errors: Mutex<Option<mpsc::UnboundedReceiver<WriteError>>>,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Notify,
    saves_written: AtomicU64,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
}

enum Job {
    Save(Arc<Session>),
    Delete(String),
    Flush(oneshot::Sender<()>),
}

impl SessionWriter {
    /// Spawns the writer task on the current tokio runtime (panics outside one,
    /// like `tokio::spawn`).
    pub fn spawn(store: SessionStore) -> SessionWriter {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Notify::new(),
            saves_written: AtomicU64::new(0),
        });
        let (error_tx, error_rx) = mpsc::unbounded_channel();
        tokio::spawn(run(store, shared.clone(), error_tx));
        SessionWriter {
            handle: Arc::new(Handle {
                shared,
                errors: Mutex::new(Some(error_rx)),
            }),
        }
    }

    /// Queues a save of this snapshot; replaces a queued, unwritten snapshot
    /// of the same session.
    pub fn save(&self, session: Arc<Session>) {
        self.handle.shared.push(Job::Save(session));
    }

    /// Queues the removal of a session's file (by id or unique prefix).
    pub fn delete(&self, id: String) {
        self.handle.shared.push(Job::Delete(id));
    }

    /// Waits until everything queued before this call is on disk (or failed,
    /// which the error receiver then holds). Returns at once if the task is gone.
    pub async fn flush(&self) {
        let (done_tx, done_rx) = oneshot::channel();
        self.handle.shared.push(Job::Flush(done_tx));
        let _ = done_rx.await;
    }

    /// The receiver of save and delete failures, one line each naming the
    /// file. The first call takes it; later calls get None. Errors wait in it
    /// until read, so none is lost to a late caller; after `flush`, `try_recv`
    /// drains what the flushed jobs met.
    pub fn errors(&self) -> Option<mpsc::UnboundedReceiver<WriteError>> {
        lock(&self.handle.errors).take()
    }

    /// How many snapshots were written so far (fewer than saves when they coalesced).
    pub fn saves_written(&self) -> u64 {
        self.handle.shared.saves_written.load(Ordering::Relaxed)
    }
}

impl std::fmt::Debug for SessionWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionWriter")
            .field("saves_written", &self.saves_written())
            .finish_non_exhaustive()
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        lock(&self.shared.queue).closed = true;
        self.shared.wake.notify_one();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    fn push(&self, job: Job) {
        {
            let mut queue = lock(&self.queue);
            if let Job::Save(session) = &job
                && let Some(waiting) = queue.waiting_save(&session.id)
            {
                *waiting = session.clone();
                return;
            }
            queue.jobs.push_back(job);
        }
        // Stores a permit when the task is busy, so no wake-up is missed.
        self.wake.notify_one();
    }
}

impl Queue {
    /// The queued save of this session that a newer snapshot may replace:
    /// the latest one not followed by a delete of the same session.
    fn waiting_save(&mut self, id: &str) -> Option<&mut Arc<Session>> {
        for job in self.jobs.iter_mut().rev() {
            match job {
                Job::Save(session) if session.id == id => return Some(session),
                Job::Delete(deleted) if deleted == id => return None,
                Job::Save(_) | Job::Delete(_) | Job::Flush(_) => {}
            }
        }
        None
    }
}

/// A save or delete that did not happen; the session stays in memory.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("session not saved: {0}")]
    Save(#[source] StoreError),
    #[error("session not deleted: {0}")]
    Delete(#[source] StoreError),
    #[error("session not saved: the writer stopped ({0})")]
    Stopped(#[source] tokio::task::JoinError),
}

async fn run(store: SessionStore, shared: Arc<Shared>, errors: mpsc::UnboundedSender<WriteError>) {
    loop {
        let (batch, closed) = {
            let mut queue = lock(&shared.queue);
            (std::mem::take(&mut queue.jobs), queue.closed)
        };
        if batch.is_empty() {
            if closed {
                return;
            }
            shared.wake.notified().await;
            continue;
        }
        // One blocking call per batch; flushes are answered after it, so
        // each waits for at least what was queued before it.
        let mut flushes = Vec::new();
        let mut io_jobs = Vec::new();
        for job in batch {
            match job {
                Job::Flush(done) => flushes.push(done),
                job @ (Job::Save(_) | Job::Delete(_)) => io_jobs.push(job),
            }
        }
        if !io_jobs.is_empty() {
            let store = store.clone();
            let applied = tokio::task::spawn_blocking(move || apply(&store, io_jobs)).await;
            match applied {
                Ok((written, failures)) => {
                    shared.saves_written.fetch_add(written, Ordering::Relaxed);
                    for failure in failures {
                        tracing::warn!(error = %failure, "session write failed");
                        let _ = errors.send(failure);
                    }
                }
                Err(err) => {
                    let _ = errors.send(WriteError::Stopped(err));
                }
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

/// Applies saves and deletes in order; returns how many saves were written and the failures.
fn apply(store: &SessionStore, jobs: Vec<Job>) -> (u64, Vec<WriteError>) {
    let mut written = 0;
    let mut failures = Vec::new();
    for job in jobs {
        match job {
            Job::Save(session) => match store.save(&session) {
                Ok(()) => written += 1,
                Err(err) => failures.push(WriteError::Save(err)),
            },
            Job::Delete(id) => {
                if let Err(err) = store.delete(&id) {
                    failures.push(WriteError::Delete(err));
                }
            }
            Job::Flush(_) => {}
        }
    }
    (written, failures)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use pretty_assertions::assert_eq;

    use super::*;
    use crate::session::fixtures;

    fn numbered(n: usize) -> Arc<Session> {
        let mut session = fixtures::sample();
        session.name = Some(format!("state {n}"));
        Arc::new(session)
    }

    fn on_disk(dir: &Path, id: &str) -> Session {
        SessionStore::new(dir)
            .load(id)
            .expect("saved session loads")
    }

    #[tokio::test]
    async fn rapid_saves_coalesce_and_the_last_state_wins() {
        let home = tempfile::tempdir().expect("temp dir");
        let writer = SessionWriter::spawn(SessionStore::new(home.path()));
        let saves = 100;
        for n in 1..=saves {
            writer.save(numbered(n));
        }
        writer.flush().await;
        let written = writer.saves_written();
        assert!((1..saves as u64).contains(&written), "{written} writes");
        let id = &fixtures::sample().id;
        assert_eq!(on_disk(home.path(), id), *numbered(saves));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn saves_while_writing_keep_every_session_and_the_order() {
        let home = tempfile::tempdir().expect("temp dir");
        let writer = SessionWriter::spawn(SessionStore::new(home.path()));
        for n in 1..=50 {
            let mut other = (*numbered(n)).clone();
            other.id = "other".into();
            writer.save(numbered(n));
            writer.save(Arc::new(other));
            if n % 10 == 0 {
                tokio::task::yield_now().await;
            }
        }
        writer.flush().await;
        assert_eq!(
            on_disk(home.path(), "other").name.as_deref(),
            Some("state 50")
        );
        assert_eq!(
            on_disk(home.path(), &fixtures::sample().id).name.as_deref(),
            Some("state 50")
        );
        assert!(writer.saves_written() <= 100);
    }

    #[tokio::test]
    async fn a_delete_is_a_barrier() {
        let home = tempfile::tempdir().expect("temp dir");
        let writer = SessionWriter::spawn(SessionStore::new(home.path()));
        let id = fixtures::sample().id;
        writer.save(numbered(1));
        writer.delete(id.clone());
        writer.save(numbered(2));
        writer.flush().await;
        assert_eq!(writer.saves_written(), 2);
        assert_eq!(on_disk(home.path(), &id), *numbered(2));

        writer.delete(id.clone());
        writer.flush().await;
        assert!(!home.path().join(format!("{id}.json")).exists());
    }

    #[tokio::test]
    async fn flush_waits_for_what_was_queued() {
        let home = tempfile::tempdir().expect("temp dir");
        let writer = SessionWriter::spawn(SessionStore::new(home.path()));
        writer.save(numbered(1));
        let clone = writer.clone();
        clone.flush().await;
        assert_eq!(on_disk(home.path(), &fixtures::sample().id), *numbered(1));
        assert_eq!(writer.saves_written(), 1);
        // Nothing queued: returns at once.
        writer.flush().await;
    }

    #[tokio::test]
    async fn a_failed_save_is_reported_and_memory_kept() {
        let home = tempfile::tempdir().expect("temp dir");
        let blocker = home.path().join("not-a-dir");
        std::fs::write(&blocker, "x").expect("write");
        let writer = SessionWriter::spawn(SessionStore::new(&blocker));
        let mut errors = writer.errors().expect("first call takes the receiver");
        assert!(writer.errors().is_none());
        let session = numbered(1);
        writer.save(session.clone());
        writer.flush().await;
        let error = errors.try_recv().expect("one error");
        assert!(
            matches!(&error, WriteError::Save(StoreError::Io { .. })),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.starts_with("session not saved: "), "{message}");
        assert!(
            message.contains(&blocker.display().to_string()),
            "{message}"
        );
        assert!(errors.try_recv().is_err(), "only one");
        assert_eq!(*session, *numbered(1));
        assert_eq!(writer.saves_written(), 0);

        // Once the obstacle is gone the next save succeeds.
        std::fs::remove_file(&blocker).expect("remove");
        writer.save(session);
        writer.flush().await;
        assert_eq!(writer.saves_written(), 1);
        assert!(errors.try_recv().is_err());
    }

    #[tokio::test]
    async fn dropping_the_writer_still_writes_what_was_queued() {
        let home = tempfile::tempdir().expect("temp dir");
        let store = SessionStore::new(home.path());
        let writer = SessionWriter::spawn(store.clone());
        writer.save(numbered(3));
        drop(writer);
        let id = fixtures::sample().id;
        // The writer finishes on its own; wait for it, with a generous guard.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        while store.load(&id).is_err() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(on_disk(home.path(), &id), *numbered(3));
    }
}
