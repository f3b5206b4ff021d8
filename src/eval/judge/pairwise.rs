//! Pairwise judgements: for each case (and repeat), every two columns that
//! answered are shown to the judge in both orders. The two verdicts, read
//! in column terms, must agree; a verdict that changes with the order
//! counts as a tie and as a position flip. The pairs' outcomes rank the
//! columns with the leaderboard's Bradley-Terry fit and intervals.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::router::pricing::usd_json as cost_serde;
use crate::session::leaderboard::{self, Outcome};

use super::reply::Pick;

/// One judge call on two answers (a journal line, and what the bias
/// figures are computed from).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub case_id: String,
    pub repeat_index: u32,
    /// The column shown first (as "A"), and its answer's length in characters.
    pub first: String,
    pub first_chars: u64,
    /// The column shown second ("B").
    pub second: String,
    pub second_chars: u64,
    pub judge: String,
    /// None when the judge failed or its reply could not be read.
    pub pick: Option<Pick>,
    pub reason: Option<String>,
    /// Why there is no pick.
    pub error: Option<String>,
    #[serde(with = "cost_serde")]
    pub cost_usd: Option<Decimal>,
    pub total_ms: Option<u64>,
}

impl Comparison {
    /// The column the judge preferred (None for a tie or no verdict).
    pub fn winner(&self) -> Option<&str> {
        match self.pick? {
            Pick::First => Some(&self.first),
            Pick::Second => Some(&self.second),
            Pick::Tie => None,
        }
    }

    /// Where it sits: (case, repeat, first, second).
    pub fn key(&self) -> (String, u32, String, String) {
        (
            self.case_id.clone(),
            self.repeat_index,
            self.first.clone(),
            self.second.clone(),
        )
    }
}

/// A pair judged in both orders, in column terms.
#[derive(Clone, Debug, PartialEq)]
pub struct PairVerdict {
    /// The two columns, in suite order.
    pub columns: [usize; 2],
    /// The winning column, None for a tie (given, or from a flip).
    pub winner: Option<usize>,
    /// The two orders disagreed.
    pub flipped: bool,
}

/// Pairs every column-ordered comparison with its swapped twin; pairs
/// where either call has no verdict are left out.
pub fn pair_verdicts(comparisons: &[Comparison], columns: &[String]) -> Vec<PairVerdict> {
    let index = |label: &str| columns.iter().position(|c| c == label);
    let mut by_key: BTreeMap<(&str, u32, usize, usize), [Option<&Comparison>; 2]> = BTreeMap::new();
    for comparison in comparisons {
        let (Some(a), Some(b)) = (index(&comparison.first), index(&comparison.second)) else {
            continue;
        };
        if a == b {
            continue;
        }
        let (low, high, slot) = if a < b { (a, b, 0) } else { (b, a, 1) };
        by_key
            .entry((&comparison.case_id, comparison.repeat_index, low, high))
            .or_default()[slot] = Some(comparison);
    }
    by_key
        .into_iter()
        .filter_map(|((_, _, low, high), [one, two])| {
            let (one, two) = (one?, two?);
            one.pick?;
            two.pick?;
            let one_winner = one.winner().and_then(index);
            let two_winner = two.winner().and_then(index);
            let flipped = one_winner != two_winner;
            Some(PairVerdict {
                columns: [low, high],
                winner: if flipped { None } else { one_winner },
                flipped,
            })
        })
        .collect()
}

/// The run's pairwise figures (a contract of the JSON report).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairwiseSummary {
    pub judge: String,
    /// Pairs judged in both orders with a verdict each time.
    pub comparisons: usize,
    /// Pairs whose verdict changed with the order (counted as ties).
    pub position_flips: usize,
    /// Of the verdicts that named a winner, the share that named the answer shown first.
    pub first_position_win_rate: Option<f64>,
    /// Judge calls without a verdict (failed, or a reply that could not be read).
    pub judge_errors: usize,
    /// Best first.
    pub ranking: Vec<RankedColumn>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RankedColumn {
    pub column: String,
    pub rating: f64,
    /// The 95% interval.
    pub ci: [f64; 2],
    pub wins: usize,
    pub losses: usize,
    pub ties: usize,
}

/// Of the verdicts naming a winner, the share naming the answer shown first.
pub fn first_position_rate(comparisons: &[Comparison]) -> Option<f64> {
    let decisive: Vec<Pick> = comparisons
        .iter()
        .filter_map(|c| c.pick)
        .filter(|p| *p != Pick::Tie)
        .collect();
    (!decisive.is_empty()).then(|| {
        decisive.iter().filter(|p| **p == Pick::First).count() as f64 / decisive.len() as f64
    })
}

