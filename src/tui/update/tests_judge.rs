//! Reducer tests of the judge key, the agreement view and the leaderboard's
//! sources: what is asked, what is recorded (as the judge's, never yours),
//! what stays hidden in a blind session, and stale answers dropped.

use std::time::Instant;

use crossterm::event::KeyCode;
use pretty_assertions::assert_eq;

use super::tests::{finished, key, ok_result, send, state_with, update};
use super::tests_sessions::saved;
use super::*;
use crate::eval::judge::pairwise::Comparison;
use crate::eval::judge::reply::Pick;
use crate::session::{Verdict, VoteSource};
use crate::tui::judge::{JudgeAsk, column_key};
use crate::tui::msg::{Effect, Msg};
use crate::tui::state::Overlay;

/// A workbench whose latest turn has these answers, all finished.
fn answered(models: &[&str], texts: &[&str]) -> AppState {
    let mut state = state_with(models, (120, 40));
    let runs = send(&mut state, "What is the capital of France?");
    for ((pane, run), (model, text)) in runs.iter().zip(models.iter().zip(texts)) {
        update(
            &mut state,
            finished(*pane, *run, ok_result(model, text, None), Instant::now()),
        );
    }
    state
}

fn asks(effects: &[Effect]) -> Vec<JudgeAsk> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::AskJudge(ask) => Some((**ask).clone()),
            _ => None,
        })
        .collect()
}

/// The judge's reply to one call, showing `first` then `second`.
fn call(first: u64, second: u64, pick: Pick, reason: &str) -> Comparison {
    Comparison {
        case_id: String::new(),
        repeat_index: 0,
        first: column_key(first),
        first_chars: 5,
        second: column_key(second),
        second_chars: 5,
        judge: "openai/gpt-4o-mini".into(),
        pick: Some(pick),
        reason: Some(reason.into()),
        error: None,
        cost_usd: Some(rust_decimal::Decimal::new(2, 5)),
        total_ms: Some(300),
    }
}

fn overlay_lines(state: &AppState) -> Vec<String> {
    match &state.ui.overlay {
        Some(Overlay::Judge(view) | Overlay::Details(view)) => view.lines.clone(),
        other => panic!("no text overlay: {other:?}; notice {:?}", state.ui.notice),
    }
}

#[test]
fn the_judge_key_asks_both_orders_and_records_a_judge_vote_apart_from_yours() {
    let mut state = answered(&["a/model", "b/model"], &["Paris.", "Lyon."]);
    // Your own vote first: the judge's must not replace it.
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('v')));
    update(&mut state, key(KeyCode::Char('1')));
    let effects = update(&mut state, key(KeyCode::Char('J')));
    let asked = asks(&effects);
    assert_eq!(asked.len(), 1);
    let ask = &asked[0];
    assert_eq!(ask.judge.label, "openai/gpt-4o-mini", "the default judge");
    assert_eq!(ask.question, "What is the capital of France?");
    assert_eq!(
        ask.answers,
        vec![(0, "Paris.".to_string()), (1, "Lyon.".to_string())]
    );
    assert_eq!(ask.calls(), 2);
    assert!(overlay_lines(&state).contains(&"asking the judge…".to_string()));
    // Pressing it again while it is out asks nothing more.
    update(&mut state, key(KeyCode::Esc));
    assert!(asks(&update(&mut state, key(KeyCode::F(4)))).is_empty());
    assert!(overlay_lines(&state).contains(&"asking the judge…".to_string()));

    let comparisons = vec![
        call(0, 1, Pick::First, "Paris is right"),
        call(1, 0, Pick::Second, "Paris is right"),
    ];
    state.ui.dirty = false;
    let effects = update(
        &mut state,
        Msg::Judged {
            ask: ask.ask,
            comparisons,
        },
    );
    assert!(state.ui.dirty, "the verdict is drawn");
    let session = saved(&effects).pop().expect("the verdict is saved");
    let turn = &session.turns[0];
    assert_eq!(
        turn.vote.as_ref().map(|v| (&v.verdict, &v.source)),
        Some((&Verdict::Best { column: 0 }, &VoteSource::User)),
        "your vote stays yours"
    );
    assert_eq!(turn.judge_votes.len(), 1);
    let judged = &turn.judge_votes[0];
    assert_eq!(judged.verdict, Verdict::Best { column: 0 });
    assert_eq!(
        judged.source,
        VoteSource::Judge {
            model: "openai/gpt-4o-mini".into()
        }
    );
    assert_eq!(judged.reason.as_deref(), Some("Paris is right"));
    assert_eq!(
        judged.judge_cost,
        Some(crate::session::JudgeCost {
            calls: 2,
            usd: Some(rust_decimal::Decimal::new(4, 5)),
            unpriced_calls: 0,
        }),
        "the calls' cost is kept with the verdict"
    );
    let lines = overlay_lines(&state);
    assert!(
        lines.contains(
            &"best\ta/model (pane 1) (beat every other answer in both orders)".to_string()
        ),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"judge's cost\t$0.00004".to_string()),
        "{lines:#?}"
    );

    // Shown again without asking again; an older ask's reply is dropped.
    update(&mut state, key(KeyCode::Esc));
    assert!(asks(&update(&mut state, key(KeyCode::Char('J')))).is_empty());
    let effects = update(
        &mut state,
        Msg::Judged {
            ask: ask.ask + 7,
            comparisons: vec![],
        },
    );
    assert!(effects.is_empty());
    assert_eq!(state.record.session.turns[0].judge_votes.len(), 1);
}

