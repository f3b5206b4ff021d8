//! Hand-built sessions shared by the session modules' tests.

use rust_decimal::Decimal;

use crate::router::ModelRef;
use crate::router::error::{ErrorKind, RouterError};
use crate::router::events::{CostSource, RunResult};
use crate::router::usage::Usage;

use super::types::{
    Answer, Column, SCHEMA_VERSION, Session, SessionParams, Turn, Verdict, Vote, VoteSource,
};

/// 2026-11-24 15:30:12 UTC.
pub const CREATED_UNIX: i64 = 1_795_534_212;

pub fn column(id: u64, label: &str, chain: &[(&str, &str)]) -> Column {
    Column {
        id,
        label: label.to_string(),
        chain: chain.iter().map(|(p, m)| ModelRef::new(*p, *m)).collect(),
        router: None,
        upstream: None,
        params: SessionParams::default(),
        blind_label: None,
        active: true,
    }
}

/// A finished answer with every figure known.
pub fn answer(column: u64, model: &str, text: &str) -> Answer {
    Answer {
        column,
        result: RunResult {
            model: model.to_string(),
            served_model: Some(model.to_string()),
            provider: Some("OpenAI".to_string()),
            via: Some("openrouter".to_string()),
            text: text.to_string(),
            finish_reason: Some("stop".to_string()),
            usage: Some(Usage {
                prompt_tokens: 12,
                completion_tokens: 40,
                total_tokens: 52,
                ..Usage::default()
            }),
            cost_usd: Some(Decimal::new(12, 5)),
            cost_source: Some(CostSource::Reported),
            ttft_ms: Some(420),
            total_ms: Some(1_650),
            tokens_per_s: Some(31.7),
            ..RunResult::default()
        },
        complete: true,
    }
}

/// Figures of an answer, for leaderboard tests.
pub fn timed(
    mut answer: Answer,
    ttft_ms: Option<u64>,
    tokens_per_s: Option<f64>,
    cost_usd: Option<Decimal>,
) -> Answer {
    answer.result.ttft_ms = ttft_ms;
    answer.result.tokens_per_s = tokens_per_s;
    answer.result.cost_usd = cost_usd;
    answer
}

pub fn failed(column: u64, model: &str) -> Answer {
    Answer {
        column,
        result: RunResult {
            model: model.to_string(),
            via: Some("openrouter".to_string()),
            error: Some(
                RouterError::new(ErrorKind::RateLimited, "rate limited by the provider")
                    .with_status(429),
            ),
            total_ms: Some(310),
            ..RunResult::default()
        },
        complete: true,
    }
}

pub fn vote(verdict: Verdict, blind: bool) -> Vote {
    Vote {
        verdict,
        blind,
        at_unix: CREATED_UNIX + 600,
        source: VoteSource::User,
        reason: None,
        shown_order: Vec::new(),
        judge_cost: None,
    }
}

/// Two columns, two turns: the first answered by both and voted, the
/// second with one answer failed.
pub fn sample() -> Session {
    let mut claude = column(
        2,
        "anthropic/claude-haiku-4.5",
        &[("openrouter", "anthropic/claude-haiku-4.5")],
    );
    claude.params.temperature = Some(0.2);
    let mut second = answer(2, "anthropic/claude-haiku-4.5", "Use `cargo test`.");
    second.result.provider = Some("Anthropic".into());
    second.result.cost_usd = Some(Decimal::new(3, 5));
    second.result.cost_source = Some(CostSource::Computed);
    second.result.ttft_ms = Some(980);
    Session {
        schema_version: SCHEMA_VERSION,
        id: "20261124-153012-4f2a".to_string(),
        name: None,
        created_at_unix: CREATED_UNIX,
        updated_at_unix: CREATED_UNIX + 708,
        blind: false,
        revealed: false,
        privacy: false,
        params: SessionParams {
            system: Some("You are a concise assistant.".into()),
            temperature: None,
            max_tokens: Some(512),
            provider: Default::default(),
        },
        columns: vec![
            column(1, "openai/gpt-4o", &[("openrouter", "openai/gpt-4o")]),
            claude,
        ],
        turns: vec![
            Turn {
                prompt: "How do I run the tests?\nBriefly.".to_string(),
                started_at_unix: CREATED_UNIX + 5,
                answers: vec![
                    answer(
                        1,
                        "openai/gpt-4o",
                        "Run:\n\n```sh\ncargo test\n```\n\nThat is **all**.",
                    ),
                    second,
                ],
                vote: Some(vote(Verdict::Best { column: 1 }, false)),
                judge_votes: Vec::new(),
            },
            Turn {
                prompt: "And the benchmarks?".to_string(),
                started_at_unix: CREATED_UNIX + 700,
                answers: vec![
                    answer(1, "openai/gpt-4o", "`cargo bench`, see benches/README.md."),
                    failed(2, "anthropic/claude-haiku-4.5"),
                ],
                vote: None,
                judge_votes: Vec::new(),
            },
        ],
    }
}

/// The sample as a blind session not yet revealed.
pub fn blind_sample() -> Session {
    let mut session = sample();
    session.id = "20261124-153012-b11d".to_string();
    session.blind = true;
    session.name = Some("Blind: test commands".to_string());
    for (column, label) in session.columns.iter_mut().zip(["Model A", "Model B"]) {
        column.blind_label = Some(label.to_string());
    }
    for turn in &mut session.turns {
        turn.vote = None;
    }
    session
}
