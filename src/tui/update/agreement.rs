//! The agreement view: for the latest turn, which answers say the same
//! thing, how many distinct answers there are, and the odd one out. The
//! answers are grouped by normalised word-diff similarity
//! (`crate::agreement`) or, when `[judge] model` is set, by the judge
//! (`eval::judge::grouping`: the answers numbered, never named), once per
//! turn and set of answers; while it is asked, and when its reply cannot
//! be used, text similarity groups them and the view says so. Names stay
//! blind while the session is.

use crate::eval::judge::grouping::{Method, agree};
use crate::eval::judge::runner::Grouped;
use crate::router::pricing::format_cost_floor;
use crate::sanitize::one_line;
use crate::session::{Answer, Turn};
use crate::tui::ids::PaneId;
use crate::tui::judge::{GroupingAsk, JudgeGrouping};
use crate::tui::msg::Effect;
use crate::tui::scroll::ScrollView;
use crate::tui::state::{AppState, NoticeLevel, Overlay, TextView};

use super::{notify, overlays, panes};

const TITLE: &str = "Agreement · turn";

/// How much the latest turn's answers agree; asks the configured judge to
/// group them when it has not yet.
pub fn open(state: &mut AppState, effects: &mut Vec<Effect>) {
    if state.workspace.any_live() {
        notify(
            state,
            NoticeLevel::Info,
            "wait for every answer before comparing them",
        );
        return;
    }
    let session = &state.record.session;
    let Some(turn_index) = session.turns.len().checked_sub(1) else {
        notify(
            state,
            NoticeLevel::Info,
            "send a prompt first, then see how the answers agree",
        );
        return;
    };
    if state.settings.config.judge_configured() {
        ask_judge(state, turn_index, effects);
    }
    show(state);
}

/// Asks the judge to group the turn's answers unless it was asked already.
fn ask_judge(state: &mut AppState, turn_index: usize, effects: &mut Vec<Effect>) {
    let session = &state.record.session;
    let turn = &session.turns[turn_index];
    let answered = answered(state, turn);
    if answered.len() < 2 {
        return;
    }
    let judge = state.settings.config.judge_model().to_string();
    let fingerprint: Vec<(u64, usize)> = answered
        .iter()
        .map(|a| (a.column, a.result.text.len()))
        .collect();
    let asked_already = state.ui.grouping.as_ref().is_some_and(|g| {
        g.session_id == session.id
            && g.turn == turn_index
            && g.answers == fingerprint
            && g.judge == judge
            // A judge that failed is asked again.
            && g.grouped.as_ref().is_none_or(|d| d.groups.is_ok())
    });
    if asked_already {
        return;
    }
    let Some(target) = panes::parse_target(&state.settings.providers, &judge)
        .filter(|t| t.router.is_none() && !t.chain.is_empty())
    else {
        notify(
            state,
            NoticeLevel::Error,
            format!(
                "[judge] model \"{judge}\" is not a model prism can ask: the answers are grouped by text similarity"
            ),
        );
        return;
    };
    let ask = state.ui.asks;
    state.ui.asks += 1;
    let answers = answered
        .iter()
        .map(|a| (a.column, a.result.text.clone()))
        .collect();
    state.ui.grouping = Some(JudgeGrouping {
        ask,
        session_id: session.id.clone(),
        turn: turn_index,
        judge,
        answers: fingerprint,
        grouped: None,
    });
    effects.push(Effect::AskGrouping(Box::new(GroupingAsk {
        ask,
        judge: target,
        question: turn.prompt.clone(),
        answers,
        deny_data_collection: state.settings.privacy,
    })));
}

/// The judge's grouping came back: kept, and shown if the view is open.
pub fn on_grouped(state: &mut AppState, ask: u64, grouped: Grouped) {
    let Some(grouping) = state.ui.grouping.as_mut().filter(|g| g.ask == ask) else {
        return;
    };
    grouping.grouped = Some(grouped);
    let showing =
        matches!(&state.ui.overlay, Some(Overlay::Details(view)) if view.title.starts_with(TITLE));
    if showing {
        show(state);
    }
    state.touch();
}

/// Opens (or refreshes, keeping its scroll) the view of the latest turn.
fn show(state: &mut AppState) {
    let session = &state.record.session;
    let Some(turn) = session.turns.last() else {
        return;
    };
    let scroll = match &state.ui.overlay {
        Some(Overlay::Details(view)) if view.title.starts_with(TITLE) => view.scroll,
        _ => ScrollView::default(),
    };
    let view = TextView {
        title: format!("{TITLE} {}", session.turns.len()),
        lines: lines(state, turn),
        scroll,
    };
    overlays::open(state, Overlay::Details(Box::new(view)));
}

/// The turn's answers that did not fail, in column order.
fn answered<'t>(state: &AppState, turn: &'t Turn) -> Vec<&'t Answer> {
    let session = &state.record.session;
    let position = |column: u64| session.columns.iter().position(|c| c.id == column);
    let mut answered: Vec<&Answer> = turn
        .answers
        .iter()
        .filter(|a| a.result.error.is_none())
        .collect();
    answered.sort_by_key(|a| position(a.column));
    answered
}

