//! A suite made ready to run on the routing core: each column's target
//! (router columns decided per case), the parameters each cell is sent
//! with, one gate per model, and each cell's estimated and worst-case
//! cost from catalog prices: the estimate shown before spending and the
//! reservation `--max-cost` makes.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::router::catalog::{Catalog, ModelInfo};
use crate::router::chat::{ChatMessage, ChatParams, Target};
use crate::router::columns;
use crate::router::pacing::PacingSettings;
use crate::router::policy::{self, Policy, RouteDecision, catalog_prices};
use crate::router::preferences::ProviderPrefs;
use crate::router::provider::{ModelRef, Providers};

pub use super::column::ColumnEstimate;
use super::column::usage;
use super::gate::Gate;
use super::judge::plan::JudgePlan;
use super::record::CellKey;
use super::suite::{LoadedSuite, SuiteError};
use crate::router::tokens::prompt_tokens as estimate_tokens;

/// Output tokens assumed per answer for the estimate when the suite sets no `max_tokens`.
pub const ASSUMED_OUTPUT_TOKENS: u64 = 500;
/// Tokens a chat template may add per message, for the worst case.
const TEMPLATE_TOKENS_PER_MESSAGE: u64 = 8;

/// What the routing core needs from outside to plan a run.
pub struct PlanInput<'a> {
    pub suite: &'a LoadedSuite,
    pub providers: &'a Providers,
    pub policies: &'a [Policy],
    pub catalogs: &'a BTreeMap<String, Catalog>,
    pub pacing: &'a PacingSettings,
    /// The config file's preferences for a model reference.
    pub config_prefs: &'a dyn Fn(&str) -> ProviderPrefs,
    pub concurrency: usize,
}

/// The estimate and the worst case of one cell.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CellCost {
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// None when a price is unknown.
    pub estimate_usd: Option<Decimal>,
    /// The most it can cost: None when a price is unknown, or when no
    /// bound on its output tokens is known.
    pub worst_usd: Option<Decimal>,
    pub unbounded: bool,
}

pub struct Plan {
    pub labels: Vec<String>,
    pub targets: Vec<Target>,
    /// Router columns, decided per case: (case, column) → target and decision.
    pub routed: HashMap<(u32, u16), (Target, RouteDecision)>,
    /// Per column: temperature, max tokens and provider preferences.
    pub params: Vec<ChatParams>,
    /// Per case × column (`case * columns + column`).
    pub costs: Vec<CellCost>,
    pub gates: Vec<Gate>,
    pub gate_of_column: Vec<usize>,
    /// How output tokens were counted for the estimate.
    pub output_basis: OutputBasis,
    /// The judges of judge checks and `[pairwise]`.
    pub judges: JudgePlan,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "basis", content = "tokens")]
pub enum OutputBasis {
    MaxTokens(u32),
    Assumed(u64),
}

