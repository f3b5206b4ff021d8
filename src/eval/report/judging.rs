//! The judges' part of a report, in text and Markdown: the flags (a judge
//! whose flip rate is high), the bias table, the pairwise ranking and how
//! much the columns' answers agree per case.

use crate::eval::checks::clip;
use crate::eval::judge::bias::{HIGH_FLIP_RATE, JudgeBias};
use crate::eval::judge::pairwise::PairwiseSummary;
use crate::table::table;

use super::{CaseAgreement, money, ms, percent};
use crate::eval::judge::grouping::Method;

/// One warning line per flagged judge (empty when none is).
pub fn flags(judges: &[JudgeBias]) -> Vec<String> {
    judges
        .iter()
        .filter(|j| j.flagged)
        .map(|j| {
            format!(
                "judge {} changed its verdict when the two answers were swapped in {} of {} pairs ({}, above the {:.0}% a usable judge stays under){}: its pairwise verdicts follow the order shown more than the answers",
                clip(&j.judge, 60),
                j.position_flips,
                j.pairs,
                percent(j.flip_rate),
                HIGH_FLIP_RATE * 100.0,
                j.first_position_rate
                    .map_or(String::new(), |r| format!("; it chose the first answer shown {}", percent(Some(r)))),
            )
        })
        .collect()
}

fn correlation(value: Option<f64>) -> String {
    value.map_or("-".into(), |r| format!("{r:+.2}"))
}

fn flips(j: &JudgeBias) -> String {
    match j.flip_rate {
        None => "-".into(),
        Some(_) => format!(
            "{}/{} ({})",
            j.position_flips,
            j.pairs,
            percent(j.flip_rate)
        ),
    }
}

fn own_family(j: &JudgeBias) -> String {
    let Some(family) = &j.family else {
        return "-".into();
    };
    let mut parts = Vec::new();
    if let Some(rate) = j.own_family_win_rate {
        parts.push(format!(
            "won {} of {}",
            percent(Some(rate)),
            j.own_family_verdicts
        ));
    }
    if let Some(gap) = j.own_family_score_gap {
        parts.push(format!("score {gap:+.1}"));
    }
    if parts.is_empty() {
        return format!("{} (no answers)", clip(family, 20));
    }
    format!("{}: {}", clip(family, 20), parts.join(", "))
}

const BIAS_HEADER: [&str; 10] = [
    "judge",
    "calls",
    "errors",
    "cost",
    "time p50",
    "order flips",
    "first shown",
    "length r",
    "score~length r",
    "own family",
];

fn bias_rows(judges: &[JudgeBias]) -> Vec<Vec<String>> {
    judges
        .iter()
        .map(|j| {
            vec![
                format!(
                    "{}{}",
                    clip(&j.judge, 50),
                    if j.flagged { " ⚠" } else { "" }
                ),
                j.calls.to_string(),
                j.errors.to_string(),
                money(j.cost_usd),
                ms(j.median_ms),
                flips(j),
                percent(j.first_position_rate),
                correlation(j.length_correlation),
                correlation(j.score_length_correlation),
                own_family(j),
            ]
        })
        .collect()
}

const LEGEND: &str = "order flips: pairs whose verdict changed when the answers were swapped (counted as ties); first shown: of the verdicts naming a winner, the share for the answer shown first (50% is unbiased); length r: correlation of its preference with the log length ratio (+1 always the longer); score~length r: of its scores with the log length; own family: its verdicts between its provider family and another (50% unbiased), and its mean score for its family minus the others'";

fn ranking_rows(pairwise: &PairwiseSummary) -> Vec<Vec<String>> {
    pairwise
        .ranking
        .iter()
        .enumerate()
        .map(|(rank, r)| {
            vec![
                (rank + 1).to_string(),
                clip(&r.column, 60),
                format!("{:.0}", r.rating),
                format!("{:.0}–{:.0}", r.ci[0], r.ci[1]),
                format!("{}/{}/{}", r.wins, r.losses, r.ties),
            ]
        })
        .collect()
}

const RANKING_HEADER: [&str; 5] = ["#", "column", "rating", "95% interval", "W/L/T"];

fn agreement_line(a: &CaseAgreement, repeat: u32) -> String {
    let mut line = clip(&a.case_id, 40);
    if repeat > 1 {
        line.push_str(&format!(" #{}", a.repeat_index + 1));
    }
    line.push_str(&format!(
        ": {} distinct answers of {}",
        a.distinct, a.answers
    ));
    if !a.outliers.is_empty() {
        let names: Vec<String> = a.outliers.iter().map(|o| clip(o, 60)).collect();
        line.push_str(&format!(" · outlier {}", names.join(", ")));
    }
    if let Method::JudgeError { error, .. } = &a.grouped_by {
        line.push_str(&format!(
            " · judge error, grouped by normalised text similarity: {}",
            clip(error, 160)
        ));
    }
    line
}

