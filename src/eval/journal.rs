//! The run journal: one JSONL file per run in the data dir (0600, in a
//! 0700 dir). The first line holds the whole suite as it was run, so a run
//! resumes and reports without its file; then one line per result as it
//! completes, one per pairwise judge call, and a line when a run is
//! resumed or ends. Each line goes out
//! in one write and the file is fsynced at least once a second, so a crash
//! or `kill -9` loses at most the requests in flight and the file always
//! parses (a torn last line is ignored, then cut off before appending).

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::judge::pairwise::Comparison;
use super::record::{CellKey, Digest, EvalResult};
use super::suite::Suite;

/// The journal format's version; a newer one is refused, not misread.
pub const SCHEMA_VERSION: u32 = 1;
/// Longest wait between a write and its fsync.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(1);

/// The first line of a journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub schema_version: u32,
    pub run_id: String,
    pub created_at_unix: i64,
    /// The suite file's absolute path when it was started.
    pub suite_file: String,
    pub suite: Suite,
}

/// The other lines besides results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line {
    Run(Box<Header>),
    Result(Box<EvalResult>),
    /// A pairwise judge call (`[pairwise]`).
    Comparison(Box<Comparison>),
    Resumed {
        at_unix: i64,
    },
    Ended(Ending),
}

/// How one invocation of a run ended.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ending {
    pub at_unix: i64,
    pub skipped_for_budget: u64,
    pub interrupted: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: not a prism run journal ({detail})", path.display())]
    NotAJournal { path: PathBuf, detail: String },
    #[error("{}: written by a newer prism (journal version {found}, this one reads up to {SCHEMA_VERSION})", path.display())]
    Newer { path: PathBuf, found: u32 },
}

/// A journal read back: its header, a digest per result (in the order
/// written), and what else a report needs.
#[derive(Debug)]
pub struct Contents {
    pub header: Header,
    pub digests: Vec<Digest>,
    pub endings: Vec<Ending>,
    /// Pairwise judge calls, each once (the first written wins).
    pub comparisons: Vec<Comparison>,
    /// Where a torn last line starts (a write cut short by a crash).
    pub torn_at: Option<u64>,
    /// Lines that did not parse (never written by prism), skipped.
    pub bad_lines: u64,
    /// The file's length when read.
    pub len: u64,
}

impl Contents {
    /// The cells that have a result.
    pub fn done(&self) -> std::collections::HashSet<CellKey> {
        self.digests.iter().map(|d| d.cell).collect()
    }
}

/// Indices of cases and columns by name, to place results read back.
pub struct Placement {
    cases: HashMap<String, u32>,
    columns: HashMap<String, u16>,
    repeat: u32,
}

impl Placement {
    pub fn new(suite: &Suite) -> Placement {
        Placement {
            cases: suite
                .cases
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), i as u32))
                .collect(),
            columns: suite
                .column_labels()
                .into_iter()
                .enumerate()
                .map(|(i, c)| (c, i as u16))
                .collect(),
            repeat: suite.defaults.repeat,
        }
    }

    pub fn cell(&self, result: &EvalResult) -> Option<CellKey> {
        let case = *self.cases.get(&result.case_id)?;
        let column = *self.columns.get(&result.column)?;
        (result.repeat_index < self.repeat).then_some(CellKey {
            case,
            column,
            repeat: result.repeat_index,
        })
    }

    /// Whether a comparison is between columns of this suite.
    fn places(&self, comparison: &Comparison) -> bool {
        self.cases.contains_key(&comparison.case_id)
            && self.columns.contains_key(&comparison.first)
            && self.columns.contains_key(&comparison.second)
            && comparison.repeat_index < self.repeat
    }
}

/// Reads a journal, keeping a digest per result and nothing of the answers.
pub fn read(path: &Path) -> Result<Contents, JournalError> {
    let io_error = |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_error)?;
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let mut line = Vec::new();
    let mut offset = 0u64;
    let first = reader.read_until(b'\n', &mut line).map_err(io_error)?;
    let not_journal = |detail: String| JournalError::NotAJournal {
        path: path.to_path_buf(),
        detail,
    };
    let header = match serde_json::from_slice::<serde_json::Value>(&line) {
        Ok(value) => {
            let version = value
                .get("schema_version")
                .and_then(|v| v.as_u64())
                .unwrap_or(0);
            if version > u64::from(SCHEMA_VERSION) {
                return Err(JournalError::Newer {
                    path: path.to_path_buf(),
                    found: version as u32,
                });
            }
            match serde_json::from_value::<Line>(value) {
                Ok(Line::Run(header)) => *header,
                Ok(_) => return Err(not_journal("the first line is not a run header".into())),
                Err(e) => return Err(not_journal(e.to_string())),
            }
        }
        Err(e) => return Err(not_journal(e.to_string())),
    };
    offset += first as u64;
    let placement = Placement::new(&header.suite);
    let mut seen = std::collections::HashSet::new();
    let mut compared = std::collections::HashSet::new();
    let mut contents = Contents {
        header,
        digests: Vec::new(),
        endings: Vec::new(),
        comparisons: Vec::new(),
        torn_at: None,
        bad_lines: 0,
        len: 0,
    };
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(io_error)?;
        if read == 0 {
            break;
        }
        let whole = line.last() == Some(&b'\n');
        match serde_json::from_slice::<Line>(&line) {
            Ok(Line::Result(result)) => {
                if let Some(cell) = placement.cell(&result)
                    && seen.insert(cell)
                {
                    contents.digests.push(result.digest(cell, offset));
                }
            }
            Ok(Line::Ended(ending)) => contents.endings.push(ending),
            Ok(Line::Comparison(comparison)) => {
                if placement.places(&comparison) && compared.insert(comparison.key()) {
                    contents.comparisons.push(*comparison);
                }
            }
            Ok(Line::Resumed { .. } | Line::Run(_)) => {}
            Err(_) if !whole => contents.torn_at = Some(offset),
            Err(_) => contents.bad_lines += 1,
        }
        offset += read as u64;
    }
    contents.len = offset;
    Ok(contents)
}

/// Reads the full result whose line starts at `offset`.
pub fn read_result_at(
    file: &mut BufReader<File>,
    offset: u64,
    line: &mut Vec<u8>,
) -> io::Result<Option<EvalResult>> {
    file.seek(SeekFrom::Start(offset))?;
    line.clear();
    file.read_until(b'\n', line)?;
    Ok(match serde_json::from_slice::<Line>(line) {
        Ok(Line::Result(result)) => Some(*result),
        _ => None,
    })
}

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
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(io_error)?;
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

#[derive(Serialize)]
struct TaggedResult<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    result: &'a EvalResult,
}

fn line_bytes(line: &Line) -> Vec<u8> {
    // Our own types always serialize.
    let mut bytes = serde_json::to_vec(line).unwrap_or_default();
    bytes.push(b'\n');
    bytes
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

pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Reads just the header (for listing runs without reading every result).
pub fn read_header(path: &Path) -> Result<Header, JournalError> {
    let io_error = |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut first = Vec::new();
    BufReader::new(File::open(path).map_err(io_error)?)
        .take(super::suite::MAX_FILE_BYTES * 4)
        .read_until(b'\n', &mut first)
        .map_err(io_error)?;
    match serde_json::from_slice::<Line>(&first) {
        Ok(Line::Run(header)) => Ok(*header),
        _ => Err(JournalError::NotAJournal {
            path: path.to_path_buf(),
            detail: "no run header".into(),
        }),
    }
}

#[cfg(test)]
mod tests;
