//! `prism leaderboard`: the models ranked by your votes (or judge models'
//! verdicts, or both, always labelled) across every saved session, with
//! their cost and speed, and how often each judge agreed with you; the
//! method and vote count on stderr.

use std::io::Write;

use crate::config::Paths;
use crate::sanitize::{Outside, one_line};
use crate::session::SessionStore;
use crate::session::leaderboard::position::PositionBias;
use crate::session::leaderboard::{self, Row, Source, VoteFilter};

use super::report;
use super::sessions::report_unreadable;
use super::term::{self, errln};
use super::{CliError, LeaderboardArgs};

pub fn run(args: &LeaderboardArgs) -> Result<u8, CliError> {
    let store = SessionStore::new(Paths::from_env().sessions_dir());
    let (sessions, errors) = store.load_all();
    let status = report_unreadable(&store, &errors);
    let filter = match (args.blind, args.sighted) {
        (true, _) => VoteFilter::Blind,
        (false, true) => VoteFilter::Sighted,
        (false, false) => VoteFilter::All,
    };
    let source: Source = args.source.into();
    let board = leaderboard::compute_with(&sessions, filter, source);
    let mut out = term::stdout();
    if args.json {
        report::write_json(&mut out, &board)?;
        out.flush()?;
        return Ok(status);
    }
    if board.rows.is_empty() {
        let which = filter.word().map_or(String::new(), |w| format!("{w} "));
        match source {
            Source::Me => writeln!(
                out,
                "no {which}votes yet: vote in the workbench (Ctrl+V then a pane number for the best \
                 answer, t for a tie, n for all bad) and the models are ranked here"
            )?,
            Source::Judge | Source::Both => writeln!(
                out,
                "no {which}{} yet: the sessions hold no judge verdict on a turn",
                source.describe()
            )?,
        }
        write_agreement(&mut out, &board)?;
        out.flush()?;
        return Ok(status);
    }
    if source != Source::Me {
        writeln!(
            out,
            "ranked by {} ({} of yours, {} of judges)",
            source.describe(),
            board.user_votes,
            board.judge_votes
        )?;
    }
    let rows: Vec<Vec<String>> = board
        .rows
        .iter()
        .enumerate()
        .map(|(rank, row)| table_row(rank + 1, row))
        .collect();
    let table = report::table(
        &[
            "#",
            "model",
            "rating",
            "95% interval",
            "votes",
            "W/L/T",
            "avg cost",
            "ttft",
            "tok/s",
        ],
        &rows,
        &[true, false, true, true, true, true, true, true, true],
    );
    out.write_all(table.as_bytes())?;
    write_agreement(&mut out, &board)?;
    write_positions(&mut out, &board.positions)?;
    out.flush()?;
    let filtered = filter.word().map_or(String::new(), |w| format!(" {w}"));
    errln!(
        "{}: {} counted{filtered} vote{} in {} session{} · {}",
        source.describe(),
        board.votes,
        if board.votes == 1 { "" } else { "s" },
        sessions.len(),
        if sessions.len() == 1 { "" } else { "s" },
        board.method
    );
    Ok(status)
}

/// How often each judge agreed with you, on the turns you both voted on.
fn write_agreement(out: &mut impl Write, board: &leaderboard::Leaderboard) -> std::io::Result<()> {
    for a in &board.agreement {
        writeln!(
            out,
            "judge {} agreed with you on {} of {} turns you both voted on ({:.0}%)",
            Outside(&a.judge),
            a.agreed,
            a.turns,
            a.rate * 100.0
        )?;
    }
    Ok(())
}

/// Where the answers you picked sat, per position, and whether your votes
/// lean to one (with the test's method).
fn write_positions(out: &mut impl Write, bias: &PositionBias) -> std::io::Result<()> {
    if bias.votes == 0 {
        return Ok(());
    }
    let shares: Vec<String> = bias
        .positions
        .iter()
        .map(|p| {
            format!(
                "{} {}/{} ({:.0}%, chance {:.0}%)",
                ordinal(p.position),
                p.wins,
                p.shown,
                p.wins as f64 * 100.0 / p.shown.max(1) as f64,
                p.chance * 100.0
            )
        })
        .collect();
    writeln!(out, "position of your pick: {}", shares.join(" · "))?;
    writeln!(out, "{} ({})", bias.verdict(), bias.method)
}

/// "1st", "2nd", "3rd", "4th"… (positions are at most a screenful).
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn table_row(rank: usize, row: &Row) -> Vec<String> {
    vec![
        rank.to_string(),
        one_line(&row.model).into_owned(),
        format!("{:.0}", row.rating),
        format!("{:.0}–{:.0}", row.rating_low, row.rating_high),
        row.votes.to_string(),
        format!("{}/{}/{}", row.wins, row.losses, row.ties),
        row.avg_cost_text(),
        crate::units::duration(row.median_ttft_ms),
        crate::units::rate(row.median_tokens_per_s),
    ]
}