#[test]
fn in_a_blind_session_the_judge_names_no_model_and_reveals_nothing() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    update(&mut state, super::tests::ctrl('b'));
    let runs = send(&mut state, "Q");
    for (pane, run) in &runs {
        update(
            &mut state,
            finished(
                *pane,
                *run,
                ok_result("m", "same answer", None),
                Instant::now(),
            ),
        );
    }
    let effects = update(&mut state, key(KeyCode::F(4)));
    let ask = asks(&effects).pop().expect("asked");
    update(
        &mut state,
        Msg::Judged {
            ask: ask.ask,
            comparisons: vec![
                call(0, 1, Pick::First, "a/model is better"),
                call(1, 0, Pick::First, "b/model is better"),
            ],
        },
    );
    assert!(state.hidden(), "the judge's verdict reveals nothing");
    let turn = &state.record.session.turns[0];
    assert!(turn.vote.is_none());
    assert_eq!(turn.judge_votes[0].verdict, Verdict::Tie);
    assert!(turn.judge_votes[0].blind);
    let lines = overlay_lines(&state);
    let names = lines.join("\n");
    // The judge's own words are its own; no name of ours is added.
    let ours: Vec<&String> = lines
        .iter()
        .filter(|l| !l.contains("is better"))
        .filter(|l| l.contains("a/model") || l.contains("b/model"))
        .collect();
    assert!(ours.is_empty(), "{names}");
    assert!(
        names.contains("Model A") && names.contains("Model B"),
        "{names}"
    );
    assert!(
        names.contains("names stay hidden until you vote"),
        "{names}"
    );
    // v in the overlay is your own vote, which reveals.
    update(&mut state, key(KeyCode::Char('v')));
    assert!(matches!(state.ui.overlay, Some(Overlay::Vote)));
    update(&mut state, key(KeyCode::Char('2')));
    assert!(!state.hidden());
}

#[test]
fn a_retried_answer_is_judged_again_and_bad_judges_are_refused() {
    let mut state = answered(&["a/model", "b/model"], &["Paris.", "Lyon."]);
    let first = asks(&update(&mut state, key(KeyCode::F(4))))
        .pop()
        .expect("asked");
    update(&mut state, key(KeyCode::Esc));
    // Pane 2 answers again: the judgement no longer fits the turn.
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Tab));
    let retried = super::tests::runs_of(&update(&mut state, key(KeyCode::Char('r'))));
    let (pane, run) = retried[0];
    update(
        &mut state,
        finished(
            pane,
            run,
            ok_result("b/model", "Paris, of course.", None),
            Instant::now(),
        ),
    );
    let again = asks(&update(&mut state, key(KeyCode::F(4))))
        .pop()
        .expect("asked again");
    assert_ne!(again.ask, first.ask);
    assert_eq!(again.answers[1].1, "Paris, of course.");

    // A router cannot judge: one line says so.
    let mut file = state.settings.config.file.clone();
    file.judge.model = Some("router:cheap".into());
    let config = crate::config::Config {
        file,
        source: None,
        paths: crate::config::Paths::resolve(|_| None),
    };
    state.settings.config = std::sync::Arc::new(config);
    state.ui.judgement = None;
    update(&mut state, key(KeyCode::Esc));
    assert!(asks(&update(&mut state, key(KeyCode::F(4)))).is_empty());
    let notice = state.ui.notice.clone().expect("a notice");
    assert!(notice.text.contains("router:cheap"), "{notice:?}");
}

