//! Two runs compared (`prism runs diff OLD NEW`): per column, the change in
//! pass rate; per case and column, whether it went from passing to failing
//! (a regression) or back. Columns and cases are matched by name.

use std::collections::BTreeMap;

use serde::Serialize;

use super::record::{Digest, Outcome};
use super::suite::Suite;

/// A run's results reduced to passes per (case id, column).
pub struct Side<'a> {
    pub suite: &'a Suite,
    pub digests: &'a [Digest],
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnChange {
    pub column: String,
    pub old_pass_rate: Option<f64>,
    pub new_pass_rate: Option<f64>,
    /// New minus old, when both are known.
    pub change: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseChange {
    pub case_id: String,
    pub column: String,
    /// Passed and run, in the old run and the new one.
    pub old: [u64; 2],
    pub new: [u64; 2],
    /// Why the new run's results failed (one line), for regressions.
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RunDiff {
    pub columns: Vec<ColumnChange>,
    /// Cases whose pass rate in a column fell.
    pub regressions: Vec<CaseChange>,
    /// Cases whose pass rate in a column rose.
    pub fixes: Vec<CaseChange>,
}

struct Counts {
    passed: u64,
    total: u64,
    reason: Option<String>,
}

fn counts(side: &Side<'_>) -> BTreeMap<(String, String), Counts> {
    let labels = side.suite.column_labels();
    let mut map: BTreeMap<(String, String), Counts> = BTreeMap::new();
    for digest in side.digests {
        let (Some(case), Some(column)) = (
            side.suite.cases.get(digest.cell.case as usize),
            labels.get(digest.cell.column as usize),
        ) else {
            continue;
        };
        let entry = map
            .entry((case.id.clone(), column.clone()))
            .or_insert(Counts {
                passed: 0,
                total: 0,
                reason: None,
            });
        entry.total += 1;
        if digest.outcome == Outcome::Pass {
            entry.passed += 1;
        } else if entry.reason.is_none() {
            entry.reason = digest.reason.as_deref().map(String::from);
        }
    }
    map
}

pub fn diff(old: &Side<'_>, new: &Side<'_>) -> RunDiff {
    let old_counts = counts(old);
    let new_counts = counts(new);
    let rate = |counts: &BTreeMap<(String, String), Counts>, column: &str| {
        let (passed, total) = counts
            .iter()
            .filter(|((_, c), _)| c == column)
            .fold((0, 0), |(p, t), (_, n)| (p + n.passed, t + n.total));
        (total > 0).then(|| passed as f64 / total as f64)
    };
    let mut column_names = new.suite.column_labels();
    for label in old.suite.column_labels() {
        if !column_names.contains(&label) {
            column_names.push(label);
        }
    }
    let columns = column_names
        .into_iter()
        .map(|column| {
            let old_pass_rate = rate(&old_counts, &column);
            let new_pass_rate = rate(&new_counts, &column);
            ColumnChange {
                change: old_pass_rate.zip(new_pass_rate).map(|(o, n)| n - o),
                column,
                old_pass_rate,
                new_pass_rate,
            }
        })
        .collect();
    let mut result = RunDiff {
        columns,
        ..RunDiff::default()
    };
    for ((case_id, column), now) in &new_counts {
        let Some(before) = old_counts.get(&(case_id.clone(), column.clone())) else {
            continue;
        };
        let old_rate = before.passed as f64 / before.total as f64;
        let new_rate = now.passed as f64 / now.total as f64;
        let change = CaseChange {
            case_id: case_id.clone(),
            column: column.clone(),
            old: [before.passed, before.total],
            new: [now.passed, now.total],
            reason: now.reason.clone(),
        };
        if new_rate < old_rate {
            result.regressions.push(change);
        } else if new_rate > old_rate {
            result.fixes.push(CaseChange {
                reason: None,
                ..change
            });
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::record::CellKey;

    fn suite(columns: &[&str], cases: &[&str]) -> Suite {
        crate::eval::suite::fixture(columns, cases)
    }

    fn digest(case: u32, column: u16, outcome: Outcome) -> Digest {
        let cell = CellKey {
            case,
            column,
            repeat: 0,
        };
        Digest {
            reason: (outcome != Outcome::Pass).then(|| "contains: \"x\" not found".into()),
            ..Digest::of(cell, outcome)
        }
    }

    #[test]
    fn regressions_and_fixes_by_name() {
        use Outcome::*;
        let old_suite = suite(&["m/a", "m/b"], &["one", "two", "three"]);
        // The new run lists the cases in another order and drops m/b.
        let new_suite = suite(&["m/a"], &["three", "one", "two"]);
        let old = [
            digest(0, 0, Pass),
            digest(1, 0, Fail),
            digest(2, 0, Pass),
            digest(0, 1, Pass),
        ];
        let new = [digest(0, 0, Pass), digest(1, 0, Error), digest(2, 0, Pass)];
        let result = diff(
            &Side {
                suite: &old_suite,
                digests: &old,
            },
            &Side {
                suite: &new_suite,
                digests: &new,
            },
        );
        assert_eq!(result.regressions.len(), 1);
        assert_eq!(result.regressions[0].case_id, "one");
        assert_eq!(
            (result.regressions[0].old, result.regressions[0].new),
            ([1, 1], [0, 1])
        );
        assert_eq!(result.fixes.len(), 1);
        assert_eq!(result.fixes[0].case_id, "two");
        let a = &result.columns[0];
        assert_eq!(
            (a.column.as_str(), a.old_pass_rate, a.new_pass_rate),
            ("m/a", Some(2.0 / 3.0), Some(2.0 / 3.0))
        );
        let b = &result.columns[1];
        assert_eq!(
            (b.old_pass_rate, b.new_pass_rate, b.change),
            (Some(1.0), None, None)
        );
    }
}
