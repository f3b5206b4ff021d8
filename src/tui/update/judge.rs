//! The judge key: asks the configured judge (`[judge] model`) to compare the
//! latest turn's answers, once per turn and set of answers (pressing it
//! again shows the same verdict); when the verdict arrives it is recorded
//! as the judge's vote on the turn, never as yours, and never reveals a
//! blind session's names.

use crate::sanitize::one_line;
use crate::session::{JudgeCost, Verdict, Vote, VoteSource};
use crate::tui::judge::{self, JudgeAsk, Judgement};
use crate::tui::msg::Effect;
use crate::tui::scroll::ScrollView;
use crate::tui::state::{AppState, NoticeLevel, Overlay, PaneId, TextView};

use super::{notify, overlays, panes, record};

/// The judge key: ask about the latest turn, or show what was asked (in
/// this run, or saved on the turn by an earlier one); `again` asks anew.
pub fn ask(state: &mut AppState, effects: &mut Vec<Effect>, again: bool) {
    let session = &state.record.session;
    let Some(turn_index) = session.turns.len().checked_sub(1) else {
        notify(
            state,
            NoticeLevel::Info,
            "send a prompt first, then ask the judge",
        );
        return;
    };
    if state.workspace.any_live() {
        notify(
            state,
            NoticeLevel::Info,
            "wait for every answer before asking the judge",
        );
        return;
    }
    let turn = &session.turns[turn_index];
    let position = |column: u64| session.columns.iter().position(|c| c.id == column);
    let mut answers: Vec<(u64, String)> = turn
        .answers
        .iter()
        .filter(|a| a.result.error.is_none() && !a.result.text.trim().is_empty())
        .map(|a| (a.column, a.result.text.clone()))
        .collect();
    answers.sort_by_key(|(column, _)| position(*column));
    if answers.len() < 2 {
        notify(
            state,
            NoticeLevel::Info,
            format!(
                "the judge compares two answers or more; the latest turn has {}",
                answers.len()
            ),
        );
        return;
    }
    let judge_label = state.settings.config.judge_model().to_string();
    let rubric = state.settings.config.judge_rubric().to_string();
    let fingerprint: Vec<(u64, usize)> = answers.iter().map(|(c, t)| (*c, t.len())).collect();
    let asked_already = state.ui.judgement.as_ref().is_some_and(|j| {
        j.session_id == session.id
            && j.turn == turn_index
            && j.answers == fingerprint
            && j.judge == judge_label
            // A judge that gave no verdict is asked again.
            && (j.comparisons.is_none() || j.verdict().is_some())
    });
    // A reopened session's saved verdict is shown rather than paid for again.
    let this_turn = state
        .ui
        .judgement
        .as_ref()
        .is_some_and(|j| j.session_id == session.id && j.turn == turn_index);
    let saved = turn.judge_votes.iter().find(|v| {
        v.source
            == VoteSource::Judge {
                model: judge_label.clone(),
            }
    });
    if let Some(saved) = saved.filter(|_| !again && !this_turn) {
        let lines = saved_lines(state, saved, turn_index, fingerprint.len());
        let view = TextView {
            title: format!(
                "Judge · {} · turn {} · saved",
                one_line(&judge_label),
                turn_index + 1
            ),
            lines,
            scroll: ScrollView::default(),
        };
        overlays::open(state, Overlay::Judge(Box::new(view)));
        return;
    }
    if !asked_already || again {
        let target = panes::parse_target(&state.settings.providers, &judge_label)
            .filter(|t| t.router.is_none() && !t.chain.is_empty());
        let Some(target) = target else {
            notify(
                state,
                NoticeLevel::Error,
                format!(
                    "[judge] model \"{judge_label}\" is not a model prism can ask (write it as in the picker, e.g. openai/gpt-4o)"
                ),
            );
            return;
        };
        let ask = state.ui.asks;
        state.ui.asks += 1;
        let question = turn.prompt.clone();
        state.ui.judgement = Some(Judgement {
            ask,
            session_id: session.id.clone(),
            turn: turn_index,
            judge: judge_label,
            rubric: rubric.clone(),
            answers: fingerprint,
            comparisons: None,
        });
        effects.push(Effect::AskJudge(Box::new(JudgeAsk {
            ask,
            judge: target,
            rubric,
            question,
            answers,
            deny_data_collection: state.settings.privacy,
        })));
    }
    show(state);
}

