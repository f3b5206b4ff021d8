//! The judge's pairs read into one verdict for the turn, its cost, and the
//! overlay's lines: blind names, flips as ties, failed calls.

use pretty_assertions::assert_eq;

use super::*;
use crate::eval::judge::pairwise::comparison;

fn judgement(columns: &[u64], comparisons: Option<Vec<Comparison>>) -> Judgement {
    Judgement {
        ask: 0,
        session_id: "s".into(),
        turn: 0,
        judge: "openai/judge".into(),
        rubric: "Which is better?".into(),
        answers: columns.iter().map(|c| (*c, 10)).collect(),
        comparisons,
    }
}

/// A call showing `first` then `second` (column ids) and what it picked.
fn call(first: u64, second: u64, pick: Option<Pick>) -> Comparison {
    comparison(
        "",
        (&column_key(first), 10),
        (&column_key(second), 10),
        pick,
    )
}

#[test]
fn the_answer_that_wins_every_pair_in_both_orders_is_best() {
    use Pick::*;
    let calls = vec![
        call(0, 1, Some(Second)),
        call(1, 0, Some(First)),
        call(0, 2, Some(Tie)),
        call(2, 0, Some(Tie)),
        call(1, 2, Some(First)),
        call(2, 1, Some(Second)),
    ];
    let judged = judgement(&[0, 1, 2], Some(calls));
    assert_eq!(judged.verdict(), Some(Verdict::Best { column: 1 }));
    assert_eq!(judged.reason().as_deref(), Some("because"));
    // Six calls at $0.0001 each, all known.
    assert_eq!(judged.cost_label(), "$0.0006");
}

#[test]
fn a_judge_that_always_picks_the_first_shown_gives_a_tie() {
    let calls = vec![call(4, 7, Some(Pick::First)), call(7, 4, Some(Pick::First))];
    let judged = judgement(&[4, 7], Some(calls));
    assert_eq!(judged.verdict(), Some(Verdict::Tie));
    assert_eq!(
        judged.reason().as_deref(),
        Some("no answer beat every other in both orders (1 of 1 pairs changed with the order)")
    );
    let lines = lines(&judged, &|c| format!("Model {c}"), false);
    assert!(
        lines.contains(
            &"Model 4 vs Model 7 → a tie, the verdict changed with the order".to_string()
        ),
        "{lines:#?}"
    );
}

#[test]
fn failed_calls_leave_the_verdict_open_and_are_said() {
    let mut failed = call(1, 0, None);
    failed.cost_usd = None;
    let calls = vec![call(0, 1, Some(Pick::First)), failed];
    let judged = judgement(&[0, 1], Some(calls));
    assert_eq!(judged.verdict(), None);
    assert_eq!(judged.cost_label(), "$0.0001+ (1 unknown)");
    let lines = lines(&judged, &|c| format!("Model {c}"), false);
    assert!(lines.contains(&"judge errors\t1 of 2 calls gave no verdict".to_string()));
    assert!(
        lines.contains(&"  shown A = Model 1, B = Model 0 → judge error: no JSON".to_string()),
        "{lines:#?}"
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("Nothing was recorded.")
    );
}

#[test]
fn while_asking_the_overlay_says_so_and_nothing_is_decided() {
    let judged = judgement(&[0, 1, 2], None);
    assert_eq!(judged.calls(), 6);
    assert_eq!(judged.verdict(), None);
    let lines = lines(&judged, &|c| format!("Model {c}"), true);
    assert_eq!(lines.last().map(String::as_str), Some("asking the judge…"));
}

#[test]
fn what_the_judge_says_reaches_the_screen_on_one_sanitised_line() {
    let mut hostile = call(0, 1, Some(Pick::First));
    hostile.reason = Some("good\n\u{1b}[2Jclear".into());
    let calls = vec![hostile, call(1, 0, Some(Pick::Second))];
    let judged = judgement(&[0, 1], Some(calls));
    let lines = lines(&judged, &|c| format!("Model {c}"), false);
    assert!(
        lines
            .iter()
            .all(|l| !l.contains('\u{1b}') && !l.contains('\n')),
        "{lines:#?}"
    );
    assert_eq!(judged.verdict(), Some(Verdict::Best { column: 0 }));
}
