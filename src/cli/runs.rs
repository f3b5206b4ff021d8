//! `prism runs`: list the eval runs, show one's report, remove one, and
//! diff two (a regression check: exit 1 when a case went from pass to fail).

use crate::cli::term::errln;
use std::io::Write;

use serde_json::{Value, json};

use crate::config::Paths;
use crate::eval::checks::clip;
use crate::eval::diff::{RunDiff, Side, diff};
use crate::eval::journal::{self, Contents};
use crate::eval::judge::Judging;
use crate::eval::record::Outcome;
use crate::eval::report::Report;
use crate::eval::runs::{RunStore, RunStoreError};
use crate::eval::summary::{SummaryInput, summarize};
use crate::router::pricing::{self, format_usd};
use crate::sanitize::sanitize;
use crate::units::format_datetime_utc;

use super::eval::write_report;
use super::{
    CliError, EXIT_FAILED, EXIT_OK, RunsArgs, RunsCommand, RunsDiffArgs, RunsShowArgs, report,
};

pub fn run(args: RunsArgs) -> Result<u8, CliError> {
    let store = RunStore::new(Paths::from_env().runs_dir());
    match args
        .command
        .unwrap_or(RunsCommand::List(Default::default()))
    {
        RunsCommand::List(list) => list_runs(&store, list.json),
        RunsCommand::Show(show) => show_run(&store, &show),
        RunsCommand::Rm(rm) => {
            let id = store.remove(&rm.id).map_err(store_error)?;
            errln!("prism: removed run {id}");
            Ok(EXIT_OK)
        }
        RunsCommand::Diff(args) => diff_runs(&store, &args),
    }
}

fn store_error(err: RunStoreError) -> CliError {
    match err {
        RunStoreError::Io { .. } => CliError::Io(err.to_string()),
        RunStoreError::NotFound { .. }
        | RunStoreError::Ambiguous { .. }
        | RunStoreError::Invalid { .. } => CliError::Usage(err.to_string()),
    }
}

fn open(store: &RunStore, id: &str) -> Result<(String, Contents), CliError> {
    let id = store.resolve(id).map_err(store_error)?;
    let contents = journal::read(&store.path_for(&id)).map_err(|e| CliError::Io(e.to_string()))?;
    Ok((id, contents))
}

