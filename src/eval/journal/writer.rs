//! The one task that appends to a journal: lines in order, each in one
//! write, an fsync at most a second after any write; a caller is answered
//! once its line is in the file.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::{Contents, Ending, Header, JournalError, Line, TaggedResult, line_bytes};
use crate::eval::judge::grouping::CaseGrouping;
use crate::eval::judge::pairwise::Comparison;
use crate::eval::record::EvalResult;
use crate::fs_safe::{PRIVATE_FILE_MODE, create_new, create_private_dir, sync_dir};

/// Longest wait between a write and its fsync.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(1);

/// Appends lines in order from one task: each line in one write, an fsync
/// at most `SYNC_INTERVAL` after any write. Cloning is not possible: one
/// writer per journal.
pub struct JournalWriter {
    path: PathBuf,
    tx: mpsc::Sender<Vec<u8>>,
    next_offset: u64,
    error: Arc<Mutex<Option<String>>>,
    /// The file's length as written so far (for [`JournalWriter::written`]).
    written: tokio::sync::watch::Receiver<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl JournalWriter {
    /// Creates a new journal (never replacing a file) holding `header`.
    pub async fn create(path: &Path, header: &Header) -> Result<JournalWriter, JournalError> {
        let io_error = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            create_private_dir(dir).map_err(io_error)?;
        }
        let mut file = create_new(path, PRIVATE_FILE_MODE).map_err(io_error)?;
        let mut bytes = line_bytes(&Line::Run(Box::new(header.clone())));
        file.write_all(&bytes).map_err(io_error)?;
        file.sync_all().map_err(io_error)?;
        if let Some(dir) = path.parent() {
            sync_dir(dir).map_err(io_error)?;
        }
        let len = bytes.len() as u64;
        bytes.clear();
        Ok(Self::spawn(path, file, len))
    }

    /// Opens a journal to go on with it: a torn last line (`torn_at`) is
    /// cut off first, then a `resumed` line is written.
    pub async fn resume(
        path: &Path,
        contents: &Contents,
        now_unix: i64,
    ) -> Result<JournalWriter, JournalError> {
        let io_error = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(io_error)?;
        let keep = contents.torn_at.unwrap_or(contents.len);
        file.set_len(keep).map_err(io_error)?;
        let mut file = file;
        file.seek(SeekFrom::Start(keep)).map_err(io_error)?;
        let mut writer = Self::spawn(path, file, keep);
        writer
            .send(line_bytes(&Line::Resumed { at_unix: now_unix }))
            .await
            .map_err(|e| io_error(io::Error::other(e)))?;
        Ok(writer)
    }

    fn spawn(path: &Path, file: File, len: u64) -> JournalWriter {
        let (tx, rx) = mpsc::channel(256);
        let error = Arc::new(Mutex::new(None));
        let (written_tx, written) = tokio::sync::watch::channel(len);
        let task = tokio::spawn(write_loop(
            Arc::new(file),
            path.to_path_buf(),
            rx,
            error.clone(),
            (len, written_tx),
        ));
        JournalWriter {
            path: path.to_path_buf(),
            tx,
            next_offset: len,
            error,
            written,
            task,
        }
    }

    /// Waits until every line queued so far is in the file (readable, not
    /// necessarily synced): the pairwise round reads answers back.
    pub async fn written(&mut self) -> Result<(), String> {
        let target = self.next_offset;
        if self.written.wait_for(|&len| len >= target).await.is_err() {
            return Err(self
                .error()
                .unwrap_or_else(|| "the journal writer stopped".into()));
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a result's line to the file (fsynced within a second) and
    /// returns its offset.
    pub async fn result(&mut self, result: &EvalResult) -> Result<u64, String> {
        let line = serde_json::to_vec(&TaggedResult {
            kind: "result",
            result,
        })
        .map(|mut bytes| {
            bytes.push(b'\n');
            bytes
        })
        .map_err(|e| e.to_string())?;
        self.send(line).await
    }

    /// Queues a pairwise judge call.
    pub async fn comparison(&mut self, comparison: &Comparison) -> Result<u64, String> {
        self.send(line_bytes(&Line::Comparison(Box::new(comparison.clone()))))
            .await
    }

    /// Queues a judge's grouping of a case's answers.
    pub async fn grouping(&mut self, grouping: &CaseGrouping) -> Result<u64, String> {
        self.send(line_bytes(&Line::Grouping(Box::new(grouping.clone()))))
            .await
    }

    /// Queues the line saying how this invocation ended.
    pub async fn ended(&mut self, ending: Ending) -> Result<u64, String> {
        self.send(line_bytes(&Line::Ended(ending))).await
    }

    async fn send(&mut self, line: Vec<u8>) -> Result<u64, String> {
        if let Some(error) = self.error() {
            return Err(error);
        }
        let offset = self.next_offset;
        self.next_offset += line.len() as u64;
        self.tx.send(line).await.map_err(|_| {
            self.error()
                .unwrap_or_else(|| "the journal writer stopped".into())
        })?;
        // Back once the line is in the file: a kill -9 after this loses it
        // no more (fsync, once a second, is for the machine going down).
        self.written().await?;
        Ok(offset)
    }

    /// The first write or fsync that failed, if any.
    pub fn error(&self) -> Option<String> {
        self.error.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Writes what is queued, fsyncs, and returns the first error met.
    pub async fn close(self) -> Result<(), String> {
        drop(self.tx);
        let _ = self.task.await;
        match self.error.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

async fn write_loop(
    file: Arc<File>,
    path: PathBuf,
    mut rx: mpsc::Receiver<Vec<u8>>,
    error: Arc<Mutex<Option<String>>>,
    (mut len, written): (u64, tokio::sync::watch::Sender<u64>),
) {
    let fail = |message: String| {
        let mut slot = error.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert(message);
    };
    let mut unsynced_since: Option<Instant> = None;
    loop {
        let first = match unsynced_since {
            Some(since) => tokio::select! {
                line = rx.recv() => line,
                _ = tokio::time::sleep_until(since + SYNC_INTERVAL) => {
                    if let Err(e) = blocking(&file, |f| f.sync_data()).await {
                        fail(format!("cannot sync the run journal {}: {e}", path.display()));
                        return;
                    }
                    unsynced_since = None;
                    continue;
                }
            },
            None => rx.recv().await,
        };
        let Some(mut batch) = first else {
            break;
        };
        while batch.len() < 1 << 20
            && let Ok(more) = rx.try_recv()
        {
            batch.extend_from_slice(&more);
        }
        let batch_len = batch.len() as u64;
        let result = {
            let file = file.clone();
            tokio::task::spawn_blocking(move || (&*file).write_all(&batch)).await
        };
        match result {
            Ok(Ok(())) => {
                unsynced_since.get_or_insert_with(Instant::now);
                len += batch_len;
                written.send_replace(len);
            }
            Ok(Err(e)) => {
                fail(format!(
                    "cannot write the run journal {}: {e}",
                    path.display()
                ));
                return;
            }
            Err(e) => {
                fail(format!(
                    "cannot write the run journal {}: {e}",
                    path.display()
                ));
                return;
            }
        }
    }
    if unsynced_since.is_some()
        && let Err(e) = blocking(&file, |f| f.sync_data()).await
    {
        fail(format!(
            "cannot sync the run journal {}: {e}",
            path.display()
        ));
    }
}

async fn blocking(file: &Arc<File>, op: fn(&File) -> io::Result<()>) -> io::Result<()> {
    let file = file.clone();
    tokio::task::spawn_blocking(move || op(&file))
        .await
        .unwrap_or_else(|e| Err(io::Error::other(e)))
}
