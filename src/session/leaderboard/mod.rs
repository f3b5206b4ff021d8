//! The leaderboard: per model, across all sessions, votes (wins, losses,
//! ties), a Bradley-Terry rating with a 95% interval, and the cost and
//! speed figures of every answer it gave.
//!
//! - A model is named as the user writes it: `openrouter` models by their
//!   bare id, others as `provider:model` (sessions do not record the default
//!   provider, so `openrouter` is always taken as the default). A fallback
//!   chain column counts for the model that actually served the answer (the
//!   chain entry `served_model` names, else the served id itself), or for
//!   the column's label when nothing was served.
//! - A vote `Best` on a turn gives that column's model a win over every
//!   other model answered in that turn, and each of them a loss; `Tie` and
//!   `AllBad` give a tie between every pair. Answers that failed (`error`
//!   set) take no part: a failure is mostly the provider, a key or a rate
//!   limit, not the model's answer. The column voted best always takes part.
//!   Several columns of one model in a turn count once; a vote with fewer
//!   than two models taking part is not counted.
//! - votes/wins/losses/ties count turns: a Best vote in a 3-model turn is one
//!   vote for each of the three, one win for the winner, one loss for each other.
//! - Rating: Bradley-Terry fitted by MM on the pairwise outcomes, ties half
//!   a win each way, each model with one virtual tie against a reference
//!   player; Elo scale (400·log10 of strength), mean 1000. Interval: the wider
//!   of the 2.5–97.5 percentiles over 200 bootstrap resamples of the votes
//!   (fixed seed) and rating ± 1.96 standard errors from the observed information.
//! - Figures over every answer of the model, voted or not, whatever the
//!   filter: average of the known costs, median ttft, median tokens/s.
//! - Only models with at least one counted vote get a row.
//! - Position bias: where the answers you picked sat (see `position`).
//! - Sources: your votes (`Turn::vote`), judge verdicts (`Turn::judge_votes`),
//!   or both, each counted as above; never mixed unless asked, and the
//!   board says which. On turns with both, each judge's agreement with you
//!   is counted: the same best column, or both naming none.

pub mod position;
pub mod rating;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::router::ModelRef;
use rust_decimal::Decimal;

use super::types::{Answer, Column, Session, Turn, Verdict, Vote, VoteSource};
pub use rating::Outcome;

/// The provider whose models are named by their bare id.
const DEFAULT_PROVIDER: &str = crate::config::OPENROUTER;
const BOOTSTRAP_RESAMPLES: usize = 200;
const BOOTSTRAP_SEED: u64 = 0x5eed_1eaf;
pub const METHOD: &str = "Bradley-Terry (MM, ties as half wins, one virtual tie per model), \
                          Elo scale, mean 1000; 95% interval: the wider of a bootstrap over votes and the observed information";

/// Which votes count: all, only those cast while names were hidden, or only the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteFilter {
    All,
    Blind,
    Sighted,
}

