//! Position bias of your votes: how often the answer you picked sat in each
//! position (the first is the leftmost pane), against what chance gives,
//! and, with enough votes, whether your picks lean to the first position.
//!
//! - Counted: your votes naming a best answer that recorded where each
//!   pane was shown (`Vote::shown_order`, two panes or more). Ties, "all
//!   bad", judges' verdicts and votes from before positions were recorded
//!   are left out.
//! - Chance: with N panes shown, each position wins 1 time in N.
//! - The test: the number of first-position wins against chance, exactly:
//!   a Poisson-binomial (a binomial when every vote had the same number of
//!   panes), two-sided (the outcomes no more likely than the one seen). It
//!   is run from [`MIN_VOTES`] votes; p below [`ALPHA`] is a lean.

use serde::Serialize;

use super::super::types::{Session, Verdict};
use super::VoteFilter;

/// Votes needed before the test says anything.
pub const MIN_VOTES: usize = 10;
/// The significance level of the test.
pub const ALPHA: f64 = 0.05;
pub const METHOD: &str = "first-position wins against chance (1 in N with N panes shown), exact two-sided \
                          Poisson-binomial test, from 10 votes naming a best answer; p < 0.05 is a lean";

/// One position's record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PositionWins {
    /// 1 is the first (leftmost) pane.
    pub position: usize,
    /// Votes in which a pane was shown there.
    pub shown: usize,
    /// Of them, those whose best answer sat there.
    pub wins: usize,
    /// The share of `shown` chance gives it (the mean of 1/N).
    pub chance: f64,
}

/// What the test says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lean {
    /// Fewer than [`MIN_VOTES`] votes: nothing said.
    TooFewVotes,
    /// No lean found (p ≥ [`ALPHA`]).
    None,
    /// The first position wins more often than chance.
    First,
    /// The first position wins less often than chance.
    AwayFromFirst,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PositionBias {
    pub method: &'static str,
    /// Votes counted.
    pub votes: usize,
    pub positions: Vec<PositionWins>,
    /// First-position wins chance gives: the sum of 1/N.
    pub expected_first_wins: f64,
    /// The test's two-sided p-value; None under [`MIN_VOTES`].
    pub p_value: Option<f64>,
    pub lean: Lean,
}

impl PositionBias {
    /// "the first position won 9 of 10 votes (90%, chance 50%)".
    pub fn first_line(&self) -> Option<String> {
        let first = self.positions.first()?;
        Some(format!(
            "the first (left) position won {} of {} of your votes ({:.0}%, chance {:.0}%)",
            first.wins,
            first.shown,
            share(first.wins, first.shown) * 100.0,
            first.chance * 100.0
        ))
    }

    /// What the test says, in words.
    pub fn verdict(&self) -> String {
        let p = self.p_value.unwrap_or(1.0);
        match self.lean {
            Lean::TooFewVotes => format!(
                "too few votes to say whether you lean to a position ({} of the {MIN_VOTES} needed)",
                self.votes
            ),
            Lean::None => format!(
                "no lean to a position (exact test against chance: {})",
                shown_p(p, 2)
            ),
            Lean::First => format!(
                "your votes lean to the first position (exact test against chance: {})",
                shown_p(p, 3)
            ),
            Lean::AwayFromFirst => format!(
                "your votes lean away from the first position (exact test against chance: {})",
                shown_p(p, 3)
            ),
        }
    }
}