/// The judge's calls came back: the verdict is recorded on its turn (as
/// the judge's vote) and shown if the overlay is open.
pub fn on_judged(
    state: &mut AppState,
    ask: u64,
    comparisons: Vec<crate::eval::judge::pairwise::Comparison>,
    effects: &mut Vec<Effect>,
) {
    let Some(judgement) = state.ui.judgement.as_mut().filter(|j| j.ask == ask) else {
        return;
    };
    judgement.comparisons = Some(comparisons);
    let judgement = judgement.clone();
    state.touch();
    let hidden = state.hidden();
    let now = state.now.unix;
    let session = &mut state.record.session;
    let recorded = match (judgement.verdict(), session.id == judgement.session_id) {
        (Some(verdict), true) => match session.turns.get_mut(judgement.turn) {
            Some(turn) => {
                let source = VoteSource::Judge {
                    model: judgement.judge.clone(),
                };
                // Asking again replaces this judge's earlier verdict.
                turn.judge_votes.retain(|v| v.source != source);
                turn.judge_votes.push(Vote {
                    verdict,
                    blind: hidden,
                    at_unix: now,
                    source,
                    reason: judgement.reason(),
                    // The judge saw every pair in both orders, not the
                    // panes' seating: no position to record.
                    shown_order: Vec::new(),
                    judge_cost: judgement
                        .comparisons
                        .as_ref()
                        .map(|calls| JudgeCost::of(calls.iter().map(|c| c.cost_usd))),
                });
                true
            }
            None => false,
        },
        _ => false,
    };
    if recorded {
        record::persist(state, effects, None, true);
    }
    if let Some(Overlay::Judge(_)) = state.ui.overlay {
        show(state);
    } else {
        let said = if recorded {
            "the judge's verdict is in (J shows it)"
        } else {
            "the judge gave no verdict (J shows why)"
        };
        notify(state, NoticeLevel::Info, said);
    }
}

/// Opens (or refreshes) the overlay on the kept judgement.
fn show(state: &mut AppState) {
    let Some(judgement) = &state.ui.judgement else {
        return;
    };
    let hidden = state.hidden();
    let name = |column: u64| answer_name(state, column);
    let view = TextView {
        title: format!(
            "Judge · {} · turn {}",
            one_line(&judgement.judge),
            judgement.turn + 1
        ),
        lines: judge::lines(judgement, &name, hidden),
        scroll: if let Some(Overlay::Judge(open)) = &state.ui.overlay {
            open.scroll
        } else {
            ScrollView::default()
        },
    };
    overlays::open(state, Overlay::Judge(Box::new(view)));
}

/// How an answer is named to people: its blind label while names are
/// hidden, else its model; with its pane's number when it has a pane.
fn answer_name(state: &AppState, column: u64) -> String {
    let session = &state.record.session;
    let label = match session.column(column) {
        Some(c) if state.hidden() => c
            .blind_label
            .clone()
            .unwrap_or_else(|| "a hidden model".into()),
        Some(c) => one_line(&c.label).into_owned(),
        None => format!("column {column}"),
    };
    match state.workspace.pane_index(PaneId(column)) {
        Some(index) => format!("{label} (pane {})", index + 1),
        None => label,
    }
}

/// A verdict saved on the turn by an earlier run of prism: what it said,
/// what it cost, and that `r` asks again.
fn saved_lines(state: &AppState, saved: &Vote, turn: usize, answers: usize) -> Vec<String> {
    let judge = match &saved.source {
        VoteSource::Judge { model } => one_line(model).into_owned(),
        VoteSource::User => String::new(),
    };
    let mut lines = vec![
        format!("judge\t{judge} (a model's verdict, not yours)"),
        format!(
            "saved\t{} UTC, on turn {}",
            crate::units::format_datetime_utc(saved.at_unix),
            turn + 1
        ),
        format!(
            "judge's cost\t{}",
            saved.judge_cost.as_ref().map_or_else(
                || "not recorded (saved before prism kept it)".into(),
                |cost| format!("{}, {} calls", cost.label(), cost.calls)
            )
        ),
        String::new(),
        "The judge's verdict:".into(),
    ];
    lines.push(match saved.verdict {
        Verdict::Best { column } => format!("best\t{}", answer_name(state, column)),
        Verdict::Tie | Verdict::AllBad => "best\tnone: a tie".into(),
    });
    if let Some(reason) = &saved.reason {
        lines.push(format!("why\t{}", one_line(reason)));
    }
    lines.push(String::new());
    lines.push(format!(
        "r asks the judge again ({} calls; the new verdict replaces this one).",
        answers * answers.saturating_sub(1)
    ));
    if state.hidden() {
        lines.push("Blind: names stay hidden until you vote (v).".into());
    }
    lines
}
