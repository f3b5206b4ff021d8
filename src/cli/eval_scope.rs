//! What a `prism eval` run covers: its cells, the pairwise comparisons it
//! still has to ask, and the catalogs that price them.

use std::collections::{BTreeMap, HashSet};

use crate::cli::term::errln;
use crate::eval::record::CellKey;
use crate::eval::suite::{ColumnDef, Suite};
use crate::router::catalog::Catalog;
use crate::router::catalog_load::Refresh;
use crate::sanitize::Outside;

use super::Setup;

/// The case of every comparison `[pairwise]` still has to ask (assuming
/// every column answers), for the estimate.
pub(super) fn pairs_to_ask(
    suite: &Suite,
    done: &HashSet<(String, u32, String, String)>,
) -> Vec<usize> {
    if suite.pairwise.is_none() {
        return Vec::new();
    }
    let labels = suite.column_labels();
    let mut cases = Vec::new();
    for (index, case) in suite.cases.iter().enumerate() {
        for repeat in 0..suite.defaults.repeat {
            for first in &labels {
                for second in labels.iter().filter(|l| *l != first) {
                    let key = (case.id.clone(), repeat, first.clone(), second.clone());
                    if !done.contains(&key) {
                        cases.push(index);
                    }
                }
            }
        }
    }
    cases
}

/// Every cell, repeats outermost so early results cover every case and column.
pub(super) fn all_cells(suite: &Suite) -> Vec<CellKey> {
    let mut cells = Vec::with_capacity(suite.cells());
    for repeat in 0..suite.defaults.repeat {
        for case in 0..suite.cases.len() as u32 {
            for column in 0..suite.columns.len() as u16 {
                cells.push(CellKey {
                    case,
                    column,
                    repeat,
                });
            }
        }
    }
    cells
}

/// The catalogs of every provider a column or router may send to, for prices.
pub(super) async fn load_catalogs(
    setup: &Setup,
    suite: &Suite,
    policies: &[crate::router::policy::Policy],
) -> BTreeMap<String, Catalog> {
    let providers = setup.router.providers();
    let mut wanted: Vec<String> = Vec::new();
    let mut add = |reference: &str| {
        if let Ok(model) = providers.parse_ref(reference)
            && !wanted.contains(&model.provider)
        {
            wanted.push(model.provider);
        }
    };
    let judges = suite.judges();
    for column in suite.columns.iter().chain(judges.iter().map(|(_, j)| j)) {
        match column {
            ColumnDef::One(model) if model.trim().starts_with("router:") => {
                for policy in policies {
                    add(policy.default_model());
                    for model in policy.priced_models() {
                        add(model);
                    }
                }
            }
            ColumnDef::One(model) => add(model),
            ColumnDef::Chain(models) => models.iter().for_each(|m| add(m)),
        }
    }
    let mut catalogs = BTreeMap::new();
    for provider in wanted {
        let outcome = setup.loader.load(&provider, Refresh::IfStale).await;
        for warning in &outcome.warnings {
            errln!(
                "prism: warning: {} catalog: {}",
                Outside(&provider),
                Outside(&warning.to_string())
            );
        }
        if let Some(catalog) = outcome.catalog {
            catalogs.insert(provider, catalog);
        }
    }
    catalogs
}

/// The case of every grouping `[agreement]` still has to ask (assuming
/// every case gets two answers or more), for the estimate.
pub(super) fn groupings_to_ask(suite: &Suite, done: &HashSet<(String, u32)>) -> Vec<usize> {
    if suite.agreement.is_none() || suite.columns.len() < 2 {
        return Vec::new();
    }
    let mut cases = Vec::new();
    for (index, case) in suite.cases.iter().enumerate() {
        for repeat in 0..suite.defaults.repeat {
            if !done.contains(&(case.id.clone(), repeat)) {
                cases.push(index);
            }
        }
    }
    cases
}
