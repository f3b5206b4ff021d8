use pretty_assertions::assert_eq;
use rust_decimal::Decimal;
use serde_json::json;

use super::*;
use crate::session::fixtures::{self, answer, column, failed, timed, vote};
use crate::session::types::{Turn, Vote};

/// A session with one column per model (all on OpenRouter), one turn per entry.
fn session(models: &[&str], turns: Vec<(Vec<crate::session::Answer>, Option<Vote>)>) -> Session {
    let mut session = fixtures::sample();
    session.columns = models
        .iter()
        .enumerate()
        .map(|(i, m)| column(i as u64 + 1, m, &[("openrouter", m)]))
        .collect();
    session.turns = turns
        .into_iter()
        .map(|(answers, vote)| Turn {
            prompt: "q".into(),
            started_at_unix: fixtures::CREATED_UNIX,
            answers,
            vote,
            judge_votes: Vec::new(),
        })
        .collect();
    session
}

/// A turn where columns 1 and 2 answered and `winner` (a column) was voted best.
fn duel(winner: u64, blind: bool) -> (Vec<crate::session::Answer>, Option<Vote>) {
    (
        vec![answer(1, "a", "x"), answer(2, "b", "y")],
        Some(vote(Verdict::Best { column: winner }, blind)),
    )
}

fn row<'a>(board: &'a Leaderboard, model: &str) -> &'a Row {
    board
        .rows
        .iter()
        .find(|r| r.model == model)
        .unwrap_or_else(|| panic!("no row for {model}"))
}

#[test]
fn three_to_one_matches_the_hand_computed_difference() {
    // See rating::tests::three_wins_to_one_by_hand for the arithmetic:
    // 800·log10(a) with a the real root of 3a³ + a² − 5a − 7 = 0.
    let turns = vec![duel(1, false), duel(1, false), duel(2, true), duel(1, true)];
    let board = compute(&[session(&["a", "b"], turns)], VoteFilter::All);
    assert_eq!(board.votes, 4);
    assert_eq!(board.rows[0].model, "a");
    let (a, b) = (&board.rows[0], &board.rows[1]);
    assert!((a.rating - b.rating - 164.838_538_056_771_34).abs() < 1e-6);
    assert!((a.rating - 1_082.419_269_028_385_7).abs() < 1e-6);
    assert_eq!((a.votes, a.wins, a.losses, a.ties), (4, 3, 1, 0));
    assert_eq!((b.votes, b.wins, b.losses, b.ties), (4, 1, 3, 0));
    assert!(a.rating_low <= a.rating && a.rating <= a.rating_high);
    assert!(
        a.rating_high - a.rating_low > 10.0,
        "an interval, not a point"
    );
}

#[test]
fn counts_are_per_turn_and_failures_take_no_part() {
    let turns = vec![
        // Three answered, c best: one vote each, a win for c, losses for a and b.
        (
            vec![answer(1, "a", ""), answer(2, "b", ""), answer(3, "c", "")],
            Some(vote(Verdict::Best { column: 3 }, false)),
        ),
        // b failed: a and c tie; b takes no part.
        (
            vec![answer(1, "a", ""), failed(2, "b"), answer(3, "c", "")],
            Some(vote(Verdict::AllBad, false)),
        ),
        // Only a answered well: one model, no comparison, not counted.
        (
            vec![answer(1, "a", ""), failed(2, "b")],
            Some(vote(Verdict::Tie, false)),
        ),
        // Not voted: figures only.
        (vec![answer(1, "a", ""), answer(2, "b", "")], None),
    ];
    let board = compute(&[session(&["a", "b", "c"], turns)], VoteFilter::All);
    assert_eq!(board.votes, 2);
    let counts = |m: &str| {
        let r = row(&board, m);
        (r.votes, r.wins, r.losses, r.ties, r.answers)
    };
    assert_eq!(counts("a"), (2, 0, 1, 1, 4));
    assert_eq!(counts("b"), (1, 0, 1, 0, 4));
    assert_eq!(counts("c"), (2, 1, 0, 1, 2));
    assert_eq!(board.rows[0].model, "c");
}

#[test]
fn ties_only_leave_everyone_at_1000() {
    let tie = || {
        (
            vec![answer(1, "a", ""), answer(2, "b", ""), answer(3, "c", "")],
            Some(vote(Verdict::Tie, false)),
        )
    };
    let board = compute(
        &[session(&["a", "b", "c"], vec![tie(), tie()])],
        VoteFilter::All,
    );
    for row in &board.rows {
        assert!((row.rating - 1000.0).abs() < 1e-9, "{row:?}");
        assert_eq!(row.ties, 2);
    }
}

