//! OpenRouter provider preferences for one column: how OpenRouter picks the
//! upstream that serves a model (`sort`, `order`, `only`/`ignore`, fallbacks,
//! data collection, a price ceiling) and the model variant suffix (`:free`,
//! `:nitro`, `:floor`, `:online`). Only OpenRouter understands them: the
//! request body carries them for OpenRouter-kind providers and never for
//! others (`chat::request_body`).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::figures::{self, usd_setting};

/// How OpenRouter orders the upstreams of a model (`provider.sort`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderSort {
    Price,
    Throughput,
    Latency,
}

impl ProviderSort {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderSort::Price => "price",
            ProviderSort::Throughput => "throughput",
            ProviderSort::Latency => "latency",
        }
    }
}

impl FromStr for ProviderSort {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "price" => Ok(ProviderSort::Price),
            "throughput" => Ok(ProviderSort::Throughput),
            "latency" => Ok(ProviderSort::Latency),
            other => Err(format!(
                "'{other}' is not a sort order (price, throughput or latency)"
            )),
        }
    }
}

impl fmt::Display for ProviderSort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A model variant: a suffix on the model id that changes how it is served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// The free endpoints (rate-limited: about 20 requests a minute).
    Free,
    /// The fastest endpoints (like `sort: throughput`).
    Nitro,
    /// The cheapest endpoints (like `sort: price`).
    Floor,
    /// With web search (deprecated by OpenRouter in favour of a server tool).
    Online,
}

impl Variant {
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Free => "free",
            Variant::Nitro => "nitro",
            Variant::Floor => "floor",
            Variant::Online => "online",
        }
    }

    /// The suffix appended to the model id, e.g. ":nitro".
    pub fn suffix(self) -> String {
        format!(":{}", self.as_str())
    }
}

impl FromStr for Variant {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text
            .trim()
            .trim_start_matches(':')
            .to_ascii_lowercase()
            .as_str()
        {
            "free" => Ok(Variant::Free),
            "nitro" => Ok(Variant::Nitro),
            "floor" => Ok(Variant::Floor),
            "online" => Ok(Variant::Online),
            other => Err(format!(
                "'{other}' is not a variant (free, nitro, floor or online)"
            )),
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The most a column may pay, in USD per million tokens. A hard filter:
/// OpenRouter refuses the request when no upstream is this cheap.
/// Exact decimals, sent as the decimal strings OpenRouter's schema declares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxPrice {
    #[serde(default, with = "usd_setting::option")]
    pub prompt: Option<Decimal>,
    #[serde(default, with = "usd_setting::option")]
    pub completion: Option<Decimal>,
}

impl MaxPrice {
    /// Parses "IN,OUT" (USD per 1M input and output tokens), e.g. "1,2.5".
    pub fn parse_pair(text: &str) -> Result<MaxPrice, String> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let number = |part: &str| figures::parse_setting_usd(part).ok();
        match parts.as_slice() {
            [prompt, completion] => match (number(prompt), number(completion)) {
                (Some(prompt), Some(completion)) => Ok(MaxPrice {
                    prompt: Some(prompt),
                    completion: Some(completion),
                }),
                _ => Err(format!(
                    "'{text}' must be two numbers from 0 to 1000000: USD per 1M input and output tokens, e.g. 1,2.5"
                )),
            },
            _ => Err(format!(
                "'{text}' must be IN,OUT: USD per 1M input and output tokens, e.g. 1,2.5"
            )),
        }
    }

    fn is_empty(&self) -> bool {
        self.prompt.is_none() && self.completion.is_none()
    }
}

/// One column's provider preferences. Unset fields leave OpenRouter's default.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderPrefs {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<ProviderSort>,
    /// Upstream slugs to try in this order ("openai", "google-vertex/us-east5").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<String>,
    /// Only these upstreams.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only: Vec<String>,
    /// Never these upstreams.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// false: only the first choice (or `order`); fail rather than use another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_fallbacks: Option<bool>,
    /// true: only upstreams that neither store nor train on prompts
    /// (`"data_collection": "deny"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deny_data_collection: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_price: Option<MaxPrice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<Variant>,
}

