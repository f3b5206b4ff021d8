//! Reading a journal back: the header, a digest per result (never the
//! answers themselves), the run's endings and pairwise calls; a torn last
//! line is noted, not an error. A full result is read later by its offset.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::{Ending, Header, JournalError, Line, SCHEMA_VERSION};
use crate::eval::judge::grouping::CaseGrouping;
use crate::eval::judge::pairwise::Comparison;
use crate::eval::record::{CellKey, Digest, EvalResult};
use crate::eval::suite::Suite;

/// A journal read back: its header, a digest per result (in the order
/// written), and what else a report needs.
#[derive(Debug)]
pub struct Contents {
    pub header: Header,
    pub digests: Vec<Digest>,
    pub endings: Vec<Ending>,
    /// Pairwise judge calls, each once (the first written wins).
    pub comparisons: Vec<Comparison>,
    /// `[agreement]` groupings, one per case and repeat (the first wins).
    pub groupings: Vec<CaseGrouping>,
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
    let mut grouped = std::collections::HashSet::new();
    let mut contents = Contents {
        header,
        digests: Vec::new(),
        endings: Vec::new(),
        comparisons: Vec::new(),
        groupings: Vec::new(),
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
            Ok(Line::Grouping(grouping)) => {
                if placement.cases.contains_key(&grouping.case_id)
                    && grouped.insert((grouping.case_id.clone(), grouping.repeat_index))
                {
                    contents.groupings.push(*grouping);
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

/// The answers to one case and repeat, in column order: (column, text).
pub struct CaseAnswers {
    pub case: u32,
    pub repeat: u32,
    pub answers: Vec<(String, std::sync::Arc<str>)>,
}

/// Per case and repeat where at least two columns answered (errors left
/// out), their answers read from the journal one result at a time.
pub fn answers_by_case(
    suite: &Suite,
    digests: &[Digest],
    journal: &Path,
) -> io::Result<Vec<CaseAnswers>> {
    use crate::eval::record::Outcome;
    let labels = suite.column_labels();
    let mut by_case: std::collections::BTreeMap<(u32, u32), Vec<&Digest>> = Default::default();
    for digest in digests.iter().filter(|d| d.outcome != Outcome::Error) {
        by_case
            .entry((digest.cell.case, digest.cell.repeat))
            .or_default()
            .push(digest);
    }
    let mut file = BufReader::new(File::open(journal)?);
    let mut line = Vec::new();
    let mut out = Vec::new();
    for ((case, repeat), mut cells) in by_case.into_iter().filter(|(_, c)| c.len() >= 2) {
        cells.sort_by_key(|d| d.cell.column);
        let mut answers = Vec::with_capacity(cells.len());
        for digest in cells {
            if let Some(result) = read_result_at(&mut file, digest.offset, &mut line)? {
                answers.push((
                    labels[digest.cell.column as usize].clone(),
                    std::sync::Arc::from(result.text),
                ));
            }
        }
        out.push(CaseAnswers {
            case,
            repeat,
            answers,
        });
    }
    Ok(out)
}

/// Reads just the header (for listing runs without reading every result).
pub fn read_header(path: &Path) -> Result<Header, JournalError> {
    let io_error = |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut first = Vec::new();
    BufReader::new(File::open(path).map_err(io_error)?)
        .take(crate::eval::suite::MAX_FILE_BYTES * 4)
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
