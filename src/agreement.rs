//! How much a set of answers to one prompt agree: answers that say the same
//! thing (by normalised text similarity, a word diff from `similar`) are
//! grouped; the number of groups is the number of distinct answers, and an
//! answer left alone while most others agree is an outlier. A judge's
//! grouping (`eval::judge::grouping`) goes through the same outlier rule.
//! Pure and UI-free: `prism eval` uses it per case, the workbench per turn.

use serde::Serialize;
use similar::TextDiff;

/// Two normalised answers whose word diff ratio is at least this say the
/// same thing: "Paris." and "paris" match, "Paris" and "Lyon" do not, and
/// a one-word change in a ten-word sentence still matches.
pub const SAME_ANSWER_RATIO: f32 = 0.8;
/// Only this many characters of each answer are compared: enough to tell
/// answers apart, and it bounds the diff's cost on huge answers.
pub const COMPARED_CHARS: usize = 4000;

/// The grouping of answers given in order (indices into that order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Agreement {
    /// Groups of answers that say the same thing, each in answer order,
    /// the groups ordered by their first answer.
    pub groups: Vec<Vec<usize>>,
    /// Answers outside a group that holds more than half of them.
    pub outliers: Vec<usize>,
}

impl Agreement {
    pub fn distinct(&self) -> usize {
        self.groups.len()
    }
}

/// Lower case, punctuation dropped, whitespace collapsed: "The answer is
/// *Paris*." and "the answer is paris" normalise alike.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(COMPARED_CHARS));
    let mut pending_space = false;
    for c in text.chars().take(COMPARED_CHARS) {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            pending_space = true;
        }
        // Other punctuation and symbols are dropped where they stand, so
        // "don't" stays one word.
    }
    out
}

/// Whether two normalised answers say the same thing.
pub fn same(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a.is_empty() || b.is_empty() {
        return false;
    }
    TextDiff::from_words(a, b).ratio() >= SAME_ANSWER_RATIO
}

/// Groups `answers` (each joins the first group whose first answer it
/// matches) and marks the outliers.
pub fn group<S: AsRef<str>>(answers: &[S]) -> Agreement {
    let normalised: Vec<String> = answers.iter().map(|a| normalise(a.as_ref())).collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, text) in normalised.iter().enumerate() {
        match groups.iter_mut().find(|g| same(&normalised[g[0]], text)) {
            Some(group) => group.push(index),
            None => groups.push(vec![index]),
        }
    }
    from_groups(groups, answers.len())
}

/// The agreement of `answers` answers grouped elsewhere (a judge's
/// grouping, already checked to place each answer once): each group in
/// answer order, the groups by their first answer, and the outliers by
/// the same rule as [`group`].
pub fn from_groups(mut groups: Vec<Vec<usize>>, answers: usize) -> Agreement {
    for group in &mut groups {
        group.sort_unstable();
    }
    groups.retain(|g| !g.is_empty());
    groups.sort_by_key(|g| g[0]);
    let majority = groups.iter().find(|g| g.len() * 2 > answers);
    let outliers = match majority {
        Some(major) if answers >= 3 => (0..answers).filter(|i| !major.contains(i)).collect(),
        _ => Vec::new(),
    };
    Agreement { groups, outliers }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_drops_case_punctuation_and_spacing() {
        assert_eq!(
            normalise("  The answer is *Paris*.\n"),
            "the answer is paris"
        );
        assert_eq!(normalise("Don't  PANIC!"), "dont panic");
        assert_eq!(normalise("…"), "");
    }

    #[test]
    fn three_agree_and_one_is_the_outlier() {
        let answers = [
            "The capital of France is Paris.",
            "the capital of france is paris",
            "The capital of France is Lyon, a city on the Rhône.",
            "The capital of France is Paris!",
        ];
        let agreement = group(&answers);
        assert_eq!(agreement.groups, vec![vec![0, 1, 3], vec![2]]);
        assert_eq!(agreement.distinct(), 2);
        assert_eq!(agreement.outliers, vec![2]);
    }

    #[test]
    fn a_small_rewording_still_agrees() {
        let a = normalise("Refunds are issued within five business days of the return.");
        let b = normalise("Refunds are issued within five working days of the return.");
        assert!(same(&a, &b));
        assert!(!same(&normalise("Paris"), &normalise("Lyon")));
    }

    #[test]
    fn no_majority_means_no_outlier() {
        let agreement = group(&["yes", "no", "maybe"]);
        assert_eq!(agreement.distinct(), 3);
        assert!(agreement.outliers.is_empty());
        // Two answers that differ: nobody is the odd one out.
        let pair = group(&["yes", "no"]);
        assert_eq!(pair.distinct(), 2);
        assert!(pair.outliers.is_empty());
        // All agree.
        let all = group(&["42", "42.", " 42 "]);
        assert_eq!(all.groups, vec![vec![0, 1, 2]]);
        assert!(all.outliers.is_empty());
        assert_eq!(group::<&str>(&[]), Agreement::default());
    }

    #[test]
    fn empty_answers_agree_only_with_each_other() {
        let agreement = group(&["", "", "Paris"]);
        assert_eq!(agreement.groups, vec![vec![0, 1], vec![2]]);
        assert_eq!(agreement.outliers, vec![2]);
    }
}
