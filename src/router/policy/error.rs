//! Why a router cannot be compiled or used, in messages that name the
//! router and the rule.

/// Why a router cannot be compiled or used. Messages name the router and,
/// where it applies, the rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    #[error("router '{router}': names may use letters, digits, '-' and '_' only")]
    InvalidName { router: String },
    #[error("router '{router}': `default` names no model")]
    NoDefault { router: String },
    #[error("router '{router}', {rule}: {problem}")]
    Rule {
        router: String,
        /// "rule 2" or "rule 2 ('short')".
        rule: String,
        problem: RuleProblem,
    },
    #[error("unknown router '{name}'; {}", known_routers(.known))]
    Unknown { name: String, known: Vec<String> },
    #[error("router '{router}' picked '{model}': {message}")]
    BadModel {
        router: String,
        model: String,
        message: String,
    },
}

fn known_routers(known: &[String]) -> String {
    if known.is_empty() {
        "no routers are configured (add [routers.NAME] to the config file)".to_string()
    } else {
        format!("known routers: {}", known.join(", "))
    }
}

/// What is wrong with one rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleProblem {
    #[error("pattern {pattern:?} is not a valid regex: {message}")]
    BadPattern { pattern: String, message: String },
    #[error("names no model: set `model`, or `models` with `max_price_per_million`")]
    NoModel,
    #[error("sets both `model` and `models`; keep one")]
    ModelAndModels,
    #[error("`models` lists candidates for `max_price_per_million`, which is not set; use `model`")]
    CandidatesWithoutCeiling,
    #[error("an empty model name")]
    EmptyModel,
    #[error("min_prompt_tokens {min} is above max_prompt_tokens {max}")]
    TokensMinAboveMax { min: u64, max: u64 },
    #[error("{field} = {value} is outside 0.0..=1.0")]
    ComplexityOutOfRange { field: &'static str, value: f64 },
    #[error("min_complexity {min} is above max_complexity {max}")]
    ComplexityMinAboveMax { min: f64, max: f64 },
    #[error("max_price_per_million = {0}: {1}")]
    BadPrice(rust_decimal::Decimal, String),
}
