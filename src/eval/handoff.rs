//! One case of a run as a workbench session: its prompt, the columns it was
//! asked of, and their answers as the turn's answers, so the workbench
//! resumes it and the comparison goes on by hand.

use crate::router::Target;
use crate::router::events::RunResult;
use crate::session::{Answer, Column, Session, SessionParams, Turn};

use super::record::EvalResult;
use super::suite::Suite;

/// What a session of one case is made from: the suite, which case, each
/// column's target and its answer (None when it has none yet).
pub struct CaseHandoff<'a> {
    pub suite: &'a Suite,
    pub case: usize,
    pub targets: &'a [Target],
    pub results: &'a [Option<EvalResult>],
    pub id: String,
    pub now_unix: i64,
}

/// The session, or None when the case does not exist.
pub fn session_for_case(input: &CaseHandoff<'_>) -> Option<Session> {
    let case = input.suite.cases.get(input.case)?;
    let defaults = &input.suite.defaults;
    let mut session = Session::new(input.id.clone(), input.now_unix);
    session.name = Some(format!("eval case {}", case.id));
    session.params = SessionParams {
        system: case.system.clone().or_else(|| defaults.system.clone()),
        temperature: defaults.temperature,
        max_tokens: defaults.max_tokens,
        provider: defaults.preferences.clone(),
    };
    let mut answers = Vec::new();
    for (index, target) in input.targets.iter().enumerate() {
        let id = index as u64 + 1;
        session.columns.push(Column {
            id,
            label: target.label.clone(),
            // A router column decides its model per prompt.
            chain: if target.router.is_some() {
                Vec::new()
            } else {
                target.chain.clone()
            },
            router: target.router.clone(),
            upstream: target.upstream.clone(),
            params: SessionParams::default(),
            blind_label: None,
            active: true,
        });
        if let Some(Some(result)) = input.results.get(index) {
            answers.push(Answer {
                column: id,
                result: run_result(result),
                complete: true,
            });
        }
    }
    session.turns.push(Turn {
        prompt: case.prompt.clone(),
        started_at_unix: input.now_unix,
        answers,
        vote: None,
        judge_votes: Vec::new(),
    });
    Some(session)
}

/// An eval result as the workbench keeps an answer.
fn run_result(result: &EvalResult) -> RunResult {
    RunResult {
        model: result.column.clone(),
        served_model: result.served_model.clone(),
        provider: result.provider.clone(),
        text: result.text.clone(),
        finish_reason: result.finish_reason.clone(),
        usage: result.usage,
        cost_usd: result.cost_usd,
        cost_source: result.cost_source,
        ttft_ms: result.ttft_ms,
        total_ms: result.total_ms,
        tokens_per_s: result.tokens_per_s,
        error: result.error.clone(),
        route: result.route.clone(),
        ..RunResult::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::events::RunResult;

    #[test]
    fn a_case_becomes_a_session_with_its_prompt_columns_and_answers() {
        let mut suite = crate::eval::suite::fixture(&["a/one", "b/two"], &["refund"]);
        suite.cases[0].prompt = "Refund my kettle?".into();
        suite.defaults.system = Some("Be brief.".into());
        suite.defaults.temperature = Some(0.0);
        let targets: Vec<Target> = ["a/one", "b/two"]
            .iter()
            .map(|label| Target {
                label: (*label).into(),
                chain: Vec::new(),
                router: None,
                upstream: None,
            })
            .collect();
        let answer = RunResult {
            text: "Yes, we refund it.".into(),
            ttft_ms: Some(120),
            ..RunResult::default()
        };
        let result = EvalResult::with_outcomes("refund", "a/one", 0, answer, Vec::new());
        let session = session_for_case(&CaseHandoff {
            suite: &suite,
            case: 0,
            targets: &targets,
            results: &[Some(result), None],
            id: "20261204-210000-abcd".into(),
            now_unix: 1_800_000_000,
        })
        .expect("the case exists");
        assert_eq!(session.name.as_deref(), Some("eval case refund"));
        assert_eq!(session.params.system.as_deref(), Some("Be brief."));
        assert_eq!(session.params.temperature, Some(0.0));
        let labels: Vec<&str> = session.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["a/one", "b/two"]);
        assert_eq!(session.turns.len(), 1);
        assert_eq!(session.turns[0].prompt, "Refund my kettle?");
        assert_eq!(session.turns[0].answers.len(), 1);
        assert_eq!(session.turns[0].answers[0].column, 1);
        assert_eq!(
            session.turns[0].answers[0].result.text,
            "Yes, we refund it."
        );
        assert_eq!(session.turns[0].answers[0].result.ttft_ms, Some(120));
        assert!(
            session_for_case(&CaseHandoff {
                case: 5,
                ..CaseHandoff {
                    suite: &suite,
                    case: 0,
                    targets: &targets,
                    results: &[],
                    id: "x".into(),
                    now_unix: 0,
                }
            })
            .is_none()
        );
    }
}
