//! The agreement view: for the latest turn, which answers say the same
//! thing (`crate::agreement`: normalised word-diff similarity), how many
//! distinct answers there are, and the odd one out. Names stay blind while
//! the session is.

use crate::session::{Answer, Turn};
use crate::tui::ids::PaneId;
use crate::tui::scroll::ScrollView;
use crate::tui::state::{AppState, NoticeLevel, Overlay, TextView};

use super::{notify, overlays};

/// How much the latest turn's answers agree: groups of answers that say
/// the same thing (normalised word-diff similarity), the number of distinct
/// answers, and the odd one out.
pub fn open(state: &mut AppState) {
    if state.workspace.any_live() {
        notify(
            state,
            NoticeLevel::Info,
            "wait for every answer before comparing them",
        );
        return;
    }
    let session = &state.record.session;
    let Some(turn) = session.turns.last() else {
        notify(
            state,
            NoticeLevel::Info,
            "send a prompt first, then see how the answers agree",
        );
        return;
    };
    let view = TextView {
        title: format!("Agreement · turn {}", session.turns.len()),
        lines: lines(state, turn),
        scroll: ScrollView::default(),
    };
    overlays::open(state, Overlay::Details(Box::new(view)));
}

fn lines(state: &AppState, turn: &Turn) -> Vec<String> {
    let session = &state.record.session;
    let position = |column: u64| session.columns.iter().position(|c| c.id == column);
    let mut answered: Vec<&Answer> = turn
        .answers
        .iter()
        .filter(|a| a.result.error.is_none())
        .collect();
    answered.sort_by_key(|a| position(a.column));
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
                Some(c) => crate::sanitize::one_line(&c.label).into_owned(),
                None => format!("column {column}"),
            },
        }
    };
    let texts: Vec<&str> = answered.iter().map(|a| a.result.text.as_str()).collect();
    let agreement = crate::agreement::group(&texts);
    let mut lines = vec![
        format!(
            "answers\t{} ({} distinct){}",
            answered.len(),
            agreement.distinct(),
            if failed > 0 {
                format!("; {failed} failed, left out")
            } else {
                String::new()
            }
        ),
        format!(
            "method\tnormalised text similarity (word diff ≥ {:.0}%: case, punctuation and spacing ignored)",
            crate::agreement::SAME_ANSWER_RATIO * 100.0
        ),
    ];
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
    lines
}
