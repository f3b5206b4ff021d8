//! The allowed range of every number a flag or the config file sets, in one
//! place: clap's parsers and the config loader call the same checks, so
//! `--idle-timeout 0` and `idle_timeout_secs = 0` fail alike (exit 2, the
//! setting named) instead of one of them slipping through.

use std::fmt::Display;
use std::str::FromStr;

use super::ConfigFile;
use crate::router::preferences::{MaxPrice, ProviderPrefs};

/// A check: the value when it is allowed, else what is allowed.
type Check<T> = fn(T) -> Result<T, String>;

/// One day: the longest any timeout may be.
pub const MAX_TIMEOUT_SECS: u64 = 86_400;
/// The most retries a request may have (backoff makes more pointless).
pub const MAX_RETRIES: u32 = 10;
/// The largest size cap, in MiB.
pub const MAX_CAP_MIB: u64 = 4096;
// Price and cost settings share the routing core's check (its
// preferences read `max_price` flags with it too).
pub use crate::router::figures::{MAX_SETTING_USD as MAX_USD, setting_usd as usd};

pub fn temperature(value: f64) -> Result<f64, String> {
    if value.is_finite() && (0.0..=2.0).contains(&value) {
        Ok(value)
    } else {
        Err("must be a number from 0 to 2".into())
    }
}

pub fn max_tokens(value: u32) -> Result<u32, String> {
    if value >= 1 {
        Ok(value)
    } else {
        Err("must be at least 1".into())
    }
}

pub fn max_retries(value: u32) -> Result<u32, String> {
    if value <= MAX_RETRIES {
        Ok(value)
    } else {
        Err(format!("must be from 0 to {MAX_RETRIES}"))
    }
}

pub fn timeout_secs(value: u64) -> Result<u64, String> {
    if (1..=MAX_TIMEOUT_SECS).contains(&value) {
        Ok(value)
    } else {
        Err(format!("must be from 1 to {MAX_TIMEOUT_SECS} seconds"))
    }
}

pub fn timeout_ms(value: u64) -> Result<u64, String> {
    if (1..=60_000).contains(&value) {
        Ok(value)
    } else {
        Err("must be from 1 to 60000 milliseconds".into())
    }
}

pub fn catalog_ttl_hours(value: u64) -> Result<u64, String> {
    if value <= 24 * 365 {
        Ok(value)
    } else {
        Err("must be from 0 to 8760 hours (a year)".into())
    }
}

pub fn cap_mib(value: u64) -> Result<u64, String> {
    if (1..=MAX_CAP_MIB).contains(&value) {
        Ok(value)
    } else {
        Err(format!("must be from 1 to {MAX_CAP_MIB} (MiB)"))
    }
}

pub fn requests_per_minute(value: u32) -> Result<u32, String> {
    if value <= 100_000 {
        Ok(value)
    } else {
        Err("must be from 0 (no pacing) to 100000".into())
    }
}

/// A clap value parser from a check: `value_parser = flag(temperature)`
/// reads the text as `T`, then checks it.
pub fn flag<T>(check: Check<T>) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync
where
    T: FromStr,
    T::Err: Display,
{
    move |text: &str| {
        let value = text.trim().parse::<T>().map_err(|e| e.to_string())?;
        check(value)
    }
}

/// Every number in the file, against the same checks as the flags. The
/// error names the key: "[network] idle_timeout_secs = 0: must be …".
pub fn file(file: &ConfigFile) -> Result<(), String> {
    fn key<T: Copy + Display>(name: &str, value: Option<T>, check: Check<T>) -> Result<(), String> {
        match value {
            Some(value) => check(value)
                .map(drop)
                .map_err(|why| format!("{name} = {value}: {why}")),
            None => Ok(()),
        }
    }
    let defaults = &file.defaults;
    key("[defaults] temperature", defaults.temperature, temperature)?;
    key("[defaults] max_tokens", defaults.max_tokens, max_tokens)?;
    let network = &file.network;
    key("[network] max_retries", network.max_retries, max_retries)?;
    key(
        "[network] idle_timeout_secs",
        network.idle_timeout_secs,
        timeout_secs,
    )?;
    key(
        "[network] request_timeout_secs",
        network.request_timeout_secs,
        timeout_secs,
    )?;
    key(
        "[network] connect_timeout_secs",
        network.connect_timeout_secs,
        timeout_secs,
    )?;
    key(
        "[network] catalog_ttl_hours",
        network.catalog_ttl_hours,
        catalog_ttl_hours,
    )?;
    let limits = &file.limits;
    key(
        "[limits] warn_turn_cost_usd",
        limits.warn_turn_cost_usd,
        usd,
    )?;
    key("[limits] eval_confirm_usd", limits.eval_confirm_usd, usd)?;
    key("[limits] max_answer_mib", limits.max_answer_mib, cap_mib)?;
    key("[limits] max_catalog_mib", limits.max_catalog_mib, cap_mib)?;
    key(
        "[discovery] timeout_ms",
        file.discovery.timeout_ms,
        timeout_ms,
    )?;
    let pacing = &file.pacing;
    key(
        "[pacing] free_requests_per_minute",
        pacing.free_requests_per_minute,
        requests_per_minute,
    )?;
    for (model, limit) in &pacing.models {
        key(
            &format!("[pacing] models.\"{model}\""),
            Some(*limit),
            requests_per_minute,
        )?;
    }
    for (model, direct) in &file.direct {
        let (provider, id) = direct.trim().split_once(':').unwrap_or_default();
        if model.trim().is_empty() || provider.trim().is_empty() || id.trim().is_empty() {
            return Err(format!(
                "[direct] \"{model}\" = \"{direct}\": write an OpenRouter id = \"PROVIDER:MODEL\", e.g. \"openai/gpt-4o-mini\" = \"openai:gpt-4o-mini\""
            ));
        }
    }
    prefs("[preferences]", &file.preferences.shared)?;
    for (model, own) in &file.preferences.models {
        prefs(&format!("[preferences.\"{model}\"]"), own)?;
    }
    Ok(())
}

