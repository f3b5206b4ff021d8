//! What only the catalog knows, added to a finished column: the cost from
//! catalog prices when the server reported none, and for an unknown model
//! the closest ids the catalog lists. Shared by `compare` and `eval`.

use std::collections::BTreeMap;

use super::catalog::Catalog;
use super::chat::Target;
use super::error::ErrorKind;
use super::events::RunResult;
use super::provider::{ModelRef, Providers};

/// Adds what only the catalog knows: computed costs and, for unknown
/// models, the closest ids it lists.
pub fn finish_result(
    result: &mut RunResult,
    target: &Target,
    catalogs: &BTreeMap<String, Catalog>,
    providers: &Providers,
) {
    result.price_from_catalog(&target.chain, |provider, model| {
        catalogs.get(provider)?.get(model)
    });
    if let Some(error) = result.error.as_mut()
        && error.kind == ErrorKind::UnknownModel
    {
        let suggestions: Vec<String> = target
            .chain
            .iter()
            .filter(|m| {
                catalogs
                    .get(&m.provider)
                    .is_some_and(|c| c.get(&m.model).is_none())
            })
            .flat_map(|m| {
                let catalog = &catalogs[&m.provider];
                catalog
                    .closest_ids(&m.model, 3)
                    .into_iter()
                    .map(|id| providers.display_ref(&ModelRef::new(m.provider.clone(), id)))
                    .collect::<Vec<_>>()
            })
            .collect();
        if !suggestions.is_empty() {
            let hint = format!(
                "; did you mean {}?",
                crate::sanitize::Outside(&suggestions.join(", "))
            );
            error.message.push_str(&hint);
            // Each attempt that failed on the unknown id says it too.
            for attempt in &mut result.attempts {
                if let Some(error) = attempt.error.as_mut()
                    && error.kind == ErrorKind::UnknownModel
                    && !error.message.ends_with(&hint)
                {
                    error.message.push_str(&hint);
                }
            }
        }
    }
}
