//! `prism eval SUITE.toml`: load and check the suite, estimate the cost
//! and ask before spending, run every cell concurrently with live progress
//! on stderr, journal each result, then print the report and exit 0 only
//! when everything passed (or every column reached `--fail-under`).

use crate::cli::term::errln;
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use rust_decimal::Decimal;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::clock::now_unix;
use crate::eval::budget::Budget;
use crate::eval::events::EvalEvent;
use crate::eval::execute::RouterExecutor;
use crate::eval::journal::{self, Contents, Ending, Header, JournalWriter};
use crate::eval::judge::Judging;
use crate::eval::judge::runner::JudgeRunner;
use crate::eval::plan::{Plan, PlanInput};
use crate::eval::record::CellKey;
use crate::eval::report::{Format as ReportFormat, Report};
use crate::eval::runs::RunStore;
use crate::eval::scheduler::{self, Schedule};
use crate::eval::suite::ColumnDef;
use crate::eval::summary::{SummaryInput, summarize};
use crate::router::pricing::format_usd;
use crate::sanitize::sanitize;

use super::eval_estimate::{confirm, print_estimate};
use super::eval_open::{absolute, open_run};
use super::eval_progress::Progress;
use super::eval_scope::{all_cells, groupings_to_ask, load_catalogs, pairs_to_ask};
use super::{CliError, EXIT_FAILED, EXIT_OK, EvalArgs, GlobalArgs, Setup};

/// Exit status after an interrupt (128 + SIGINT), as shells expect.
pub const EXIT_INTERRUPTED: u8 = 130;

