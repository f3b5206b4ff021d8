//! Which run `prism eval` works on: a new one from a suite file, or one to
//! finish (`--resume`) from its journal, refusing a suite that changed since.

use std::path::{Path, PathBuf};

use crate::clock::now_unix;
use crate::eval::journal::{self, Contents};
use crate::eval::runs::RunStore;
use crate::eval::suite::{LoadedSuite, Suite};

use super::{CliError, EvalArgs};

/// The run `prism eval` starts or finishes.
pub(super) struct Start {
    pub(super) run_id: String,
    pub(super) loaded: LoadedSuite,
    /// The journal so far, when resuming.
    pub(super) contents: Option<Contents>,
}

pub(super) fn open_run(store: &RunStore, args: &EvalArgs) -> Result<Start, CliError> {
    let load_suite = |path: &Path| Suite::load(path).map_err(|e| CliError::Usage(e.to_string()));
    let read = |id: &str| -> Result<Contents, CliError> {
        journal::read(&store.path_for(id)).map_err(|e| CliError::Io(e.to_string()))
    };
    match (&args.resume, &args.suite) {
        (None, None) => Err(CliError::Usage(
            "no suite: `prism eval SUITE.toml` (or --resume RUN to finish a run)".into(),
        )),
        (None, Some(path)) => {
            let mut loaded = load_suite(path)?;
            if let Some(repeat) = args.repeat {
                if !(1..=crate::eval::suite::MAX_REPEAT).contains(&repeat) {
                    return Err(CliError::Usage(format!("--repeat must be from 1 to {}", crate::eval::suite::MAX_REPEAT)));
                }
                loaded.suite.defaults.repeat = repeat;
            }
            Ok(Start {
                run_id: store.new_id(now_unix()),
                loaded,
                contents: None,
            })
        }
        (Some(id), suite_path) if !id.is_empty() => {
            let id = store.resolve(id).map_err(|e| CliError::Usage(e.to_string()))?;
            let contents = read(&id)?;
            if let Some(path) = suite_path {
                let given = load_suite(path)?;
                if !same_suite(&given.suite, &contents.header.suite) {
                    return Err(CliError::Usage(format!(
                        "{} changed since run {id} started: resume without the file (`prism eval --resume {id}`) or start a new run",
                        path.display()
                    )));
                }
            }
            let loaded = LoadedSuite::from_suite(contents.header.suite.clone())
                .map_err(|e| CliError::Io(format!("run {id}: its journal's suite: {e}")))?;
            Ok(Start { run_id: id, loaded, contents: Some(contents) })
        }
        (Some(_), None) => Err(CliError::Usage(
            "--resume without a run id needs the suite file: `prism eval SUITE.toml --resume` (or `--resume RUN`)".into(),
        )),
        (Some(_), Some(path)) => {
            let given = load_suite(path)?;
            let wanted = absolute(path).display().to_string();
            let ids = store.ids().map_err(|e| CliError::Io(e.to_string()))?;
            let latest = ids.iter().rev().find(|id| {
                journal::read_header(&store.path_for(id)).is_ok_and(|h| h.suite_file == wanted)
            });
            let Some(id) = latest else {
                return Err(CliError::Usage(format!("no run of {} to resume (`prism runs list` shows the runs)", path.display())));
            };
            let contents = read(id)?;
            if !same_suite(&given.suite, &contents.header.suite) {
                return Err(CliError::Usage(format!(
                    "{} changed since run {id} started: resume it as it was (`prism eval --resume {id}`) or start a new run",
                    path.display()
                )));
            }
            Ok(Start {
                run_id: id.clone(),
                loaded: given,
                contents: Some(contents),
            })
        }
    }
}

/// Equal apart from how the file was named on the command line.
fn same_suite(a: &Suite, b: &Suite) -> bool {
    Suite {
        path: String::new(),
        column_lines: Vec::new(),
        ..a.clone()
    } == Suite {
        path: String::new(),
        column_lines: Vec::new(),
        ..b.clone()
    }
}

pub(super) fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
