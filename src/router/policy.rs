//! Routers: a column whose model is chosen per prompt by rules from the
//! config file. Pure and cheap (no I/O, regexes compiled once), so the
//! workbench can decide on every prompt and `prism route` can explain a
//! decision without sending anything.
//!
//! Rules are tried in order; a rule fires when all its conditions hold and
//! the first that fires picks the model; when none fires, `default` does.
//! Conditions look only at the prompt being sent (not the system prompt or
//! earlier turns):
//!
//! - `min_prompt_tokens` / `max_prompt_tokens`: the estimated prompt tokens,
//!   ⌈characters / 4⌉ of the prompt alone (`tokens::prompt_tokens`), bounds inclusive.
//! - `pattern`: a regex (Rust `regex` syntax; `(?i)` for case-insensitive)
//!   found anywhere in the prompt.
//! - `min_complexity` / `max_complexity`: the complexity estimate below,
//!   bounds inclusive.
//! - `max_price_per_million`: USD per 1M tokens; the model's input and
//!   output prices must both be at or under it. An unknown price fails the
//!   condition. With `models = [...]` the first candidate that passes is
//!   picked.
//!
//! Complexity, a number in 0.0..=1.0, is the sum of
//!
//! - length: min(tokens / 1000, 1) × 0.4;
//! - code: +0.25 when the prompt has a fenced code block (```) or at least
//!   3 non-blank lines indented by 4 spaces or a tab;
//! - reasoning words: +0.1 for each distinct one found, at most +0.3: why,
//!   how, explain, prove, derive, compare, analyze (analyse), design,
//!   optimize (optimise), debug, "step by step", trade-off (tradeoff,
//!   trade off); whole words, any case;
//! - several questions: +0.05 when the prompt has 2 or more '?';
//!
//! clamped to 0..=1 and rounded to 4 decimals, so config bounds like 0.3
//! compare exactly.

use regex::Regex;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::chat::Target;
use super::figures::{self, usd_setting};
use super::provider::Providers;

mod error;
mod price;

pub use super::complexity::complexity;
use super::tokens::prompt_tokens;
pub use error::{PolicyError, RuleProblem};
use price::pick_within;
pub use price::{PricePerMillion, catalog_prices, price_per_million};

/// What a model reference `router:NAME` starts with.
pub const ROUTER_PREFIX: &str = "router:";

/// The rule name a decision carries when no rule fired.
pub const DEFAULT_RULE: &str = "default";

/// One router as written in the config file (`[routers.NAME]`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouterConfig {
    /// The model when no rule fires.
    pub default: String,
    #[serde(default)]
    pub rules: Vec<RuleConfig>,
    #[serde(default)]
    pub description: Option<String>,
}

/// One rule as written in the config file (`[[routers.NAME.rules]]`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Shown when the rule fires; "rule N" (counting from 1) when absent.
    pub name: Option<String>,
    pub min_prompt_tokens: Option<u64>,
    pub max_prompt_tokens: Option<u64>,
    /// A regex looked for in the prompt.
    pub pattern: Option<String>,
    pub min_complexity: Option<f64>,
    pub max_complexity: Option<f64>,
    /// USD per 1M tokens that input and output prices must not exceed.
    #[serde(default, with = "usd_setting::option")]
    pub max_price_per_million: Option<Decimal>,
    /// The model the rule picks...
    pub model: Option<String>,
    /// ...or candidates: the first whose price passes `max_price_per_million`.
    pub models: Option<Vec<String>>,
}

/// A router ready to decide: validated, regexes compiled.
#[derive(Clone, Debug)]
pub struct Policy {
    name: String,
    description: Option<String>,
    default: String,
    rules: Vec<Rule>,
}

#[derive(Clone, Debug)]
struct Rule {
    name: String,
    min_tokens: Option<u64>,
    max_tokens: Option<u64>,
    pattern: Option<Regex>,
    min_complexity: Option<f64>,
    max_complexity: Option<f64>,
    /// USD per 1M tokens, exact (the config's number read as written).
    max_price_per_million: Option<Decimal>,
    /// One model, or candidates in order of preference; never empty.
    models: Vec<String>,
}

/// What a router chose for one prompt, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteDecision {
    pub router: String,
    /// The model reference as written in the config.
    pub model: String,
    /// The rule's name, or "default".
    pub rule: String,
    /// One line: "≈45 tokens ≤ 200 · matches /classify/" or "no rule matched".
    pub reason: String,
    pub prompt_tokens: u64,
    pub complexity: f64,
    /// The rules before the one that fired (all of them for the default),
    /// each with the condition that failed: "short: ≈1200 tokens > 200".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
}

