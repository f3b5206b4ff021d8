//! Bradley-Terry ratings from pairwise outcomes, fitted by the MM algorithm
//! (Hunter 2004, "MM algorithms for generalized Bradley-Terry models"), on
//! the Elo scale, with intervals from a bootstrap over votes and from the
//! observed information.
//!
//! Model i has a strength p_i; P(i beats j) = p_i / (p_i + p_j). A tie counts
//! half a win each way. The prior: every model plays one virtual tie against
//! a fixed reference player of strength 1, so an undefeated model or a group
//! never compared with the others still gets a finite, comparable rating.

/// Elo points per factor of 10 in strength.
const ELO_SCALE: f64 = 400.0;
/// The mean rating of the models rated together.
pub const MEAN_RATING: f64 = 1000.0;
/// Stop when no log-strength moves more than this in one MM step.
const TOLERANCE: f64 = 1e-12;
/// Accelerated cycles (three MM steps each); lopsided data needs a few hundred.
const MAX_CYCLES: usize = 20_000;

/// One counted vote: the models compared (distinct indices) and the winner,
/// None for a tie between all of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub models: Vec<usize>,
    pub winner: Option<usize>,
}

/// Ratings (Elo scale, mean [`MEAN_RATING`]) of `model_count` models from the outcomes.
pub fn fit<'a>(model_count: usize, outcomes: impl IntoIterator<Item = &'a Outcome>) -> Vec<f64> {
    let games = Games::new(model_count, outcomes);
    to_elo(&games.fit())
}

/// The sufficient statistics of the outcomes.
struct Games {
    /// Per model: wins (ties half) plus the virtual tie's half win.
    wins: Vec<f64>,
    /// (i, j, games between them) for every pair that met, i < j.
    pairs: Vec<(usize, usize, f64)>,
}