#[test]
fn filters_separate_blind_and_sighted_votes() {
    let turns = vec![duel(1, true), duel(1, true), duel(2, false)];
    let sessions = [session(&["a", "b"], turns)];
    let blind = compute(&sessions, VoteFilter::Blind);
    assert_eq!(blind.votes, 2);
    assert_eq!(blind.filter, VoteFilter::Blind);
    assert_eq!(row(&blind, "a").wins, 2);
    assert_eq!(blind.rows[0].model, "a");
    let sighted = compute(&sessions, VoteFilter::Sighted);
    assert_eq!(sighted.votes, 1);
    assert_eq!(sighted.rows[0].model, "b");
    assert_eq!(row(&sighted, "b").answers, 3, "figures ignore the filter");
    assert_eq!(compute(&sessions, VoteFilter::All).votes, 3);
}

#[test]
fn no_votes_no_rows() {
    let board = compute(
        &[session(&["a", "b"], vec![(vec![answer(1, "a", "")], None)])],
        VoteFilter::All,
    );
    assert_eq!(board.votes, 0);
    assert!(board.rows.is_empty());
    assert_eq!(compute(&[], VoteFilter::All).rows, Vec::new());
}

#[test]
fn figures_are_means_and_medians_over_every_answer() {
    let cost = |micro: i64| Some(Decimal::new(micro, 6));
    let turns = vec![
        (
            vec![
                timed(answer(1, "a", ""), Some(100), Some(10.0), cost(10)),
                timed(answer(2, "b", ""), None, None, None),
            ],
            Some(vote(Verdict::Tie, false)),
        ),
        (
            vec![timed(answer(1, "a", ""), Some(300), Some(30.0), cost(20))],
            None,
        ),
        (
            vec![timed(answer(1, "a", "no price"), Some(250), None, None)],
            None,
        ),
        (
            vec![timed(answer(1, "a", ""), Some(400), Some(20.0), cost(60))],
            None,
        ),
    ];
    let board = compute(&[session(&["a", "b"], turns)], VoteFilter::All);
    let a = row(&board, "a");
    assert_eq!(a.answers, 4);
    assert_eq!(a.avg_cost_usd, Some(rust_decimal::Decimal::new(3, 5)));
    // The answer without a known cost is left out of the mean, and counted.
    assert_eq!(a.unpriced_answers, 1);
    assert_eq!(a.median_ttft_ms, Some(275), "(250 + 300) / 2");
    assert_eq!(a.median_tokens_per_s, Some(20.0));
    let b = row(&board, "b");
    assert_eq!(
        (b.avg_cost_usd, b.median_ttft_ms, b.median_tokens_per_s),
        (None, None, None)
    );
    assert_eq!(median(&[3.0, 1.0]), Some(2.0));
    assert_eq!(median_ms(&[5, 1, 3]), Some(3));
}

#[test]
fn models_are_named_as_the_user_writes_them() {
    let single = column(1, "x", &[("openrouter", "openai/gpt-4o")]);
    let local = column(2, "x", &[("ollama", "llama3.2:3b")]);
    let chain = column(
        3,
        "openai/gpt-4o,ollama:qwen3",
        &[("openrouter", "openai/gpt-4o"), ("ollama", "qwen3")],
    );
    let mut served = answer(3, "chain", "");
    let mut name = |column: &Column, served_model: Option<&str>| {
        served.result.served_model = served_model.map(str::to_string);
        model_name(Some(column), &served)
    };
    assert_eq!(
        name(&single, Some("openai/gpt-4o-2024-08-06")),
        "openai/gpt-4o"
    );
    assert_eq!(name(&local, None), "ollama:llama3.2:3b");
    assert_eq!(name(&chain, Some("qwen3")), "ollama:qwen3");
    assert_eq!(
        name(&chain, Some("openai/gpt-4o-2024-08-06")),
        "openai/gpt-4o"
    );
    // Not in the chain: the served id under the provider it went through.
    assert_eq!(
        name(&chain, Some("openai/gpt-4o-mini")),
        "openai/gpt-4o-mini"
    );
    assert_eq!(name(&chain, None), "openai/gpt-4o,ollama:qwen3");
    assert_eq!(model_name(None, &served), "chain");
}

#[test]
fn the_same_model_in_two_columns_counts_once() {
    let mut s = session(
        &["a", "b"],
        vec![(
            vec![answer(1, "a", ""), answer(2, "b", ""), answer(3, "a", "")],
            Some(vote(Verdict::Best { column: 3 }, false)),
        )],
    );
    s.columns.push(column(3, "a", &[("openrouter", "a")]));
    let board = compute(&[s], VoteFilter::All);
    assert_eq!((row(&board, "a").votes, row(&board, "a").wins), (1, 1));
    assert_eq!(row(&board, "b").losses, 1);
}

