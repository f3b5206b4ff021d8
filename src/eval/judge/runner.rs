//! Judge calls on the routing core: one non-streamed-to-anyone request per
//! verdict (retries and fallbacks as for answers), priced from the catalog
//! when the server reports no cost, its reply parsed into a verdict or a
//! judge error. The judge's cost and time are returned apart.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use crate::eval::checks::{CheckOutcome, Judged, clip};
use crate::router::Router;
use crate::router::catalog::Catalog;
use crate::router::chat::{ChatMessage, ChatParams, Target};
use crate::router::finish::finish_result;

use super::grouping::{AgreementSpec, JudgeGroups, grouping_messages, parse_grouping};
use super::pairwise::Comparison;
use super::reply::{parse_preference, parse_score};
use super::{JUDGE_MAX_TOKENS, JudgeSpec, PairwiseSpec, label, pairwise_messages, score_messages};

/// What one judge call gave: its reply or why not, and what it cost.
#[derive(Clone, Debug, PartialEq)]
pub struct Called {
    pub reply: Result<String, String>,
    pub cost_usd: Option<Decimal>,
    pub total_ms: Option<u64>,
}

/// Judges by label, ready to call.
pub struct JudgeRunner {
    pub router: Router,
    pub catalogs: Arc<BTreeMap<String, Catalog>>,
    /// Each judge's target (a router judge already decided).
    pub targets: HashMap<String, Target>,
    /// Ask OpenRouter for upstreams that neither store nor train on the
    /// answers shown (the workbench's privacy switch).
    pub deny_data_collection: bool,
}

impl JudgeRunner {
    async fn call(
        &self,
        judge: &str,
        messages: &[ChatMessage],
        cancel: CancellationToken,
    ) -> Called {
        let Some(target) = self.targets.get(judge) else {
            return Called {
                reply: Err(format!("judge {} is not planned", clip(judge, 60))),
                cost_usd: None,
                total_ms: None,
            };
        };
        let mut params = ChatParams {
            temperature: Some(0.0),
            max_tokens: Some(JUDGE_MAX_TOKENS),
            ..ChatParams::default()
        };
        if self.deny_data_collection {
            params.provider_prefs.deny_data_collection = Some(true);
        }
        let mut result = self
            .router
            .run(target, messages, &params, None, cancel)
            .await;
        finish_result(&mut result, target, &self.catalogs, self.router.providers());
        let reply = match &result.error {
            Some(error) => Err(format!(
                "{}: {}",
                error.kind.as_str(),
                clip(&error.message, 160)
            )),
            None => Ok(result.text),
        };
        Called {
            reply,
            cost_usd: result.cost_usd,
            total_ms: result.total_ms,
        }
    }

    /// Grades one answer: pass at or above the threshold; a judge that
    /// failed or whose reply cannot be read gives neither pass nor fail.
    pub async fn score(
        &self,
        spec: &JudgeSpec,
        question: &str,
        answer: &str,
        cancel: CancellationToken,
    ) -> CheckOutcome {
        let judge = label(&spec.judge);
        let called = self
            .call(
                &judge,
                &score_messages(&spec.rubric, question, answer),
                cancel,
            )
            .await;
        let verdict = called.reply.and_then(|text| parse_score(&text));
        let (pass, score, reason) = match verdict {
            Ok(verdict) => {
                let pass = verdict.score >= spec.threshold;
                let reason = if pass {
                    verdict.reason
                } else {
                    format!(
                        "judge: {} scored {} (threshold {}): {}",
                        clip(&judge, 60),
                        verdict.score,
                        spec.threshold,
                        verdict.reason
                    )
                };
                (Some(pass), Some(verdict.score), reason)
            }
            Err(error) => (None, None, format!("judge error: {error}")),
        };
        CheckOutcome {
            kind: "judge".into(),
            pass,
            reason: Some(reason),
            judged: Some(Judged {
                score,
                judge,
                cost_usd: called.cost_usd,
                total_ms: called.total_ms,
            }),
        }
    }

    /// One comparison: `first` shown as A, `second` as B.
    pub async fn compare(
        &self,
        spec: &PairwiseSpec,
        job: &PairJob,
        cancel: CancellationToken,
    ) -> Comparison {
        let judge = label(&spec.judge);
        let messages = pairwise_messages(&spec.rubric, &job.question, &job.first.1, &job.second.1);
        let called = self.call(&judge, &messages, cancel).await;
        let verdict = called.reply.and_then(|text| parse_preference(&text));
        let (pick, reason, error) = match verdict {
            Ok(p) => (Some(p.pick), Some(p.reason), None),
            Err(e) => (None, None, Some(e)),
        };
        Comparison {
            case_id: job.case_id.clone(),
            repeat_index: job.repeat_index,
            first: job.first.0.clone(),
            first_chars: job.first.1.chars().count() as u64,
            second: job.second.0.clone(),
            second_chars: job.second.1.chars().count() as u64,
            judge,
            pick,
            reason,
            error,
            cost_usd: called.cost_usd,
            total_ms: called.total_ms,
        }
    }
}

/// What a grouping call gave: the judge's groups or why not, and its cost.
#[derive(Clone, Debug, PartialEq)]
pub struct Grouped {
    pub groups: Result<JudgeGroups, String>,
    pub cost_usd: Option<Decimal>,
    pub total_ms: Option<u64>,
}

impl JudgeRunner {
    /// Asks `spec`'s judge to group `answers` (shown numbered, unnamed).
    pub async fn group(
        &self,
        spec: &AgreementSpec,
        question: &str,
        answers: &[&str],
        cancel: CancellationToken,
    ) -> Grouped {
        let rubric = spec.rubric();
        let messages = grouping_messages(rubric, question, answers);
        let called = self.call(&label(&spec.judge), &messages, cancel).await;
        Grouped {
            groups: called
                .reply
                .and_then(|text| parse_grouping(&text, answers.len())),
            cost_usd: called.cost_usd,
            total_ms: called.total_ms,
        }
    }
}

/// Two answers to show a judge, in this order: (column, answer).
#[derive(Clone, Debug, PartialEq)]
pub struct PairJob {
    pub case_id: String,
    pub repeat_index: u32,
    pub question: Arc<str>,
    pub first: (String, Arc<str>),
    pub second: (String, Arc<str>),
}
