//! `prism eval`'s progress on stderr, a consumer of the run's events: on a
//! terminal a live bar (done/total, passes, failures, errors, money spent,
//! rate, ETA); without one, a plain line at every tenth of the run and no
//! control codes at all. Rate-limit notices are one line either way.

use crate::cli::term::errln;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::mpsc;

use crate::eval::events::{EvalEvent, Tally};
use crate::router::pricing::format_usd;
use crate::sanitize::sanitize;

pub struct Progress {
    task: tokio::task::JoinHandle<()>,
}

impl Progress {
    pub fn spawn(events: mpsc::Receiver<EvalEvent>, terminal: bool) -> Progress {
        Progress {
            task: tokio::spawn(consume(events, terminal)),
        }
    }

    /// Waits for the last events to be shown (the sender must be dropped).
    pub async fn finish(self) {
        let _ = self.task.await;
    }
}

async fn consume(mut events: mpsc::Receiver<EvalEvent>, terminal: bool) {
    let mut tally = Tally::default();
    let mut bar: Option<ProgressBar> = None;
    let mut next_tenth = 1u64;
    let mut to_run = 0u64;
    while let Some(event) = events.recv().await {
        tally.apply(&event);
        match &event {
            EvalEvent::Planned { total, done } => {
                to_run = total.saturating_sub(*done) as u64;
                if terminal && to_run > 0 {
                    let style = ProgressStyle::with_template(
                        "{bar:24} {pos}/{len} {msg} · {per_sec} · ETA {eta}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("█▉▊▋▌▍▎▏ ");
                    let progress =
                        ProgressBar::with_draw_target(Some(to_run), ProgressDrawTarget::stderr())
                            .with_style(style);
                    progress.enable_steady_tick(Duration::from_millis(250));
                    bar = Some(progress);
                }
            }
            EvalEvent::Slowed {
                model,
                wait_ms,
                limit,
            } => {
                let line = format!(
                    "prism: {} is rate-limited (429): its requests wait {}, then at most {limit} at a time",
                    sanitize(model),
                    crate::units::duration_ms(*wait_ms)
                );
                say(&bar, &line);
            }
            EvalEvent::JournalFailed { message } => {
                say(&bar, &format!("prism: {}", sanitize(message)))
            }
            EvalEvent::Started { .. }
            | EvalEvent::Finished { .. }
            | EvalEvent::SkippedForBudget { .. } => {}
        }
        let moved = tally.finished_now as u64 + tally.skipped as u64;
        match &bar {
            Some(bar) => {
                bar.set_position(moved);
                bar.set_message(summary(&tally));
            }
            None if to_run > 0 && moved > 0 && moved * 10 >= next_tenth * to_run => {
                errln!("prism: {moved}/{to_run} {}", summary(&tally));
                next_tenth = moved * 10 / to_run + 1;
            }
            None => {}
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

fn say(bar: &Option<ProgressBar>, line: &str) {
    match bar {
        Some(bar) => bar.println(line),
        None => errln!("{line}"),
    }
}

fn summary(tally: &Tally) -> String {
    let mut text = format!(
        "✓ {} ✗ {} errors {} · {} spent",
        tally.passed,
        tally.failures,
        tally.errors,
        format_usd(tally.spent_usd)
    );
    if tally.skipped > 0 {
        text.push_str(&format!(" · {} skipped for budget", tally.skipped));
    }
    text
}
