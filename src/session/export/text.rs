//! The plain text view of `prism sessions show`: the header, the columns,
//! then per turn the prompt and each answer with its figures, error and the vote.

use std::fmt::Write;

use crate::sanitize::{one_line, sanitize};
use crate::units::{self, format_datetime_utc};

use super::{
    BLIND_NOTE, answers_in_column_order, column_details, column_name, cost, counts_line,
    error_text, judge_vote_text, notes, params_text, served_by, vote_text,
};
use crate::session::types::{Answer, Session};

pub fn text(session: &Session) -> String {
    let hidden = session.names_hidden();
    let mut out = String::new();
    let _ = writeln!(out, "{}", one_line(&session.title()));
    let _ = writeln!(
        out,
        "id {} · created {} UTC · updated {} UTC",
        session.id,
        format_datetime_utc(session.created_at_unix),
        format_datetime_utc(session.updated_at_unix)
    );
    let _ = writeln!(out, "{}", counts_line(session));
    if hidden {
        let _ = writeln!(out, "{BLIND_NOTE}");
    }
    out.push_str("\ncolumns:\n");
    for column in &session.columns {
        let _ = write!(out, "  {}", column_name(session, column.id));
        if let Some(details) = column_details(session, column) {
            let _ = write!(out, "  ({details})");
        }
        out.push('\n');
    }
    if let Some(shared) = params_text(&session.params) {
        let _ = writeln!(out, "every column: {shared}");
    }

    for (index, turn) in session.turns.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n── Turn {} · {} UTC ──",
            index + 1,
            format_datetime_utc(turn.started_at_unix)
        );
        for line in sanitize(&turn.prompt).lines() {
            let _ = writeln!(out, "> {line}");
        }
        for answer in answers_in_column_order(session, turn) {
            answer_block(&mut out, session, answer, hidden);
        }
        if let Some(vote) = &turn.vote {
            let _ = writeln!(out, "\nvote: {}", vote_text(session, vote));
        }
        for judged in &turn.judge_votes {
            let _ = writeln!(out, "judge's vote: {}", judge_vote_text(session, judged));
        }
    }
    out
}

fn answer_block(out: &mut String, session: &Session, answer: &Answer, hidden: bool) {
    let result = &answer.result;
    let status = match (&result.error, answer.complete) {
        (Some(_), _) => "failed".to_string(),
        (None, false) => "incomplete".to_string(),
        (None, true) => result
            .finish_reason
            .as_deref()
            .map(|r| one_line(r).into_owned())
            .unwrap_or_else(|| "done".into()),
    };
    // Only the figures that are known, so a failure reads "failed · total 310ms".
    let mut parts = vec![status];
    if result.provider.is_some() && !hidden {
        parts.push(format!("served by {}", served_by(result, hidden)));
    }
    if result.ttft_ms.is_some() {
        parts.push(format!("ttft {}", units::duration(result.ttft_ms)));
    }
    if result.total_ms.is_some() {
        parts.push(format!("total {}", units::duration(result.total_ms)));
    }
    if result.tokens_per_s.is_some() {
        parts.push(format!("{} tok/s", units::rate(result.tokens_per_s)));
    }
    if result.usage.is_some() {
        parts.push(format!("{} tokens", result.tokens_text()));
    }
    parts.push(format!("cost {}", cost(result, hidden)));
    let _ = writeln!(
        out,
        "\n[{}] {}",
        column_name(session, answer.column),
        parts.join(" · ")
    );
    if !result.reasoning.trim().is_empty() {
        let _ = writeln!(
            out,
            "(reasoning: {} characters, in the Markdown export)",
            result.reasoning.chars().count()
        );
    }
    let text = sanitize(&result.text);
    if !text.trim().is_empty() {
        let _ = writeln!(out, "{}", text.trim_end());
    }
    if let Some(error) = error_text(result, hidden) {
        let _ = writeln!(out, "error {error}");
    }
    for note in notes(result, hidden) {
        let _ = writeln!(out, "note: {note}");
    }
}
