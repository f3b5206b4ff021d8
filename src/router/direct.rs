//! Direct vs routed: the same model asked through OpenRouter and straight
//! from a configured provider (OpenAI, Groq, a local server). Which direct
//! id an OpenRouter id maps to (the config's `[direct]` table, else a
//! provider named like the id's author), and the measured difference of
//! the pair: time to first token, cost, the hop `/generation` reports and
//! the price markup per 1M tokens, all in checked arithmetic.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::chat::Target;
use super::events::RunResult;
use super::pricing::{Price, Pricing, format_per_million, format_usd};
use super::provider::{ProviderKind, Providers};
use crate::units;

/// The two columns of a pair: the model via OpenRouter, and direct.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub routed: Target,
    pub direct: Target,
}

/// Maps `written` (an OpenRouter model, "openai/gpt-4o-mini") to the same
/// model on a direct provider: `table` (the config's `[direct]`) first,
/// keyed by the id with or without the OpenRouter provider's prefix; else
/// the provider named like the id's author, when one is configured and is
/// not OpenRouter ("openai/gpt-4o-mini" → "openai:gpt-4o-mini").
pub fn pair(
    providers: &Providers,
    table: &BTreeMap<String, String>,
    written: &str,
) -> Result<Pair, String> {
    let written = written.trim();
    let routed = providers
        .parse_ref(written)
        .map_err(|e| format!("model '{written}': {e}"))?;
    let is_openrouter = |name: &str| {
        providers
            .get(name)
            .is_some_and(|p| p.kind == ProviderKind::OpenRouter)
    };
    if !is_openrouter(&routed.provider) {
        return Err(format!(
            "'{written}' is not an OpenRouter model: --via-and-direct takes an OpenRouter id such as openai/gpt-4o-mini"
        ));
    }
    let id = routed.model.as_str();
    let prefixed = format!("{}:{id}", routed.provider);
    let direct_text = match table.get(id).or_else(|| table.get(&prefixed)) {
        Some(mapped) => mapped.trim().to_string(),
        None => {
            let (author, slug) = id.split_once('/').unwrap_or(("", id));
            match providers.get(author) {
                Some(provider) if !slug.is_empty() && provider.kind != ProviderKind::OpenRouter => {
                    format!("{author}:{slug}")
                }
                _ => {
                    return Err(format!(
                        "no direct provider for '{id}': map it in the config file, e.g. [direct] \"{id}\" = \"PROVIDER:MODEL\""
                    ));
                }
            }
        }
    };
    let direct = providers
        .parse_ref(&direct_text)
        .map_err(|e| format!("[direct] \"{id}\" = \"{direct_text}\": {e}"))?;
    let named = direct_text
        .split_once(':')
        .is_some_and(|(prefix, _)| providers.get(prefix).is_some());
    if !named || is_openrouter(&direct.provider) {
        return Err(format!(
            "[direct] \"{id}\" = \"{direct_text}\": name a provider that is not OpenRouter, as PROVIDER:MODEL"
        ));
    }
    Ok(Pair {
        routed: Target::single(written, routed),
        direct: Target::single(direct_text, direct),
    })
}

/// How much more going through OpenRouter costs per 1M tokens (negative
/// when it is cheaper); None where either price is unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Markup {
    pub prompt_per_1m_usd: Option<Decimal>,
    pub completion_per_1m_usd: Option<Decimal>,
}

/// The per-1M difference of each token price: `routed − direct`.
pub fn markup(routed: &Pricing, direct: &Pricing) -> Markup {
    let difference = |routed: Price, direct: Price| {
        routed
            .per_million()?
            .checked_sub(direct.per_million()?)
            .map(|d| d.normalize())
    };
    Markup {
        prompt_per_1m_usd: difference(routed.prompt, direct.prompt),
        completion_per_1m_usd: difference(routed.completion, direct.completion),
    }
}

/// The measured difference of one prompt's pair, routed minus direct.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PairFigures {
    /// The OpenRouter model ("openai/gpt-4o-mini").
    pub model: String,
    /// The direct column ("openai:gpt-4o-mini").
    pub direct: String,
    pub routed_ttft_ms: Option<u64>,
    pub direct_ttft_ms: Option<u64>,
    /// Routed minus direct time to first token.
    pub ttft_difference_ms: Option<i64>,
    pub routed_cost_usd: Option<Decimal>,
    pub direct_cost_usd: Option<Decimal>,
    /// Routed minus direct cost of this prompt.
    pub cost_difference_usd: Option<Decimal>,
    /// The hop OpenRouter's `/generation` record implies (ttft minus the
    /// upstream's own latency).
    pub hop_ms: Option<i64>,
    /// Catalog prices per 1M tokens, when each side's catalog lists them.
    pub routed_prices: Option<Pricing>,
    pub direct_prices: Option<Pricing>,
    pub markup: Markup,
}