impl VoteFilter {
    /// "blind", "sighted", or None for every vote.
    pub fn word(self) -> Option<&'static str> {
        match self {
            VoteFilter::All => None,
            VoteFilter::Blind => Some("blind"),
            VoteFilter::Sighted => Some("sighted"),
        }
    }

    fn admits(self, blind: bool) -> bool {
        match self {
            VoteFilter::All => true,
            VoteFilter::Blind => blind,
            VoteFilter::Sighted => !blind,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub model: String,
    pub votes: usize,
    pub wins: usize,
    pub losses: usize,
    pub ties: usize,
    pub rating: f64,
    /// The 95% interval.
    pub rating_low: f64,
    pub rating_high: f64,
    /// Every answer of the model in the sessions, voted or not.
    pub answers: usize,
    /// Over the answers whose cost is known; None when none is. Exact
    /// inside, a plain JSON number outside.
    #[serde(serialize_with = "crate::router::pricing::usd_json::serialize")]
    pub avg_cost_usd: Option<Decimal>,
    /// Answers with output but no known cost, left out of the average.
    pub unpriced_answers: usize,
    pub median_ttft_ms: Option<u64>,
    pub median_tokens_per_s: Option<f64>,
}

impl Row {
    /// The average cost over the priced answers, saying how many answers
    /// were left out ("$0.0012 (2 unpriced)"), and "unknown" (never $0)
    /// when none was priced: the same words in the CLI and the overlay.
    pub fn avg_cost_text(&self) -> String {
        use crate::router::pricing::format_usd;
        match (self.avg_cost_usd, self.unpriced_answers) {
            (None, 0) => "-".into(),
            (None, n) => format!("unknown ({n} unpriced)"),
            (Some(cost), 0) => format_usd(cost),
            (Some(cost), n) => format!("{} ({n} unpriced)", format_usd(cost)),
        }
    }
}

/// Whose votes count: yours, judges', or both (always said which).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Me,
    Judge,
    Both,
}

impl Source {
    /// How the source is named to people.
    pub fn describe(self) -> &'static str {
        match self {
            Source::Me => "your votes",
            Source::Judge => "judge verdicts",
            Source::Both => "your votes and judge verdicts together",
        }
    }
}

/// On the turns with both your vote and a judge's verdict: how often the
/// judge named the same best answer (a tie and "all bad" both name none).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JudgeAgreement {
    pub judge: String,
    pub turns: usize,
    pub agreed: usize,
    pub rate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Leaderboard {
    pub method: &'static str,
    pub filter: VoteFilter,
    pub source: Source,
    /// Votes counted (each a turn and voter).
    pub votes: usize,
    /// Of them, yours and judges'.
    pub user_votes: usize,
    pub judge_votes: usize,
    /// Per judge, its agreement with you (turns you both voted on).
    pub agreement: Vec<JudgeAgreement>,
    /// Best first.
    pub rows: Vec<Row>,
    /// Where the answers you picked sat, and whether you lean to a position.
    pub positions: position::PositionBias,
}

#[derive(Default)]
struct Tally {
    votes: usize,
    wins: usize,
    losses: usize,
    ties: usize,
    answers: usize,
    unpriced: usize,
    costs_usd: Vec<Decimal>,
    ttfts_ms: Vec<u64>,
    rates: Vec<f64>,
}

/// The leaderboard of your own votes (what the workbench shows).
pub fn compute(sessions: &[Session], filter: VoteFilter) -> Leaderboard {
    compute_with(sessions, filter, Source::Me)
}