/// The judge's grouping of exactly these answers, when one is kept.
fn judge_grouping<'s>(state: &'s AppState, answered: &[&Answer]) -> Option<&'s JudgeGrouping> {
    let session = &state.record.session;
    let fingerprint: Vec<(u64, usize)> = answered
        .iter()
        .map(|a| (a.column, a.result.text.len()))
        .collect();
    state.ui.grouping.as_ref().filter(|g| {
        state.settings.config.judge_configured()
            && g.session_id == session.id
            && g.turn + 1 == session.turns.len()
            && g.answers == fingerprint
    })
}

fn lines(state: &AppState, turn: &Turn) -> Vec<String> {
    let session = &state.record.session;
    let answered = answered(state, turn);
    let failed = turn.answers.len() - answered.len();
    let name = |column: u64| {
        let label = state
            .workspace
            .panes
            .iter()
            .find(|p| p.id.0 == column)
            .map(|p| state.pane_label(p));
        let pane = state.workspace.pane_index(PaneId(column));
        match (label, pane) {
            (Some(label), Some(index)) => format!("{} {label}", index + 1),
            _ => match session.column(column) {
                Some(c) if state.hidden() => c.blind_label.clone().unwrap_or_default(),
                Some(c) => one_line(&c.label).into_owned(),
                None => format!("column {column}"),
            },
        }
    };
    let texts: Vec<&str> = answered.iter().map(|a| a.result.text.as_str()).collect();
    let judged = judge_grouping(state, &answered);
    let arrived = judged.and_then(|g| g.grouped.as_ref());
    let judge_def = judged.map(|g| crate::eval::column::ColumnDef::One(g.judge.clone()));
    let (agreement, method) = match (&judge_def, arrived) {
        (Some(def), Some(grouped)) => agree(&texts, Some((def, &grouped.groups))),
        _ => agree(&texts, None),
    };
    let text_method = format!(
        "normalised text similarity (word diff ≥ {:.0}%: case, punctuation and spacing ignored)",
        crate::agreement::SAME_ANSWER_RATIO * 100.0
    );
    let mut lines = vec![format!(
        "answers\t{} ({} distinct){}",
        answered.len(),
        agreement.distinct(),
        if failed > 0 {
            format!("; {failed} failed, left out")
        } else {
            String::new()
        }
    )];
    match (&method, judged) {
        (Method::Judge { judge }, _) => {
            lines.push(format!(
                "method\tgrouped by judge {} (a model's reading, not yours; it saw the answers numbered, not named)",
                one_line(judge)
            ));
            if let Some(reason) = arrived.and_then(|g| g.groups.as_ref().ok()) {
                lines.push(format!("why\t{}", one_line(&reason.reason)));
            }
        }
        (Method::JudgeError { judge, error }, _) => {
            lines.push(format!("method\t{text_method}"));
            lines.push(format!(
                "judge error\t{} gave no usable grouping: {}",
                one_line(judge),
                one_line(error)
            ));
        }
        (Method::TextSimilarity, Some(asking)) => {
            lines.push(format!("method\t{text_method}"));
            lines.push(format!(
                "judge\tasking {} to group them…",
                one_line(&asking.judge)
            ));
        }
        (Method::TextSimilarity, None) => {
            lines.push(format!("method\t{text_method}"));
        }
    }
    if let Some(grouped) = arrived {
        let unknown = u64::from(grouped.cost_usd.is_none());
        lines.push(format!(
            "judge's cost\t{} (apart from the answers')",
            format_cost_floor(grouped.cost_usd, unknown)
        ));
    }
    if answered.len() < 2 {
        lines.push(String::new());
        lines.push("Agreement needs two answers or more.".into());
        return lines;
    }
    lines.push(String::new());
    lines.push("Groups that say the same thing:".into());
    for (index, group) in agreement.groups.iter().enumerate() {
        let members: Vec<String> = group.iter().map(|&i| name(answered[i].column)).collect();
        let outlier = group.iter().all(|i| agreement.outliers.contains(i));
        lines.push(format!(
            "{}\t{}{}",
            if group.len() == 1 {
                format!("answer {}", index + 1)
            } else {
                format!("answer {} ×{}", index + 1, group.len())
            },
            members.join(", "),
            if outlier { "  ← the odd one out" } else { "" }
        ));
    }
    lines.push(String::new());
    lines.push(
        match (agreement.distinct(), agreement.outliers.is_empty()) {
            (1, _) => "Every answer says the same thing.".into(),
            (_, false) => "Most answers agree; the odd one out is marked.".into(),
            (_, true) => "No answer is shared by more than half: no majority.".into(),
        },
    );
    if !state.settings.config.judge_configured() {
        lines.push("Set [judge] model in the config file to have a judge group them.".into());
    }
    lines
}