pub async fn run(global: &GlobalArgs, args: EvalArgs) -> Result<u8, CliError> {
    let fail_under = args.fail_under.as_deref().map(parse_rate).transpose()?;
    if args.tui && !args.estimate && !super::eval_live::has_terminal() {
        return Err(CliError::Usage(
            "--tui needs a terminal; without one, prism eval shows its progress on stderr".into(),
        ));
    }
    if args.concurrency == 0 {
        return Err(CliError::Usage("--concurrency must be at least 1".into()));
    }
    // Read exactly and range-checked by the flag parser.
    let max_cost = args.max_cost;
    let setup = Setup::load_for_requests(global, &args.network)?;
    let store = RunStore::new(setup.config.paths.runs_dir());

    // The suite and the run: new, or one to finish.
    let mut start = open_run(&store, &args)?;
    // A new run's upstream columns are part of its suite from here on (the
    // journal keeps them, so a resume asks the same upstreams).
    let pinned = super::providers::per_provider_columns(&setup, &args.per_provider).await?;
    start
        .loaded
        .suite
        .columns
        .extend(pinned.into_iter().map(crate::eval::suite::ColumnDef::One));
    let loaded = Arc::new(start.loaded);
    let suite = &loaded.suite;
    let is_router =
        |c: &ColumnDef| matches!(c, ColumnDef::One(m) if m.trim().starts_with("router:"));
    let policies = if suite.columns.iter().any(is_router)
        || suite.judges().iter().any(|(_, judge)| is_router(judge))
    {
        setup
            .config
            .policies()
            .map_err(|e| CliError::Usage(e.to_string()))?
    } else {
        Vec::new()
    };
    let catalogs = Arc::new(load_catalogs(&setup, suite, &policies).await);
    let config = &setup.config;
    let plan = Plan::build(&PlanInput {
        suite: &loaded,
        providers: setup.router.providers(),
        policies: &policies,
        catalogs: &catalogs,
        pacing: &setup.router.settings().pacing,
        config_prefs: &|model| config.preferences_for(model),
        concurrency: args.concurrency,
    })
    .map_err(|e| CliError::Usage(e.to_string()))?;
    let plan = Arc::new(plan);

    let done: HashSet<CellKey> = start
        .contents
        .as_ref()
        .map(Contents::done)
        .unwrap_or_default();
    let cells: Vec<CellKey> = all_cells(suite)
        .into_iter()
        .filter(|c| !done.contains(c))
        .collect();

    let mut estimate = plan.estimate(&cells);
    let earlier_comparisons = start
        .contents
        .as_ref()
        .map(|c| c.comparisons.clone())
        .unwrap_or_default();
    let compared: HashSet<(String, u32, String, String)> =
        earlier_comparisons.iter().map(|c| c.key()).collect();
    let earlier_groupings = start
        .contents
        .as_ref()
        .map(|c| c.groupings.clone())
        .unwrap_or_default();
    let grouped: HashSet<(String, u32)> = earlier_groupings
        .iter()
        .map(|g| (g.case_id.clone(), g.repeat_index))
        .collect();
    let case_of_cell: Vec<usize> = cells.iter().map(|c| c.case as usize).collect();
    let pairs_to_ask = pairs_to_ask(suite, &compared);
    let groupings_to_ask = groupings_to_ask(suite, &grouped);
    estimate.extend(plan.judges.estimate(
        suite,
        &case_of_cell,
        &pairs_to_ask,
        &groupings_to_ask,
        plan.output_tokens(),
    ));
    let requests: u64 = estimate.iter().map(|c| c.requests).sum();
    print_estimate(&estimate, plan.output_basis, requests as usize, done.len());
    let total_estimate: Decimal = estimate.iter().filter_map(|c| c.cost_usd).sum();
    if max_cost.is_some() {
        let unbounded: Vec<&str> = plan
            .labels
            .iter()
            .enumerate()
            .filter(|(column, _)| {
                cells.iter().any(|c| {
                    c.column as usize == *column
                        && plan.cost(*c).unbounded
                        && plan.cost(*c).estimate_usd.is_some()
                })
            })
            .map(|(_, label)| label.as_str())
            .collect();
        if !unbounded.is_empty() {
            return Err(CliError::Usage(format!(
                "--max-cost needs a bound on each answer's length: set max_tokens in the suite's [defaults] (no limit is known for {})",
                unbounded.join(", ")
            )));
        }
        let mut unpriced: Vec<&str> = estimate
            .iter()
            .filter(|c| c.unpriced > 0)
            .map(|c| c.column.as_str())
            .collect();
        unpriced.extend(plan.judges.unpriced().iter().map(|j| j.to_owned()));
        unpriced.dedup();
        if !unpriced.is_empty() {
            errln!(
                "prism: warning: no known price for {}: their answers are not counted against --max-cost",
                unpriced.join(", ")
            );
        }
    }
    if args.estimate {
        return Ok(EXIT_OK);
    }
    if cells.is_empty() && pairs_to_ask.is_empty() && groupings_to_ask.is_empty() {
        errln!("prism: nothing to run: every result of this run is in its journal");
    } else {
        confirm(total_estimate, config.eval_confirm_usd(), args.yes)?;
    }

    // The journal, then the run.
    let (mut writer, run_id, earlier) = match start.contents {
        Some(contents) => {
            let writer =
                JournalWriter::resume(&store.path_for(&start.run_id), &contents, now_unix())
                    .await
                    .map_err(|e| CliError::Io(e.to_string()))?;
            (writer, start.run_id, contents.digests)
        }
        None => {
            let header = Header {
                schema_version: journal::SCHEMA_VERSION,
                run_id: start.run_id.clone(),
                created_at_unix: now_unix(),
                suite_file: absolute(Path::new(&suite.path)).display().to_string(),
                suite: suite.clone(),
            };
            let writer = JournalWriter::create(&store.path_for(&start.run_id), &header)
                .await
                .map_err(|e| CliError::Io(e.to_string()))?;
            (writer, start.run_id, Vec::new())
        }
    };
    errln!("prism: run {run_id} · journal {}", writer.path().display());

    let cancel = CancellationToken::new();
    let interrupt = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            interrupt.cancel();
        }
    });
    let (events_tx, events_rx) = mpsc::channel::<EvalEvent>(1024);
    let watcher = if args.tui {
        Watcher::View(super::eval_live::open(super::eval_live::Opening {
            run_id: &run_id,
            loaded: &loaded,
            earlier: &earlier,
            targets: &plan.targets,
            volume: args.volume,
            journal: writer.path(),
            sessions: setup.config.paths.sessions_dir(),
            events: events_rx,
            cancel: cancel.clone(),
        }))
    } else {
        Watcher::Progress(Progress::spawn(
            events_rx,
            crate::cli::term::stderr_is_terminal(),
        ))
    };
    let _ = events_tx
        .send(EvalEvent::Planned {
            total: suite.cells(),
            done: done.len(),
        })
        .await;
    let schedule = Schedule {
        cells,
        gate_of_column: plan.gate_of_column.clone(),
        gates: plan.gates.clone(),
        concurrency: args.concurrency,
        budget: Budget::new(max_cost),
    };
    let judges = Arc::new(JudgeRunner {
        router: setup.router.clone(),
        catalogs: catalogs.clone(),
        targets: plan.judges.targets.clone(),
        deny_data_collection: false,
    });
    let executor = Arc::new(RouterExecutor {
        router: setup.router.clone(),
        suite: loaded.clone(),
        plan: plan.clone(),
        catalogs: catalogs.clone(),
        judges: judges.clone(),
    });
    let mut ran = scheduler::run(schedule, executor, &mut writer, &events_tx, &cancel).await;
    drop(events_tx);
    let view = match watcher {
        Watcher::Progress(progress) => {
            progress.finish().await;
            None
        }
        // The view stays open until the user closes it (below).
        Watcher::View(view) => Some(view),
    };

    let mut digests = earlier;
    digests.extend(std::mem::take(&mut ran.digests));
    digests.sort_by_key(|d| d.cell);
    let rounds = super::eval_judges::Rounds {
        suite,
        digests: &digests,
        judges: judges.clone(),
        plan: &plan.judges,
        max_cost,
        concurrency: args.concurrency,
        cancel: &cancel,
        say: view.is_none(),
    };
    let judged = super::eval_judges::run(&rounds, &mut ran, &mut writer, &compared, &grouped).await;
    let mut comparisons = earlier_comparisons;
    comparisons.extend(judged.comparisons);
    let mut groupings = earlier_groupings;
    groupings.extend(judged.groupings);
    let skipped_comparisons = judged.skipped_for_budget;
    let ending = Ending {
        at_unix: now_unix(),
        skipped_for_budget: (ran.skipped_for_budget.len() + skipped_comparisons) as u64,
        interrupted: ran.interrupted,
    };
    let _ = writer.ended(ending).await;
    let journal_path = writer.path().to_path_buf();
    let closed = writer.close().await;

    let handoff = match view {
        Some(view) => view.closed().await,
        None => None,
    };
    let labels = suite.column_labels();
    let summary = summarize(&SummaryInput {
        columns: &labels,
        cases: suite.cases.len(),
        repeat: suite.defaults.repeat,
        digests: &digests,
        volume: args.volume,
    });
    let judging = Judging::of(suite, &digests, &comparisons, &groupings);
    let report = Report {
        run_id: &run_id,
        suite,
        digests: &digests,
        summary: &summary,
        journal: &journal_path,
        skipped_for_budget: (ran.skipped_for_budget.len() + skipped_comparisons) as u64,
        interrupted: ran.interrupted,
        volume: args.volume,
        pairwise: judging.pairwise.as_ref(),
        judges: &judging.judges,
        groupings: &groupings,
    };
    write_report(&report, args.format.into(), args.output.as_deref())?;
    if let Some(budget) = max_cost {
        errln!(
            "prism: spent {} of --max-cost {}",
            format_usd(ran.spent_usd),
            format_usd(budget)
        );
    }
    if let Err(error) = closed.and(ran.journal_error.map_or(Ok(()), Err)) {
        errln!("prism: {}", sanitize(&error));
        return Ok(EXIT_FAILED);
    }
    let code = if ran.interrupted {
        errln!("prism: interrupted: `prism eval --resume {run_id}` runs what is missing");
        EXIT_INTERRUPTED
    } else {
        verdict(&summary, fail_under, &report)
    };
    if let Some(session) = handoff {
        // The case goes on in the workbench; the run's verdict stays the exit status.
        let open = super::OpenArgs {
            resume: Some(session),
            ..super::OpenArgs::default()
        };
        super::workbench::run(global, &open, Vec::new()).await?;
    }
    Ok(code)
}

