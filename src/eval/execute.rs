//! Cells on the routing core: one streamed request per cell (retries and
//! fallbacks as in `compare`), priced from the catalog when the server
//! reports no cost, then judged by the case's checks.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::router::Router;
use crate::router::catalog::Catalog;
use crate::router::events::StreamEvent;
use crate::router::finish::finish_result;

use super::plan::Plan;
use super::record::{CellKey, EvalResult};
use super::scheduler::Execute;
use super::suite::LoadedSuite;

pub struct RouterExecutor {
    pub router: Router,
    pub suite: Arc<LoadedSuite>,
    pub plan: Arc<Plan>,
    pub catalogs: Arc<BTreeMap<String, Catalog>>,
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
                cancel,
            )
            .await;
        result.route = route.cloned();
        finish_result(&mut result, target, &self.catalogs, self.router.providers());
        EvalResult::judge(
            &self.suite.suite.cases[case].id,
            &self.plan.labels[column],
            cell.repeat,
            result,
            &self.suite.checks[case],
        )
    }

    fn worst_usd(&self, cell: CellKey) -> Decimal {
        // Unknown prices count as nothing (the CLI says so before the run).
        self.plan.cost(cell).worst_usd.unwrap_or_default()
    }
}