fn list_runs(store: &RunStore, as_json: bool) -> Result<u8, CliError> {
    let ids = store.ids().map_err(store_error)?;
    let mut runs = Vec::new();
    let mut unreadable = Vec::new();
    for id in ids.iter().rev() {
        match journal::read(&store.path_for(id)) {
            Ok(contents) => runs.push((id.clone(), contents)),
            Err(e) => unreadable.push(e.to_string()),
        }
    }
    for error in &unreadable {
        errln!("prism: {}", sanitize(error));
    }
    let mut out = crate::cli::term::stdout();
    if as_json {
        let list: Vec<Value> = runs.iter().map(|(id, c)| run_json(id, c)).collect();
        report::write_json(
            &mut out,
            &json!({"dir": store.dir().display().to_string(), "runs": list, "unreadable": unreadable}),
        )?;
    } else if runs.is_empty() {
        writeln!(
            out,
            "no runs yet in {}: `prism eval SUITE.toml` makes one",
            store.dir().display()
        )?;
    } else {
        let rows: Vec<Vec<String>> = runs
            .iter()
            .map(|(id, c)| {
                let suite = &c.header.suite;
                let passed = c
                    .digests
                    .iter()
                    .filter(|d| d.outcome == Outcome::Pass)
                    .count();
                let cost = c
                    .digests
                    .iter()
                    .filter_map(|d| d.cost_usd)
                    .reduce(|a, b| a.saturating_add(b));
                vec![
                    id.clone(),
                    format_datetime_utc(c.header.created_at_unix),
                    clip(suite.name.as_deref().unwrap_or(&suite.path), 40),
                    suite.columns.len().to_string(),
                    format!("{}/{}", c.digests.len(), suite.cells()),
                    if c.digests.is_empty() {
                        "-".into()
                    } else {
                        format!("{:.1}%", passed as f64 * 100.0 / c.digests.len() as f64)
                    },
                    cost.map_or("unknown".into(), format_usd),
                ]
            })
            .collect();
        let table = crate::table::table(
            &[
                "id",
                "started (UTC)",
                "suite",
                "columns",
                "results",
                "pass",
                "cost",
            ],
            &rows,
            &[false, false, false, true, true, true, true],
        );
        out.write_all(table.as_bytes())?;
    }
    out.flush()?;
    Ok(if unreadable.is_empty() {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

fn run_json(id: &str, contents: &Contents) -> Value {
    let suite = &contents.header.suite;
    let passed = contents
        .digests
        .iter()
        .filter(|d| d.outcome == Outcome::Pass)
        .count();
    let cost = contents
        .digests
        .iter()
        .filter_map(|d| d.cost_usd)
        .reduce(|a, b| a.saturating_add(b));
    json!({
        "id": id,
        "created_at_unix": contents.header.created_at_unix,
        "suite": contents.header.suite_file,
        "name": suite.name,
        "columns": suite.column_labels(),
        "cases": suite.cases.len(),
        "repeat": suite.defaults.repeat,
        "results": contents.digests.len(),
        "expected": suite.cells(),
        "passed": passed,
        "cost_usd": cost.map(pricing::to_f64),
        "complete": contents.digests.len() == suite.cells(),
    })
}

fn show_run(store: &RunStore, args: &RunsShowArgs) -> Result<u8, CliError> {
    let (id, mut contents) = open(store, &args.id)?;
    contents.digests.sort_by_key(|d| d.cell);
    let suite = &contents.header.suite;
    let labels = suite.column_labels();
    let summary = summarize(&SummaryInput {
        columns: &labels,
        cases: suite.cases.len(),
        repeat: suite.defaults.repeat,
        digests: &contents.digests,
        volume: args.volume,
    });
    let last = contents.endings.last();
    let judging = Judging::of(
        suite,
        &contents.digests,
        &contents.comparisons,
        &contents.groupings,
    );
    let report = Report {
        run_id: &id,
        suite,
        digests: &contents.digests,
        summary: &summary,
        journal: &store.path_for(&id),
        skipped_for_budget: last.map_or(0, |e| e.skipped_for_budget),
        interrupted: last.is_none_or(|e| e.interrupted),
        volume: args.volume,
        pairwise: judging.pairwise.as_ref(),
        judges: &judging.judges,
        groupings: &contents.groupings,
    };
    write_report(&report, args.format.into(), args.output.as_deref())?;
    Ok(EXIT_OK)
}

fn diff_runs(store: &RunStore, args: &RunsDiffArgs) -> Result<u8, CliError> {
    let (old_id, old) = open(store, &args.old)?;
    let (new_id, new) = open(store, &args.new)?;
    let result = diff(
        &Side {
            suite: &old.header.suite,
            digests: &old.digests,
        },
        &Side {
            suite: &new.header.suite,
            digests: &new.digests,
        },
    );
    let mut out = crate::cli::term::stdout();
    if args.json {
        report::write_json(
            &mut out,
            &json!({"old": old_id, "new": new_id, "columns": result.columns, "regressions": result.regressions, "fixes": result.fixes}),
        )?;
    } else {
        out.write_all(diff_text(&old_id, &new_id, &result).as_bytes())?;
    }
    out.flush()?;
    Ok(if result.regressions.is_empty() {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

fn diff_text(old_id: &str, new_id: &str, result: &RunDiff) -> String {
    let rate = |r: Option<f64>| r.map_or("-".into(), |r| format!("{:.1}%", r * 100.0));
    let mut out = format!("{old_id} → {new_id}\n\n");
    let rows: Vec<Vec<String>> = result
        .columns
        .iter()
        .map(|c| {
            vec![
                clip(&c.column, 60),
                rate(c.old_pass_rate),
                rate(c.new_pass_rate),
                c.change
                    .map_or("-".into(), |d| format!("{:+.1} pp", d * 100.0)),
            ]
        })
        .collect();
    out.push_str(&crate::table::table(
        &["column", "old", "new", "change"],
        &rows,
        &[false, true, true, true],
    ));
    let counts = |pair: [u64; 2]| {
        if pair[1] == 1 {
            if pair[0] == 1 {
                "pass".to_string()
            } else {
                "fail".to_string()
            }
        } else {
            format!("{}/{}", pair[0], pair[1])
        }
    };
    if !result.regressions.is_empty() {
        out.push_str(&format!("\nregressions ({})\n", result.regressions.len()));
        for change in &result.regressions {
            out.push_str(&format!(
                "  {} × {}: {} → {}{}\n",
                clip(&change.case_id, 40),
                clip(&change.column, 60),
                counts(change.old),
                counts(change.new),
                change
                    .reason
                    .as_deref()
                    .map_or(String::new(), |r| format!(" ({r})"))
            ));
        }
    }
    if !result.fixes.is_empty() {
        out.push_str(&format!("\nfixed ({})\n", result.fixes.len()));
        for change in &result.fixes {
            out.push_str(&format!(
                "  {} × {}: {} → {}\n",
                clip(&change.case_id, 40),
                clip(&change.column, 60),
                counts(change.old),
                counts(change.new)
            ));
        }
    }
    if result.regressions.is_empty() && result.fixes.is_empty() {
        out.push_str("\nno case changed between pass and fail\n");
    }
    out
}
