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
    finish_with(
        result,
        &target.chain,
        |provider| catalogs.get(provider),
        providers,
    );
}

/// [`finish_result`] for the models of `chain`, with each provider's catalog
/// from `catalog_of` (the workbench keeps its catalogs its own way).
pub fn finish_with<'a>(
    result: &mut RunResult,
    chain: &[ModelRef],
    catalog_of: impl Fn(&str) -> Option<&'a Catalog>,
    providers: &Providers,
) {
    result.price_from_catalog(chain, |provider, model| catalog_of(provider)?.get(model));
    if let Some(error) = result.error.as_mut()
        && error.kind == ErrorKind::UnknownModel
    {
        let suggestions: Vec<String> = chain
            .iter()
            .filter_map(|m| {
                let catalog = catalog_of(&m.provider).filter(|c| c.get(&m.model).is_none())?;
                Some(
                    catalog
                        .closest_ids(&m.model, 3)
                        .into_iter()
                        .map(|id| providers.display_ref(&ModelRef::new(m.provider.clone(), id)))
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()
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

/// Why an answer stopped short, for the finish reasons that mean it did
/// (max tokens hit, or a content filter), in the words people read.
pub fn truncation(finish_reason: &str) -> Option<&'static str> {
    match finish_reason {
        "length" | "max_tokens" => Some("max tokens"),
        "content_filter" => Some("content filter"),
        _ => None,
    }
}