impl Games {
    fn new<'a>(model_count: usize, outcomes: impl IntoIterator<Item = &'a Outcome>) -> Games {
        let mut wins = vec![0.5; model_count];
        let mut games = vec![0.0; model_count * model_count];
        let mut met = |a: usize, b: usize| {
            let (low, high) = if a < b { (a, b) } else { (b, a) };
            games[low * model_count + high] += 1.0;
        };
        for outcome in outcomes {
            match outcome.winner {
                Some(winner) => {
                    for &other in outcome.models.iter().filter(|&&m| m != winner) {
                        wins[winner] += 1.0;
                        met(winner, other);
                    }
                }
                None => {
                    for (k, &a) in outcome.models.iter().enumerate() {
                        for &b in &outcome.models[k + 1..] {
                            wins[a] += 0.5;
                            wins[b] += 0.5;
                            met(a, b);
                        }
                    }
                }
            }
        }
        let pairs = (0..model_count)
            .flat_map(|i| (i + 1..model_count).map(move |j| (i, j)))
            .filter_map(|(i, j)| {
                let n = games[i * model_count + j];
                (n > 0.0).then_some((i, j, n))
            })
            .collect();
        Games { wins, pairs }
    }

    /// Hunter's MM update of every model at once, on log strengths:
    /// p_i ← W_i / Σ_j n_ij / (p_i + p_j), where j runs over the opponents
    /// met and the reference player (p = 1, one game). Each step increases
    /// the posterior; the virtual ties make its maximum unique.
    fn mm_step(&self, log_strengths: &[f64]) -> Vec<f64> {
        let strengths: Vec<f64> = log_strengths.iter().map(|t| t.exp()).collect();
        let mut denominators: Vec<f64> = strengths.iter().map(|p| 1.0 / (p + 1.0)).collect();
        for &(i, j, n) in &self.pairs {
            let share = n / (strengths[i] + strengths[j]);
            denominators[i] += share;
            denominators[j] += share;
        }
        self.wins
            .iter()
            .zip(&denominators)
            .map(|(w, d)| (w / d).ln())
            .collect()
    }

    /// The log posterior, up to a constant: Σ W_i θ_i − Σ n_ij log(e^θi + e^θj) − Σ log(e^θi + 1).
    fn log_posterior(&self, log_strengths: &[f64]) -> f64 {
        let log_sum_exp = |a: f64, b: f64| a.max(b) + (-(a - b).abs()).exp().ln_1p();
        let mut total: f64 = self
            .wins
            .iter()
            .zip(log_strengths)
            .map(|(w, t)| w * t)
            .sum();
        for &(i, j, n) in &self.pairs {
            total -= n * log_sum_exp(log_strengths[i], log_strengths[j]);
        }
        total
            - log_strengths
                .iter()
                .map(|&t| log_sum_exp(t, 0.0))
                .sum::<f64>()
    }

    /// The MM fixed point, reached with SQUAREM (Varadhan & Roland 2008):
    /// plain MM crawls when results are lopsided (tens of thousands of steps
    /// for a dozen models); extrapolating along two steps, and falling back to
    /// them whenever the posterior would drop, takes a few hundred.
    fn fit(&self) -> Vec<f64> {
        let mut theta = vec![0.0; self.wins.len()];
        for _ in 0..MAX_CYCLES {
            let once = self.mm_step(&theta);
            let step: Vec<f64> = once.iter().zip(&theta).map(|(a, b)| a - b).collect();
            if step.iter().all(|d| d.abs() < TOLERANCE) {
                return once;
            }
            let twice = self.mm_step(&once);
            let curvature: Vec<f64> = twice
                .iter()
                .zip(&once)
                .zip(&theta)
                .map(|((c, b), a)| c - 2.0 * b + a)
                .collect();
            let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
            let curvature_norm = norm(&curvature);
            let alpha = if curvature_norm > 0.0 {
                (-norm(&step) / curvature_norm).min(-1.0)
            } else {
                -1.0
            };
            let extrapolated: Vec<f64> = theta
                .iter()
                .zip(&step)
                .zip(&curvature)
                .map(|((t, r), v)| t - 2.0 * alpha * r + alpha * alpha * v)
                .collect();
            let candidate = self.mm_step(&extrapolated);
            let candidate_ok = candidate.iter().all(|t| t.is_finite())
                && self.log_posterior(&candidate) >= self.log_posterior(&twice);
            theta = if candidate_ok { candidate } else { twice };
        }
        theta
    }
}

/// Log strengths (natural) to the Elo scale, centred on the mean rating.
fn to_elo(log_strengths: &[f64]) -> Vec<f64> {
    if log_strengths.is_empty() {
        return Vec::new();
    }
    let raw: Vec<f64> = log_strengths
        .iter()
        .map(|t| ELO_SCALE * t / std::f64::consts::LN_10)
        .collect();
    let mean = raw.iter().sum::<f64>() / raw.len() as f64;
    raw.iter().map(|r| r - mean + MEAN_RATING).collect()
}

/// A 95% interval per model: the 2.5th and 97.5th percentiles of the ratings
/// refitted on `resamples` resamples of the votes (drawn with replacement,
/// from a fixed seed so the same votes always give the same interval).
pub fn bootstrap_interval(
    model_count: usize,
    outcomes: &[Outcome],
    resamples: usize,
    seed: u64,
) -> Vec<(f64, f64)> {
    if outcomes.is_empty() || resamples == 0 {
        let prior_only = fit(model_count, &[]);
        return prior_only.iter().map(|&r| (r, r)).collect();
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); model_count];
    let mut drawn: Vec<&Outcome> = Vec::with_capacity(outcomes.len());
    for _ in 0..resamples {
        drawn.clear();
        drawn.extend((0..outcomes.len()).map(|_| &outcomes[rng.usize(..outcomes.len())]));
        for (model, rating) in fit(model_count, drawn.iter().copied())
            .into_iter()
            .enumerate()
        {
            samples[model].push(rating);
        }
    }
    samples
        .iter_mut()
        .map(|ratings| {
            ratings.sort_by(f64::total_cmp);
            (percentile(ratings, 0.025), percentile(ratings, 0.975))
        })
        .collect()
}