impl ProviderPrefs {
    /// These values where set, else `base`'s: per-column values over shared
    /// ones, command-line flags over the config.
    pub fn merged_over(&self, base: &ProviderPrefs) -> ProviderPrefs {
        let list = |mine: &Vec<String>, theirs: &Vec<String>| {
            if mine.is_empty() {
                theirs.clone()
            } else {
                mine.clone()
            }
        };
        let max_price = match (self.max_price, base.max_price) {
            (Some(mine), Some(theirs)) => Some(MaxPrice {
                prompt: mine.prompt.or(theirs.prompt),
                completion: mine.completion.or(theirs.completion),
            }),
            (mine, theirs) => mine.or(theirs),
        };
        ProviderPrefs {
            sort: self.sort.or(base.sort),
            order: list(&self.order, &base.order),
            only: list(&self.only, &base.only),
            ignore: list(&self.ignore, &base.ignore),
            allow_fallbacks: self.allow_fallbacks.or(base.allow_fallbacks),
            deny_data_collection: self.deny_data_collection.or(base.deny_data_collection),
            max_price,
            variant: self.variant.or(base.variant),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == ProviderPrefs::default()
    }

    /// Pins these preferences to one upstream: `only = [slug]`, no
    /// fallbacks; the ordering and ignore lists, meaningless with one
    /// upstream, are dropped. Privacy, the price ceiling and the variant stay.
    pub fn pin_to(&mut self, slug: &str) {
        self.only = vec![slug.to_string()];
        self.allow_fallbacks = Some(false);
        self.order.clear();
        self.ignore.clear();
        self.sort = None;
    }

    /// The OpenRouter `provider` object (field names of the OpenAPI schema
    /// `ProviderPreferences`), None when there is nothing to send. Prices go
    /// as decimal strings, the type the schema declares.
    pub fn provider_object(&self) -> Option<Value> {
        let mut object = Map::new();
        if let Some(sort) = self.sort {
            object.insert("sort".into(), json!(sort.as_str()));
        }
        for (key, list) in [
            ("order", &self.order),
            ("only", &self.only),
            ("ignore", &self.ignore),
        ] {
            if !list.is_empty() {
                object.insert(key.into(), json!(list));
            }
        }
        if let Some(allow) = self.allow_fallbacks {
            object.insert("allow_fallbacks".into(), json!(allow));
        }
        if self.deny_data_collection == Some(true) {
            object.insert("data_collection".into(), json!("deny"));
        }
        if let Some(max_price) = self.max_price.filter(|m| !m.is_empty()) {
            let mut price = Map::new();
            for (key, value) in [
                ("prompt", max_price.prompt),
                ("completion", max_price.completion),
            ] {
                if let Some(value) = value {
                    price.insert(key.into(), json!(usd_text(value)));
                }
            }
            object.insert("max_price".into(), Value::Object(price));
        }
        (!object.is_empty()).then_some(Value::Object(object))
    }

    /// The model id with the variant suffix, unless it already has it.
    pub fn apply_variant(&self, model: &str) -> String {
        match self.variant {
            Some(variant) if !model.ends_with(&variant.suffix()) => {
                format!("{model}{}", variant.suffix())
            }
            _ => model.to_string(),
        }
    }

    /// One line for titles and the details view, e.g.
    /// "sort throughput · only openai · no data collection · ≤ $1/$2 per 1M · :nitro".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(sort) = self.sort {
            parts.push(format!("sort {sort}"));
        }
        if !self.order.is_empty() {
            parts.push(format!("order {}", self.order.join(",")));
        }
        if !self.only.is_empty() {
            parts.push(format!("only {}", self.only.join(",")));
        }
        if !self.ignore.is_empty() {
            parts.push(format!("ignore {}", self.ignore.join(",")));
        }
        if self.allow_fallbacks == Some(false) {
            parts.push("no fallbacks".to_string());
        }
        if self.deny_data_collection == Some(true) {
            parts.push("no data collection".to_string());
        }
        if let Some(max_price) = self.max_price.filter(|m| !m.is_empty()) {
            let price =
                |p: Option<Decimal>| p.map_or("-".to_string(), |v| format!("${}", usd_text(v)));
            parts.push(format!(
                "≤ {}/{} per 1M",
                price(max_price.prompt),
                price(max_price.completion)
            ));
        }
        if let Some(variant) = self.variant {
            parts.push(variant.suffix());
        }
        parts.join(" · ")
    }
}

/// The exact decimal text of a price, never in exponent form: 1 → "1",
/// 0.25 → "0.25", 1e-7 → "0.0000001".
pub fn usd_text(value: Decimal) -> String {
    value.normalize().to_string()
}

#[cfg(test)]
mod tests;