pub fn summarize(judge: &str, comparisons: &[Comparison], columns: &[String]) -> PairwiseSummary {
    let pairs = pair_verdicts(comparisons, columns);
    let first_position_win_rate = first_position_rate(comparisons);
    // Only columns that took part in a pair are ranked.
    let mut taking_part: Vec<usize> = pairs.iter().flat_map(|p| p.columns).collect();
    taking_part.sort_unstable();
    taking_part.dedup();
    let local = |column: usize| taking_part.binary_search(&column).unwrap_or_default();
    let outcomes: Vec<Outcome> = pairs
        .iter()
        .map(|p| Outcome {
            models: p.columns.iter().map(|&c| local(c)).collect(),
            winner: p.winner.map(local),
        })
        .collect();
    let rated = leaderboard::rate(taking_part.len(), &outcomes);
    let mut ranking: Vec<RankedColumn> = taking_part
        .iter()
        .zip(&rated)
        .map(|(&column, rated)| {
            let mine = pairs.iter().filter(|p| p.columns.contains(&column));
            let (mut wins, mut losses, mut ties) = (0, 0, 0);
            for pair in mine {
                match pair.winner {
                    Some(w) if w == column => wins += 1,
                    Some(_) => losses += 1,
                    None => ties += 1,
                }
            }
            RankedColumn {
                column: columns[column].clone(),
                rating: rated.rating,
                ci: [rated.low, rated.high],
                wins,
                losses,
                ties,
            }
        })
        .collect();
    ranking.sort_by(|a, b| {
        b.rating
            .total_cmp(&a.rating)
            .then_with(|| a.column.cmp(&b.column))
    });
    PairwiseSummary {
        judge: judge.to_string(),
        comparisons: pairs.len(),
        position_flips: pairs.iter().filter(|p| p.flipped).count(),
        first_position_win_rate,
        judge_errors: comparisons.iter().filter(|c| c.pick.is_none()).count(),
        ranking,
    }
}

#[cfg(test)]
pub(crate) fn comparison(
    case: &str,
    first: (&str, u64),
    second: (&str, u64),
    pick: Option<Pick>,
) -> Comparison {
    Comparison {
        case_id: case.into(),
        repeat_index: 0,
        first: first.0.into(),
        first_chars: first.1,
        second: second.0.into(),
        second_chars: second.1,
        judge: "openai/judge".into(),
        pick,
        reason: pick.map(|_| "because".into()),
        error: pick.is_none().then(|| "no JSON".into()),
        cost_usd: Some(Decimal::new(1, 4)),
        total_ms: Some(100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Vec<String> {
        ["x/one", "y/two", "z/three"].map(String::from).to_vec()
    }

    #[test]
    fn swapped_orders_pair_up_and_flips_become_ties() {
        use Pick::*;
        let c = |case, first, second, pick| comparison(case, (first, 10), (second, 10), pick);
        let comparisons = vec![
            // Consistent: one wins in both orders.
            c("q1", "x/one", "y/two", Some(First)),
            c("q1", "y/two", "x/one", Some(Second)),
            // Flipped: the first shown wins each time.
            c("q1", "x/one", "z/three", Some(First)),
            c("q1", "z/three", "x/one", Some(First)),
            // Tie then a win: the verdict changed with the order.
            c("q1", "y/two", "z/three", Some(Tie)),
            c("q1", "z/three", "y/two", Some(Second)),
            // Consistent tie.
            c("q2", "x/one", "y/two", Some(Tie)),
            c("q2", "y/two", "x/one", Some(Tie)),
            // One order failed: the pair is left out.
            c("q2", "x/one", "z/three", None),
            c("q2", "z/three", "x/one", Some(First)),
            // Its twin was never asked: left out.
            c("q2", "y/two", "z/three", Some(First)),
        ];
        let pairs = pair_verdicts(&comparisons, &columns());
        assert_eq!(
            pairs,
            vec![
                PairVerdict {
                    columns: [0, 1],
                    winner: Some(0),
                    flipped: false
                },
                PairVerdict {
                    columns: [0, 2],
                    winner: None,
                    flipped: true
                },
                PairVerdict {
                    columns: [1, 2],
                    winner: None,
                    flipped: true
                },
                PairVerdict {
                    columns: [0, 1],
                    winner: None,
                    flipped: false
                },
            ]
        );
        let summary = summarize("openai/judge", &comparisons, &columns());
        assert_eq!(summary.comparisons, 4);
        assert_eq!(summary.position_flips, 2);
        assert_eq!(summary.judge_errors, 1);
        // Verdicts naming a winner, by hand: q1 First, Second, First, First,
        // Second; q2 First, First: 5 of 7 for the answer shown first.
        assert_eq!(summary.first_position_win_rate, Some(5.0 / 7.0));
        assert_eq!(summary.ranking[0].column, "x/one");
        assert_eq!(
            (
                summary.ranking[0].wins,
                summary.ranking[0].losses,
                summary.ranking[0].ties
            ),
            (1, 0, 2)
        );
        for row in &summary.ranking {
            assert!(
                row.ci[0] <= row.rating && row.rating <= row.ci[1],
                "{row:?}"
            );
        }
    }

    #[test]
    fn a_judge_that_always_picks_the_first_flips_every_pair() {
        let mut comparisons = Vec::new();
        for case in ["a", "b", "c"] {
            for (x, y) in [
                ("x/one", "y/two"),
                ("x/one", "z/three"),
                ("y/two", "z/three"),
            ] {
                comparisons.push(comparison(case, (x, 5), (y, 50), Some(Pick::First)));
                comparisons.push(comparison(case, (y, 50), (x, 5), Some(Pick::First)));
            }
        }
        let summary = summarize("openai/judge", &comparisons, &columns());
        assert_eq!((summary.comparisons, summary.position_flips), (9, 9));
        assert_eq!(summary.first_position_win_rate, Some(1.0));
        // Every pair a tie: the ratings are equal.
        let ratings: Vec<f64> = summary.ranking.iter().map(|r| r.rating).collect();
        assert!(
            ratings.iter().all(|r| (r - ratings[0]).abs() < 1e-6),
            "{ratings:?}"
        );
    }
}