/// A p-value as people read one: `p < 0.001` rather than a rounded
/// `p = 0.000` that reads as impossible.
fn shown_p(p: f64, places: usize) -> String {
    if p < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {p:.places$}")
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The position bias of your votes that `filter` admits.
pub fn compute(sessions: &[Session], filter: VoteFilter) -> PositionBias {
    // (panes shown, the winner's position from 0) per vote
    let votes: Vec<(usize, usize)> = sessions
        .iter()
        .flat_map(|s| s.turns.iter())
        .filter_map(|turn| {
            let vote = turn.vote.as_ref().filter(|v| filter.admits(v.blind))?;
            let Verdict::Best { column } = vote.verdict else {
                return None;
            };
            let shown = vote.shown_order.len();
            let at = vote.shown_order.iter().position(|&c| c == column)?;
            (shown >= 2).then_some((shown, at))
        })
        .collect();
    let widest = votes.iter().map(|v| v.0).max().unwrap_or(0);
    let positions = (0..widest)
        .map(|position| {
            let shown: Vec<&(usize, usize)> = votes.iter().filter(|v| v.0 > position).collect();
            PositionWins {
                position: position + 1,
                shown: shown.len(),
                wins: shown.iter().filter(|v| v.1 == position).count(),
                chance: shown.iter().map(|v| 1.0 / v.0 as f64).sum::<f64>() / shown.len() as f64,
            }
        })
        .collect();
    let chances: Vec<f64> = votes.iter().map(|v| 1.0 / v.0 as f64).collect();
    let first_wins = votes.iter().filter(|v| v.1 == 0).count();
    let expected_first_wins: f64 = chances.iter().sum();
    let p_value = (votes.len() >= MIN_VOTES).then(|| two_sided_p(&chances, first_wins));
    let lean = match p_value {
        None => Lean::TooFewVotes,
        Some(p) if p >= ALPHA => Lean::None,
        Some(_) if first_wins as f64 > expected_first_wins => Lean::First,
        Some(_) => Lean::AwayFromFirst,
    };
    PositionBias {
        method: METHOD,
        votes: votes.len(),
        positions,
        expected_first_wins,
        p_value,
        lean,
    }
}

/// The exact two-sided p-value of `observed` successes in independent
/// trials with success chances `chances` (a Poisson-binomial): the total
/// chance of every count no more likely than the one observed.
pub fn two_sided_p(chances: &[f64], observed: usize) -> f64 {
    let mut pmf = vec![1.0f64];
    for &p in chances {
        let mut next = vec![0.0; pmf.len() + 1];
        for (k, &mass) in pmf.iter().enumerate() {
            next[k] += mass * (1.0 - p);
            next[k + 1] += mass * p;
        }
        pmf = next;
    }
    let Some(&seen) = pmf.get(observed) else {
        return 0.0;
    };
    // (a relative tolerance, as R's binom.test, so equal masses computed
    // along different paths count as equal)
    let p: f64 = pmf.iter().filter(|&&m| m <= seen * (1.0 + 1e-7)).sum();
    p.min(1.0)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::session::fixtures::{self, vote};
    use crate::session::types::{Turn, Vote};

    /// A vote for the pane shown at `winner` (from 0) of `panes` seats;
    /// columns are numbered so that seat i holds column 10 + i.
    fn seated(panes: u64, winner: u64, blind: bool) -> Vote {
        Vote {
            shown_order: (0..panes).map(|seat| 10 + seat).collect(),
            judge_cost: None,
            ..vote(
                Verdict::Best {
                    column: 10 + winner,
                },
                blind,
            )
        }
    }

    fn sessions(votes: Vec<Vote>) -> Vec<Session> {
        let mut session = fixtures::sample();
        session.turns = votes
            .into_iter()
            .map(|vote| Turn {
                prompt: "q".into(),
                started_at_unix: fixtures::CREATED_UNIX,
                answers: Vec::new(),
                vote: Some(vote),
                judge_votes: Vec::new(),
            })
            .collect();
        vec![session]
    }

    #[test]
    fn nine_of_ten_left_wins_lean_to_the_first_position() {
        // Binomial(10, 1/2): P(X ≥ 9) = (10 + 1)/1024; two-sided, doubled:
        // 22/1024 = 0.021484375 < 0.05.
        let mut votes: Vec<Vote> = (0..9).map(|_| seated(2, 0, true)).collect();
        votes.push(seated(2, 1, true));
        let bias = compute(&sessions(votes), VoteFilter::All);
        assert_eq!(bias.votes, 10);
        assert_eq!(
            bias.positions,
            vec![
                PositionWins {
                    position: 1,
                    shown: 10,
                    wins: 9,
                    chance: 0.5
                },
                PositionWins {
                    position: 2,
                    shown: 10,
                    wins: 1,
                    chance: 0.5
                },
            ]
        );
        assert!((bias.expected_first_wins - 5.0).abs() < 1e-12);
        let p = bias.p_value.expect("ten votes are enough");
        assert!((p - 22.0 / 1024.0).abs() < 1e-12, "{p}");
        assert_eq!(bias.lean, Lean::First);
        assert_eq!(
            bias.first_line().expect("a line"),
            "the first (left) position won 9 of 10 of your votes (90%, chance 50%)"
        );
        assert_eq!(
            bias.verdict(),
            "your votes lean to the first position (exact test against chance: p = 0.021)"
        );
    }

    #[test]
    fn seven_of_ten_is_no_lean_and_nine_votes_say_nothing() {
        // P(X ≥ 7) = (120 + 45 + 10 + 1)/1024 = 176/1024; two-sided 352/1024.
        let votes = |n: usize| -> Vec<Vote> {
            (0..n)
                .map(|i| seated(2, u64::from(i >= 7), false))
                .collect()
        };
        let bias = compute(&sessions(votes(10)), VoteFilter::All);
        let p = bias.p_value.expect("ten votes are enough");
        assert!((p - 352.0 / 1024.0).abs() < 1e-12, "{p}");
        assert_eq!(bias.lean, Lean::None);
        assert_eq!(
            bias.verdict(),
            "no lean to a position (exact test against chance: p = 0.34)"
        );
        let bias = compute(&sessions(votes(9)), VoteFilter::All);
        assert_eq!((bias.p_value, bias.lean), (None, Lean::TooFewVotes));
        // The filter applies: these are sighted votes.
        assert_eq!(compute(&sessions(votes(10)), VoteFilter::Blind).votes, 0);
    }

    #[test]
    fn the_left_never_winning_among_three_leans_away_from_it() {
        // 12 three-pane votes, none for the left. With 3^12 = 531441,
        // P(k) = C(12,k)·2^(12−k)/531441: P(0) = 4096/531441; on the other
        // side only 9 or more wins are as unlikely (P(8) = 7920/531441 is
        // not): 220·8 + 66·4 + 12·2 + 1 = 2049. p = 6145/531441 = 0.01156.
        let votes: Vec<Vote> = (0..12).map(|i| seated(3, 1 + i % 2, true)).collect();
        let bias = compute(&sessions(votes), VoteFilter::Blind);
        assert!((bias.expected_first_wins - 4.0).abs() < 1e-12);
        let p = bias.p_value.expect("twelve votes");
        assert!((p - 6145.0 / 531_441.0).abs() < 1e-12, "{p}");
        assert_eq!(bias.lean, Lean::AwayFromFirst);
        assert_eq!(bias.positions[1].wins + bias.positions[2].wins, 12);
        assert!((bias.positions[2].chance - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_tiny_p_value_reads_as_below_a_thousandth_not_zero() {
        // 11 of 12 three-pane votes for the left: P(11) + P(12) =
        // (12·2 + 1)/531441 = 25/531441, about 0.00005; the low side adds
        // nothing as unlikely.
        let mut votes: Vec<Vote> = (0..11).map(|_| seated(3, 0, true)).collect();
        votes.push(seated(3, 1, true));
        let bias = compute(&sessions(votes), VoteFilter::Blind);
        let p = bias.p_value.expect("twelve votes");
        assert!((p - 25.0 / 531_441.0).abs() < 1e-12, "{p}");
        assert_eq!(
            bias.verdict(),
            "your votes lean to the first position (exact test against chance: p < 0.001)"
        );
    }

    #[test]
    fn panes_of_different_counts_make_a_poisson_binomial() {
        // One two-pane and one three-pane vote, both for the left:
        // P(0) = 1/2·2/3 = 1/3, P(1) = 1/2·2/3 + 1/2·1/3 = 1/2, P(2) = 1/6.
        assert!((two_sided_p(&[0.5, 1.0 / 3.0], 2) - 1.0 / 6.0).abs() < 1e-12);
        assert!((two_sided_p(&[0.5, 1.0 / 3.0], 0) - 0.5).abs() < 1e-12);
        assert!((two_sided_p(&[0.5, 1.0 / 3.0], 1) - 1.0).abs() < 1e-12);
        assert_eq!(two_sided_p(&[0.5], 3), 0.0);
    }

    #[test]
    fn votes_without_seats_ties_and_judges_are_left_out() {
        let mut old = seated(2, 0, true);
        old.shown_order.clear();
        let tie = Vote {
            verdict: Verdict::Tie,
            ..seated(2, 0, true)
        };
        let mut sessions = sessions(vec![old, tie, seated(2, 0, true)]);
        sessions[0].turns[0].judge_votes.push(seated(2, 0, true));
        let bias = compute(&sessions, VoteFilter::All);
        assert_eq!(bias.votes, 1);
        assert_eq!(bias.positions[0].wins, 1);
    }
}