#[test]
fn one_answer_or_none_is_nothing_to_judge() {
    let mut state = state_with(&["a/model", "b/model"], (120, 40));
    assert!(asks(&update(&mut state, key(KeyCode::F(4)))).is_empty());
    assert!(state.ui.overlay.is_none());
    let mut state = answered(&["a/model", "b/model"], &["Paris.", ""]);
    assert!(asks(&update(&mut state, key(KeyCode::F(4)))).is_empty());
    let notice = state.ui.notice.clone().expect("a notice");
    assert!(notice.text.contains("the latest turn has 1"), "{notice:?}");
}

#[test]
fn the_agreement_view_groups_answers_and_marks_the_odd_one_out() {
    let mut state = answered(
        &["a/model", "b/model", "c/model"],
        &[
            "The capital of France is Paris.",
            "The capital of France is Lyon, on the Rhône.",
            "the capital of france is paris",
        ],
    );
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Char('A')));
    let lines = overlay_lines(&state);
    assert_eq!(lines[0], "answers\t3 (2 distinct)");
    assert!(
        lines.contains(&"answer 1 ×2\t1 a/model, 3 c/model".to_string()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"answer 2\t2 b/model  ← the odd one out".to_string()),
        "{lines:#?}"
    );
}

#[test]
fn the_leaderboard_cycles_through_whose_votes_count() {
    let mut state = state_with(&["a/model"], (120, 30));
    update(&mut state, super::tests::ctrl('l'));
    let mut session = crate::session::fixtures::sample();
    let mut judge_vote = crate::session::fixtures::vote(Verdict::Tie, false);
    judge_vote.source = VoteSource::Judge {
        model: "openai/gpt-4o".into(),
    };
    session.turns[0].judge_votes.push(judge_vote);
    let boards = crate::tui::state::LeaderboardView::compute_boards(&[session]);
    assert_eq!(boards.len(), 9);
    update(
        &mut state,
        Msg::LeaderboardLoaded {
            boards,
            problems: vec![],
        },
    );
    let source = |state: &AppState| match &state.ui.overlay {
        Some(Overlay::Leaderboard(view)) => view.board().map(|b| b.source),
        other => panic!("{other:?}"),
    };
    use crate::session::leaderboard::Source;
    assert_eq!(source(&state), Some(Source::Me));
    update(&mut state, key(KeyCode::Char('s')));
    assert_eq!(source(&state), Some(Source::Judge));
    update(&mut state, key(KeyCode::Char('s')));
    assert_eq!(source(&state), Some(Source::Both));
    update(&mut state, key(KeyCode::Char('s')));
    assert_eq!(source(&state), Some(Source::Me));
}

#[test]
fn a_reopened_turn_shows_its_saved_verdict_and_cost_and_r_asks_again() {
    let mut state = answered(&["a/model", "b/model"], &["Paris.", "Lyon."]);
    update(&mut state, key(KeyCode::Tab));
    let ask = asks(&update(&mut state, key(KeyCode::Char('J'))))[0].ask;
    let mut comparisons = vec![
        call(0, 1, Pick::First, "Paris is right"),
        call(1, 0, Pick::Second, "Paris is right"),
    ];
    comparisons[1].cost_usd = None;
    update(&mut state, Msg::Judged { ask, comparisons });
    update(&mut state, key(KeyCode::Esc));
    // As after reopening the session: the verdict is on the turn only.
    state.ui.judgement = None;
    let effects = update(&mut state, key(KeyCode::Char('J')));
    assert!(
        asks(&effects).is_empty(),
        "a saved verdict is not paid for again"
    );
    let Some(Overlay::Judge(view)) = &state.ui.overlay else {
        panic!("no judge overlay: {:?}", state.ui.overlay);
    };
    assert!(view.title.ends_with("· saved"), "{}", view.title);
    let lines = overlay_lines(&state);
    for line in [
        "judge's cost\t$0.00002+ (1 unknown), 2 calls",
        "best\ta/model (pane 1)",
        "why\tParis is right",
    ] {
        assert!(lines.contains(&line.to_string()), "{line}: {lines:#?}");
    }
    // r asks again; the new verdict replaces the saved one.
    let asked = asks(&update(&mut state, key(KeyCode::Char('r'))));
    assert_eq!(asked.len(), 1);
    assert!(overlay_lines(&state).contains(&"asking the judge…".to_string()));

    // A vote saved before costs were kept says so.
    update(&mut state, key(KeyCode::Esc));
    state.ui.judgement = None;
    state.record.session.turns[0].judge_votes[0].judge_cost = None;
    update(&mut state, key(KeyCode::Char('J')));
    assert!(
        overlay_lines(&state)
            .contains(&"judge's cost\tnot recorded (saved before prism kept it)".to_string())
    );
}