/// The leaderboard of the votes of `source`, and how often judges agreed
/// with you on the turns both voted on (whatever the source).
pub fn compute_with(sessions: &[Session], filter: VoteFilter, source: Source) -> Leaderboard {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    // Outcomes by model name; turned into indices once every name is known.
    let mut named_outcomes: Vec<(Vec<String>, Option<String>)> = Vec::new();
    let (mut user_votes, mut judge_votes) = (0, 0);
    let mut agreement: BTreeMap<String, (usize, usize)> = BTreeMap::new();

    for session in sessions {
        for turn in &session.turns {
            let names: Vec<String> = turn
                .answers
                .iter()
                .map(|answer| model_name(session.column(answer.column), answer))
                .collect();
            for (answer, name) in turn.answers.iter().zip(&names) {
                let tally = tallies.entry(name.clone()).or_default();
                tally.answers += 1;
                let result = &answer.result;
                tally.costs_usd.extend(result.cost_usd);
                tally.unpriced += usize::from(result.is_unpriced());
                tally.ttfts_ms.extend(result.ttft_ms);
                tally
                    .rates
                    .extend(result.tokens_per_s.filter(|r| r.is_finite()));
            }
            let mine = turn.vote.as_ref().filter(|v| filter.admits(v.blind));
            if let Some(mine) = mine {
                for judged in &turn.judge_votes {
                    let entry = agreement.entry(judge_name(judged)).or_default();
                    entry.0 += 1;
                    if winner_column(judged) == winner_column(mine) {
                        entry.1 += 1;
                    }
                }
            }
            // Where a vote is kept says whose it is, whatever it claims.
            let mine = mine.map(|v| (v, false));
            let theirs = turn
                .judge_votes
                .iter()
                .filter(|v| filter.admits(v.blind))
                .map(|v| (v, true));
            let votes: Vec<(&Vote, bool)> = match source {
                Source::Me => mine.into_iter().collect(),
                Source::Judge => theirs.collect(),
                Source::Both => mine.into_iter().chain(theirs).collect(),
            };
            for (vote, by_judge) in votes {
                let Some((taking_part, winner)) = counted(turn, &names, vote) else {
                    continue;
                };
                if by_judge {
                    judge_votes += 1;
                } else {
                    user_votes += 1;
                }
                for name in &taking_part {
                    let tally = tallies.entry(name.clone()).or_default();
                    tally.votes += 1;
                    match &winner {
                        Some(w) if w == name => tally.wins += 1,
                        Some(_) => tally.losses += 1,
                        None => tally.ties += 1,
                    }
                }
                named_outcomes.push((taking_part, winner));
            }
        }
    }

    let rated: Vec<&String> = tallies
        .iter()
        .filter(|(_, t)| t.votes > 0)
        .map(|(name, _)| name)
        .collect();
    let index_of = |name: &String| rated.binary_search(&name).unwrap_or_default();
    let outcomes: Vec<Outcome> = named_outcomes
        .iter()
        .map(|(models, winner)| Outcome {
            models: models.iter().map(index_of).collect(),
            winner: winner.as_ref().map(index_of),
        })
        .collect();
    let rated_models = rate(rated.len(), &outcomes);

    let mut rows: Vec<Row> = rated
        .iter()
        .zip(&rated_models)
        .map(|(&name, rated)| {
            let tally = &tallies[name];
            Row {
                model: name.clone(),
                votes: tally.votes,
                wins: tally.wins,
                losses: tally.losses,
                ties: tally.ties,
                rating: rated.rating,
                rating_low: rated.low,
                rating_high: rated.high,
                answers: tally.answers,
                avg_cost_usd: mean_usd(&tally.costs_usd),
                unpriced_answers: tally.unpriced,
                median_ttft_ms: median_ms(&tally.ttfts_ms),
                median_tokens_per_s: median(&tally.rates),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.rating
            .total_cmp(&a.rating)
            .then_with(|| b.votes.cmp(&a.votes))
            .then_with(|| a.model.cmp(&b.model))
    });
    Leaderboard {
        method: METHOD,
        filter,
        source,
        votes: outcomes.len(),
        user_votes,
        judge_votes,
        agreement: agreement
            .into_iter()
            .map(|(judge, (turns, agreed))| JudgeAgreement {
                judge,
                turns,
                agreed,
                rate: agreed as f64 / turns as f64,
            })
            .collect(),
        rows,
        positions: position::compute(sessions, filter),
    }
}

/// The models taking part in a vote and the winner (None for a tie), or
/// None when the vote says nothing (see the module doc).
fn counted(turn: &Turn, names: &[String], vote: &Vote) -> Option<(Vec<String>, Option<String>)> {
    let best = winner_column(vote);
    let winner = match best {
        // A vote for a column that did not answer says nothing.
        Some(column) => Some(names[turn.answers.iter().position(|a| a.column == column)?].clone()),
        None => None,
    };
    let mut taking_part: Vec<String> = Vec::new();
    for (answer, name) in turn.answers.iter().zip(names) {
        let voted_best = best == Some(answer.column);
        if (answer.result.error.is_none() || voted_best) && !taking_part.contains(name) {
            taking_part.push(name.clone());
        }
    }
    (taking_part.len() >= 2).then_some((taking_part, winner))
}

/// The column a vote names best; None for a tie or "all bad".
fn winner_column(vote: &Vote) -> Option<u64> {
    match vote.verdict {
        Verdict::Best { column } => Some(column),
        Verdict::Tie | Verdict::AllBad => None,
    }
}

fn judge_name(vote: &Vote) -> String {
    match &vote.source {
        VoteSource::Judge { model } => model.clone(),
        VoteSource::User => "(unnamed judge)".into(),
    }
}

/// One player's rating and its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rated {
    pub rating: f64,
    pub low: f64,
    pub high: f64,
}