impl Policy {
    pub fn compile(name: &str, config: &RouterConfig) -> Result<Policy, PolicyError> {
        if !valid_router_name(name) {
            return Err(PolicyError::InvalidName {
                router: name.to_string(),
            });
        }
        let default = config.default.trim();
        if default.is_empty() {
            return Err(PolicyError::NoDefault {
                router: name.to_string(),
            });
        }
        let rules = config
            .rules
            .iter()
            .enumerate()
            .map(|(index, rule)| {
                compile_rule(index, rule).map_err(|problem| PolicyError::Rule {
                    router: name.to_string(),
                    rule: describe_rule(index, rule.name.as_deref()),
                    problem,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Policy {
            name: name.to_string(),
            description: config.description.clone(),
            default: default.to_string(),
            rules,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    pub fn default_model(&self) -> &str {
        &self.default
    }

    /// The models whose prices a decision may ask for: the picks of rules
    /// with a price ceiling. Empty when the router never needs the catalog.
    pub fn priced_models(&self) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|rule| rule.max_price_per_million.is_some())
            .flat_map(|rule| rule.models.iter().map(String::as_str))
            .collect()
    }
}

/// Router names: letters, digits, '-' and '_'.
pub fn valid_router_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn describe_rule(index: usize, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("rule {} ('{name}')", index + 1),
        None => format!("rule {}", index + 1),
    }
}

fn compile_rule(index: usize, config: &RuleConfig) -> Result<Rule, RuleProblem> {
    let models: Vec<String> = match (&config.model, &config.models) {
        (Some(_), Some(_)) => return Err(RuleProblem::ModelAndModels),
        (None, None) => return Err(RuleProblem::NoModel),
        (Some(model), None) => vec![model.trim().to_string()],
        (None, Some(models)) => {
            if config.max_price_per_million.is_none() {
                return Err(RuleProblem::CandidatesWithoutCeiling);
            }
            if models.is_empty() {
                return Err(RuleProblem::NoModel);
            }
            models.iter().map(|m| m.trim().to_string()).collect()
        }
    };
    if models.iter().any(String::is_empty) {
        return Err(RuleProblem::EmptyModel);
    }
    if let (Some(min), Some(max)) = (config.min_prompt_tokens, config.max_prompt_tokens)
        && min > max
    {
        return Err(RuleProblem::TokensMinAboveMax { min, max });
    }
    for (field, value) in [
        ("min_complexity", config.min_complexity),
        ("max_complexity", config.max_complexity),
    ] {
        if let Some(value) = value
            && !(0.0..=1.0).contains(&value)
        {
            return Err(RuleProblem::ComplexityOutOfRange { field, value });
        }
    }
    if let (Some(min), Some(max)) = (config.min_complexity, config.max_complexity)
        && min > max
    {
        return Err(RuleProblem::ComplexityMinAboveMax { min, max });
    }
    if let Some(ceiling) = config.max_price_per_million
        && let Err(why) = figures::setting_usd(ceiling)
    {
        return Err(RuleProblem::BadPrice(ceiling, why));
    }
    let pattern = match &config.pattern {
        Some(text) => Some(Regex::new(text).map_err(|err| RuleProblem::BadPattern {
            pattern: text.clone(),
            message: err.to_string(),
        })?),
        None => None,
    };
    Ok(Rule {
        name: config
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("rule {}", index + 1)),
        min_tokens: config.min_prompt_tokens,
        max_tokens: config.max_prompt_tokens,
        pattern,
        min_complexity: config.min_complexity,
        max_complexity: config.max_complexity,
        max_price_per_million: config.max_price_per_million,
        models,
    })
}

/// The prices per 1M tokens of a model reference as
/// written in the config; None when the catalog does not know them.
pub type PriceOf<'a> = &'a dyn Fn(&str) -> Option<PricePerMillion>;

/// Picks the model for `prompt`: the first rule whose conditions all hold,
/// else the default.
pub fn decide(policy: &Policy, prompt: &str, price_of: PriceOf<'_>) -> RouteDecision {
    let prompt_tokens = prompt_tokens(prompt);
    let complexity = complexity(prompt);
    let facts = Facts {
        prompt,
        prompt_tokens,
        complexity,
    };
    // Rules that failed only on price, so the default's reason can say why.
    let mut price_notes = Vec::new();
    let mut skipped = Vec::new();
    for rule in &policy.rules {
        match evaluate(rule, &facts, price_of) {
            Outcome::Fired { model, reason } => {
                return RouteDecision {
                    router: policy.name.clone(),
                    model,
                    rule: rule.name.clone(),
                    reason,
                    prompt_tokens,
                    complexity,
                    skipped,
                };
            }
            Outcome::PriceFailed(note) => {
                price_notes.push(format!("{}: {note}", rule.name));
                skipped.push(format!("{}: {note}", rule.name));
            }
            Outcome::Skipped(why) => skipped.push(format!("{}: {why}", rule.name)),
        }
    }
    let mut reason = "no rule matched".to_string();
    if !price_notes.is_empty() {
        reason = format!("{reason} ({})", price_notes.join("; "));
    }
    RouteDecision {
        router: policy.name.clone(),
        model: policy.default.clone(),
        rule: DEFAULT_RULE.to_string(),
        reason,
        prompt_tokens,
        complexity,
        skipped,
    }
}

struct Facts<'a> {
    prompt: &'a str,
    prompt_tokens: u64,
    complexity: f64,
}

enum Outcome {
    Fired {
        model: String,
        reason: String,
    },
    /// Every other condition held; no model's price passed the ceiling.
    PriceFailed(String),
    /// A condition failed: which one, with the prompt's figure.
    Skipped(String),
}

fn evaluate(rule: &Rule, facts: &Facts<'_>, price_of: PriceOf<'_>) -> Outcome {
    let mut parts = Vec::new();
    let tokens = facts.prompt_tokens;
    if let Some(min) = rule.min_tokens.filter(|&min| tokens < min) {
        return Outcome::Skipped(format!("≈{tokens} tokens < {min}"));
    }
    if let Some(max) = rule.max_tokens.filter(|&max| tokens > max) {
        return Outcome::Skipped(format!("≈{tokens} tokens > {max}"));
    }
    match (rule.min_tokens, rule.max_tokens) {
        (Some(min), Some(max)) => parts.push(format!("{min} ≤ ≈{tokens} tokens ≤ {max}")),
        (Some(min), None) => parts.push(format!("≈{tokens} tokens ≥ {min}")),
        (None, Some(max)) => parts.push(format!("≈{tokens} tokens ≤ {max}")),
        (None, None) => {}
    }
    if let Some(pattern) = &rule.pattern {
        if !pattern.is_match(facts.prompt) {
            return Outcome::Skipped(format!("no match for /{}/", pattern.as_str()));
        }
        parts.push(format!("matches /{}/", pattern.as_str()));
    }
    let score = facts.complexity;
    let shown = format_number(score);
    if let Some(min) = rule.min_complexity.filter(|&min| score < min) {
        return Outcome::Skipped(format!("complexity {shown} < {}", format_number(min)));
    }
    if let Some(max) = rule.max_complexity.filter(|&max| score > max) {
        return Outcome::Skipped(format!("complexity {shown} > {}", format_number(max)));
    }
    match (rule.min_complexity, rule.max_complexity) {
        (Some(min), Some(max)) => parts.push(format!("{min} ≤ complexity {shown} ≤ {max}")),
        (Some(min), None) => parts.push(format!("complexity {shown} ≥ {min}")),
        (None, Some(max)) => parts.push(format!("complexity {shown} ≤ {max}")),
        (None, None) => {}
    }
    let model = match rule.max_price_per_million {
        None => rule.models[0].clone(),
        Some(ceiling) => match pick_within(&rule.models, ceiling, price_of) {
            Ok((model, part)) => {
                parts.push(part);
                model
            }
            Err(note) => return Outcome::PriceFailed(note),
        },
    };
    let reason = if parts.is_empty() {
        "always".to_string()
    } else {
        parts.join(" · ")
    };
    Outcome::Fired { model, reason }
}

/// A complexity to 4 decimals, without trailing zeros: 0.3, 0.0938, 1.
fn format_number(value: f64) -> String {
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// The target a column runs with for `prompt`: a fixed column as it is; a
/// router column with `chain` set to the model its policy picks, and the
/// decision to store in the result.
pub fn resolve_target(
    target: &Target,
    policies: &[Policy],
    providers: &Providers,
    prompt: &str,
    price_of: PriceOf<'_>,
) -> Result<(Target, Option<RouteDecision>), PolicyError> {
    let Some(name) = &target.router else {
        return Ok((target.clone(), None));
    };
    let policy = find_policy(policies, name)?;
    let decision = decide(policy, prompt, price_of);
    let model = providers
        .parse_ref(&decision.model)
        .map_err(|err| PolicyError::BadModel {
            router: name.clone(),
            model: decision.model.clone(),
            message: err.to_string(),
        })?;
    let mut resolved = target.clone();
    resolved.chain = vec![model];
    Ok((resolved, Some(decision)))
}

/// The policy named `name`, or an error listing the known names.
pub fn find_policy<'a>(policies: &'a [Policy], name: &str) -> Result<&'a Policy, PolicyError> {
    policies
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| PolicyError::Unknown {
            name: name.to_string(),
            known: policies.iter().map(|p| p.name.clone()).collect(),
        })
}

/// The router name of a reference `router:NAME`, else None.
pub fn router_name(reference: &str) -> Option<&str> {
    reference.trim().strip_prefix(ROUTER_PREFIX).map(str::trim)
}

/// A router column before its first decision: labelled `router:NAME`, no
/// chain yet (`resolve_target` sets it per prompt).
pub fn router_target(name: &str) -> Target {
    Target {
        label: format!("{ROUTER_PREFIX}{name}"),
        chain: Vec::new(),
        router: Some(name.to_string()),
        upstream: None,
    }
}

impl RouteDecision {
    /// A short phrase for headers and tables: "mistralai/x (short classification)".
    pub fn summary(&self) -> String {
        format!("{} ({})", self.model, self.rule)
    }
}

#[cfg(test)]
mod tests;
