//! Routers on the command line: `prism route NAME PROMPT` shows a decision
//! without sending anything, and `prism compare` resolves its router columns
//! here before it sends the prompt.

use std::collections::BTreeMap;
use std::io::Write;

use crate::clock::now_unix;
use crate::router::Target;
use crate::router::catalog::Catalog;
use crate::router::catalog_load::Refresh;
use crate::router::policy::{self, Policy, RouteDecision, catalog_prices, find_policy};

use crate::sanitize::Outside;

use super::term::{self, errln};
use super::{CliError, EXIT_OK, GlobalArgs, RouteArgs, Setup, report};

pub async fn run(global: &GlobalArgs, args: &RouteArgs) -> Result<u8, CliError> {
    let setup = Setup::load(global, &Default::default())?;
    for warning in &setup.warnings {
        errln!("prism: warning: {}", Outside(&warning.to_string()));
    }
    let policies = setup.config.policies().map_err(usage)?;
    let policy = find_policy(&policies, &args.name).map_err(usage)?;
    let prompt = super::prompt::read_prompt(args.prompt.as_deref())?;
    let mut catalogs = BTreeMap::new();
    load_price_catalogs(&setup, &[policy], &mut catalogs).await;
    let price_of = catalog_prices(setup.router.providers(), &catalogs);
    let decision = policy::decide(policy, &prompt, &price_of);

    let mut out = term::stdout();
    if args.json {
        report::write_json(&mut out, &decision)?;
    } else {
        let rows = [
            ("router", decision.router.clone()),
            ("model", decision.model.clone()),
            ("rule", decision.rule.clone()),
            ("reason", decision.reason.clone()),
            ("tokens", format!("≈{}", decision.prompt_tokens)),
            ("complexity", format!("{}", decision.complexity)),
        ];
        for (name, value) in rows {
            writeln!(out, "{name:<11} {}", Outside(&value))?;
        }
        // Why each rule before the pick did not fire.
        for skipped in &decision.skipped {
            writeln!(out, "{:<11} {}", "skipped", Outside(skipped))?;
        }
    }
    out.flush()?;
    Ok(EXIT_OK)
}

/// The config's routers when some column is a router column (and every
/// such column names one), else none: a broken router never stops a
/// comparison that does not use it.
pub(super) fn policies_for(setup: &Setup, targets: &[Target]) -> Result<Vec<Policy>, CliError> {
    if targets.iter().all(|t| t.router.is_none()) {
        return Ok(Vec::new());
    }
    let policies = setup.config.policies().map_err(usage)?;
    check_routers(&policies, targets)?;
    Ok(policies)
}

/// Every router column names a router of the config.
pub(super) fn check_routers(policies: &[Policy], targets: &[Target]) -> Result<(), CliError> {
    for name in targets.iter().filter_map(|t| t.router.as_deref()) {
        find_policy(policies, name).map_err(usage)?;
    }
    Ok(())
}

/// Decides every router column for `prompt`. Catalogs loaded for price
/// rules are left in `catalogs`, for pricing the answers later.
pub(super) async fn resolve_columns(
    setup: &Setup,
    policies: &[Policy],
    targets: &[Target],
    prompt: &str,
    catalogs: &mut BTreeMap<String, Catalog>,
) -> Result<Vec<(Target, Option<RouteDecision>)>, CliError> {
    let used: Vec<&Policy> = policies
        .iter()
        .filter(|p| {
            targets
                .iter()
                .any(|t| t.router.as_deref() == Some(p.name()))
        })
        .collect();
    load_price_catalogs(setup, &used, catalogs).await;
    let providers = setup.router.providers();
    let price_of = catalog_prices(providers, catalogs);
    targets
        .iter()
        .map(|target| {
            policy::resolve_target(target, policies, providers, prompt, &price_of).map_err(usage)
        })
        .collect()
}

/// Loads the catalog of every provider whose prices a price rule of
/// `policies` may ask for; routers without price rules load nothing.
async fn load_price_catalogs(
    setup: &Setup,
    policies: &[&Policy],
    catalogs: &mut BTreeMap<String, Catalog>,
) {
    let providers = setup.router.providers();
    for reference in policies.iter().flat_map(|p| p.priced_models()) {
        let Ok(model) = providers.parse_ref(reference) else {
            continue;
        };
        if catalogs.contains_key(&model.provider) {
            continue;
        }
        let outcome = setup.loader.load(&model.provider, Refresh::IfStale).await;
        for warning in &outcome.warnings {
            errln!(
                "prism: warning: {} catalog: {}",
                Outside(&model.provider),
                Outside(&warning.to_string())
            );
        }
        if let Some(catalog) = outcome.catalog {
            if !outcome.warnings.is_empty() {
                errln!(
                    "prism: routing with prices from the {} catalog: {}",
                    Outside(&model.provider),
                    catalog.describe(now_unix())
                );
            }
            catalogs.insert(model.provider.clone(), catalog);
        }
    }
}

/// A config or policy problem: a usage error (exit 2).
fn usage(err: impl std::fmt::Display) -> CliError {
    CliError::Usage(err.to_string())
}
