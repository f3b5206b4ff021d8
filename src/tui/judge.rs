//! The workbench's judge: a judge model compares the latest turn's answers
//! two at a time, in both orders, with `prism eval`'s prompts, reply parsing
//! and flip rule (a verdict that changes with the order is a tie). The pairs
//! make one verdict for the turn, recorded as the judge's vote beside yours,
//! never as it. It also groups a turn's answers for the agreement view
//! when `[judge] model` is set. Pure: what to ask, how to read the
//! replies, and the lines the overlay shows; the calls are the runtime's.

use rust_decimal::Decimal;

use crate::eval::judge::pairwise::{Comparison, PairVerdict, pair_verdicts};
use crate::eval::judge::reply::Pick;
use crate::router::Target;
use crate::router::pricing::format_cost_floor;
use crate::sanitize::one_line;
use crate::session::Verdict;

/// At most this many judge calls run at once.
pub const CONCURRENT_CALLS: usize = 4;

/// What the runtime is asked to put to the judge.
#[derive(Clone, Debug, PartialEq)]
pub struct JudgeAsk {
    /// Results of an older ask are dropped.
    pub ask: u64,
    pub judge: Target,
    pub rubric: String,
    pub question: String,
    /// (column id, answer), in column order.
    pub answers: Vec<(u64, String)>,
    /// The privacy switch: OpenRouter upstreams must not keep the answers.
    pub deny_data_collection: bool,
}

impl JudgeAsk {
    /// Every two answers in both orders.
    pub fn calls(&self) -> usize {
        let n = self.answers.len();
        n * n.saturating_sub(1)
    }
}

/// What the runtime is asked to put to the judge for the agreement view:
/// group a turn's answers (numbered, unnamed) by what they say.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupingAsk {
    pub ask: u64,
    pub judge: Target,
    pub question: String,
    /// (column id, answer), in column order.
    pub answers: Vec<(u64, String)>,
    pub deny_data_collection: bool,
}

/// The judge's grouping of a turn's answers, asked or arrived, kept so the
/// agreement view shows it again without asking again.
#[derive(Clone, Debug, PartialEq)]
pub struct JudgeGrouping {
    pub ask: u64,
    pub session_id: String,
    pub turn: usize,
    pub judge: String,
    /// (column id, answer length in bytes), in column order.
    pub answers: Vec<(u64, usize)>,
    /// None while the call is out.
    pub grouped: Option<crate::eval::judge::runner::Grouped>,
}

/// The judge's verdict on a turn, asked or arriving.
#[derive(Clone, Debug, PartialEq)]
pub struct Judgement {
    pub ask: u64,
    pub session_id: String,
    pub turn: usize,
    /// The judge as the user writes models.
    pub judge: String,
    pub rubric: String,
    /// (column id, answer length in bytes), in column order: a retried
    /// answer makes the judgement stale.
    pub answers: Vec<(u64, usize)>,
    /// None while the calls are out.
    pub comparisons: Option<Vec<Comparison>>,
}

/// How a comparison names a column (its id, as text).
pub fn column_key(column: u64) -> String {
    column.to_string()
}

impl Judgement {
    pub fn calls(&self) -> usize {
        let n = self.answers.len();
        n * n.saturating_sub(1)
    }

    fn keys(&self) -> Vec<String> {
        self.answers.iter().map(|(c, _)| column_key(*c)).collect()
    }

    /// The pairs read in both orders (None while asking).
    pub fn pairs(&self) -> Option<Vec<PairVerdict>> {
        Some(pair_verdicts(self.comparisons.as_ref()?, &self.keys()))
    }

    /// The turn's verdict: the answer that beat every other in both orders
    /// is best; when every pair was judged and none did, a tie; None while
    /// asking, or when failed calls leave it open.
    pub fn verdict(&self) -> Option<Verdict> {
        let pairs = self.pairs()?;
        let n = self.answers.len();
        let beat_all = (0..n).find(|&candidate| {
            (0..n).filter(|&other| other != candidate).all(|other| {
                pairs.iter().any(|p| {
                    p.columns.contains(&candidate)
                        && p.columns.contains(&other)
                        && p.winner == Some(candidate)
                })
            })
        });
        match beat_all {
            Some(index) if n >= 2 => Some(Verdict::Best {
                column: self.answers[index].0,
            }),
            _ if n >= 2 && pairs.len() == n * (n - 1) / 2 => Some(Verdict::Tie),
            _ => None,
        }
    }

    /// Why, in a line: a winning pair's reason, or why it is a tie.
    pub fn reason(&self) -> Option<String> {
        let comparisons = self.comparisons.as_ref()?;
        match self.verdict()? {
            Verdict::Best { column } => {
                let key = column_key(column);
                comparisons
                    .iter()
                    .find(|c| c.winner() == Some(key.as_str()))
                    .and_then(|c| c.reason.clone())
            }
            Verdict::Tie | Verdict::AllBad => {
                let pairs = self.pairs().unwrap_or_default();
                let flipped = pairs.iter().filter(|p| p.flipped).count();
                Some(format!(
                    "no answer beat every other in both orders ({flipped} of {} pairs changed with the order)",
                    pairs.len()
                ))
            }
        }
    }