/// Who watches the run: the progress line on stderr, or the live view.
enum Watcher {
    Progress(Progress),
    View(super::eval_live::View),
}

/// 0 when every result passed (or every column reached `fail_under`) and
/// nothing is missing, else 1.
fn verdict(
    summary: &[crate::eval::summary::ColumnSummary],
    fail_under: Option<f64>,
    report: &Report<'_>,
) -> u8 {
    let complete = summary.iter().all(|s| s.missing == 0) && report.skipped_for_budget == 0;
    let good = match fail_under {
        Some(rate) => summary
            .iter()
            .all(|s| s.pass_rate.is_some_and(|r| r >= rate)),
        None => summary.iter().all(|s| s.passed == s.results),
    };
    if complete && good {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

/// "0.9", "90%" → 0.9.
fn parse_rate(text: &str) -> Result<f64, CliError> {
    let trimmed = text.trim();
    let (number, scale) = match trimmed.strip_suffix('%') {
        Some(n) => (n, 100.0),
        None => (trimmed, 1.0),
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .map(|v| v / scale)
        .filter(|v| (0.0..=1.0).contains(v))
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--fail-under '{text}' must be a pass rate from 0 to 1 (or 0% to 100%)"
            ))
        })
}

/// The report to stdout, or to a file (see [`crate::fs_safe::write_user_file`]).
pub(super) fn write_report(
    report: &Report<'_>,
    format: ReportFormat,
    output: Option<&Path>,
) -> Result<(), CliError> {
    let io = |e: std::io::Error| CliError::Io(format!("cannot write the report: {e}"));
    match output {
        None => {
            let mut out = std::io::BufWriter::new(crate::cli::term::stdout());
            report.write(format, &mut out).map_err(io)?;
            out.flush().map_err(io)
        }
        Some(path) => {
            let mut bytes = Vec::new();
            report.write(format, &mut bytes).map_err(io)?;
            crate::fs_safe::write_user_file(path, &bytes)
                .map_err(|e| CliError::Io(format!("cannot write {}: {e}", path.display())))
        }
    }
}
