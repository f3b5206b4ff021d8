//! The model catalog: what `GET {base}/models` lists (ids, context, modalities,
//! exact prices), where that list came from (live, disk cache or the bundled
//! snapshot) and how old it is, plus the lookups the CLI and TUI need.

mod parse;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::router::pricing::Pricing;

pub(crate) use parse::pricing as parse_pricing;
pub use parse::{CatalogError, parse_models};

/// One model as a server lists it. Fields the server does not send are None
/// or empty; prices it does not send are `Price::Unknown`, never zero.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    /// The server's display name, or the id when it gives none.
    pub name: String,
    pub created_unix: Option<i64>,
    pub context_length: Option<u64>,
    pub max_completion_tokens: Option<u64>,
    pub input_modalities: Vec<String>,
    pub output_modalities: Vec<String>,
    pub supported_parameters: Vec<String>,
    pub pricing: Pricing,
}

impl ModelInfo {
    /// A model no catalog lists (a chosen reference whose catalog failed to
    /// load, a configured router): just an id and a name, prices unknown.
    pub fn unlisted(id: impl Into<String>, name: impl Into<String>) -> ModelInfo {
        ModelInfo {
            id: id.into(),
            name: name.into(),
            created_unix: None,
            context_length: None,
            max_completion_tokens: None,
            input_modalities: Vec::new(),
            output_modalities: Vec::new(),
            supported_parameters: Vec::new(),
            pricing: Pricing::unknown(),
        }
    }

    /// Both token prices are exactly zero; unknown prices are not free.
    pub fn is_free(&self) -> bool {
        self.pricing.is_free()
    }
}

/// A `/models` entry that could not become a `ModelInfo` (no string id, a
/// repeated id), kept so a count mismatch is always explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedEntry {
    /// Position in the server's `data` array.
    pub index: usize,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedModels {
    pub models: Vec<ModelInfo>,
    pub skipped: Vec<SkippedEntry>,
    /// Prices beyond belief, made unknown: "model: why", one each.
    pub notes: Vec<String>,
}

/// Where the catalog in use came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogSource {
    /// Fetched from the server in this run.
    Live,
    /// Read from the on-disk cache of an earlier fetch.
    Cache,
    /// The snapshot compiled into the binary.
    Bundled,
}

/// The models of one provider, with their source and fetch time.
#[derive(Clone, Debug)]
pub struct Catalog {
    /// Provider name as configured, e.g. "openrouter", "ollama".
    pub provider: String,
    pub source: CatalogSource,
    /// When the data was fetched from the server (for Bundled: the snapshot date).
    pub fetched_at_unix: i64,
    pub models: Vec<ModelInfo>,
    pub skipped: Vec<SkippedEntry>,
    /// Why some prices are unknown (beyond belief as the server sent them).
    pub notes: Vec<String>,
    index_by_id: HashMap<String, usize>,
}

impl Catalog {
    pub fn new(
        provider: impl Into<String>,
        source: CatalogSource,
        fetched_at_unix: i64,
        parsed: ParsedModels,
    ) -> Catalog {
        let mut index_by_id = HashMap::with_capacity(parsed.models.len());
        for (index, model) in parsed.models.iter().enumerate() {
            // The first entry wins, as in parse_models.
            index_by_id.entry(model.id.clone()).or_insert(index);
        }
        Catalog {
            provider: provider.into(),
            source,
            fetched_at_unix,
            models: parsed.models,
            skipped: parsed.skipped,
            notes: parsed.notes,
            index_by_id,
        }
    }

    /// One line about the prices made unknown, naming the first; None when
    /// every price was believable.
    pub fn notes_summary(&self) -> Option<String> {
        let first = self.notes.first()?;
        Some(match self.notes.len() {
            1 => format!("a price in the catalog is beyond belief and shown as unknown: {first}"),
            n => format!(
                "{n} prices in the catalog are beyond belief and shown as unknown; the first: {first}"
            ),
        })
    }