/// A 95% interval per model from the observed information (the curvature of
/// the log posterior at the fit): rating ± 1.96 standard errors. Unlike a
/// bootstrap, it stays wide when there are only a few votes (one vote
/// resampled is still that one vote, so its bootstrap interval is a point).
pub fn information_interval(model_count: usize, outcomes: &[Outcome]) -> Vec<(f64, f64)> {
    let games = Games::new(model_count, outcomes);
    let theta = games.fit();
    let ratings = to_elo(&theta);
    let n = model_count;
    let beats = |a: f64, b: f64| 1.0 / (1.0 + (b - a).exp());
    // Observed information of the log posterior in the log strengths.
    let mut information = vec![0.0; n * n];
    for i in 0..n {
        let q = beats(theta[i], 0.0);
        information[i * n + i] += q * (1.0 - q); // the virtual tie with the reference
    }
    for &(i, j, games_played) in &games.pairs {
        let q = beats(theta[i], theta[j]);
        let weight = games_played * q * (1.0 - q);
        information[i * n + i] += weight;
        information[j * n + j] += weight;
        information[i * n + j] -= weight;
        information[j * n + i] -= weight;
    }
    let covariance = invert(&information, n);
    let scale = ELO_SCALE / std::f64::consts::LN_10;
    const Z_95: f64 = 1.959_963_985;
    // Ratings are centred on their mean, so what matters is the variance of
    // θ_i − mean(θ): C_ii − (2/n) Σ_j C_ij + (1/n²) Σ_jk C_jk.
    let centred_variance = |c: &[f64], i: usize| {
        let size = n as f64;
        let row: f64 = (0..n).map(|j| c[i * n + j]).sum();
        let all: f64 = c.iter().sum();
        (c[i * n + i] - 2.0 * row / size + all / (size * size)).max(0.0)
    };
    ratings
        .iter()
        .enumerate()
        .map(|(i, &rating)| {
            let variance = covariance
                .as_ref()
                .map_or(f64::INFINITY, |c| centred_variance(c, i));
            let half = Z_95 * variance.sqrt() * scale;
            (rating - half, rating + half)
        })
        .collect()
}

/// Gauss-Jordan inverse of an n×n matrix (row-major); None when singular.
/// The information matrix is symmetric positive definite thanks to the
/// virtual ties, so this never fails in practice.
fn invert(matrix: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut a = matrix.to_vec();
    let mut inverse = vec![0.0; n * n];
    for i in 0..n {
        inverse[i * n + i] = 1.0;
    }
    for column in 0..n {
        let pivot = (column..n)
            .max_by(|&x, &y| a[x * n + column].abs().total_cmp(&a[y * n + column].abs()))?;
        if a[pivot * n + column].abs() < 1e-300 {
            return None;
        }
        for k in 0..n {
            a.swap(column * n + k, pivot * n + k);
            inverse.swap(column * n + k, pivot * n + k);
        }
        let scale = a[column * n + column];
        for k in 0..n {
            a[column * n + k] /= scale;
            inverse[column * n + k] /= scale;
        }
        for row in (0..n).filter(|&r| r != column) {
            let factor = a[row * n + column];
            if factor != 0.0 {
                for k in 0..n {
                    a[row * n + k] -= factor * a[column * n + k];
                    inverse[row * n + k] -= factor * inverse[column * n + k];
                }
            }
        }
    }
    Some(inverse)
}

