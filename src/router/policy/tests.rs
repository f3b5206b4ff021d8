//! Table tests of rule evaluation, the complexity formula and compile errors.

use std::collections::HashMap;

use pretty_assertions::assert_eq;

use super::*;
use crate::router::provider::{ModelRef, Provider};

fn policy(toml_text: &str) -> Policy {
    let config: RouterConfig = toml::from_str(toml_text).expect("router config parses");
    Policy::compile("saver", &config).expect("router compiles")
}

fn compile_error(toml_text: &str) -> PolicyError {
    let config: RouterConfig = toml::from_str(toml_text).expect("router config parses");
    Policy::compile("saver", &config).expect_err("router is rejected")
}

fn no_prices(_: &str) -> Option<PricePerMillion> {
    None
}

/// USD per 1M tokens (input, output) of a few made-up models.
fn prices(reference: &str) -> Option<PricePerMillion> {
    let usd = |text: &str| text.parse::<rust_decimal::Decimal>().expect("decimal");
    let table = HashMap::from([
        ("cheap/a", ("0.1", "0.3")),
        ("mid/b", ("0.5", "1.5")),
        ("premium/c", ("2.5", "10")),
        ("exact/d", ("1", "1")),
    ]);
    table.get(reference).map(|(input, output)| PricePerMillion {
        input_usd: usd(input),
        output_usd: usd(output),
    })
}

/// (model, rule) picked for each prompt.
fn picks(policy: &Policy, prompts: &[&str], price_of: PriceOf<'_>) -> Vec<(String, String)> {
    prompts
        .iter()
        .map(|prompt| {
            let d = decide(policy, prompt, price_of);
            (d.model, d.rule)
        })
        .collect()
}

fn pair(model: &str, rule: &str) -> (String, String) {
    (model.to_string(), rule.to_string())
}

const TOKENS_10: &str = "0123456789012345678901234567890123456789"; // 40 chars, 10 tokens

#[test]
fn token_bounds_are_inclusive() {
    let max = policy("default = 'big'\n[[rules]]\nmax_prompt_tokens = 10\nmodel = 'small'");
    let min = policy("default = 'small'\n[[rules]]\nmin_prompt_tokens = 10\nmodel = 'big'");
    let cases = [
        (&TOKENS_10[..40], "small", "big"),   // 10 tokens
        (&TOKENS_10[..36], "small", "small"), // 9 tokens
        ("01234567890123456789012345678901234567890", "big", "big"), // 41 chars: 11 tokens
        (&TOKENS_10[..37], "small", "big"),   // 37 chars round up to 10
    ];
    for (prompt, under_max, over_min) in cases {
        assert_eq!(
            decide(&max, prompt, &no_prices).model,
            under_max,
            "max, {} chars",
            prompt.len()
        );
        assert_eq!(
            decide(&min, prompt, &no_prices).model,
            over_min,
            "min, {} chars",
            prompt.len()
        );
    }
}

#[test]
fn patterns_match_anywhere_with_flags() {
    let p = policy(
        r#"default = "general"
[[rules]]
name = "classify"
pattern = '(?i)\bclassif(y|ication)\b'
model = "small"
[[rules]]
name = "exact"
pattern = 'SQL'
model = "sql""#,
    );
    assert_eq!(
        picks(
            &p,
            &[
                "Classify this review: great!",
                "a CLASSIFICATION task",
                "misclassify is not a whole word",
                "write SQL for me",
                "write sql for me",
                "nothing here",
            ],
            &no_prices
        ),
        vec![
            pair("small", "classify"),
            pair("small", "classify"),
            pair("general", "default"),
            pair("sql", "exact"),
            pair("general", "default"),
            pair("general", "default"),
        ]
    );
}