    /// The judge's own cost: known sum and calls of unknown cost.
    pub fn cost_label(&self) -> String {
        let Some(comparisons) = &self.comparisons else {
            return "-".into();
        };
        let known: Vec<Decimal> = comparisons.iter().filter_map(|c| c.cost_usd).collect();
        let unknown = comparisons.len() - known.len();
        let sum = (!known.is_empty()).then(|| {
            known
                .iter()
                .fold(Decimal::ZERO, |sum, cost| sum.saturating_add(*cost))
        });
        format_cost_floor(sum, unknown as u64)
    }
}

/// The overlay's lines ("label\tvalue" rows, "heading:" lines), each
/// answer named by `name` (blind labels while names are hidden).
pub fn lines(judgement: &Judgement, name: &dyn Fn(u64) -> String, hidden: bool) -> Vec<String> {
    let mut lines = vec![
        format!(
            "judge\t{} (a model's verdict, not yours)",
            one_line(&judgement.judge)
        ),
        format!("rubric\t{}", one_line(&judgement.rubric)),
        format!(
            "asked\t{} answers, every two in both orders: {} calls",
            judgement.answers.len(),
            judgement.calls()
        ),
    ];
    let Some(comparisons) = &judgement.comparisons else {
        lines.push(String::new());
        lines.push("asking the judge…".into());
        return lines;
    };
    let failed = comparisons.iter().filter(|c| c.pick.is_none()).count();
    lines.push(format!("judge's cost\t{}", judgement.cost_label()));
    if failed > 0 {
        lines.push(format!(
            "judge errors\t{failed} of {} calls gave no verdict",
            comparisons.len()
        ));
    }
    lines.push(String::new());
    lines.push("The judge's verdict:".into());
    match judgement.verdict() {
        Some(Verdict::Best { column }) => {
            lines.push(format!(
                "best\t{} (beat every other answer in both orders)",
                name(column)
            ));
        }
        Some(Verdict::Tie | Verdict::AllBad) => lines.push("best\tnone: a tie".into()),
        None => lines.push("best\tundecided: failed calls left pairs unjudged".into()),
    }
    if let Some(reason) = judgement.reason() {
        lines.push(format!("why\t{}", one_line(&reason)));
    }
    lines.push(String::new());
    lines.push("Pairs:".into());
    let keys = judgement.keys();
    let pairs = judgement.pairs().unwrap_or_default();
    for (i, (a, _)) in judgement.answers.iter().enumerate() {
        for (j, (b, _)) in judgement.answers.iter().enumerate().skip(i + 1) {
            let pair = pairs.iter().find(|p| p.columns == [i, j]);
            let outcome = match pair {
                Some(p) if p.flipped => "a tie, the verdict changed with the order".to_string(),
                Some(PairVerdict {
                    winner: Some(w), ..
                }) => format!("{} in both orders", name(judgement.answers[*w].0)),
                Some(_) => "a tie in both orders".to_string(),
                None => "no verdict, a call failed".to_string(),
            };
            lines.push(format!("{} vs {} → {outcome}", name(*a), name(*b)));
            for (first, second) in [(i, j), (j, i)] {
                let call = comparisons
                    .iter()
                    .find(|c| c.first == keys[first] && c.second == keys[second]);
                lines.push(format!(
                    "  shown A = {}, B = {} → {}",
                    name(judgement.answers[first].0),
                    name(judgement.answers[second].0),
                    said(call)
                ));
            }
        }
    }
    lines.push(String::new());
    lines.push(match judgement.verdict() {
        Some(_) => {
            "Kept as the judge's vote, apart from yours (the leaderboard shows it with s).".into()
        }
        None => "Nothing was recorded.".into(),
    });
    if hidden {
        lines.push(
            "Blind: the judge saw only the answers, and names stay hidden until you vote (v)."
                .into(),
        );
    }
    lines
}

/// What one call said, in the judge's own terms (A shown first, B second).
fn said(call: Option<&Comparison>) -> String {
    let Some(call) = call else {
        return "not asked".into();
    };
    match call.pick {
        Some(pick) => {
            let picked = match pick {
                Pick::First => "picked A",
                Pick::Second => "picked B",
                Pick::Tie => "a tie",
            };
            let reason = call.reason.as_deref().unwrap_or("(no reason given)");
            format!("{picked}: {}", one_line(reason))
        }
        None => format!(
            "judge error: {}",
            one_line(call.error.as_deref().unwrap_or("no verdict"))
        ),
    }
}

#[cfg(test)]
mod tests;
