//! Snapshots of the judge's overlay (blind: no model named), the agreement
//! view and the leaderboard showing judge verdicts with their agreement.

use std::time::Instant;

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use rust_decimal::Decimal;

use super::tests::frame;
use crate::eval::judge::pairwise::Comparison;
use crate::eval::judge::reply::Pick;
use crate::session::{Verdict, VoteSource};
use crate::tui::judge::column_key;
use crate::tui::msg::{Effect, Msg};
use crate::tui::state::{AppState, LeaderboardView};
use crate::tui::update::tests::{ctrl, finished, key, ok_result, send, state_with, update};

fn answered(models: &[&str], texts: &[&str], size: (u16, u16)) -> AppState {
    let mut state = state_with(models, size);
    let runs = send(&mut state, "What is the capital of France?");
    for ((pane, run), (model, text)) in runs.iter().zip(models.iter().zip(texts)) {
        update(
            &mut state,
            finished(*pane, *run, ok_result(model, text, None), Instant::now()),
        );
    }
    state
}

fn call(first: u64, second: u64, pick: Pick, reason: &str) -> Comparison {
    Comparison {
        case_id: String::new(),
        repeat_index: 0,
        first: column_key(first),
        first_chars: 6,
        second: column_key(second),
        second_chars: 6,
        judge: "openai/gpt-4o-mini".into(),
        pick: Some(pick),
        reason: Some(reason.into()),
        error: None,
        cost_usd: Some(Decimal::new(3, 5)),
        total_ms: Some(250),
    }
}

/// Asks the judge on the latest turn and hands back its calls.
fn judged(state: &mut AppState, calls: Vec<Comparison>) {
    let effects = update(state, key(KeyCode::F(4)));
    let ask = effects
        .iter()
        .find_map(|e| match e {
            Effect::AskJudge(ask) => Some(ask.ask),
            _ => None,
        })
        .expect("asked");
    update(
        state,
        Msg::Judged {
            ask,
            comparisons: calls,
        },
    );
}

#[test]
fn judge_verdict_in_a_blind_session() {
    let mut state = state_with(
        &["meta/llama-3", "anthropic/claude-sonnet-4.5", "x/y"],
        (110, 34),
    );
    update(&mut state, ctrl('b'));
    let runs = send(&mut state, "What is the capital of France?");
    for ((pane, run), text) in runs.iter().zip(["Paris.", "Lyon.", "Paris!"]) {
        update(
            &mut state,
            finished(*pane, *run, ok_result("m", text, None), Instant::now()),
        );
    }
    judged(
        &mut state,
        vec![
            call(0, 1, Pick::First, "A names the right city"),
            call(1, 0, Pick::Second, "B names the right city"),
            call(0, 2, Pick::First, "A is shorter"),
            call(2, 0, Pick::First, "A is more emphatic"),
            call(1, 2, Pick::Second, "B names the right city"),
            call(2, 1, Pick::First, "A names the right city"),
        ],
    );
    let screen = frame(&state);
    for name in ["llama", "claude", "x/y"] {
        assert!(
            !screen.contains(name),
            "{name} shown while blind:\n{screen}"
        );
    }
    assert_snapshot!(screen);
}

#[test]
fn judge_asking() {
    let mut state = answered(
        &["openai/gpt-4o", "openai/gpt-4o-mini"],
        &["Paris.", "Lyon."],
        (80, 24),
    );
    update(&mut state, key(KeyCode::F(4)));
    assert_snapshot!(frame(&state));
}

#[test]
fn agreement_of_a_turn() {
    let mut state = answered(
        &[
            "openai/gpt-4o",
            "openai/gpt-4o-mini",
            "anthropic/claude-sonnet-4.5",
        ],
        &[
            "The capital of France is Paris.",
            "The capital of France is Paris!",
            "France's capital is Lyon, on the Rhône.",
        ],
        (100, 24),
    );
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('A')));
    assert_snapshot!(frame(&state));
}

#[test]
fn leaderboard_of_judge_verdicts() {
    let mut state = state_with(&["openai/gpt-4o"], (140, 20));
    update(&mut state, ctrl('l'));
    let mut session = crate::session::fixtures::sample();
    let mut judge_vote = crate::session::fixtures::vote(Verdict::Best { column: 2 }, false);
    judge_vote.source = VoteSource::Judge {
        model: "openai/gpt-4o".into(),
    };
    session.turns[0].judge_votes.push(judge_vote);
    update(
        &mut state,
        Msg::LeaderboardLoaded {
            boards: LeaderboardView::compute_boards(&[session]),
            problems: vec![],
        },
    );
    update(&mut state, key(KeyCode::Char('s')));
    assert_snapshot!(frame(&state));
}

#[test]
fn long_rubric_and_reasons_wrap_at_80_columns() {
    let mut state = answered(
        &["openai/gpt-4o", "openai/gpt-4o-mini"],
        &["Paris.", "Lyon."],
        (80, 24),
    );
    let mut config = (*state.settings.config).clone();
    config.file.judge.rubric = Some(
        "Which answer is correct first, then complete, then clear and concise, and says where its facts come from when the question asks for a source?".into(),
    );
    state.settings.config = std::sync::Arc::new(config);
    judged(
        &mut state,
        vec![
            call(
                0,
                1,
                Pick::First,
                "A names Paris, the capital of France since the tenth century, while B names Lyon, which is the third largest city",
            ),
            call(
                1,
                0,
                Pick::Second,
                "B names the right city and A does not; the rest of both answers is equally short",
            ),
        ],
    );
    let screen = frame(&state);
    assert!(screen.contains("third largest city"), "{screen}");
    assert!(screen.contains("question asks for a source?"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn agreement_grouped_by_a_judge_at_80_columns() {
    use crate::eval::judge::grouping::JudgeGroups;
    use crate::eval::judge::runner::Grouped;
    let mut state = crate::tui::update::tests_agreement::answered_with_judge(
        Some("openai/gpt-4o"),
        &["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5", "x/y"],
        &[
            "Paris.",
            "The capital of France is Paris, a city of two million people.",
            "Lyon.",
        ],
        (80, 24),
    );
    let effects = update(&mut state, key(KeyCode::Char('A')));
    let ask = effects
        .iter()
        .find_map(|e| match e {
            Effect::AskGrouping(ask) => Some(ask.ask),
            _ => None,
        })
        .expect("asked");
    update(
        &mut state,
        Msg::Grouped {
            ask,
            grouped: Grouped {
                groups: Ok(JudgeGroups {
                    groups: vec![vec![0, 1], vec![2]],
                    reason: "Answers 1 and 2 both name Paris as the capital; answer 3 names Lyon, which is not the capital".into(),
                }),
                cost_usd: Some(Decimal::new(21, 5)),
                total_ms: Some(400),
            },
        },
    );
    let screen = frame(&state);
    assert!(screen.contains("which is not the capital"), "{screen}");
    assert_snapshot!(screen);
}