#[test]
fn complexity_bounds_are_inclusive() {
    // "why" scores exactly 0.1004: one token (0.0004) and one reasoning word.
    assert_eq!(complexity("why"), 0.1004);
    let at_least = |min: f64| {
        policy(&format!(
            "default = 'low'\n[[rules]]\nmin_complexity = {min}\nmodel = 'high'"
        ))
    };
    let at_most = |max: f64| {
        policy(&format!(
            "default = 'high'\n[[rules]]\nmax_complexity = {max}\nmodel = 'low'"
        ))
    };
    assert_eq!(decide(&at_least(0.1004), "why", &no_prices).model, "high");
    assert_eq!(decide(&at_least(0.1005), "why", &no_prices).model, "low");
    assert_eq!(decide(&at_most(0.1004), "why", &no_prices).model, "low");
    assert_eq!(decide(&at_most(0.1003), "why", &no_prices).model, "high");
    assert_eq!(decide(&at_least(0.0), "", &no_prices).model, "high");
    assert_eq!(
        decide(&at_most(1.0), &"x".repeat(9000), &no_prices).model,
        "low"
    );
}

#[test]
fn price_ceiling_passes_fails_and_needs_a_known_price() {
    let ceiling = |model: &str, usd: f64| {
        policy(&format!(
            "default = 'fallback'\n[[rules]]\nname = 'budget'\nmax_price_per_million = {usd}\nmodel = '{model}'"
        ))
    };
    let cases = [
        ("cheap/a", 1.0, "cheap/a", "budget"),
        ("exact/d", 1.0, "exact/d", "budget"), // at the ceiling passes
        ("mid/b", 1.0, "fallback", "default"), // output 1.5 is over
        ("premium/c", 5.0, "fallback", "default"),
        ("unknown/x", 100.0, "fallback", "default"), // no price: fails
    ];
    for (model, usd, picked, rule) in cases {
        let d = decide(&ceiling(model, usd), "hi", &prices);
        assert_eq!(
            (d.model.as_str(), d.rule.as_str()),
            (picked, rule),
            "{model}"
        );
    }
    let d = decide(&ceiling("unknown/x", 1.0), "hi", &prices);
    assert_eq!(
        d.reason,
        "no rule matched (budget: price of unknown/x unknown)"
    );
    let d = decide(&ceiling("mid/b", 1.0), "hi", &prices);
    assert_eq!(
        d.reason,
        "no rule matched (budget: mid/b $0.5/$1.5 per 1M > $1)"
    );
}

#[test]
fn candidates_pick_the_first_within_the_ceiling() {
    let p = policy(
        "default = 'premium/c'\n[[rules]]\nname = 'cheapest ok'\nmax_price_per_million = 2\nmodels = ['unknown/x', 'premium/c', 'mid/b', 'cheap/a']",
    );
    let d = decide(&p, "hello", &prices);
    assert_eq!(
        (d.model.as_str(), d.rule.as_str()),
        ("mid/b", "cheapest ok")
    );
    assert_eq!(
        d.reason,
        "mid/b $0.5/$1.5 per 1M ≤ $2 (passed over price of unknown/x unknown, premium/c $2.5/$10 per 1M > $2)"
    );
    assert_eq!(
        p.priced_models(),
        vec!["unknown/x", "premium/c", "mid/b", "cheap/a"]
    );
    // Nothing within the ceiling: the default.
    let d = decide(&p, "hello", &no_prices);
    assert_eq!(d.rule, "default");
}

#[test]
fn all_conditions_must_hold_and_the_first_firing_rule_wins() {
    let p = policy(
        r#"default = "premium/c"
[[rules]]
name = "short classification"
max_prompt_tokens = 50
pattern = '(?i)classify'
model = "cheap/a"
[[rules]]
name = "simple"
max_complexity = 0.2
max_price_per_million = 2
model = "mid/b"
[[rules]]
name = "also simple"
max_complexity = 0.2
model = "never/used""#,
    );
    let long_classify = format!("Classify this: {}", "word ".repeat(60));
    let code = "Why and how?\n```\nfn main() {}\n```";
    assert_eq!(
        picks(
            &p,
            &[
                "classify: spam or not?",
                &long_classify,
                "hello there",
                code
            ],
            &prices
        ),
        vec![
            pair("cheap/a", "short classification"),
            pair("mid/b", "simple"), // too long for rule 1, simple enough for rule 2
            pair("mid/b", "simple"),
            pair("premium/c", "default"), // code and reasoning words: too complex
        ]
    );
    // Without prices rule 2 fails and rule 3 (no ceiling) fires instead.
    assert_eq!(decide(&p, "hello there", &no_prices).rule, "also simple");
    assert!(policy("default = 'a'").priced_models().is_empty());
}

