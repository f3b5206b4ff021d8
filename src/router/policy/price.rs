//! What price rules read: a model's prices per 1M tokens, exact, from the
//! loaded catalogs, and the first candidate within a ceiling.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::PriceOf;
use crate::router::catalog::{Catalog, ModelInfo};
use crate::router::provider::Providers;

/// A model's prices in USD per 1M tokens, as price rules read them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PricePerMillion {
    pub input_usd: Decimal,
    pub output_usd: Decimal,
}

impl PricePerMillion {
    /// Both prices at or under `ceiling_usd`.
    fn within(self, ceiling_usd: Decimal) -> bool {
        self.input_usd <= ceiling_usd && self.output_usd <= ceiling_usd
    }

    /// "$0.5/$1.5 per 1M".
    fn text(self) -> String {
        format!(
            "${}/${} per 1M",
            usd_text(self.input_usd),
            usd_text(self.output_usd)
        )
    }
}

/// The first candidate whose input and output prices are both at or under
/// `ceiling_usd`, with the reason's wording; else why none passed.
pub(super) fn pick_within(
    candidates: &[String],
    ceiling_usd: Decimal,
    price_of: PriceOf<'_>,
) -> Result<(String, String), String> {
    let ceiling = usd_text(ceiling_usd);
    let mut rejected = Vec::new();
    for model in candidates {
        match price_of(model) {
            Some(price) if price.within(ceiling_usd) => {
                let mut part = format!("{model} {} ≤ ${ceiling}", price.text());
                if !rejected.is_empty() {
                    part = format!("{part} (passed over {})", rejected.join(", "));
                }
                return Ok((model.clone(), part));
            }
            Some(price) => rejected.push(format!("{model} {} > ${ceiling}", price.text())),
            None => rejected.push(format!("price of {model} unknown")),
        }
    }
    Err(rejected.join(", "))
}

/// A dollar amount to 4 decimals, without trailing zeros: 0.5, 0.0938, 10.
fn usd_text(amount: Decimal) -> String {
    amount
        .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// A `price_of` over loaded catalogs (by provider name): a reference is
/// parsed as a column's model would be, and priced per 1M tokens.
pub fn catalog_prices<'a>(
    providers: &'a Providers,
    catalogs: &'a BTreeMap<String, Catalog>,
) -> impl Fn(&str) -> Option<PricePerMillion> + 'a {
    move |reference| {
        let model = providers.parse_ref(reference).ok()?;
        price_per_million(catalogs.get(&model.provider)?.get(&model.model)?)
    }
}

/// A model's input and output prices per 1M tokens, as price rules read
/// them; `None` when either is unknown.
pub fn price_per_million(info: &ModelInfo) -> Option<PricePerMillion> {
    Some(PricePerMillion {
        input_usd: info.pricing.prompt.per_million()?,
        output_usd: info.pricing.completion.per_million()?,
    })
}