    /// The model with exactly this id.
    pub fn get(&self, id: &str) -> Option<&ModelInfo> {
        let indexed = self
            .index_by_id
            .get(id)
            .and_then(|&index| self.models.get(index))
            .filter(|model| model.id == id);
        // `models` is public, so the index may be stale if a caller edited it.
        indexed.or_else(|| self.models.iter().find(|model| model.id == id))
    }

    /// Seconds since the data was fetched; a clock behind the fetch time gives 0.
    pub fn age_secs(&self, now_unix: i64) -> i64 {
        now_unix.saturating_sub(self.fetched_at_unix).max(0)
    }

    /// Younger than `ttl`: no need to ask the server again.
    pub fn is_fresh(&self, now_unix: i64, ttl: std::time::Duration) -> bool {
        self.age_secs(now_unix) < ttl.as_secs() as i64
    }

    /// One short phrase for people: "live", "cache, fetched 3h ago",
    /// "bundled snapshot of 2026-08-18 (98 days old)".
    pub fn describe(&self, now_unix: i64) -> String {
        let age_secs = self.age_secs(now_unix);
        match self.source {
            CatalogSource::Live => "live".to_string(),
            CatalogSource::Cache => match crate::units::format_age(age_secs).as_str() {
                "just now" => "cache, fetched just now".to_string(),
                age => format!("cache, fetched {age} ago"),
            },
            CatalogSource::Bundled => {
                let age_days = age_secs / crate::units::SECS_PER_DAY;
                let age = match age_days {
                    0 => "less than a day old".to_string(),
                    1 => "1 day old".to_string(),
                    days => format!("{days} days old"),
                };
                let date = crate::units::format_date_utc(self.fetched_at_unix);
                format!("bundled snapshot of {date} ({age})")
            }
        }
    }

    /// Up to `limit` catalog ids closest to an unknown id, best first.
    ///
    /// People type partial ids ("gpt-4o", "claude sonnet"), so ids that
    /// contain the query, or whose part after the '/' starts with it, rank
    /// before ids that only look alike; ids that merely look alike must be
    /// close (Jaro-Winkler >= 0.85) to be suggested at all.
    pub fn closest_ids(&self, wanted: &str, limit: usize) -> Vec<String> {
        let query = fold_query(wanted);
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let words: Vec<&str> = query
            .split(['-', '/', ':', '.', '_'])
            .filter(|word| !word.is_empty())
            .collect();
        let query_has_author = query.contains('/');
        let query_slug = slug(&query);

        let mut ranked: Vec<(u8, f64, &str)> = self
            .models
            .iter()
            .filter_map(|model| {
                let id = model.id.to_lowercase();
                let id_slug = slug(&id);
                let similarity = if query_has_author {
                    strsim::jaro_winkler(&query, &id).max(strsim::jaro_winkler(query_slug, id_slug))
                } else {
                    strsim::jaro_winkler(&query, id_slug)
                };
                let tier = if id == query || id_slug == query {
                    0
                } else if id_slug.starts_with(&query) || id.starts_with(&query) {
                    1
                } else if id.contains(&query) || query.starts_with(&id) {
                    2
                } else if !words.is_empty() && words.iter().all(|word| id.contains(word)) {
                    3
                } else if similarity >= MIN_SIMILARITY {
                    4
                } else {
                    return None;
                };
                Some((tier, similarity, model.id.as_str()))
            })
            .collect();
        ranked.sort_by(|left, right| {
            left.0
                .cmp(&right.0)
                .then_with(|| right.1.total_cmp(&left.1))
                .then_with(|| left.2.len().cmp(&right.2.len()))
                .then_with(|| left.2.cmp(right.2))
        });
        ranked
            .into_iter()
            .take(limit)
            .map(|(_, _, id)| id.to_string())
            .collect()
    }

