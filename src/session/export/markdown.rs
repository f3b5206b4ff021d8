//! The Markdown report of a session: the columns, then per turn the prompt,
//! each answer under its model's name (Markdown kept), a figures table and the vote.

use std::fmt::Write;

use crate::router::events::CostSource;
use crate::sanitize::{one_line, sanitize};
use crate::units::{self, format_datetime_utc};

use super::{
    answers_in_column_order, column_details, column_name, cost, counts_line, error_text,
    judge_vote_text, notes, params_text, served_by, vote_text,
};
use crate::session::types::{Answer, Session, Turn};

pub fn markdown(session: &Session) -> String {
    let hidden = session.names_hidden();
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", one_line(&session.title()));
    let _ = writeln!(
        out,
        "{} UTC · {} · prism session `{}`\n",
        format_datetime_utc(session.created_at_unix),
        counts_line(session),
        session.id
    );
    if hidden {
        out.push_str("*Blind session, names hidden until you vote.*\n\n");
    } else if session.blind {
        out.push_str("*Blind session, names revealed after the vote.*\n\n");
    }

    out.push_str("## Columns\n\n");
    for column in &session.columns {
        let _ = write!(out, "- **{}**", column_name(session, column.id));
        if let Some(details) = column_details(session, column) {
            let _ = write!(out, ": {details}");
        }
        out.push('\n');
    }
    if let Some(shared) = params_text(&session.params) {
        let _ = writeln!(out, "\nFor every column: {shared}");
    }

    for (index, turn) in session.turns.iter().enumerate() {
        turn_section(&mut out, session, index + 1, turn, hidden);
    }

    let computed = session
        .turns
        .iter()
        .flat_map(|t| &t.answers)
        .any(|a| a.result.cost_source == Some(CostSource::Computed));
    if computed && !hidden {
        out.push_str(
            "\n~ cost computed from catalog prices; the others are what the server reported.\n",
        );
    }
    out
}

fn turn_section(out: &mut String, session: &Session, number: usize, turn: &Turn, hidden: bool) {
    let _ = writeln!(out, "\n## Turn {number}\n");
    for line in sanitize(&turn.prompt).lines() {
        let _ = writeln!(out, "> {line}");
    }
    let answers = answers_in_column_order(session, turn);
    for answer in &answers {
        answer_section(out, session, answer, hidden);
    }
    if turn.answers.is_empty() {
        return;
    }
    out.push_str("\n| Model | Served by | TTFT | Total | Tok/s | Tokens in→out | Cost |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---:|\n");
    for answer in &answers {
        let result = &answer.result;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            escape_cell(&column_name(session, answer.column)),
            escape_cell(&served_by(result, hidden)),
            units::duration(result.ttft_ms),
            units::duration(result.total_ms),
            units::rate(result.tokens_per_s),
            result.tokens_text(),
            cost(result, hidden),
        );
    }
    if let Some(vote) = &turn.vote {
        let _ = writeln!(out, "\n**Vote:** {}", vote_text(session, vote));
    }
    for judged in &turn.judge_votes {
        let _ = writeln!(
            out,
            "\n**Judge's vote:** {}",
            judge_vote_text(session, judged)
        );
    }
}

fn answer_section(out: &mut String, session: &Session, answer: &Answer, hidden: bool) {
    let result = &answer.result;
    let _ = writeln!(out, "\n### {}\n", column_name(session, answer.column));
    let reasoning = sanitize(&result.reasoning);
    if !reasoning.trim().is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Reasoning</summary>\n\n{}\n\n</details>\n",
            reasoning.trim_end()
        );
    }
    let text = sanitize(&result.text);
    if !text.trim().is_empty() {
        let _ = writeln!(out, "{}", text.trim_end());
    } else if result.error.is_none() {
        out.push_str("*(no answer)*\n");
    }
    if let Some(error) = error_text(result, hidden) {
        let separator = if text.trim().is_empty() { "" } else { "\n" };
        let _ = writeln!(out, "{separator}> **Failed** {error}");
    } else if !answer.complete {
        out.push_str("\n*(incomplete: still streaming when last saved)*\n");
    }
    for note in notes(result, hidden) {
        let _ = writeln!(out, "\n> *Note:* {note}");
    }
}

/// A table cell: on one line, its pipes escaped.
fn escape_cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}
