//! Columns as users write them (a contract shared by `-m`, `--fallback`,
//! `--router`, suite files and the workbench): one model, a fallback chain,
//! or a router, turned into targets with provider prefixes resolved.

use super::chat::Target;
use super::policy::{router_name, router_target, valid_router_name};
use super::provider::Providers;

/// A column as the user wrote it: one model, a fallback chain, or a router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnArg {
    Model(String),
    Chain(String),
    /// `--router NAME` (`-m router:NAME` arrives as a `Model`).
    Router(String),
}

/// Turns columns as written into targets, resolving provider prefixes.
/// `router:NAME` (alone) makes a router column, whose chain is decided per
/// prompt; a router cannot be part of a fallback chain.
pub fn targets(providers: &Providers, columns: &[ColumnArg]) -> Result<Vec<Target>, String> {
    let parse = |text: &str| {
        providers
            .parse_ref(text)
            .map_err(|e| format!("model '{text}': {e}"))
    };
    columns
        .iter()
        .map(|column| match column {
            ColumnArg::Router(name) => router_column(name),
            ColumnArg::Model(model) => match router_name(model) {
                Some(name) => router_column(name),
                None => Ok(Target::single(model.trim(), parse(model)?)),
            },
            ColumnArg::Chain(chain) => {
                let parts: Vec<&str> = chain
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect();
                if parts.is_empty() {
                    return Err(format!("the fallback chain '{chain}' names no model"));
                }
                if let [only] = parts[..]
                    && let Some(name) = router_name(only)
                {
                    return router_column(name);
                }
                if parts.iter().any(|p| router_name(p).is_some()) {
                    return Err(format!(
                        "'{chain}': a router cannot be part of a fallback chain"
                    ));
                }
                let chain = parts
                    .iter()
                    .map(|p| parse(p))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Target {
                    label: parts.join(","),
                    chain,
                    router: None,
                })
            }
        })
        .collect()
}

fn router_column(name: &str) -> Result<Target, String> {
    if !valid_router_name(name) {
        return Err(format!(
            "router '{name}': names may use letters, digits, '-' and '_' only"
        ));
    }
    Ok(router_target(name))
}