impl Plan {
    pub fn build(input: &PlanInput<'_>) -> Result<Plan, SuiteError> {
        let suite = &input.suite.suite;
        let file = std::path::Path::new(&suite.path);
        let labels = suite.column_labels();
        let mut targets = Vec::with_capacity(suite.columns.len());
        for (index, column) in suite.columns.iter().enumerate() {
            let line = suite.column_lines.get(index).copied();
            let field = format!("columns[{}]", index + 1);
            let mut target = columns::targets(input.providers, &[column.to_arg()])
                .map_err(|message| SuiteError::new(file, line, &field, message))?
                .remove(0);
            target.label = labels[index].clone();
            if let Some(name) = &target.router {
                policy::find_policy(input.policies, name)
                    .map_err(|e| SuiteError::new(file, line, &field, e.to_string()))?;
            }
            targets.push(target);
        }

        let price_of = catalog_prices(input.providers, input.catalogs);
        let mut routed = HashMap::new();
        for (case_index, case) in suite.cases.iter().enumerate() {
            for (column, target) in targets.iter().enumerate() {
                if target.router.is_none() {
                    continue;
                }
                let (resolved, decision) = policy::resolve_target(
                    target,
                    input.policies,
                    input.providers,
                    &case.prompt,
                    &price_of,
                )
                .map_err(|e| {
                    SuiteError::new(
                        file,
                        suite.column_lines.get(column).copied(),
                        &format!("columns[{}]", column + 1),
                        e.to_string(),
                    )
                })?;
                if let Some(decision) = decision {
                    routed.insert((case_index as u32, column as u16), (resolved, decision));
                }
            }
        }

        let defaults = &suite.defaults;
        let params = targets
            .iter()
            .map(|target| ChatParams {
                temperature: defaults.temperature,
                max_tokens: defaults.max_tokens,
                provider_prefs: Box::new(
                    defaults
                        .preferences
                        .merged_over(&(input.config_prefs)(target.config_key())),
                ),
                ..ChatParams::default()
            })
            .collect();

        let info = |model: &ModelRef| -> Option<&ModelInfo> {
            input.catalogs.get(&model.provider)?.get(&model.model)
        };
        let output_basis = match defaults.max_tokens {
            Some(n) => OutputBasis::MaxTokens(n),
            None => OutputBasis::Assumed(ASSUMED_OUTPUT_TOKENS),
        };
        let mut costs = Vec::with_capacity(suite.cases.len() * targets.len());
        for (case_index, case) in suite.cases.iter().enumerate() {
            let system = case
                .system
                .as_deref()
                .or(defaults.system.as_deref())
                .unwrap_or("");
            let messages = if system.trim().is_empty() { 1 } else { 2 };
            let input_tokens = estimate_tokens(system) + estimate_tokens(&case.prompt);
            let worst_input = (system.len() + case.prompt.len()) as u64
                + TEMPLATE_TOKENS_PER_MESSAGE * (messages + 1);
            for (column, target) in targets.iter().enumerate() {
                let chain = match routed.get(&(case_index as u32, column as u16)) {
                    Some((resolved, _)) => &resolved.chain,
                    None => &target.chain,
                };
                let output_tokens = match output_basis {
                    OutputBasis::MaxTokens(n) => u64::from(n),
                    OutputBasis::Assumed(n) => n,
                };
                let estimate_usd = chain.first().and_then(info).and_then(|m| {
                    m.pricing
                        .cost(&usage(input_tokens, output_tokens))
                        .ok()
                        .flatten()
                });
                let mut worst: Option<Decimal> = Some(Decimal::ZERO);
                let mut unbounded = false;
                for model in chain {
                    let model_info = info(model);
                    let bound = defaults.max_tokens.map(u64::from).or_else(|| {
                        model_info.and_then(|m| m.max_completion_tokens.or(m.context_length))
                    });
                    let Some(bound) = bound else {
                        unbounded = true;
                        worst = None;
                        continue;
                    };
                    let cost = model_info
                        .and_then(|m| m.pricing.cost(&usage(worst_input, bound)).ok().flatten());
                    worst = match (worst, cost) {
                        (Some(w), Some(c)) => Some(w.max(c)),
                        _ => None,
                    };
                }
                costs.push(CellCost {
                    input_tokens,
                    output_tokens,
                    estimate_usd,
                    worst_usd: worst,
                    unbounded,
                });
            }
        }

        // One gate per model: columns whose first model is the same share it.
        let mut gates: Vec<Gate> = Vec::new();
        let mut gate_of_column = Vec::with_capacity(targets.len());
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for target in &targets {
            let name = match &target.router {
                Some(_) => target.label.clone(),
                None => target
                    .chain
                    .first()
                    .map(|m| input.providers.display_ref(m))
                    .unwrap_or_else(|| target.label.clone()),
            };
            let paced = target.chain.first().is_some_and(|m| {
                input
                    .providers
                    .get(&m.provider)
                    .is_some_and(|p| input.pacing.limit_for(p, &name, &m.model).is_some())
            });
            let index = *by_name.entry(name.clone()).or_insert_with(|| {
                gates.push(Gate::new(name, input.concurrency, paced));
                gates.len() - 1
            });
            gate_of_column.push(index);
        }

        let judges = JudgePlan::build(suite, input.providers, input.policies, input.catalogs)?;
        Ok(Plan {
            judges,
            labels,
            targets,
            routed,
            params,
            costs,
            gates,
            gate_of_column,
            output_basis,
        })
    }

    /// The most a cell can cost: its answer's worst case and its judge checks'.
    pub fn worst_usd(&self, cell: CellKey) -> Decimal {
        let judges = self
            .judges
            .check_worst_usd
            .get(cell.case as usize)
            .copied()
            .unwrap_or_default();
        // Unknown prices count as nothing (the CLI says so before the run).
        self.cost(cell)
            .worst_usd
            .unwrap_or_default()
            .saturating_add(judges)
    }

    /// Output tokens counted per answer for the estimate.
    pub fn output_tokens(&self) -> u64 {
        match self.output_basis {
            OutputBasis::MaxTokens(n) => u64::from(n),
            OutputBasis::Assumed(n) => n,
        }
    }

    pub fn cost(&self, cell: CellKey) -> &CellCost {
        &self.costs[cell.case as usize * self.targets.len() + cell.column as usize]
    }

    /// The target a cell is sent to, and the router's decision for it.
    pub fn target(&self, cell: CellKey) -> (&Target, Option<&RouteDecision>) {
        match self.routed.get(&(cell.case, cell.column)) {
            Some((target, decision)) => (target, Some(decision)),
            None => (&self.targets[cell.column as usize], None),
        }
    }

    /// The messages of a case: its system prompt (or the default one) and its prompt.
    pub fn messages(suite: &LoadedSuite, case: usize) -> Vec<ChatMessage> {
        let case_data = &suite.suite.cases[case];
        let system = case_data
            .system
            .as_deref()
            .or(suite.suite.defaults.system.as_deref());
        let mut messages = Vec::with_capacity(2);
        if let Some(system) = system.filter(|s| !s.trim().is_empty()) {
            messages.push(ChatMessage::system(system));
        }
        messages.push(ChatMessage::user(case_data.prompt.clone()));
        messages
    }

    /// The estimate of `cells`, per column.
    pub fn estimate(&self, cells: &[CellKey]) -> Vec<ColumnEstimate> {
        let mut columns: Vec<ColumnEstimate> = self
            .labels
            .iter()
            .map(|label| ColumnEstimate::empty(label.clone()))
            .collect();
        for cell in cells {
            let cost = self.cost(*cell);
            let column = &mut columns[cell.column as usize];
            column.requests += 1;
            column.input_tokens += cost.input_tokens;
            column.output_tokens += cost.output_tokens;
            match cost.estimate_usd {
                Some(usd) => {
                    column.cost_usd = Some(column.cost_usd.unwrap_or_default().saturating_add(usd))
                }
                None => column.unpriced += 1,
            }
            if let Some(worst) = cost.worst_usd {
                column.worst_usd = Some(column.worst_usd.unwrap_or_default().saturating_add(worst));
            }
        }
        columns
    }
}
