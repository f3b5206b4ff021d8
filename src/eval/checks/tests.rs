use pretty_assertions::assert_eq;
use rust_decimal::Decimal;
use serde_json::json;

use super::*;
use crate::router::error::{ErrorKind, RouterError};
use crate::router::usage::Usage;

fn usd(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

fn answer(text: &str) -> RunResult {
    let mut result = RunResult::new("a/model");
    result.text = text.into();
    result.ttft_ms = Some(400);
    result.total_ms = Some(2500);
    result.cost_usd = Some(Decimal::new(15, 4)); // $0.0015
    result.finish_reason = Some("stop".into());
    result.usage = Some(Usage {
        prompt_tokens: 10,
        completion_tokens: 120,
        total_tokens: 130,
        ..Usage::default()
    });
    result
}

fn verdict(spec: CheckSpec, text: &str) -> (bool, Option<String>) {
    let check = Check::compile(spec).expect("compiles");
    let outcome = check.evaluate(&answer(text));
    (outcome.pass == Some(true), outcome.reason)
}

#[test]
fn every_check_type_passes_and_fails_with_a_reason() {
    use CheckSpec::*;
    let schema =
        json!({"type": "object", "required": ["age"], "properties": {"age": {"type": "integer"}}});
    // (check, answer, passes, reason when it fails)
    let table: Vec<(CheckSpec, &str, bool, Option<&str>)> = vec![
        (Contains("refund".into()), "We will refund you.", true, None),
        (
            Contains("Refund".into()),
            "We will refund you.",
            false,
            Some("contains: \"Refund\" not found"),
        ),
        (
            Icontains("REFUND".into()),
            "We will refund you.",
            true,
            None,
        ),
        (
            Icontains("credit".into()),
            "We will refund you.",
            false,
            Some("icontains: \"credit\" not found (any case)"),
        ),
        (NotContains("sorry".into()), "Done.", true, None),
        (
            NotContains("sorry".into()),
            "Oh, sorry!",
            false,
            Some("not_contains: \"sorry\" found at character 4"),
        ),
        (Equals("Paris".into()), " Paris\n", true, None),
        (
            Equals("Paris".into()),
            "Lyon",
            false,
            Some("equals: the answer \"Lyon\" is not \"Paris\""),
        ),
        (StartsWith("Yes".into()), "\nYes, indeed", true, None),
        (
            StartsWith("Yes".into()),
            "No way",
            false,
            Some("starts_with: the answer starts \"No way\""),
        ),
        (Regex(r"\b\d{3}\b".into()), "code 404 here", true, None),
        (
            Regex(r"^\d+$".into()),
            "abc",
            false,
            Some("regex: no match for /^\\d+$/"),
        ),
        (IsJson, " {\"a\": 1} ", true, None),
        (
            IsJson,
            "```json\n{}\n```",
            false,
            Some(
                "is_json: not JSON (expected value at line 1 column 1); the answer starts \"```json {} `\"",
            ),
        ),
        (JsonSchema(schema.clone()), "{\"age\": 41}", true, None),
        (
            JsonSchema(schema.clone()),
            "{\"age\": \"x\"}",
            false,
            Some("json_schema: /age: want integer, but got string"),
        ),
        (
            JsonSchema(schema),
            "{}",
            false,
            Some("json_schema: /: missing properties 'age'"),
        ),
        (MaxTtftMs(400), "x", true, None),
        (
            MaxTtftMs(300),
            "x",
            false,
            Some("max_ttft_ms: first token after 400ms (limit 300ms)"),
        ),
        (MaxTotalMs(3000), "x", true, None),
        (
            MaxTotalMs(2000),
            "x",
            false,
            Some("max_total_ms: took 2.5s (limit 2.0s)"),
        ),
        (MaxCostUsd(usd("0.002")), "x", true, None),
        (
            MaxCostUsd(usd("0.001")),
            "x",
            false,
            Some("max_cost_usd: cost $0.0015 (limit $0.001)"),
        ),
        (MaxOutputTokens(120), "x", true, None),
        (
            MaxOutputTokens(100),
            "x",
            false,
            Some("max_output_tokens: 120 output tokens (limit 100)"),
        ),
        (FinishReason("stop".into()), "x", true, None),
        (
            FinishReason("length".into()),
            "x",
            false,
            Some("finish_reason: finished with \"stop\""),
        ),
    ];
    for (spec, text, passes, reason) in table {
        let name = format!("{spec:?} on {text:?}");
        assert_eq!(
            verdict(spec, text),
            (passes, reason.map(String::from)),
            "{name}"
        );
    }
}

#[test]
fn an_error_fails_every_check() {
    let mut failed = answer("partial");
    failed.error = Some(RouterError::new(ErrorKind::RateLimited, "slow down"));
    let check = Check::compile(CheckSpec::Contains("partial".into())).expect("compiles");
    let outcome = check.evaluate(&failed);
    assert_eq!(outcome.pass, Some(false));
    assert_eq!(
        outcome.reason.as_deref(),
        Some("contains: no answer (rate_limited)")
    );
}

#[test]
fn unknown_figures_fail_their_checks() {
    let mut bare = RunResult::new("m");
    bare.text = "x".into();
    let reason = |spec| {
        Check::compile(spec)
            .expect("compiles")
            .evaluate(&bare)
            .reason
    };
    assert_eq!(
        reason(CheckSpec::MaxCostUsd(usd("1"))).as_deref(),
        Some("max_cost_usd: cost unknown")
    );
    assert_eq!(
        reason(CheckSpec::MaxTtftMs(1)).as_deref(),
        Some("max_ttft_ms: no first token")
    );
    assert_eq!(
        reason(CheckSpec::FinishReason("stop".into())).as_deref(),
        Some("finish_reason: no finish reason")
    );
}

#[test]
fn reasons_are_one_clean_line() {
    let (_, reason) = verdict(
        CheckSpec::Equals("x".into()),
        "line one\n\x1b[31mred\x1b[0m and much more text than fits in a reason line, really a lot more",
    );
    let reason = reason.expect("a reason");
    assert!(
        !reason.contains('\n') && !reason.contains('\x1b'),
        "{reason}"
    );
    assert!(reason.contains('…'), "{reason}");
}

#[test]
fn bad_regexes_and_schemas_do_not_compile() {
    assert!(Check::compile(CheckSpec::Regex("(".into())).is_err());
    let err = Check::compile(CheckSpec::JsonSchema(json!({"type": 12}))).expect_err("invalid");
    assert!(err.starts_with("not a valid JSON Schema"), "{err}");
    // A schema may not load files or URLs.
    let err = Check::compile(CheckSpec::JsonSchema(json!({"$ref": "file:///etc/passwd"})))
        .expect_err("refused");
    assert!(err.contains("cannot load"), "{err}");
    assert!(Check::compile(CheckSpec::MaxCostUsd(usd("-1"))).is_err());
    assert!(Check::compile(CheckSpec::MaxCostUsd(usd("1000001"))).is_err());
}

#[test]
fn compiled_checks_are_shared_across_tasks() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Check>();
}