/// How the answers were grouped: by text similarity, or by the judge
/// (with how many of its replies could not be used).
fn agreement_method(agreement: &[CaseAgreement]) -> String {
    let judge = agreement.iter().find_map(|a| match &a.grouped_by {
        Method::Judge { judge } | Method::JudgeError { judge, .. } => Some(judge),
        Method::TextSimilarity => None,
    });
    let Some(judge) = judge else {
        return "answers grouped by normalised text similarity".into();
    };
    let errors = agreement
        .iter()
        .filter(|a| matches!(a.grouped_by, Method::JudgeError { .. }))
        .count();
    let cost = agreement
        .iter()
        .filter_map(|a| a.judge_cost_usd)
        .reduce(|a, b| a.saturating_add(b));
    format!(
        "answers grouped by judge {}; {} judge errors fell back to normalised text similarity; judge's cost {}",
        clip(judge, 60),
        errors,
        money(cost)
    )
}

/// The cases to list: those that disagree, and any the judge could not group.
fn listed(a: &&CaseAgreement) -> bool {
    a.distinct > 1 || matches!(a.grouped_by, Method::JudgeError { .. })
}

/// The judges, ranking and agreement sections of the text report.
pub fn text(
    judges: &[JudgeBias],
    pairwise: Option<&PairwiseSummary>,
    agreement: &[CaseAgreement],
    repeat: u32,
) -> String {
    let mut out = String::new();
    if !judges.is_empty() {
        out.push_str("\njudges (their cost and time are apart from the answers')\n");
        out.push_str(&table(
            &BIAS_HEADER,
            &bias_rows(judges),
            &[false, true, true, true, true, true, true, true, true, false],
        ));
        out.push_str(LEGEND);
        out.push('\n');
    }
    if let Some(pairwise) = pairwise {
        out.push_str(&format!(
            "\npairwise ranking by {} ({} pairs judged in both orders, {} flipped and counted as ties; {} judge errors)\n",
            clip(&pairwise.judge, 60),
            pairwise.comparisons,
            pairwise.position_flips,
            pairwise.judge_errors
        ));
        out.push_str(&table(
            &RANKING_HEADER,
            &ranking_rows(pairwise),
            &[true, false, true, true, true],
        ));
        out.push_str(
            "Bradley-Terry over the pairs (the leaderboard's fit), Elo scale, mean 1000\n",
        );
    }
    if !agreement.is_empty() {
        let agreed = agreement.iter().filter(|a| a.distinct == 1).count();
        out.push_str(&format!(
            "\nagreement ({}): all columns agree on {agreed} of {}\n",
            agreement_method(agreement),
            agreement.len()
        ));
        for a in agreement.iter().filter(listed) {
            out.push_str(&format!("  {}\n", agreement_line(a, repeat)));
        }
    }
    out
}

/// The same sections in Markdown.
pub fn markdown(
    judges: &[JudgeBias],
    pairwise: Option<&PairwiseSummary>,
    agreement: &[CaseAgreement],
    repeat: u32,
    escape: fn(&str) -> String,
) -> String {
    let mut out = String::new();
    let table_md = |header: &[&str], rows: Vec<Vec<String>>| {
        let mut t = format!(
            "| {} |\n|{}\n",
            header.join(" | "),
            "---|".repeat(header.len())
        );
        for row in rows {
            let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
            t.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        t
    };
    if !judges.is_empty() {
        out.push_str("\n## Judges\n\nTheir cost and time are apart from the answers'.\n\n");
        out.push_str(&table_md(&BIAS_HEADER, bias_rows(judges)));
        out.push_str(&format!("\n{}.\n", escape(LEGEND)));
    }
    if let Some(pairwise) = pairwise {
        out.push_str(&format!(
            "\n## Pairwise ranking by {}\n\n{} pairs judged in both orders, {} flipped and counted as ties, {} judge errors.\n\n",
            escape(&clip(&pairwise.judge, 60)),
            pairwise.comparisons,
            pairwise.position_flips,
            pairwise.judge_errors
        ));
        out.push_str(&table_md(&RANKING_HEADER, ranking_rows(pairwise)));
    }
    if !agreement.is_empty() {
        let agreed = agreement.iter().filter(|a| a.distinct == 1).count();
        let method = agreement_method(agreement);
        out.push_str(&format!(
            "\n## Agreement\n\n{}{}: all columns agree on {agreed} of {}.\n\n",
            method[..1].to_uppercase(),
            escape(&method[1..]),
            agreement.len()
        ));
        for a in agreement.iter().filter(listed) {
            out.push_str(&format!("- {}\n", escape(&agreement_line(a, repeat))));
        }
    }
    out
}
