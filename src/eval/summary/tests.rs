use pretty_assertions::assert_eq;
use rust_decimal::Decimal;

use super::*;
use crate::eval::record::CellKey;

fn digest(case: u32, column: u16, repeat: u32, outcome: Outcome, answer: u64) -> Digest {
    let cell = CellKey {
        case,
        column,
        repeat,
    };
    Digest {
        cost_usd: Some(Decimal::new(2, 3)), // $0.002
        ttft_ms: Some(100 * u64::from(repeat + 1)),
        total_ms: Some(1000 * u64::from(repeat + 1)),
        tokens_per_s: Some(50.0),
        answer_hash: (outcome != Outcome::Error).then_some(answer),
        ..Digest::of(cell, outcome)
    }
}

#[test]
fn figures_of_a_column_with_repeats() {
    use Outcome::*;
    // Two cases × three repeats on one column:
    // case 0: pass "a", pass "a", fail "b"  → 2 distinct, flaky
    // case 1: pass "c", pass "C"(same hash), pass "c" → 1 distinct, stable
    let digests = vec![
        digest(0, 0, 0, Pass, 1),
        digest(0, 0, 1, Pass, 1),
        digest(0, 0, 2, Fail, 2),
        digest(1, 0, 0, Pass, 3),
        digest(1, 0, 1, Pass, 3),
        digest(1, 0, 2, Pass, 3),
    ];
    let columns = vec!["m/a".to_string()];
    let summary = summarize(&SummaryInput {
        columns: &columns,
        cases: 2,
        repeat: 3,
        digests: &digests,
        volume: Some(10_000),
    });
    let s = &summary[0];
    assert_eq!(
        (
            s.results, s.passed, s.failures, s.errors, s.answers, s.missing
        ),
        (6, 5, 1, 0, 6, 0)
    );
    assert_eq!(s.pass_rate, Some(5.0 / 6.0));
    let [lo, hi] = s.pass_rate_ci.expect("interval");
    // Wilson 5/6: centre 0.6622, half 0.2935.
    assert!(
        (lo - 0.4365).abs() < 1e-4 && (hi - 0.9699).abs() < 1e-4,
        "{lo} {hi}"
    );
    assert_eq!(s.cost_usd, Some(Decimal::new(12, 3)));
    assert_eq!(s.cost_per_1k_calls_usd, Some(Decimal::new(2, 0)));
    // ttft 100, 200, 300 twice: median 200, p90 300.
    assert_eq!(
        (s.median_ttft_ms, s.p90_ttft_ms),
        (Some(200.0), Some(300.0))
    );
    assert_eq!(
        (s.median_total_ms, s.p90_total_ms),
        (Some(2000.0), Some(3000.0))
    );
    assert_eq!(s.median_tokens_per_s, Some(50.0));
    assert_eq!(s.distinct_answers_mean, Some(1.5));
    assert_eq!(s.flaky_rate, Some(0.5));
    // $0.002 a call × 10,000 a day = $20; × 30 = $600.
    assert_eq!(s.projected_daily_usd, Some(Decimal::new(20, 0)));
    assert_eq!(s.projected_monthly_usd, Some(Decimal::new(600, 0)));
    assert!(s.tied_with_best);
}

#[test]
fn errors_count_apart_and_ties_are_marked() {
    use Outcome::*;
    let mut digests = Vec::new();
    // Column 0: 20/20 pass. Column 1: 19/20 (tied). Column 2: 6/20 with 4 errors (apart).
    for case in 0..20 {
        digests.push(digest(case, 0, 0, Pass, 1));
        digests.push(digest(case, 1, 0, if case == 0 { Fail } else { Pass }, 1));
        let third = match case {
            0..6 => Pass,
            6..10 => Error,
            _ => Fail,
        };
        digests.push(digest(case, 2, 0, third, 1));
    }
    let columns: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
    let summary = summarize(&SummaryInput {
        columns: &columns,
        cases: 21,
        repeat: 1,
        digests: &digests,
        volume: None,
    });
    let tied: Vec<bool> = summary.iter().map(|s| s.tied_with_best).collect();
    assert_eq!(tied, [true, true, false]);
    let c = &summary[2];
    assert_eq!(
        (c.passed, c.failures, c.errors, c.answers, c.missing),
        (6, 10, 4, 16, 1)
    );
    assert_eq!(c.pass_rate, Some(0.3));
    assert_eq!(c.distinct_answers_mean, None, "no repeats, no consistency");
    assert_eq!(c.projected_monthly_usd, None);
}

#[test]
fn an_empty_column_has_no_figures() {
    let columns = vec!["m".to_string()];
    let summary = summarize(&SummaryInput {
        columns: &columns,
        cases: 3,
        repeat: 2,
        digests: &[],
        volume: Some(5),
    });
    let s = &summary[0];
    assert_eq!(
        (s.results, s.missing, s.pass_rate, s.cost_usd),
        (0, 6, None, None)
    );
    assert!(!s.tied_with_best);
}

#[test]
fn the_pareto_front_keeps_only_columns_nothing_beats_on_cost_and_pass_rate() {
    let column = |name: &str, cost_per_1k: Option<&str>, rate: Option<f64>| ColumnSummary {
        cost_per_1k_calls_usd: cost_per_1k.map(|c| c.parse().expect("a decimal")),
        pass_rate: rate,
        ..summarize(&SummaryInput {
            columns: &[name.to_string()],
            cases: 1,
            repeat: 1,
            digests: &[],
            volume: None,
        })
        .remove(0)
    };
    let summaries = vec![
        column("dear-best", Some("5.0"), Some(0.95)),
        column("cheap-good", Some("0.4"), Some(0.90)),
        column("cheap-worse", Some("0.4"), Some(0.80)),
        column("dear-worse", Some("6.0"), Some(0.90)),
        column("free-bad", Some("0"), Some(0.20)),
        column("unpriced", None, Some(1.0)),
        column("no-results", Some("1.0"), None),
        column("twin", Some("0.4"), Some(0.90)),
    ];
    // Cheapest first; a twin of a front column is on it too.
    assert_eq!(pareto_front(&summaries), [4, 1, 7, 0]);
    assert!(pareto_front(&[]).is_empty());
}