#[test]
fn reasons_say_which_conditions_held() {
    let p = policy(
        r#"default = "big"
[[rules]]
max_prompt_tokens = 200
pattern = 'classify'
model = "a"
[[rules]]
min_prompt_tokens = 2
max_prompt_tokens = 5
min_complexity = 0.1
max_complexity = 0.5
model = "b"
[[rules]]
min_prompt_tokens = 1
min_complexity = 0.0
model = "c"
[[rules]]
model = "d""#,
    );
    let cases = [
        (
            "please classify this one, thanks a lot friend!",
            "rule 1",
            "≈12 tokens ≤ 200 · matches /classify/",
        ),
        (
            "why not, friend",
            "rule 2",
            "2 ≤ ≈4 tokens ≤ 5 · 0.1 ≤ complexity 0.1016 ≤ 0.5",
        ),
        ("hello", "rule 3", "≈2 tokens ≥ 1 · complexity 0.0008 ≥ 0"),
        ("", "rule 4", "always"),
    ];
    for (prompt, rule, reason) in cases {
        let d = decide(&p, prompt, &no_prices);
        assert_eq!(
            (d.rule.as_str(), d.reason.as_str()),
            (rule, reason),
            "{prompt:?}"
        );
    }
    let d = decide(&policy("default = 'big'"), "hi", &no_prices);
    assert_eq!(
        d,
        RouteDecision {
            router: "saver".into(),
            model: "big".into(),
            rule: "default".into(),
            reason: "no rule matched".into(),
            prompt_tokens: 1,
            complexity: 0.0004,
            skipped: Vec::new(),
        }
    );
}

#[test]
fn every_rule_that_did_not_fire_says_which_condition_failed() {
    let p = policy(
        r#"default = "big"
[[rules]]
name = "short"
max_prompt_tokens = 2
model = "a"
[[rules]]
name = "long"
min_prompt_tokens = 100
model = "b"
[[rules]]
name = "code"
pattern = 'fn \w+'
model = "c"
[[rules]]
name = "hard"
min_complexity = 0.9
model = "d"
[[rules]]
name = "easy"
max_complexity = 0.0001
model = "e"
[[rules]]
name = "cheap"
max_price_per_million = 1
model = "premium/c""#,
    );
    let d = decide(&p, "why is the sky blue, friend?", &prices);
    assert_eq!(d.rule, "default");
    assert_eq!(
        d.skipped,
        vec![
            "short: ≈7 tokens > 2",
            "long: ≈7 tokens < 100",
            "code: no match for /fn \\w+/",
            "hard: complexity 0.1028 < 0.9",
            "easy: complexity 0.1028 > 0.0001",
            "cheap: premium/c $2.5/$10 per 1M > $1",
        ]
    );
    // A rule that fires lists only the ones before it.
    let d = decide(&p, "hi", &prices);
    assert_eq!((d.rule.as_str(), d.skipped.len()), ("short", 0));
}