#[test]
fn json_shape() {
    let board = compute(
        &[session(&["a", "b"], vec![duel(1, false)])],
        VoteFilter::Sighted,
    );
    let value = serde_json::to_value(&board).expect("serializes");
    assert_eq!(value["filter"], json!("sighted"));
    assert_eq!(value["votes"], json!(1));
    assert_eq!(value["method"], json!(METHOD));
    let first = value["rows"][0].as_object().expect("row object");
    let keys: Vec<&str> = first.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec![
            "answers",
            "avg_cost_usd",
            "losses",
            "median_tokens_per_s",
            "median_ttft_ms",
            "model",
            "rating",
            "rating_high",
            "rating_low",
            "ties",
            "unpriced_answers",
            "votes",
            "wins"
        ]
    );
    assert_eq!(first["model"], json!("a"));
}

/// A big history ranks every model (its speed is a benchmark's business,
/// not a test's: `cargo bench --bench leaderboard`).
#[test]
fn a_big_history_ranks_every_model() {
    // 12 models, 600 votes: the fit and 200 bootstrap refits.
    let models: Vec<String> = (0..12).map(|i| format!("m{i}")).collect();
    let names: Vec<&str> = models.iter().map(String::as_str).collect();
    let mut turns = Vec::new();
    for k in 0..600u64 {
        let (i, j) = (k % 12, (k * 7 + 1) % 12);
        if i == j {
            continue;
        }
        let winner = if (k % 3) == 0 { j } else { i.min(j) };
        turns.push((
            vec![answer(i + 1, "", ""), answer(j + 1, "", "")],
            Some(vote(Verdict::Best { column: winner + 1 }, false)),
        ));
    }
    let board = compute(&[session(&names, turns)], VoteFilter::All);
    assert_eq!(board.rows.len(), 12);
    assert!(
        board
            .rows
            .iter()
            .all(|r| r.rating_low <= r.rating && r.rating <= r.rating_high)
    );
}

#[test]
fn old_votes_read_as_yours_and_sources_stay_apart() {
    // A vote written before judges existed has no source: it is yours.
    let old: Vote =
        serde_json::from_value(json!({"verdict": {"kind": "tie"}, "blind": false, "at_unix": 1}))
            .expect("an old vote reads");
    assert_eq!(old.source, crate::session::VoteSource::User);
    let judge = |best: u64| Vote {
        source: crate::session::VoteSource::Judge {
            model: "openai/gpt-4o".into(),
        },
        reason: Some("clearer".into()),
        ..vote(Verdict::Best { column: best }, false)
    };
    let mut s = session(&["x/a", "y/b"], vec![duel(1, false), duel(1, false)]);
    s.turns[0].judge_votes.push(judge(2));
    s.turns[1].judge_votes.push(judge(1));
    let sessions = [s];
    let mine = compute_with(&sessions, VoteFilter::All, Source::Me);
    assert_eq!((mine.votes, mine.user_votes, mine.judge_votes), (2, 2, 0));
    assert_eq!(row(&mine, "x/a").wins, 2);
    let theirs = compute_with(&sessions, VoteFilter::All, Source::Judge);
    assert_eq!(
        (theirs.votes, theirs.user_votes, theirs.judge_votes),
        (2, 0, 2)
    );
    assert_eq!((row(&theirs, "x/a").wins, row(&theirs, "y/b").wins), (1, 1));
    let both = compute_with(&sessions, VoteFilter::All, Source::Both);
    assert_eq!((both.votes, row(&both, "x/a").wins), (4, 3));
    assert_eq!(
        mine.agreement,
        vec![JudgeAgreement {
            judge: "openai/gpt-4o".into(),
            turns: 2,
            agreed: 1,
            rate: 0.5
        }]
    );
    // What the workbench shows is still your votes alone.
    assert_eq!(compute(&sessions, VoteFilter::All), mine);
}

#[test]
fn an_average_over_some_answers_says_how_many_were_left_out() {
    let board = compute(&[], VoteFilter::All);
    assert!(board.rows.is_empty());
    let row = |avg: Option<Decimal>, unpriced: usize| Row {
        model: "m".into(),
        votes: 1,
        wins: 1,
        losses: 0,
        ties: 0,
        rating: 1000.0,
        rating_low: 900.0,
        rating_high: 1100.0,
        answers: 3,
        avg_cost_usd: avg,
        unpriced_answers: unpriced,
        median_ttft_ms: None,
        median_tokens_per_s: None,
    };
    assert_eq!(row(Some(Decimal::new(12, 4)), 0).avg_cost_text(), "$0.0012");
    assert_eq!(
        row(Some(Decimal::new(12, 4)), 2).avg_cost_text(),
        "$0.0012 (2 unpriced)"
    );
    assert_eq!(row(None, 3).avg_cost_text(), "unknown (3 unpriced)");
    assert_eq!(row(None, 0).avg_cost_text(), "-");
}
