//! Sessions for people and programs: a Markdown report, the plain text view
//! of `prism sessions show`, and the JSON record (the file's own format).
//! In a blind session not yet revealed, people see "Model A"… and no costs.

mod markdown;
mod text;

use crate::router::events::RunResult;
use crate::sanitize::one_line;

use super::types::{Answer, Column, Session, SessionParams, Turn, Verdict, Vote, VoteSource};

pub use markdown::markdown;
pub use text::text;

/// What a blind session says while its names are hidden.
pub const BLIND_NOTE: &str = "blind session, names hidden until you vote";

/// The session as pretty JSON, schema-versioned: the same bytes as its file
/// (written with the characters a terminal would act on escaped).
pub fn json(session: &Session) -> String {
    match crate::sanitize::json::to_string_pretty(session) {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        // Unreachable for this schema (string keys, no failing serializer),
        // but still JSON a program can read.
        Err(err) => serde_json::json!({ "error": err.to_string() }).to_string() + "\n",
    }
}

/// A column as people see it: its label, or its blind label while hidden.
/// A turn's answers in the session's column order (the panes' order), not
/// in the order they finished; an answer of an unknown column comes last.
fn answers_in_column_order<'a>(session: &Session, turn: &'a Turn) -> Vec<&'a Answer> {
    let mut answers: Vec<&Answer> = turn.answers.iter().collect();
    answers.sort_by_key(|answer| {
        session
            .columns
            .iter()
            .position(|c| c.id == answer.column)
            .unwrap_or(usize::MAX)
    });
    answers
}

pub fn column_name(session: &Session, column_id: u64) -> String {
    let Some(column) = session.column(column_id) else {
        return format!("column {column_id}");
    };
    if session.names_hidden() {
        return blind_label(session, column);
    }
    one_line(&column.label).into_owned()
}

fn blind_label(session: &Session, column: &Column) -> String {
    match &column.blind_label {
        Some(label) => one_line(label).into_owned(),
        None => {
            let index = session
                .columns
                .iter()
                .position(|c| c.id == column.id)
                .unwrap_or(0);
            let letter = char::from_u32('A' as u32 + (index % 26) as u32).unwrap_or('?');
            format!("Model {letter}")
        }
    }
}

/// "openai/gpt-4o was best (sighted vote)", "tie (blind vote)", "all bad (…)".
pub fn vote_text(session: &Session, vote: &Vote) -> String {
    let verdict = match vote.verdict {
        Verdict::Best { column } => format!("{} was best", column_name(session, column)),
        Verdict::Tie => "tie".to_string(),
        Verdict::AllBad => "all bad".to_string(),
    };
    let how = if vote.blind { "blind" } else { "sighted" };
    format!("{verdict} ({how} vote)")
}

/// A judge's verdict on a turn, apart from yours: "openai/gpt-4o-mini:
/// Model A was best · why: … · judge's cost $0.00018 (6 calls)".
pub fn judge_vote_text(session: &Session, vote: &Vote) -> String {
    let judge = match &vote.source {
        VoteSource::Judge { model } => one_line(model).into_owned(),
        VoteSource::User => "you".into(),
    };
    let verdict = match vote.verdict {
        Verdict::Best { column } => format!("{} was best", column_name(session, column)),
        Verdict::Tie => "tie".to_string(),
        Verdict::AllBad => "all bad".to_string(),
    };
    let mut text = format!("{judge}: {verdict}");
    if let Some(reason) = &vote.reason {
        text.push_str(&format!(" · why: {}", one_line(reason)));
    }
    text.push_str(&match &vote.judge_cost {
        Some(cost) => format!(" · judge's cost {}, {} calls", cost.label(), cost.calls),
        None => " · judge's cost not recorded".into(),
    });
    text
}

/// Parameters that are set, on one line: "temperature 0.2 · max tokens 512 · system “…”".
fn params_text(params: &SessionParams) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(temperature) = params.temperature {
        parts.push(format!("temperature {temperature}"));
    }
    if let Some(max_tokens) = params.max_tokens {
        parts.push(format!("max tokens {max_tokens}"));
    }
    if let Some(system) = params.system.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("system prompt “{}”", first_line(system, 60)));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// A column's description after its name: a chain's order, its own parameters.
fn column_details(session: &Session, column: &Column) -> Option<String> {
    let mut parts = Vec::new();
    if column.chain.len() > 1 && !session.names_hidden() {
        let chain: Vec<String> = column
            .chain
            .iter()
            .map(crate::session::leaderboard::display_ref)
            .collect();
        parts.push(format!("fallback chain {}", one_line(&chain.join(" → "))));
    }
    parts.extend(params_text(&column.params));
    if !column.active {
        parts.push("removed".to_string());
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The first line of a text, at most `max_chars` characters, sanitized.
fn first_line(text: &str, max_chars: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let mut short: String = line.chars().take(max_chars).collect();
    if line.chars().count() > max_chars || text.trim().lines().nth(1).is_some() {
        short.push('…');
    }
    one_line(&short).into_owned()
}

/// The upstream that answered, and the served model when it differs from the one asked.
fn served_by(result: &RunResult, hidden: bool) -> String {
    if hidden {
        return "hidden".to_string();
    }
    let provider = one_line(result.provider.as_deref().unwrap_or("-"));
    match result.served_instead_of(result.asked_model()) {
        Some(served) => format!("{provider} ({})", one_line(served)),
        None => provider.into_owned(),
    }
}

fn cost(result: &RunResult, hidden: bool) -> String {
    if hidden {
        return "hidden".to_string();
    }
    result.cost_text().unwrap_or_else(|| "unknown".into())
}

/// The error of an answer on one line, "(kind, HTTP 429): message"; only the
/// kind while names are hidden (messages often name the model).
fn error_text(result: &RunResult, hidden: bool) -> Option<String> {
    let error = result.error.as_ref()?;
    let status = error
        .status
        .map(|s| format!(", HTTP {s}"))
        .unwrap_or_default();
    let head = format!("({}{status})", error.kind.as_str());
    Some(if hidden {
        head
    } else {
        format!("{head}: {}", one_line(&error.message))
    })
}

/// Why some of an answer's figures are unknown, one line each; none while
/// names are hidden (the figures themselves are).
fn notes(result: &RunResult, hidden: bool) -> Vec<String> {
    if hidden {
        return Vec::new();
    }
    result
        .notes
        .iter()
        .map(|note| one_line(note).into_owned())
        .collect()
}

/// "2 turns · 1 vote · cost $0.00027" (the cost left out while names are hidden).
fn counts_line(session: &Session) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let summary = session.summary();
    let mut line = format!(
        "{} · {}",
        plural(summary.turns, "turn"),
        plural(summary.votes, "vote")
    );
    if !session.names_hidden() {
        line.push_str(&format!(" · cost {}", summary.cost_label()));
    }
    line
}

#[cfg(test)]
mod tests;
