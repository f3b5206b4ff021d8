//! The statistics of a summary, each a small pure function checked against
//! hand-computed values: the Wilson score interval of a pass rate, medians
//! and percentiles, and whether two pass rates are statistically apart.

/// The normal quantile for 95%.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The 95% Wilson score interval of `passes` out of `n` (0..=1 each);
/// None when n is 0. Unlike p ± 1.96·SE it stays inside 0..1 and is
/// honest for small n and rates near 0 or 1.
pub fn wilson(passes: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let n_f = n as f64;
    let p = passes.min(n) as f64 / n_f;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n_f)) / (1.0 + z2 / n_f);
    let half = Z95 / (1.0 + z2 / n_f) * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Whether two pass rates are statistically tied at 95%: the Newcombe
/// (1998, method 10) interval of their difference, built from both Wilson
/// intervals, contains zero.
pub fn tied(a: (u64, u64), b: (u64, u64)) -> bool {
    let (Some((la, ua)), Some((lb, ub))) = (wilson(a.0, a.1), wilson(b.0, b.1)) else {
        return true;
    };
    let pa = a.0 as f64 / a.1 as f64;
    let pb = b.0 as f64 / b.1 as f64;
    let d = pa - pb;
    let lower = d - ((pa - la).powi(2) + (ub - pb).powi(2)).sqrt();
    let upper = d + ((ua - pa).powi(2) + (pb - lb).powi(2)).sqrt();
    lower <= 0.0 && 0.0 <= upper
}

/// The median: the middle value, or the mean of the two middle ones.
/// Sorts `values` in place.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

/// The nearest-rank percentile (the smallest value with at least `pct`% of
/// the values at or below it). Sorts `values` in place.
pub fn percentile(values: &mut [f64], pct: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((pct / 100.0) * values.len() as f64).ceil() as usize;
    Some(values[rank.clamp(1, values.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-5
    }

    #[test]
    fn wilson_matches_hand_computed_intervals() {
        // 8 of 10: centre (0.8 + 1.9208/10)/1.38415 = 0.71675,
        // half 1.95996/1.38415 · sqrt(0.016 + 0.0096037) = 0.22656.
        let (lo, hi) = wilson(8, 10).expect("n > 0");
        assert!(close(lo, 0.4902) && close(hi, 0.9433), "{lo} {hi}");
        // 0 of 10 and 10 of 10 stay inside 0..1.
        let (lo, hi) = wilson(0, 10).expect("n > 0");
        assert!(close(lo, 0.0) && close(hi, 0.2775), "{lo} {hi}");
        let (lo, hi) = wilson(10, 10).expect("n > 0");
        assert!(close(lo, 0.7225) && close(hi, 1.0), "{lo} {hi}");
        // 50 of 100: 0.5 ± 0.09640 (the textbook figure 0.4038..0.5962).
        let (lo, hi) = wilson(50, 100).expect("n > 0");
        assert!(close(lo, 0.4038) && close(hi, 0.5962), "{lo} {hi}");
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn ties_follow_the_newcombe_interval() {
        // 9/10 against 7/10: the difference interval is about -0.13..0.50.
        assert!(tied((9, 10), (7, 10)));
        // 95/100 against 70/100: about 0.15..0.35, clearly apart.
        assert!(!tied((95, 100), (70, 100)));
        assert!(tied((5, 5), (5, 5)));
        assert!(tied((3, 3), (0, 0)));
    }

    #[test]
    fn medians_and_percentiles() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
        let mut ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&mut ten, 90.0), Some(9.0));
        assert_eq!(percentile(&mut ten, 50.0), Some(5.0));
        assert_eq!(percentile(&mut [7.0], 90.0), Some(7.0));
        let mut eleven: Vec<f64> = (1..=11).map(f64::from).collect();
        assert_eq!(percentile(&mut eleven, 90.0), Some(10.0));
    }
}
