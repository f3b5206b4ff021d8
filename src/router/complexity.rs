//! The prompt measures routers' rules test besides its tokens (see
//! `tokens`): a rough, explicit complexity score in 0.0..=1.0 (the formula
//! is documented in `policy`'s module doc and in the README). Pure and
//! cheap: the workbench may call it on every prompt.

use super::tokens::prompt_tokens;
/// The estimate the workbench shows while you type: [`super::tokens::estimate`].
pub fn estimate_prompt_tokens(text: &str) -> u64 {
    super::tokens::estimate(text)
}

/// Words (or phrases, as consecutive words) that suggest a prompt asks for
/// reasoning; each group counts once.
const REASONING_WORDS: &[&[&[&str]]] = &[
    &[&["why"]],
    &[&["how"]],
    &[&["explain"]],
    &[&["prove"]],
    &[&["derive"]],
    &[&["compare"]],
    &[&["analyze"], &["analyse"]],
    &[&["design"]],
    &[&["optimize"], &["optimise"]],
    &[&["debug"]],
    &[&["step", "by", "step"]],
    &[&["trade", "off"], &["tradeoff"]],
];

const LENGTH_WEIGHT: f64 = 0.4;
const LENGTH_FULL_TOKENS: f64 = 1000.0;
const CODE_WEIGHT: f64 = 0.25;
const WORD_WEIGHT: f64 = 0.1;
const WORDS_MAX: f64 = 0.3;
const QUESTIONS_WEIGHT: f64 = 0.05;

/// The complexity estimate in 0.0..=1.0 (formula in the module doc).
pub fn complexity(prompt: &str) -> f64 {
    let tokens = prompt_tokens(prompt) as f64;
    let mut score = (tokens / LENGTH_FULL_TOKENS).min(1.0) * LENGTH_WEIGHT;
    if has_code(prompt) {
        score += CODE_WEIGHT;
    }
    score += (reasoning_words(prompt) as f64 * WORD_WEIGHT).min(WORDS_MAX);
    if prompt.matches('?').count() >= 2 {
        score += QUESTIONS_WEIGHT;
    }
    (score.clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0
}

fn has_code(prompt: &str) -> bool {
    if prompt.contains("```") {
        return true;
    }
    let indented = prompt
        .lines()
        .filter(|line| {
            (line.starts_with("    ") || line.starts_with('\t')) && !line.trim().is_empty()
        })
        .count();
    indented >= 3
}

/// How many groups of `REASONING_WORDS` occur as whole words, any case.
fn reasoning_words(prompt: &str) -> usize {
    let lower = prompt.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    REASONING_WORDS
        .iter()
        .filter(|group| {
            group
                .iter()
                .any(|phrase| words.windows(phrase.len()).any(|w| w == *phrase))
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complexity_formula_components() {
        let cases: Vec<(String, f64)> = vec![
            ("".into(), 0.0),
            ("x".repeat(2000), 0.2),   // 500 tokens: half the length weight
            ("x".repeat(4000), 0.4),   // 1000 tokens: all of it
            ("x".repeat(40_000), 0.4), // longer adds nothing more
            ("```\nx\n```".into(), 0.2512), // fence: 0.25 + 3 tokens
            ("a\n    b\n\tc\n    d".into(), 0.2516), // 3 indented lines
            ("a\n    b\n    c".into(), 0.0016), // only 2: not code
            ("a\n    \n    \n    ".into(), 0.0016), // blank indented lines don't count
            ("explain".into(), 0.1008),
            ("Why? HOW?".into(), 0.2512), // 2 words + 2 questions
            ("analyze, then analyse".into(), 0.1024), // one word, two spellings
            ("step by step".into(), 0.1012),
            ("a trade-off".into(), 0.1012),
            ("the tradeoffs".into(), 0.0016), // whole words only
            ("however, showing".into(), 0.0016),
            ("why how explain prove derive".into(), 0.3028), // at most 0.3
            ("a? b? c?".into(), 0.0508),
        ];
        for (prompt, expected) in cases {
            assert_eq!(complexity(&prompt), expected, "{prompt:?}");
        }
        // Every component at once reaches exactly 1.
        let everything = format!("why how explain?\n```\ncode\n```\n{}?", "x".repeat(4000));
        assert_eq!(complexity(&everything), 1.0);
    }
}
