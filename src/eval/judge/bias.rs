//! A judge's biases, measured on its own verdicts in the run: how often its
//! pairwise verdict flipped when the order was swapped, how often it chose
//! the answer shown first, how its preference follows answer length, and
//! whether it favoured models of its own provider family. A judge whose
//! flip rate is high is flagged.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::eval::record::Digest;
use crate::eval::summary::usd;

use super::pairwise::{Comparison, first_position_rate, pair_verdicts};
use super::reply::Pick;

/// A flip rate above this is high. A judge choosing A or B at random flips
/// half of the swapped pairs; above 25% it is closer to that coin than to a
/// consistent judge, and a quarter of its pairwise verdicts are decided by
/// the order the answers were shown in, not by the answers.
pub const HIGH_FLIP_RATE: f64 = 0.25;

/// One judge-check verdict, for the score statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct Graded {
    pub column: String,
    pub score: f64,
    pub answer_chars: u64,
}

/// Everything one judge did in the run, and its measured biases (a
/// contract of the JSON report's `judges`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JudgeBias {
    pub judge: String,
    /// The judge's provider family ("openai" for "openai/gpt-4o").
    pub family: Option<String>,
    /// Judge calls (checks, pairwise comparisons and agreement groupings),
    /// failed ones included.
    pub calls: usize,
    /// Calls without a verdict (failed, or a reply that could not be read).
    pub errors: usize,
    #[serde(serialize_with = "usd")]
    pub cost_usd: Option<Decimal>,
    pub median_ms: Option<f64>,
    /// Pairs judged in both orders, and how many changed verdict.
    pub pairs: usize,
    pub position_flips: usize,
    pub flip_rate: Option<f64>,
    /// Of its pairwise verdicts naming a winner, the share naming the first answer shown (0.5 is unbiased).
    pub first_position_rate: Option<f64>,
    /// Pearson correlation between its pairwise preference (+1, 0 for a tie, −1)
    /// and the log ratio of the two answers' lengths: +1 always the longer, 0 none.
    pub length_correlation: Option<f64>,
    /// Pearson correlation between its scores and the log of the answers' lengths.
    pub score_length_correlation: Option<f64>,
    /// Pairwise verdicts between its family and another: the share its own family won (ties half).
    pub own_family_win_rate: Option<f64>,
    pub own_family_verdicts: usize,
    /// Its mean score for its own family's answers minus its mean for the others'.
    pub own_family_score_gap: Option<f64>,
    /// Flip rate above [`HIGH_FLIP_RATE`].
    pub flagged: bool,
}

/// What a judge's calls cost and how long they took, gathered from both kinds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Calls {
    pub calls: usize,
    pub errors: usize,
    pub cost_usd: Option<Decimal>,
    pub times_ms: Vec<f64>,
}

impl Calls {
    pub fn add(&mut self, ok: bool, cost_usd: Option<Decimal>, total_ms: Option<u64>) {
        self.calls += 1;
        if !ok {
            self.errors += 1;
        }
        if let Some(cost) = cost_usd {
            self.cost_usd = Some(self.cost_usd.unwrap_or_default().saturating_add(cost));
        }
        self.times_ms.extend(total_ms.map(|ms| ms as f64));
    }
}

/// The provider family of a column or judge label: the author part of its
/// first model's id ("openai/gpt-4o" → "openai"; "groq:meta-llama/x" →
/// "meta-llama"); None when the id has no author part.
pub fn family(label: &str) -> Option<String> {
    let first = label.split(',').next()?.trim();
    let first = first.strip_prefix("router:").map_or(first, |_| "");
    let model = match (first.find(':'), first.find('/')) {
        (Some(colon), Some(slash)) if colon < slash => &first[colon + 1..],
        _ => first,
    };
    let (author, rest) = model.split_once('/')?;
    (!author.is_empty() && !rest.is_empty()).then(|| author.to_lowercase())
}