fn prefs(table: &str, prefs: &ProviderPrefs) -> Result<(), String> {
    let Some(MaxPrice { prompt, completion }) = prefs.max_price else {
        return Ok(());
    };
    for (part, value) in [("prompt", prompt), ("completion", completion)] {
        if let Some(value) = value {
            usd(value).map_err(|why| format!("{table} max_price.{part} = {value}: {why}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn refused(text: &str) -> String {
        Config::parse(text).expect_err(text)
    }

    #[test]
    fn absurd_values_name_their_key() {
        let cases = [
            (
                "[network]\nidle_timeout_secs = 0\n",
                "[network] idle_timeout_secs = 0: must be from 1 to 86400 seconds",
            ),
            (
                "[defaults]\ntemperature = 1e9\n",
                "[defaults] temperature = 1000000000: must be a number from 0 to 2",
            ),
            (
                "[defaults]\ntemperature = nan\n",
                "[defaults] temperature = NaN: must be a number from 0 to 2",
            ),
            (
                "[preferences]\nmax_price = { prompt = 1e7, completion = 1 }\n",
                "[preferences] max_price.prompt = 10000000: must be a number from 0 to 1000000 (USD)",
            ),
            (
                "[preferences.\"openai/gpt-4o\"]\nmax_price = { completion = -1 }\n",
                "[preferences.\"openai/gpt-4o\"] max_price.completion = -1: must be a number from 0 to 1000000 (USD)",
            ),
            (
                "[network]\ncatalog_ttl_hours = 18446744073709551615\n",
                "[network] catalog_ttl_hours = 18446744073709551615: must be from 0 to 8760 hours (a year)",
            ),
            (
                "[limits]\nwarn_turn_cost_usd = -0.5\n",
                "[limits] warn_turn_cost_usd = -0.5: must be a number from 0 to 1000000 (USD)",
            ),
            (
                "[limits]\neval_confirm_usd = 1e9\n",
                "[limits] eval_confirm_usd = 1000000000: must be a number from 0 to 1000000 (USD)",
            ),
            (
                "[limits]\nmax_answer_mib = 0\n",
                "[limits] max_answer_mib = 0: must be from 1 to 4096 (MiB)",
            ),
            (
                "[network]\nmax_retries = 1000\n",
                "[network] max_retries = 1000: must be from 0 to 10",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(refused(text), message);
        }
        // A float that is no amount at all fails as it is read, where the
        // TOML error names the key.
        for (text, key) in [
            (
                "[preferences]\nmax_price = { prompt = nan, completion = 1 }\n",
                "max_price.prompt",
            ),
            ("[limits]\nwarn_turn_cost_usd = inf\n", "warn_turn_cost_usd"),
            ("[limits]\neval_confirm_usd = -inf\n", "eval_confirm_usd"),
        ] {
            let message = refused(text);
            assert!(
                message.contains(key) && message.contains("is not an amount of USD"),
                "{message}"
            );
        }
    }

    #[test]
    fn money_settings_are_read_exactly() {
        let file = Config::parse(
            "[limits]\nwarn_turn_cost_usd = 0.1\neval_confirm_usd = 3\n[preferences]\nmax_price = { prompt = 0.0000001, completion = \"2.35\" }\n",
        )
        .expect("valid");
        let usd = |text: &str| text.parse::<rust_decimal::Decimal>().expect("decimal");
        assert_eq!(file.limits.warn_turn_cost_usd, Some(usd("0.1")));
        assert_eq!(file.limits.eval_confirm_usd, Some(usd("3")));
        let max_price = file.preferences.shared.max_price.expect("max_price");
        assert_eq!(max_price.prompt, Some(usd("0.0000001")));
        assert_eq!(max_price.completion, Some(usd("2.35")));
    }

    #[test]
    fn flags_use_the_same_checks() {
        assert_eq!(
            flag(temperature)("1e9"),
            Err("must be a number from 0 to 2".into())
        );
        assert_eq!(flag(temperature)("0.7"), Ok(0.7));
        assert_eq!(
            flag(timeout_secs)("0"),
            Err("must be from 1 to 86400 seconds".into())
        );
        assert!(flag(timeout_secs)("x").is_err());
        assert_eq!(
            MaxPrice::parse_pair("NaN,1"),
            Err("'NaN,1' must be two numbers from 0 to 1000000: USD per 1M input and output tokens, e.g. 1,2.5".into())
        );
    }

    #[test]
    fn direct_mappings_name_a_provider_and_a_model() {
        let file = Config::parse("[direct]\n\"a/b\" = \"groq:b-versatile\"\n").expect("parses");
        assert_eq!(file.direct["a/b"], "groq:b-versatile");
        for bad in [
            "\"a/b\" = \"groq\"",
            "\"a/b\" = \":b\"",
            "\"a/b\" = \"groq:\"",
            "\"\" = \"groq:b\"",
        ] {
            let message = refused(&format!("[direct]\n{bad}\n"));
            assert!(message.contains("PROVIDER:MODEL"), "{message}");
        }
    }

    #[test]
    fn the_shipped_defaults_pass() {
        let file = Config::parse(crate::config::DEFAULT_CONFIG_TOML).expect("parses");
        assert_eq!(super::file(&file), Ok(()));
    }
}
