//! Reducer tests of the agreement view with a judge configured: what is
//! asked (once per turn and set of answers, the answers unnamed), how the
//! judge's grouping replaces text similarity, and how a judge error falls
//! back to text similarity, labelled, with the judge's cost apart.

use std::sync::Arc;
use std::time::Instant;

use crossterm::event::KeyCode;
use pretty_assertions::assert_eq;
use rust_decimal::Decimal;

use super::tests::{finished, key, ok_result, send, state_with, update};
use super::*;
use crate::eval::judge::grouping::JudgeGroups;
use crate::eval::judge::runner::Grouped;
use crate::tui::judge::GroupingAsk;
use crate::tui::msg::{Effect, Msg};
use crate::tui::state::Overlay;

/// A workbench with `[judge] model` set (or not) whose latest turn has
/// these answers, all finished.
pub(crate) fn answered_with_judge(
    judge: Option<&str>,
    models: &[&str],
    texts: &[&str],
    size: (u16, u16),
) -> AppState {
    let mut state = state_with(models, size);
    let mut config = (*state.settings.config).clone();
    config.file.judge.model = judge.map(str::to_string);
    state.settings.config = Arc::new(config);
    let runs = send(&mut state, "What is the capital of France?");
    for ((pane, run), (model, text)) in runs.iter().zip(models.iter().zip(texts)) {
        update(
            &mut state,
            finished(*pane, *run, ok_result(model, text, None), Instant::now()),
        );
    }
    update(&mut state, key(KeyCode::Tab));
    state
}

fn grouping_asks(effects: &[Effect]) -> Vec<GroupingAsk> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::AskGrouping(ask) => Some((**ask).clone()),
            _ => None,
        })
        .collect()
}

fn lines(state: &AppState) -> Vec<String> {
    match &state.ui.overlay {
        Some(Overlay::Details(view)) => view.lines.clone(),
        other => panic!("no agreement view: {other:?}"),
    }
}

const TEXTS: [&str; 3] = [
    "Paris.",
    "The capital of France is Paris, a city of two million people.",
    "Lyon.",
];

#[test]
fn a_configured_judge_groups_the_answers_once_and_its_grouping_is_labelled() {
    let mut state = answered_with_judge(
        Some("openai/gpt-4o"),
        &["a/model", "b/model", "c/model"],
        &TEXTS,
        (120, 40),
    );
    let asked = grouping_asks(&update(&mut state, key(KeyCode::Char('A'))));
    assert_eq!(asked.len(), 1);
    let ask = &asked[0];
    assert_eq!(ask.judge.label, "openai/gpt-4o");
    assert_eq!(
        ask.answers.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    // While it is asked, text similarity groups them and says so.
    let asking = lines(&state);
    assert_eq!(asking[0], "answers\t3 (3 distinct)");
    assert!(
        asking.contains(&"judge\tasking openai/gpt-4o to group them…".to_string()),
        "{asking:#?}"
    );
    // Pressing A again while it is out asks nothing more.
    update(&mut state, key(KeyCode::Esc));
    assert!(grouping_asks(&update(&mut state, key(KeyCode::Char('A')))).is_empty());

    update(
        &mut state,
        Msg::Grouped {
            ask: ask.ask,
            grouped: Grouped {
                groups: Ok(JudgeGroups {
                    groups: vec![vec![0, 1], vec![2]],
                    reason: "1 and 2 both say Paris".into(),
                }),
                cost_usd: Some(Decimal::new(21, 5)),
                total_ms: Some(400),
            },
        },
    );
    let judged = lines(&state);
    assert_eq!(judged[0], "answers\t3 (2 distinct)");
    for line in [
        "method\tgrouped by judge openai/gpt-4o (a model's reading, not yours; it saw the answers numbered, not named)",
        "why\t1 and 2 both say Paris",
        "judge's cost\t$0.00021 (apart from the answers')",
        "answer 1 ×2\t1 a/model, 2 b/model",
        "answer 2\t3 c/model  ← the odd one out",
    ] {
        assert!(judged.contains(&line.to_string()), "{line}: {judged:#?}");
    }
    // Shown again without asking again; an older ask's reply is dropped.
    update(&mut state, key(KeyCode::Esc));
    assert!(grouping_asks(&update(&mut state, key(KeyCode::Char('A')))).is_empty());
    assert_eq!(lines(&state), judged);
    update(
        &mut state,
        Msg::Grouped {
            ask: ask.ask + 5,
            grouped: Grouped {
                groups: Err("late".into()),
                cost_usd: None,
                total_ms: None,
            },
        },
    );
    assert_eq!(lines(&state), judged);
}

#[test]
fn a_judge_error_falls_back_to_text_similarity_and_is_asked_again() {
    let mut state = answered_with_judge(
        Some("openai/gpt-4o"),
        &["a/model", "b/model", "c/model"],
        &TEXTS,
        (120, 40),
    );
    let ask = grouping_asks(&update(&mut state, key(KeyCode::Char('A'))))[0].ask;
    update(
        &mut state,
        Msg::Grouped {
            ask,
            grouped: Grouped {
                groups: Err("the judge's answer number 7 is not one of 1 to 3".into()),
                cost_usd: None,
                total_ms: Some(100),
            },
        },
    );
    let fallback = lines(&state);
    assert_eq!(fallback[0], "answers\t3 (3 distinct)");
    for line in [
        "judge error\topenai/gpt-4o gave no usable grouping: the judge's answer number 7 is not one of 1 to 3",
        "judge's cost\tunknown (apart from the answers')",
    ] {
        assert!(
            fallback.contains(&line.to_string()),
            "{line}: {fallback:#?}"
        );
    }
    assert!(fallback[1].starts_with("method\tnormalised text similarity"));
    // A judge that failed is asked again.
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(
        grouping_asks(&update(&mut state, key(KeyCode::Char('A')))).len(),
        1
    );
}

#[test]
fn without_a_configured_judge_nothing_is_asked() {
    let mut state = answered_with_judge(None, &["a/model", "b/model"], &TEXTS[..2], (120, 40));
    assert!(grouping_asks(&update(&mut state, key(KeyCode::Char('A')))).is_empty());
    let view = lines(&state);
    assert!(view[1].starts_with("method\tnormalised text similarity"));
    assert_eq!(
        view.last().map(String::as_str),
        Some("Set [judge] model in the config file to have a judge group them.")
    );
}