/// Measures one judge from its comparisons and graded answers.
pub fn measure(
    judge: &str,
    columns: &[String],
    comparisons: &[Comparison],
    graded: &[Graded],
    calls: Calls,
) -> JudgeBias {
    let pairs = pair_verdicts(comparisons, columns);
    let flips = pairs.iter().filter(|p| p.flipped).count();
    let flip_rate = (!pairs.is_empty()).then(|| flips as f64 / pairs.len() as f64);
    let picks: Vec<&Comparison> = comparisons.iter().filter(|c| c.pick.is_some()).collect();
    let first_position_rate = first_position_rate(comparisons);

    // Preference for the column that sorts first in each pair, against the
    // log ratio of its length over the other's: the order shown cancels out.
    let (mut preference, mut length_ratio) = (Vec::new(), Vec::new());
    for c in &picks {
        let swapped = c.first > c.second;
        let (a_chars, b_chars) = if swapped {
            (c.second_chars, c.first_chars)
        } else {
            (c.first_chars, c.second_chars)
        };
        let pick = match (c.pick, swapped) {
            (Some(Pick::Tie), _) | (None, _) => 0.0,
            (Some(Pick::First), false) | (Some(Pick::Second), true) => 1.0,
            (Some(Pick::Second), false) | (Some(Pick::First), true) => -1.0,
        };
        preference.push(pick);
        length_ratio.push(((a_chars as f64 + 1.0) / (b_chars as f64 + 1.0)).ln());
    }

    let own = family(judge);
    let is_own = |column: &str| own.is_some() && family(column) == own;
    let mut own_wins = 0.0;
    let mut own_verdicts = 0usize;
    for c in &picks {
        let (first_own, second_own) = (is_own(&c.first), is_own(&c.second));
        if first_own == second_own {
            continue;
        }
        own_verdicts += 1;
        own_wins += match c.pick {
            Some(Pick::Tie) => 0.5,
            Some(Pick::First) if first_own => 1.0,
            Some(Pick::Second) if second_own => 1.0,
            _ => 0.0,
        };
    }

    let scores: Vec<f64> = graded.iter().map(|g| g.score).collect();
    let log_lengths: Vec<f64> = graded
        .iter()
        .map(|g| (g.answer_chars as f64 + 1.0).ln())
        .collect();
    let mean_of = |own_side: bool| {
        let picked: Vec<f64> = graded
            .iter()
            .filter(|g| is_own(&g.column) == own_side)
            .map(|g| g.score)
            .collect();
        (!picked.is_empty()).then(|| picked.iter().sum::<f64>() / picked.len() as f64)
    };
    let own_family_score_gap = match (mean_of(true), mean_of(false)) {
        (Some(mine), Some(others)) => Some(mine - others),
        _ => None,
    };
    let mut times = calls.times_ms;
    JudgeBias {
        judge: judge.to_string(),
        family: own.clone(),
        calls: calls.calls,
        errors: calls.errors,
        cost_usd: calls.cost_usd,
        median_ms: crate::eval::stats::median(&mut times),
        pairs: pairs.len(),
        position_flips: flips,
        flip_rate,
        first_position_rate,
        length_correlation: pearson(&preference, &length_ratio),
        score_length_correlation: pearson(&scores, &log_lengths),
        own_family_win_rate: (own_verdicts > 0).then(|| own_wins / own_verdicts as f64),
        own_family_verdicts: own_verdicts,
        own_family_score_gap,
        flagged: flip_rate.is_some_and(|r| r > HIGH_FLIP_RATE),
    }
}

/// Every judge of a run, measured: `judges` in suite order, their checks
/// read from the digests, their pairwise calls from `comparisons`, their
/// agreement groupings (counted in calls, errors, cost and time) from
/// `groupings`.
pub fn measure_run(
    judges: &[String],
    columns: &[String],
    digests: &[Digest],
    comparisons: &[Comparison],
    groupings: &[super::grouping::CaseGrouping],
) -> Vec<JudgeBias> {
    judges
        .iter()
        .map(|judge| {
            let mut calls = Calls::default();
            let mut graded = Vec::new();
            for digest in digests {
                for (pass, judged) in digest.judged.iter().filter(|(_, j)| j.judge == *judge) {
                    calls.add(pass.is_some(), judged.cost_usd, judged.total_ms);
                    if let Some(score) = judged.score {
                        graded.push(Graded {
                            column: columns[digest.cell.column as usize].clone(),
                            score,
                            answer_chars: digest.answer_chars,
                        });
                    }
                }
            }
            let mine: Vec<Comparison> = comparisons
                .iter()
                .filter(|c| c.judge == *judge)
                .cloned()
                .collect();
            for c in &mine {
                calls.add(c.pick.is_some(), c.cost_usd, c.total_ms);
            }
            for g in groupings.iter().filter(|g| g.judge == *judge) {
                calls.add(g.groups.is_some(), g.cost_usd, g.total_ms);
            }
            measure(judge, columns, &mine, &graded, calls)
        })
        .collect()
}

