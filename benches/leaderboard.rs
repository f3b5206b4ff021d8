//! The leaderboard's cost: the Bradley-Terry fit and its 200 bootstrap
//! refits over a big history (12 models, 600 votes in one session). Run
//! with `cargo bench --bench leaderboard`.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use prism::router::events::RunResult;
use prism::router::{ModelRef, Target};
use prism::session::leaderboard::compute;
use prism::session::{Answer, Column, Session, SessionParams, Turn, Verdict, Vote, VoteFilter};

const MODELS: u64 = 12;
const VOTES: u64 = 600;

fn answer(column: u64) -> Answer {
    let mut result = RunResult::new(format!("m{column}"));
    result.text = "answer".into();
    Answer {
        column,
        result,
        complete: true,
    }
}

/// Pairs of the 12 models, each vote for one of the two, in one session.
fn history() -> Session {
    let mut session = Session::new("20261124-153012-4f2a".into(), 1_795_534_212);
    session.columns = (1..=MODELS)
        .map(|id| {
            let target = Target::single(
                format!("m{id}"),
                ModelRef::new("openrouter", format!("m{id}")),
            );
            Column {
                id,
                label: target.label,
                chain: target.chain,
                router: None,
                upstream: None,
                params: SessionParams::default(),
                blind_label: None,
                active: true,
            }
        })
        .collect();
    for k in 0..VOTES {
        let (i, j) = (k % MODELS + 1, (k * 7 + 1) % MODELS + 1);
        if i == j {
            continue;
        }
        let winner = if k % 3 == 0 { j } else { i.min(j) };
        session.turns.push(Turn {
            prompt: "q".into(),
            started_at_unix: 1_795_534_212,
            answers: vec![answer(i), answer(j)],
            vote: Some(Vote {
                verdict: Verdict::Best { column: winner },
                blind: false,
                at_unix: 1_795_534_212,
                source: Default::default(),
                reason: None,
                shown_order: vec![i, j],
                judge_cost: None,
            }),
            judge_votes: Vec::new(),
        });
    }
    session
}

fn leaderboard(c: &mut Criterion) {
    let sessions = [history()];
    assert_eq!(compute(&sessions, VoteFilter::All).rows.len(), 12);
    let mut group = c.benchmark_group("leaderboard");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("12_models_600_votes", |b| {
        b.iter(|| compute(black_box(&sessions), VoteFilter::All))
    });
    group.finish();
}

criterion_group!(benches, leaderboard);
criterion_main!(benches);