/// Bradley-Terry ratings of `count` players from their outcomes, each with
/// the wider of the bootstrap and the observed-information intervals (a
/// bootstrap alone looks certain with few votes), kept around the rating
/// (a percentile interval can miss a lopsided estimate). See [`METHOD`].
pub fn rate(count: usize, outcomes: &[Outcome]) -> Vec<Rated> {
    let ratings = rating::fit(count, outcomes);
    let bootstrap =
        rating::bootstrap_interval(count, outcomes, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED);
    let information = rating::information_interval(count, outcomes);
    ratings
        .iter()
        .zip(bootstrap.iter().zip(&information))
        .map(|(&rating, (b, i))| Rated {
            rating,
            low: b.0.min(i.0).min(rating),
            high: b.1.max(i.1).max(rating),
        })
        .collect()
}

/// A model as the user writes it: bare ids for the default provider.
pub fn display_ref(model: &ModelRef) -> String {
    model.display_with_default(DEFAULT_PROVIDER)
}

/// Who an answer counts for: the column's model, or for a fallback chain
/// the model that served it (see the module doc).
pub fn model_name(column: Option<&Column>, answer: &Answer) -> String {
    let Some(column) = column else {
        return answer.result.model.clone();
    };
    match column.chain.as_slice() {
        [] => column.label.clone(),
        [single] => display_ref(single),
        chain => match &answer.result.served_model {
            Some(served) => display_ref(&served_entry(chain, served, answer.result.via.as_deref())),
            None => column.label.clone(),
        },
    }
}

/// The chain entry that served: the one named exactly, else the longest one
/// the served id extends with a dated version ("openai/gpt-4o-2024-08-06",
/// but not "openai/gpt-4o-mini"),
/// else the served id under the provider the request went through.
fn served_entry(chain: &[ModelRef], served: &str, via: Option<&str>) -> ModelRef {
    if let Some(exact) = chain.iter().find(|m| m.model == served) {
        return exact.clone();
    }
    let versioned = chain
        .iter()
        .filter(|m| {
            served
                .strip_prefix(m.model.as_str())
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
        })
        .max_by_key(|m| m.model.len());
    if let Some(entry) = versioned {
        return entry.clone();
    }
    let provider = via
        .map(str::to_string)
        .or_else(|| chain.first().map(|m| m.provider.clone()))
        .unwrap_or_else(|| DEFAULT_PROVIDER.to_string());
    ModelRef::new(provider, served)
}

/// The mean of exact amounts; None for none (or a sum beyond a Decimal).
fn mean_usd(values: &[Decimal]) -> Option<Decimal> {
    let count = Decimal::from(values.len());
    let sum = values
        .iter()
        .try_fold(Decimal::ZERO, |sum, value| sum.checked_add(*value))?;
    sum.checked_div(count).map(|mean| mean.normalize())
}

/// The middle value; for an even count the mean of the two middle ones.
fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some((sorted[middle - 1] + sorted[middle]) / 2.0),
    }
}

/// The median in whole milliseconds (an even count rounds the mean down).
fn median_ms(values: &[u64]) -> Option<u64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some(sorted[middle - 1] + (sorted[middle] - sorted[middle - 1]) / 2),
    }
}

#[cfg(test)]
mod tests;