/// Linear interpolation between the closest ranks of sorted values.
fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return MEAN_RATING;
    };
    let position = fraction * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let weight = position - below as f64;
    if below >= sorted.len() - 1 {
        return last;
    }
    sorted[below] * (1.0 - weight) + sorted[above] * weight
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wins(winner: usize, loser: usize, times: usize) -> Vec<Outcome> {
        vec![
            Outcome {
                models: vec![winner, loser],
                winner: Some(winner),
            };
            times
        ]
    }

    #[test]
    fn one_vote_is_never_certain() {
        let outcomes = wins(0, 1, 1);
        let ratings = fit(2, &outcomes);
        let boot = bootstrap_interval(2, &outcomes, 200, 7);
        assert_eq!(boot[0].0, boot[0].1, "one vote resampled is that vote");
        let info = information_interval(2, &outcomes);
        assert!(
            info[0].0 < ratings[0] - 200.0 && info[0].1 > ratings[0] + 200.0,
            "{info:?}"
        );
        // Twenty times the votes, in the same proportion, narrow it.
        let few: Vec<Outcome> = wins(0, 1, 3).into_iter().chain(wins(1, 0, 2)).collect();
        let many: Vec<Outcome> = wins(0, 1, 60).into_iter().chain(wins(1, 0, 40)).collect();
        let width = |outcomes: &[Outcome]| {
            let interval = information_interval(2, outcomes)[0];
            interval.1 - interval.0
        };
        assert!(
            width(&many) < width(&few) / 3.0,
            "{} vs {}",
            width(&many),
            width(&few)
        );
    }

    #[test]
    fn information_interval_by_hand_for_one_vote() {
        // A beats B once. The fit is symmetric: θ_A = −θ_B = t. Centred
        // ratings depend on d = θ_A − θ_B only: rating_A = 1000 + (400/ln 10)·d/2.
        // Information (games: A–B once, each vs the reference once):
        //   [[q(1−q) + s, −q(1−q)], [−q(1−q), q(1−q) + s]],
        //   q = 1/(1+e^(−2t)), s = r(1−r), r = 1/(1+e^(−t)).
        // Var(θ_A − mean) = Var(d)/4 = (2/(2q(1−q) + s))/4.
        let ratings = fit(2, &wins(0, 1, 1));
        let t = (ratings[0] - 1000.0) * std::f64::consts::LN_10 / 400.0;
        let q = 1.0 / (1.0 + (-2.0 * t).exp());
        let r = 1.0 / (1.0 + (-t).exp());
        let s = r * (1.0 - r);
        let variance = (2.0 / (2.0 * q * (1.0 - q) + s)) / 4.0;
        let expected = 1.959_963_985 * variance.sqrt() * 400.0 / std::f64::consts::LN_10;
        let info = information_interval(2, &wins(0, 1, 1));
        assert!(
            ((info[0].1 - info[0].0) / 2.0 - expected).abs() < 1e-6,
            "{info:?}"
        );
        assert_eq!(
            information_interval(1, &[]),
            vec![(1000.0, 1000.0)],
            "one model is the mean"
        );
    }

    #[test]
    fn three_wins_to_one_by_hand() {
        // A (0) beats B (1) three times, B beats A once. With the virtual tie
        // against the reference player (strength 1), the likelihood equations
        // W_i = Σ_j n_ij p_i / (p_i + p_j) read, for a = p_A, b = p_B:
        //   A: 3 + 1/2 = 4a/(a+b) + a/(a+1)
        //   B: 1 + 1/2 = 4b/(a+b) + b/(b+1)
        // Adding them: a/(a+1) + b/(b+1) = 1, so a/(a+1) = 1/(b+1), i.e. ab = 1.
        // Then A: 7/2 = 4a²/(a²+1) + a/(a+1); times 2(a²+1)(a+1):
        //   7(a³+a²+a+1) = 8a³+8a²+2a³+2a  ⇔  3a³ + a² − 5a − 7 = 0,
        // whose one real root is a = 1.6071195071426725 (bisection).
        // A's rating is 1000 + 400·log10(a) = 1082.4192690283857, B's
        // 1000 − 400·log10(a) (ab = 1 puts them symmetric about the mean),
        // a difference of 800·log10(a) = 164.83853805677134 points
        // (without the prior it would be 400·log10(3) = 190.85).
        let a = 1.607_119_507_142_672_5_f64;
        assert!((3.0 * a.powi(3) + a * a - 5.0 * a - 7.0).abs() < 1e-12);
        let mut outcomes = wins(0, 1, 3);
        outcomes.extend(wins(1, 0, 1));
        let ratings = fit(2, &outcomes);
        assert!(
            (ratings[0] - ratings[1] - 164.838_538_056_771_34).abs() < 1e-6,
            "{ratings:?}"
        );
        assert!(
            (ratings[0] - 1_082.419_269_028_385_7).abs() < 1e-6,
            "{ratings:?}"
        );
        assert!((ratings[0] + ratings[1] - 2.0 * MEAN_RATING).abs() < 1e-9);
    }

    #[test]
    fn an_undefeated_model_gets_a_finite_rating() {
        let ratings = fit(2, &wins(0, 1, 20));
        assert!(ratings.iter().all(|r| r.is_finite()));
        assert!(ratings[0] > ratings[1] + 400.0, "{ratings:?}");
    }

    #[test]
    fn symmetric_results_give_equal_ratings() {
        // A cycle: each of three models beats the next twice.
        let mut outcomes = Vec::new();
        for (w, l) in [(0, 1), (1, 2), (2, 0)] {
            outcomes.extend(wins(w, l, 2));
        }
        for rating in fit(3, &outcomes) {
            assert!((rating - MEAN_RATING).abs() < 1e-6, "{rating}");
        }
    }

    #[test]
    fn ties_only_leave_everyone_at_the_mean() {
        let tie = Outcome {
            models: vec![0, 1, 2],
            winner: None,
        };
        for rating in fit(3, &vec![tie; 5]) {
            assert!((rating - MEAN_RATING).abs() < 1e-9, "{rating}");
        }
    }

    #[test]
    fn transitive_results_give_a_transitive_order() {
        // 0 beats 1, 1 beats 2, 0 beats 2, each by 3 to 1.
        let mut outcomes = Vec::new();
        for (w, l) in [(0, 1), (1, 2), (0, 2)] {
            outcomes.extend(wins(w, l, 3));
            outcomes.extend(wins(l, w, 1));
        }
        let r = fit(3, &outcomes);
        assert!(r[0] > r[1] && r[1] > r[2], "{r:?}");
        // 0 and 2 mirror each other around 1.
        assert!((r[0] - r[1] - (r[1] - r[2])).abs() < 1e-6, "{r:?}");
        assert!((r.iter().sum::<f64>() / 3.0 - MEAN_RATING).abs() < 1e-9);
    }

    #[test]
    fn the_interval_is_deterministic_and_brackets_the_estimate() {
        let mut outcomes = wins(0, 1, 6);
        outcomes.extend(wins(1, 0, 2));
        let ratings = fit(2, &outcomes);
        let interval = bootstrap_interval(2, &outcomes, 200, 7);
        assert_eq!(interval, bootstrap_interval(2, &outcomes, 200, 7));
        for (rating, (low, high)) in ratings.iter().zip(&interval) {
            assert!(low < rating && rating < high, "{low} {rating} {high}");
        }
    }

    #[test]
    fn acceleration_reaches_the_plain_mm_fixed_point() {
        // Lopsided: 0 beats 1 ten times, 1 beats 2 ten times, 3 ties with 2.
        let mut outcomes = wins(0, 1, 10);
        outcomes.extend(wins(1, 2, 10));
        outcomes.push(Outcome {
            models: vec![2, 3],
            winner: None,
        });
        let games = Games::new(4, &outcomes);
        let mut plain = vec![0.0; 4];
        for _ in 0..20_000 {
            plain = games.mm_step(&plain);
        }
        let accelerated = fit(4, &outcomes);
        for (a, b) in accelerated.iter().zip(to_elo(&plain)) {
            assert!((a - b).abs() < 1e-6, "{accelerated:?} vs {plain:?}");
        }
        assert!(accelerated[0] > accelerated[1] && accelerated[1] > accelerated[2]);
    }

    #[test]
    fn percentiles_interpolate() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&values, 0.0), 1.0);
        assert_eq!(percentile(&values, 0.5), 3.0);
        assert_eq!(percentile(&values, 0.625), 3.5);
        assert_eq!(percentile(&values, 1.0), 5.0);
        assert_eq!(percentile(&[], 0.5), MEAN_RATING);
    }
}