    /// Models whose id or name contains every word of `query`, ignoring case,
    /// in catalog order. An empty query matches everything.
    pub fn search<'a>(&'a self, query: &str) -> Vec<&'a ModelInfo> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        self.models
            .iter()
            .filter(|model| {
                let id = model.id.to_lowercase();
                let name = model.name.to_lowercase();
                words
                    .iter()
                    .all(|word| id.contains(word.as_str()) || name.contains(word.as_str()))
            })
            .collect()
    }
}

/// Below this Jaro-Winkler similarity a look-alike id is not worth suggesting.
const MIN_SIMILARITY: f64 = 0.85;

/// Lower case, trimmed, with spaces and underscores read as '-' so "Claude
/// Sonnet 4.5" finds "anthropic/claude-sonnet-4.5".
fn fold_query(wanted: &str) -> String {
    let lowered = wanted.trim().to_lowercase();
    let mut folded = String::with_capacity(lowered.len());
    for part in lowered.split(|c: char| c.is_whitespace() || c == '_') {
        if part.is_empty() {
            continue;
        }
        if !folded.is_empty() {
            folded.push('-');
        }
        folded.push_str(part);
    }
    folded
}

/// The part after the last '/', which is what people type ("gpt-4o").
fn slug(id: &str) -> &str {
    id.rsplit_once('/').map_or(id, |(_, rest)| rest)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Price,
    Context,
    Name,
    Created,
}

/// Sorts in place (stable): Price ascending by (prompt + completion)
/// per-token price with unknown prices last; Context descending (unknown
/// last); Name ascending case-insensitive by id; Created newest first
/// (unknown last). Ties by id. See [`compare_models`].
pub fn sort_models(models: &mut [&ModelInfo], key: SortKey) {
    models.sort_by(|left, right| compare_models(left, right, key));
}

/// The order [`sort_models`] sorts by.
pub fn compare_models(left: &ModelInfo, right: &ModelInfo, key: SortKey) -> Ordering {
    match key {
        SortKey::Price => known_first(token_price(left), token_price(right), |l, r| l.cmp(&r))
            .then_with(|| left.id.cmp(&right.id)),
        SortKey::Context => {
            known_first(left.context_length, right.context_length, |l, r| r.cmp(&l))
                .then_with(|| left.id.cmp(&right.id))
        }
        SortKey::Name => cmp_lowercase(&left.id, &right.id).then_with(|| left.id.cmp(&right.id)),
        SortKey::Created => known_first(left.created_unix, right.created_unix, |l, r| r.cmp(&l))
            .then_with(|| left.id.cmp(&right.id)),
    }
}

/// Compares `left.to_lowercase()` with `right.to_lowercase()`, without
/// allocating when both are ASCII (ids nearly always are).
fn cmp_lowercase(left: &str, right: &str) -> Ordering {
    if left.is_ascii() && right.is_ascii() {
        left.bytes()
            .map(|byte| byte.to_ascii_lowercase())
            .cmp(right.bytes().map(|byte| byte.to_ascii_lowercase()))
    } else {
        left.to_lowercase().cmp(&right.to_lowercase())
    }
}

/// Prompt plus completion USD per token, or None when either is unknown.
fn token_price(model: &ModelInfo) -> Option<Decimal> {
    model
        .pricing
        .prompt
        .known()?
        .checked_add(model.pricing.completion.known()?)
}

/// Orders known values by `order` and puts unknown ones after all known ones.
fn known_first<T>(left: Option<T>, right: Option<T>, order: impl Fn(T, T) -> Ordering) -> Ordering {
    match (left, right) {
        (Some(left), Some(right)) => order(left, right),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// A context size as people say it: 128000 → "128k", 1048576 → "1M", 1500000 → "1.5M".
pub fn format_context(tokens: u64) -> String {
    if tokens >= 1_000_000 {
        let millions = format!("{:.1}", tokens as f64 / 1_000_000.0);
        format!("{}M", millions.trim_end_matches(".0"))
    } else if tokens >= 1000 {
        format!("{}k", tokens / 1000)
    } else {
        tokens.to_string()
    }
}