/// Pearson's correlation; None with fewer than two points or no variation.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let mean = |v: &[f64]| v[..n].iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (x[i] - mx, y[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    let denominator = (sxx * syy).sqrt();
    (denominator > 1e-12).then(|| (sxy / denominator).clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::super::pairwise::comparison;
    use super::*;

    fn columns() -> Vec<String> {
        ["openai/small", "anthropic/mid", "google/big"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn families_from_ids() {
        assert_eq!(family("openai/gpt-4o").as_deref(), Some("openai"));
        assert_eq!(
            family("OpenAI/gpt-4o,anthropic/x").as_deref(),
            Some("openai")
        );
        assert_eq!(
            family("groq:meta-llama/llama-3").as_deref(),
            Some("meta-llama")
        );
        assert_eq!(family("ollama:llama3.2:3b"), None);
        assert_eq!(family("router:cheap"), None);
        assert_eq!(family("gpt-4o"), None);
    }

    #[test]
    fn pearson_against_hand_computed_values() {
        // x = 1,2,3,4; y = 2,4,5,4: means 2.5 and 3.75, sxy = 2.625 − 0.125
        // + 0.625 + 0.375 = 3.5, sxx = 5, syy = 4.75 → 3.5/√23.75 = 0.7182.
        let r = pearson(&[1.0, 2.0, 3.0, 4.0], &[2.0, 4.0, 5.0, 4.0]).expect("varies");
        assert!((r - 3.5 / 23.75f64.sqrt()).abs() < 1e-12, "{r}");
        assert_eq!(pearson(&[1.0, 2.0], &[3.0, 3.0]), None);
        assert_eq!(pearson(&[1.0], &[1.0]), None);
        let r = pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).expect("varies");
        assert!((r + 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_first_position_judge_flips_everything_and_is_flagged() {
        let mut comparisons = Vec::new();
        for (x, y) in [
            (("openai/small", 10), ("anthropic/mid", 100)),
            (("openai/small", 10), ("google/big", 1000)),
        ] {
            comparisons.push(comparison("q", x, y, Some(Pick::First)));
            comparisons.push(comparison("q", y, x, Some(Pick::First)));
        }
        let bias = measure(
            "openai/judge",
            &columns(),
            &comparisons,
            &[],
            Calls::default(),
        );
        assert_eq!((bias.pairs, bias.position_flips), (2, 2));
        assert_eq!(bias.flip_rate, Some(1.0));
        assert_eq!(bias.first_position_rate, Some(1.0));
        // Each length wins once per pair: no length preference at all.
        assert!(bias.length_correlation.expect("varies").abs() < 1e-12);
        // Its own family (openai/small) won the two verdicts where it was shown first.
        assert_eq!(
            (bias.own_family_verdicts, bias.own_family_win_rate),
            (4, Some(0.5))
        );
        assert!(bias.flagged);
    }

    #[test]
    fn a_length_loving_self_serving_judge_is_measured_but_not_flagged() {
        // Always the longer answer, whatever the order: consistent, so not flagged.
        // Lengths: openai/small 10, anthropic/mid 100, google/big 1000.
        let chars = |c: &str| match c {
            "openai/small" => 10,
            "anthropic/mid" => 100,
            _ => 1000,
        };
        let mut comparisons = Vec::new();
        for (x, y) in [
            ("openai/small", "anthropic/mid"),
            ("openai/small", "google/big"),
            ("anthropic/mid", "google/big"),
        ] {
            for (a, b) in [(x, y), (y, x)] {
                let pick = if chars(a) > chars(b) {
                    Pick::First
                } else {
                    Pick::Second
                };
                comparisons.push(comparison("q", (a, chars(a)), (b, chars(b)), Some(pick)));
            }
        }
        let graded = vec![
            Graded {
                column: "openai/small".into(),
                score: 9.0,
                answer_chars: 10,
            },
            Graded {
                column: "anthropic/mid".into(),
                score: 5.0,
                answer_chars: 100,
            },
            Graded {
                column: "google/big".into(),
                score: 7.0,
                answer_chars: 1000,
            },
        ];
        let mut calls = Calls::default();
        calls.add(true, Some(Decimal::new(2, 3)), Some(300));
        calls.add(false, None, Some(100));
        let bias = measure("openai/judge", &columns(), &comparisons, &graded, calls);
        assert_eq!(
            (bias.pairs, bias.position_flips, bias.flip_rate),
            (3, 0, Some(0.0))
        );
        assert_eq!(bias.first_position_rate, Some(0.5));
        // Oriented by label (anthropic < google < openai), the points are
        // (ln 101/11, +1) ×2, (ln 1001/11, +1) ×2, (−ln 1001/101, −1) ×2:
        // by hand sxy = 15.0873, sxx = 47.9412, syy = 5.3333, r = 0.9435.
        let r = bias.length_correlation.expect("varies");
        assert!((r - 0.9435).abs() < 1e-3, "{r}");
        // Its own family lost both verdicts against others.
        assert_eq!(
            (bias.own_family_verdicts, bias.own_family_win_rate),
            (4, Some(0.0))
        );
        // Scores: own family 9, others 5 and 7 → a gap of +3.
        assert_eq!(bias.own_family_score_gap, Some(3.0));
        // Scores 9, 5, 7 against ln 11, ln 101, ln 1001: by hand
        // sxy = −4.4344, sxx = 10.1751, syy = 8, r = −0.4915.
        let r = bias.score_length_correlation.expect("varies");
        assert!((r + 0.4915).abs() < 1e-3, "{r}");
        assert_eq!((bias.calls, bias.errors), (2, 1));
        assert_eq!(bias.cost_usd, Some(Decimal::new(2, 3)));
        assert_eq!(bias.median_ms, Some(200.0));
        assert!(!bias.flagged);
    }
}
