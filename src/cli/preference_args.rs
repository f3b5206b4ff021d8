//! The OpenRouter provider-preference flags of `prism compare` (a contract:
//! they apply to every column of the run, over the config file's
//! `[preferences]`), and their validation.

use clap::Args;

use crate::router::preferences::{MaxPrice, ProviderPrefs, ProviderSort, Variant};

use super::CliError;

/// Where `--help` lists these flags.
const HEADING: &str = "OpenRouter provider preferences (every column; ignored by other servers)";

#[derive(Debug, Clone, Default, Args)]
pub struct PreferenceArgs {
    /// Order the upstreams by price, throughput or latency.
    #[arg(long, value_name = "price|throughput|latency", help_heading = HEADING)]
    pub sort: Option<ProviderSort>,
    /// Try these upstreams in this order, e.g. openai,azure.
    #[arg(long = "provider-order", value_name = "A,B", value_delimiter = ',', help_heading = HEADING)]
    pub provider_order: Vec<String>,
    /// Use only these upstreams.
    #[arg(long, value_name = "A,B", value_delimiter = ',', help_heading = HEADING)]
    pub only: Vec<String>,
    /// Never use these upstreams.
    #[arg(long, value_name = "A,B", value_delimiter = ',', help_heading = HEADING)]
    pub ignore: Vec<String>,
    /// Fail rather than fall back to another upstream.
    #[arg(long, help_heading = HEADING)]
    pub no_provider_fallbacks: bool,
    /// Only upstreams that neither store nor train on prompts (data_collection: deny).
    #[arg(long, help_heading = HEADING)]
    pub deny_data_collection: bool,
    /// The most to pay, in USD per 1M input and output tokens, e.g. 1,2.5.
    #[arg(long, value_name = "IN,OUT", allow_hyphen_values = true, help_heading = HEADING)]
    pub max_price: Option<String>,
    /// A model variant appended to every model id (:free, :nitro, :floor, :online).
    #[arg(long, value_name = "free|nitro|floor|online", help_heading = HEADING)]
    pub variant: Option<Variant>,
}

impl PreferenceArgs {
    /// The flags as preferences (unset flags stay unset, so the config
    /// file's values show through); a malformed `--max-price` is a usage error.
    pub fn to_prefs(&self) -> Result<ProviderPrefs, CliError> {
        let list = |values: &[String]| -> Vec<String> {
            values
                .iter()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect()
        };
        let max_price = self
            .max_price
            .as_deref()
            .map(MaxPrice::parse_pair)
            .transpose()
            .map_err(|e| CliError::Usage(format!("--max-price {e}")))?;
        Ok(ProviderPrefs {
            sort: self.sort,
            order: list(&self.provider_order),
            only: list(&self.only),
            ignore: list(&self.ignore),
            allow_fallbacks: self.no_provider_fallbacks.then_some(false),
            deny_data_collection: self.deny_data_collection.then_some(true),
            max_price,
            variant: self.variant,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_become_preferences() {
        let args = PreferenceArgs {
            sort: Some(ProviderSort::Latency),
            provider_order: vec!["openai".into(), " azure ".into(), "".into()],
            no_provider_fallbacks: true,
            max_price: Some("0.5,1".into()),
            ..PreferenceArgs::default()
        };
        let prefs = args.to_prefs().expect("valid");
        assert_eq!(prefs.order, vec!["openai".to_string(), "azure".to_string()]);
        assert_eq!(prefs.allow_fallbacks, Some(false));
        assert_eq!(prefs.deny_data_collection, None);
        assert_eq!(
            prefs.max_price.and_then(|m| m.prompt),
            Some(rust_decimal::Decimal::new(5, 1))
        );
        assert!(
            PreferenceArgs::default()
                .to_prefs()
                .expect("valid")
                .is_empty()
        );
        let bad = PreferenceArgs {
            max_price: Some("1,-2".into()),
            ..PreferenceArgs::default()
        };
        assert!(matches!(bad.to_prefs(), Err(CliError::Usage(m)) if m.contains("--max-price")));
    }
}
