//! Suite files: the columns to compare, shared defaults, checks for every
//! case, and the cases (inline `[[cases]]`, and/or a JSONL or CSV
//! `cases_file`). Everything is validated before anything is sent; an error
//! names the file, the line and the field. A loaded suite is plain data
//! (kept whole in each run's journal, so a run resumes without its file)
//! plus its checks compiled once.

mod cases;
mod cases_file;
mod check_table;
mod parse;
mod raw;
mod source;
pub mod template;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::router::preferences::ProviderPrefs;

pub use super::column::ColumnDef;

use super::checks::{Check, CheckSpec};
use super::judge::grouping::AgreementSpec;
use super::judge::{JudgeSpec, PairwiseSpec};

/// The most repeats of a case per column.
pub const MAX_REPEAT: u32 = 1000;
/// The largest suite or cases file read (bytes).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// `[defaults]`: what every case is asked with.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Defaults {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Times each case is asked per column (at least 1).
    pub repeat: u32,
    /// OpenRouter provider preferences, over the config file's.
    #[serde(default, skip_serializing_if = "ProviderPrefs::is_empty")]
    pub preferences: ProviderPrefs,
}

/// One case: a prompt with its `{{vars}}` filled, and its checks (the
/// suite's own first, then the case's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub prompt: String,
    /// A system prompt for this case instead of the default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, String>,
    #[serde(default)]
    pub checks: Vec<CheckSpec>,
}

/// A suite as data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suite {
    /// The file it was read from, as given.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<ColumnDef>,
    pub defaults: Defaults,
    pub cases: Vec<Case>,
    /// `[pairwise]`: a judge ranks the columns case by case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairwise: Option<PairwiseSpec>,
    /// `[agreement]`: a judge groups each case's answers by what they say
    /// (else the agreement is by text similarity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<AgreementSpec>,
    /// The line of each column in the suite file (for errors found later,
    /// such as an unknown router); not kept in journals.
    #[serde(skip)]
    pub column_lines: Vec<usize>,
}

/// A suite with its checks compiled (one compiled check per distinct spec).
#[derive(Clone, Debug)]
pub struct LoadedSuite {
    pub suite: Suite,
    /// Per case, in order.
    pub checks: Vec<Vec<Arc<Check>>>,
}

/// Why a suite was refused: the file, the line, the field and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {}{}", file.display(), line.map_or(String::new(), |l| format!(":{l}")), field.as_deref().map_or(String::new(), |f| format!("{f}: ")), message)]
pub struct SuiteError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl SuiteError {
    pub fn new(file: &Path, line: Option<usize>, field: &str, message: impl Into<String>) -> Self {
        SuiteError {
            file: file.to_path_buf(),
            line,
            field: (!field.is_empty()).then(|| field.to_string()),
            message: message.into(),
        }
    }
}

impl Suite {
    /// Reads, validates and compiles a suite file.
    pub fn load(path: &Path) -> Result<LoadedSuite, SuiteError> {
        let text = read_text(path)?;
        let suite = parse::suite(path, &text)?;
        compile(suite).map_err(|(case, check, message)| {
            // Compile errors are found while parsing, with their line; this
            // is only reached for a regex or schema a var made invalid.
            SuiteError::new(
                path,
                None,
                &format!("cases[{}].checks[{}]", case + 1, check + 1),
                message,
            )
        })
    }

    /// The number of results a full run gives.
    pub fn cells(&self) -> usize {
        self.cases.len() * self.columns.len() * self.defaults.repeat as usize
    }

    /// Column labels as results name them ("a/b", "a/b,c/d", "router:x").
    pub fn column_labels(&self) -> Vec<String> {
        self.columns.iter().map(super::judge::label).collect()
    }

    /// The judge checks of a case.
    pub fn judge_checks(&self, case: usize) -> impl Iterator<Item = &JudgeSpec> {
        self.cases[case].checks.iter().filter_map(|c| {
            if let CheckSpec::Judge(spec) = c {
                Some(spec)
            } else {
                None
            }
        })
    }

    /// Every judge the suite names, once each, with its column form.
    pub fn judges(&self) -> Vec<(String, ColumnDef)> {
        let mut judges: Vec<(String, ColumnDef)> = Vec::new();
        let pairwise = self.pairwise.iter().map(|p| &p.judge);
        let agreement = self.agreement.iter().map(|a| &a.judge);
        let checks = (0..self.cases.len()).flat_map(|c| self.judge_checks(c).map(|j| &j.judge));
        for judge in pairwise.chain(agreement).chain(checks) {
            let label = super::judge::label(judge);
            if !judges.iter().any(|(l, _)| *l == label) {
                judges.push((label, judge.clone()));
            }
        }
        judges
    }
}

impl LoadedSuite {
    /// Compiles the checks of a suite kept in a journal.
    pub fn from_suite(suite: Suite) -> Result<LoadedSuite, String> {
        compile(suite).map_err(|(case, check, message)| {
            format!("case {} check {}: {message}", case + 1, check + 1)
        })
    }
}

/// Compiles every case's checks, sharing one compiled check per distinct spec.
fn compile(suite: Suite) -> Result<LoadedSuite, (usize, usize, String)> {
    let mut cache: HashMap<String, Arc<Check>> = HashMap::new();
    let mut checks = Vec::with_capacity(suite.cases.len());
    for (case_index, case) in suite.cases.iter().enumerate() {
        let mut compiled = Vec::with_capacity(case.checks.len());
        for (check_index, spec) in case.checks.iter().enumerate() {
            let key = serde_json::to_string(spec).unwrap_or_default();
            let check = match cache.get(&key) {
                Some(check) => check.clone(),
                None => {
                    let check = Arc::new(
                        Check::compile(spec.clone())
                            .map_err(|message| (case_index, check_index, message))?,
                    );
                    cache.insert(key, check.clone());
                    check
                }
            };
            compiled.push(check);
        }
        checks.push(compiled);
    }
    Ok(LoadedSuite { suite, checks })
}

/// A suite or cases file as text, refused when absurdly large or not UTF-8.
fn read_text(path: &Path) -> Result<String, SuiteError> {
    let fail = |message: String| SuiteError::new(path, None, "", message);
    let metadata = std::fs::metadata(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
    if !metadata.is_file() {
        return Err(fail("not a file".into()));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(fail(format!(
            "{} bytes is more than the {} MiB a suite file may have",
            metadata.len(),
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        SuiteError::new(path, Some(line), "", "not UTF-8 text")
    })
}

/// A suite of one-model columns and cases with these ids, for tests.
#[cfg(test)]
pub(crate) fn fixture(columns: &[&str], case_ids: &[&str]) -> Suite {
    Suite {
        path: "s.toml".into(),
        name: None,
        columns: columns
            .iter()
            .map(|c| ColumnDef::One(c.to_string()))
            .collect(),
        defaults: Defaults {
            repeat: 1,
            ..Defaults::default()
        },
        cases: case_ids
            .iter()
            .map(|id| Case {
                id: id.to_string(),
                prompt: "p".into(),
                system: None,
                vars: BTreeMap::new(),
                checks: Vec::new(),
            })
            .collect(),
        pairwise: None,
        agreement: None,
        column_lines: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