#[test]
fn outcomes_serialize_as_the_contract_says() {
    let (_, reason) = verdict(CheckSpec::Contains("z".into()), "a");
    let outcome = CheckOutcome {
        kind: "contains".into(),
        pass: Some(false),
        reason,
        judged: None,
    };
    assert_eq!(
        serde_json::to_value(&outcome).expect("json"),
        json!({"type": "contains", "pass": false, "reason": "contains: \"z\" not found"})
    );
    let spec = serde_json::to_value(CheckSpec::MaxTtftMs(5)).expect("json");
    assert_eq!(spec, json!({"type": "max_ttft_ms", "value": 5}));
    assert_eq!(
        serde_json::to_value(CheckSpec::IsJson).expect("json"),
        json!({"type": "is_json"})
    );
}

#[test]
fn a_cost_limit_is_exact_and_kept_in_the_journal_as_a_number() {
    let spec = CheckSpec::MaxCostUsd(usd("0.3"));
    let kept = serde_json::to_value(&spec).expect("serializes");
    assert_eq!(kept, json!({"type": "max_cost_usd", "value": 0.3}));
    assert_eq!(
        serde_json::from_value::<CheckSpec>(kept).expect("reads back"),
        spec
    );
    let check = Check::compile(spec).expect("compiles");
    let outcome = |cost: Decimal| {
        let mut result = RunResult::new("m");
        result.text = "x".into();
        result.cost_usd = Some(cost);
        check.evaluate(&result).reason
    };
    // 0.1 + 0.2 is 0.3, at the limit: it passes (as floats it would not).
    assert_eq!(outcome(usd("0.1") + usd("0.2")), None);
    assert_eq!(
        outcome(usd("0.31")).as_deref(),
        Some("max_cost_usd: cost $0.31 (limit $0.30)")
    );
}
