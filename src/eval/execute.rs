//! Cells on the routing core: one streamed request per cell (retries and
//! fallbacks as in `compare`), priced from the catalog when the server
//! reports no cost, then judged by the case's checks (judge checks by
//! their judge model).

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::router::Router;
use crate::router::catalog::Catalog;
use crate::router::events::StreamEvent;
use crate::router::finish::finish_result;

use super::checks::CheckSpec;
use super::judge::runner::JudgeRunner;
use super::plan::Plan;
use super::record::{CellKey, EvalResult};
use super::scheduler::Execute;
use super::suite::LoadedSuite;

pub struct RouterExecutor {
    pub router: Router,
    pub suite: Arc<LoadedSuite>,
    pub plan: Arc<Plan>,
    pub catalogs: Arc<BTreeMap<String, Catalog>>,
    pub judges: Arc<JudgeRunner>,
}

impl Execute for RouterExecutor {
    async fn execute(
        &self,
        cell: CellKey,
        control: mpsc::Sender<StreamEvent>,
        cancel: CancellationToken,
    ) -> EvalResult {
        let case = cell.case as usize;
        let column = cell.column as usize;
        let (target, route) = self.plan.target(cell);
        let messages = Plan::messages(&self.suite, case);
        let mut result = self
            .router
            .run_quietly(
                target,
                &messages,
                &self.plan.params[column],
                control,
                cancel.clone(),
            )
            .await;
        result.route = route.cloned();
        finish_result(&mut result, target, &self.catalogs, self.router.providers());
        let case_data = &self.suite.suite.cases[case];
        let mut outcomes = Vec::with_capacity(self.suite.checks[case].len());
        for check in &self.suite.checks[case] {
            // A judge grades only an answer, and only while the run goes on.
            let outcome = if let CheckSpec::Judge(spec) = &check.spec
                && result.error.is_none()
                && !cancel.is_cancelled()
            {
                self.judges
                    .score(spec, &case_data.prompt, &result.text, cancel.clone())
                    .await
            } else {
                check.evaluate(&result)
            };
            outcomes.push(outcome);
        }
        if cancel.is_cancelled()
            && result.error.is_none()
            && outcomes.iter().any(|o| o.pass.is_none())
        {
            // Interrupted while judging: not recorded, so a resume runs it whole.
            result.error = Some(crate::router::error::RouterError::cancelled());
        }
        EvalResult::with_outcomes(
            &case_data.id,
            &self.plan.labels[column],
            cell.repeat,
            result,
            outcomes,
        )
    }

    fn worst_usd(&self, cell: CellKey) -> Decimal {
        self.plan.worst_usd(cell)
    }
}
