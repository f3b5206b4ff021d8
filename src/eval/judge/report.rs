//! The judges' figures of a finished run: each judge's biases and the
//! pairwise ranking, for the run's report.

use super::{bias, label, pairwise};

/// The judges' figures of a run, for its report.
pub struct Judging {
    /// Every judge of the suite, in suite order.
    pub judges: Vec<bias::JudgeBias>,
    pub pairwise: Option<pairwise::PairwiseSummary>,
}

impl Judging {
    pub fn of(
        suite: &crate::eval::suite::Suite,
        digests: &[crate::eval::record::Digest],
        comparisons: &[pairwise::Comparison],
        groupings: &[super::grouping::CaseGrouping],
    ) -> Judging {
        let columns = suite.column_labels();
        let names: Vec<String> = suite.judges().into_iter().map(|(l, _)| l).collect();
        Judging {
            judges: bias::measure_run(&names, &columns, digests, comparisons, groupings),
            pairwise: suite
                .pairwise
                .as_ref()
                .map(|p| pairwise::summarize(&label(&p.judge), comparisons, &columns)),
        }
    }
}