#[test]
fn compile_errors_name_the_router_and_the_rule() {
    let cases = [
        (
            "default = 'a'\n[[rules]]\npattern = '(unclosed'\nmodel = 'b'",
            "router 'saver', rule 1: pattern \"(unclosed\" is not a valid regex",
        ),
        (
            "default = 'a'\n[[rules]]\nmodel = 'b'\n[[rules]]\nname = 'both'\nmodel = 'b'\nmodels = ['c']\nmax_price_per_million = 1",
            "router 'saver', rule 2 ('both'): sets both `model` and `models`; keep one",
        ),
        (
            "default = 'a'\n[[rules]]\nmax_prompt_tokens = 3",
            "router 'saver', rule 1: names no model",
        ),
        (
            "default = 'a'\n[[rules]]\nmodels = ['b']",
            "router 'saver', rule 1: `models` lists candidates for `max_price_per_million`",
        ),
        (
            "default = 'a'\n[[rules]]\nmodel = ' '",
            "router 'saver', rule 1: an empty model name",
        ),
        (
            "default = 'a'\n[[rules]]\nmin_prompt_tokens = 9\nmax_prompt_tokens = 3\nmodel = 'b'",
            "router 'saver', rule 1: min_prompt_tokens 9 is above max_prompt_tokens 3",
        ),
        (
            "default = 'a'\n[[rules]]\nmax_complexity = 1.5\nmodel = 'b'",
            "router 'saver', rule 1: max_complexity = 1.5 is outside 0.0..=1.0",
        ),
        (
            "default = 'a'\n[[rules]]\nmin_complexity = -0.1\nmodel = 'b'",
            "router 'saver', rule 1: min_complexity = -0.1 is outside 0.0..=1.0",
        ),
        (
            "default = 'a'\n[[rules]]\nmin_complexity = 0.6\nmax_complexity = 0.5\nmodel = 'b'",
            "router 'saver', rule 1: min_complexity 0.6 is above max_complexity 0.5",
        ),
        (
            "default = 'a'\n[[rules]]\nmax_price_per_million = -1\nmodel = 'b'",
            "router 'saver', rule 1: max_price_per_million = -1: must be a number from 0 to 1000000 (USD)",
        ),
        ("default = ''", "router 'saver': `default` names no model"),
    ];
    for (text, message) in cases {
        let error = compile_error(text).to_string();
        assert!(error.starts_with(message), "{error}\n  wanted: {message}");
    }
    let config = RouterConfig {
        default: "a".into(),
        rules: Vec::new(),
        description: None,
    };
    assert_eq!(
        Policy::compile("no spaces", &config)
            .expect_err("bad name")
            .to_string(),
        "router 'no spaces': names may use letters, digits, '-' and '_' only"
    );
    assert!(toml::from_str::<RouterConfig>("default = 'a'\n[[rules]]\nmodle = 'b'").is_err());
}

#[test]
fn resolve_sets_the_chain_of_router_columns_only() {
    let providers = Providers::new(
        vec![
            Provider::new("openrouter", "https://openrouter.ai/api/v1"),
            Provider::new("ollama", "http://localhost:11434/v1"),
        ],
        "openrouter",
    );
    let policies = vec![policy(
        "default = 'openai/gpt-4o'\n[[rules]]\nname = 'tiny'\nmax_prompt_tokens = 5\nmodel = 'ollama:llama3.2:3b'",
    )];
    let fixed = Target::single("a/b", ModelRef::new("openrouter", "a/b"));
    assert_eq!(
        resolve_target(&fixed, &policies, &providers, "hi", &no_prices),
        Ok((fixed.clone(), None))
    );

    let column = router_target("saver");
    assert_eq!(column.label, "router:saver");
    let (resolved, decision) =
        resolve_target(&column, &policies, &providers, "hi", &no_prices).expect("resolves");
    assert_eq!(resolved.chain, vec![ModelRef::new("ollama", "llama3.2:3b")]);
    assert_eq!(resolved.label, "router:saver");
    assert_eq!(resolved.router.as_deref(), Some("saver"));
    assert_eq!(decision.map(|d| d.rule), Some("tiny".to_string()));
    let (resolved, _) = resolve_target(&column, &policies, &providers, &"x".repeat(99), &no_prices)
        .expect("resolves");
    assert_eq!(
        resolved.chain,
        vec![ModelRef::new("openrouter", "openai/gpt-4o")]
    );

    let error = resolve_target(
        &router_target("nope"),
        &policies,
        &providers,
        "hi",
        &no_prices,
    )
    .expect_err("unknown");
    assert_eq!(
        error.to_string(),
        "unknown router 'nope'; known routers: saver"
    );
    let error = find_policy(&[], "nope").expect_err("unknown");
    assert_eq!(
        error.to_string(),
        "unknown router 'nope'; no routers are configured (add [routers.NAME] to the config file)"
    );
    assert_eq!(router_name("router:saver"), Some("saver"));
    assert_eq!(router_name("openai/gpt-4o"), None);
}

#[test]
fn decisions_round_trip_through_json() {
    let d = decide(&policy("default = 'a'"), "hi", &no_prices);
    let json = serde_json::to_value(&d).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!({"router": "saver", "model": "a", "rule": "default",
            "reason": "no rule matched", "prompt_tokens": 1, "complexity": 0.0004})
    );
    let back: RouteDecision = serde_json::from_value(json).expect("deserializes");
    assert_eq!(back, d);
}