/// The figures of a finished pair; prices from each side's catalog, when known.
pub fn figures(
    pair: &Pair,
    routed: &RunResult,
    direct: &RunResult,
    routed_prices: Option<&Pricing>,
    direct_prices: Option<&Pricing>,
) -> PairFigures {
    let signed = |ms: u64| i64::try_from(ms).ok();
    let ttft_difference_ms = match (routed.ttft_ms, direct.ttft_ms) {
        (Some(r), Some(d)) => signed(r).zip(signed(d)).and_then(|(r, d)| r.checked_sub(d)),
        _ => None,
    };
    let cost_difference_usd = routed
        .cost_usd
        .zip(direct.cost_usd)
        .and_then(|(r, d)| r.checked_sub(d))
        .map(|d| d.normalize());
    let markup = match (routed_prices, direct_prices) {
        (Some(r), Some(d)) => markup(r, d),
        _ => Markup::default(),
    };
    PairFigures {
        model: pair.routed.label.clone(),
        direct: pair.direct.label.clone(),
        routed_ttft_ms: routed.ttft_ms,
        direct_ttft_ms: direct.ttft_ms,
        ttft_difference_ms,
        routed_cost_usd: routed.cost_usd,
        direct_cost_usd: direct.cost_usd,
        cost_difference_usd,
        hop_ms: routed.overhead_ms,
        routed_prices: routed_prices.cloned(),
        direct_prices: direct_prices.cloned(),
        markup,
    }
}

/// A via-and-direct pair side by side: time to first token, this prompt's
/// cost, the catalogs' prices per 1M tokens, each with routed − direct, and
/// the hop OpenRouter's `/generation` record implies.
pub fn table(figures: &PairFigures) -> String {
    let usd = |amount: Option<Decimal>| amount.map_or("unknown".into(), format_usd);
    let signed_usd = |amount: Option<Decimal>| match amount {
        Some(amount) if !amount.is_sign_negative() => format!("+{}", format_usd(amount)),
        other => usd(other),
    };
    let per_million = |prices: Option<&Pricing>, pick: fn(&Pricing) -> Price| {
        prices.map_or("?".into(), |p| format_per_million(pick(p)))
    };
    let signed_per_million = |amount: Option<Decimal>| match amount {
        Some(amount) if !amount.is_sign_negative() => format!("+${}", amount.normalize()),
        Some(amount) => format!("-${}", amount.abs().normalize()),
        None => "?".into(),
    };
    let (routed, direct) = (
        figures.routed_prices.as_ref(),
        figures.direct_prices.as_ref(),
    );
    let rows = vec![
        vec![
            "ttft".into(),
            units::duration(figures.routed_ttft_ms),
            units::duration(figures.direct_ttft_ms),
            units::difference_ms(figures.ttft_difference_ms),
        ],
        vec![
            "hop (/generation)".into(),
            units::signed_duration_ms(figures.hop_ms),
            String::new(),
            String::new(),
        ],
        vec![
            "cost".into(),
            usd(figures.routed_cost_usd),
            usd(figures.direct_cost_usd),
            signed_usd(figures.cost_difference_usd),
        ],
        vec![
            "$/1M in".into(),
            per_million(routed, |p| p.prompt),
            per_million(direct, |p| p.prompt),
            signed_per_million(figures.markup.prompt_per_1m_usd),
        ],
        vec![
            "$/1M out".into(),
            per_million(routed, |p| p.completion),
            per_million(direct, |p| p.completion),
            signed_per_million(figures.markup.completion_per_1m_usd),
        ],
    ];
    let title = format!(
        "via OpenRouter vs direct: {} / {}\n",
        crate::sanitize::one_line(&figures.model),
        crate::sanitize::one_line(&figures.direct)
    );
    title
        + &crate::table::table(
            &["", "via OpenRouter", "direct", "routed − direct"],
            &rows,
            &[false, true, true, true],
        )
}

#[cfg(test)]
mod tests;
