//! A suite's columns: how one is written (a model, `router:NAME`, or a
//! fallback chain) and its line in the estimate printed before a run.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::router::columns::ColumnArg;
use crate::router::usage::Usage;

/// A column as a suite writes it: one model (or `router:NAME`), or a
/// fallback chain as an inner list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ColumnDef {
    One(String),
    Chain(Vec<String>),
}

impl ColumnDef {
    /// The column as the command line would write it.
    pub fn to_arg(&self) -> ColumnArg {
        match self {
            ColumnDef::One(model) => ColumnArg::Model(model.clone()),
            ColumnDef::Chain(models) => ColumnArg::Chain(models.join(",")),
        }
    }
}

/// One column of the estimate printed before a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnEstimate {
    pub column: String,
    pub requests: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// The estimate of the priced requests (None when none is priced).
    pub cost_usd: Option<Decimal>,
    /// Requests whose price is unknown.
    pub unpriced: u64,
    pub worst_usd: Option<Decimal>,
}

impl ColumnEstimate {
    /// The row of `column` before anything is counted in it.
    pub fn empty(column: String) -> ColumnEstimate {
        ColumnEstimate {
            column,
            requests: 0,
            input_tokens: 0,
            output_tokens: 0,
            cost_usd: None,
            unpriced: 0,
            worst_usd: None,
        }
    }
}

/// Usage of `prompt` input and `completion` output tokens, for pricing.
pub(crate) fn usage(prompt: u64, completion: u64) -> Usage {
    Usage {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt.saturating_add(completion),
        ..Usage::default()
    }
}
