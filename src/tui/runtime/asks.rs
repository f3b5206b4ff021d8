//! Network asks off the UI thread that are not answers: the judge's calls
//! on a turn (every two answers in both orders, a few at once, on eval's
//! judge runner), its grouping of a turn's answers for the agreement view,
//! and a model's upstream list for the picker. Each ends in
//! one message carrying its ask's number, so a stale one is dropped.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::eval::column::ColumnDef;
use crate::eval::judge::PairwiseSpec;
use crate::eval::judge::grouping::AgreementSpec;
use crate::eval::judge::pairwise::Comparison;
use crate::eval::judge::runner::{JudgeRunner, PairJob};
use crate::router::Router;
use crate::router::Target;
use crate::router::catalog_load::{CatalogLoader, Refresh};
use crate::router::endpoints::upstream_columns;
use crate::tui::judge::{CONCURRENT_CALLS, GroupingAsk, JudgeAsk, column_key};
use crate::tui::msg::{Msg, Upstreams};

use super::Outbox;

/// Puts the answers to the judge, every two in both orders; sends
/// `Msg::Judged` with every call's comparison once all are back.
pub(super) fn spawn_judge(router: Router, loader: CatalogLoader, outbox: Outbox, ask: JudgeAsk) {
    tokio::spawn(async move {
        let spec = PairwiseSpec {
            judge: ColumnDef::One(ask.judge.label.clone()),
            rubric: ask.rubric.clone(),
        };
        let runner =
            Arc::new(judge_runner(router, &loader, &ask.judge, ask.deny_data_collection).await);
        let spec = Arc::new(spec);
        let question: Arc<str> = Arc::from(ask.question.as_str());
        let answers: Vec<(String, Arc<str>)> = ask
            .answers
            .iter()
            .map(|(column, text)| (column_key(*column), Arc::from(text.as_str())))
            .collect();
        let mut jobs = Vec::with_capacity(ask.calls());
        for (i, a) in answers.iter().enumerate() {
            for b in &answers[i + 1..] {
                for (first, second) in [(a, b), (b, a)] {
                    jobs.push(PairJob {
                        case_id: String::new(),
                        repeat_index: 0,
                        question: question.clone(),
                        first: first.clone(),
                        second: second.clone(),
                    });
                }
            }
        }
        let mut queue = jobs.into_iter();
        let mut calls: JoinSet<Comparison> = JoinSet::new();
        let mut comparisons = Vec::with_capacity(ask.calls());
        loop {
            while calls.len() < CONCURRENT_CALLS {
                let Some(job) = queue.next() else { break };
                let (runner, spec) = (runner.clone(), spec.clone());
                calls.spawn(
                    async move { runner.compare(&spec, &job, CancellationToken::new()).await },
                );
            }
            match calls.join_next().await {
                Some(Ok(comparison)) => comparisons.push(comparison),
                Some(Err(error)) => tracing::error!(%error, "a judge call stopped"),
                None => break,
            }
        }
        outbox
            .send(Msg::Judged {
                ask: ask.ask,
                comparisons,
            })
            .await;
    });
}

/// A runner for one judge, priced (when its server reports no cost) from
/// the catalogs on disk (the workbench keeps them fresh), never the network.
async fn judge_runner(
    router: Router,
    loader: &CatalogLoader,
    judge: &Target,
    deny_data_collection: bool,
) -> JudgeRunner {
    let mut catalogs = BTreeMap::new();
    for model in &judge.chain {
        if !catalogs.contains_key(&model.provider)
            && let Some(catalog) = loader.load(&model.provider, Refresh::Offline).await.catalog
        {
            catalogs.insert(model.provider.clone(), catalog);
        }
    }
    JudgeRunner {
        router,
        catalogs: Arc::new(catalogs),
        targets: HashMap::from([(judge.label.trim().to_string(), judge.clone())]),
        deny_data_collection,
    }
}

/// Asks the judge to group the answers; sends `Msg::Grouped`.
pub(super) fn spawn_grouping(
    router: Router,
    loader: CatalogLoader,
    outbox: Outbox,
    ask: GroupingAsk,
) {
    tokio::spawn(async move {
        let runner = judge_runner(router, &loader, &ask.judge, ask.deny_data_collection).await;
        let spec = AgreementSpec {
            judge: ColumnDef::One(ask.judge.label.clone()),
            rubric: None,
        };
        let texts: Vec<&str> = ask.answers.iter().map(|(_, t)| t.as_str()).collect();
        let grouped = runner
            .group(&spec, &ask.question, &texts, CancellationToken::new())
            .await;
        outbox
            .send(Msg::Grouped {
                ask: ask.ask,
                grouped,
            })
            .await;
    });
}

/// Lists `model`'s upstreams on OpenRouter as pinned columns; sends
/// `Msg::UpstreamsFetched` with them or the one-line reason why not.
pub(super) fn spawn_upstreams(router: Router, outbox: Outbox, ask: u64, model: String) {
    tokio::spawn(async move {
        let outcome = match router.providers().parse_ref(&model) {
            Err(error) => Err(error.to_string()),
            Ok(reference) => match router.fetch_endpoints(&reference).await {
                Err(error) => Err(error.to_string()),
                Ok(list) => {
                    let mut notes = list.notes.clone();
                    let columns = upstream_columns(&model, &list, &mut notes);
                    Ok(Upstreams { columns, notes })
                }
            },
        };
        outbox
            .send(Msg::UpstreamsFetched {
                ask,
                model,
                outcome,
            })
            .await;
    });
}
