//! Entry points for fuzzers: every parser of outside data, driven from raw
//! bytes the way prism drives it, with the consumers that act on what it
//! parsed. Each must return (an error is fine) and never panic, whatever the
//! bytes. `fuzz/` runs them under libFuzzer; `tests/fuzz_smoke.rs` runs a
//! few thousand mutated inputs of each in `cargo test`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{CliOverrides, Config, Paths, Secrets, secrets};
use crate::router::catalog::{Catalog, CatalogSource, SortKey, parse_models, sort_models};
use crate::router::error::{ErrorContext, from_http, from_stream_error, retry_after};
use crate::router::events::{RunResult, StreamEvent};
use crate::router::sse::{Frame, SseDecoder};
use crate::router::wire::{Chunk, parse_error_body};
use crate::router::{account, pricing};
use crate::session::store::parse_session;
use crate::session::{VoteFilter, export, leaderboard};

/// A fuzz target: takes any bytes, must not panic.
pub type Target = fn(&[u8]);

/// Every target, by the name the harnesses use.
pub const TARGETS: [(&str, Target); 9] = [
    ("sse", sse),
    ("chunk", chunk),
    ("catalog", catalog),
    ("generation", generation),
    ("key", key),
    ("session", session),
    ("config", config),
    ("dotenv", dotenv),
    ("error_body", error_body),
];

/// The target called `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, run)| *run)
}

/// The SSE decoder, fed the bytes in reads split where the first byte says
/// (the frames must not depend on the split; a bug here is a panic or a
/// mismatch, both fail).
pub fn sse(data: &[u8]) {
    let Some((&split, body)) = data.split_first() else {
        return;
    };
    let split = usize::from(split).max(1);
    let whole = decode(body, body.len().max(1), 256);
    let pieces = decode(body, split, 256);
    assert_eq!(
        whole, pieces,
        "the frames depend on how the bytes were split"
    );
}

fn decode(body: &[u8], split: usize, limit: usize) -> Vec<Frame> {
    let mut decoder = SseDecoder::with_max_event_bytes(limit);
    let mut frames = Vec::new();
    for piece in body.chunks(split) {
        decoder.feed(piece, &mut frames);
    }
    decoder.finish(&mut frames);
    let _ = decoder.retry_ms();
    frames
}

/// A stream body: SSE frames, each event's data as a chunk, folded into a
/// result the way the stream reader does, then the figures people see.
pub fn chunk(data: &[u8]) {
    let frames = decode(data, data.len().max(1), 1 << 20);
    let mut result = RunResult::new("fuzz/model");
    let ctx = context();
    for frame in frames {
        let Frame::Event(event) = frame else { continue };
        let Ok(chunk) = crate::router::wire::parse_chunk(&event.data) else {
            continue;
        };
        fold(&chunk, &ctx, &mut result);
    }
    // A non-stream answer is one JSON chunk.
    if let Ok(chunk) = crate::router::reply::completion_from_json(data) {
        fold(&chunk, &ctx, &mut result);
    }
    result.compute_rate();
    let _ = (
        result.cost_text(),
        result.tokens_text(),
        result.completion_tokens(),
    );
    let _ = serde_json::to_string(&result);
}

fn fold(chunk: &Chunk, ctx: &ErrorContext<'_>, result: &mut RunResult) {
    if let Some(error) = &chunk.error {
        result.apply(&StreamEvent::Failed(from_stream_error(error, ctx)));
    }
    for choice in &chunk.choices {
        for delta in [&choice.delta, &choice.message].into_iter().flatten() {
            if let Some(reasoning) = delta.reasoning_text() {
                result.apply(&StreamEvent::Reasoning(reasoning));
            }
            if let Some(content) = &delta.content {
                result.apply(&StreamEvent::Content(content.clone()));
            }
        }
    }
    if let Some(usage) = &chunk.usage {
        result.apply(&StreamEvent::Usage {
            usage: usage.to_usage().ok(),
            reported_cost_usd: usage.reported_cost_usd().ok().flatten(),
        });
    }
}

fn context() -> ErrorContext<'static> {
    ErrorContext {
        provider: "openrouter",
        model: "fuzz/model",
        url: "https://openrouter.ai/api/v1",
        key_env: Some("OPENROUTER_API_KEY"),
        withheld: None,
    }
}

/// A `/models` body: parsed, then listed, searched, sorted and priced.
pub fn catalog(data: &[u8]) {
    let Ok(parsed) = parse_models(data) else {
        return;
    };
    let catalog = Catalog::new("fuzz", CatalogSource::Live, 1_767_268_800, parsed);
    let _ = catalog.describe(1_767_268_800);
    let _ = catalog.closest_ids("openai/gpt-4o", 3);
    for key in [
        SortKey::Price,
        SortKey::Context,
        SortKey::Name,
        SortKey::Created,
    ] {
        let mut models: Vec<_> = catalog.search("a").into_iter().collect();
        sort_models(&mut models, key);
    }
    for model in &catalog.models {
        let _ = (model.is_free(), model.pricing.is_known());
        let _ = crate::router::policy::price_per_million(model);
        let _ = model.pricing.cost(&crate::router::usage::Usage {
            prompt_tokens: 1_000,
            completion_tokens: 1_000,
            total_tokens: 2_000,
            ..Default::default()
        });
        let _ = model
            .context_length
            .map(crate::router::catalog::format_context);
    }
}

/// A `/generation` body, and what is shown from it.
pub fn generation(data: &[u8]) {
    if let Ok(record) = account::parse_generation(data) {
        let _ = account::overhead_ms(Some(1_000), &record);
        let mut result = RunResult::new("fuzz/model");
        result.ttft_ms = Some(1_000);
        result.apply_generation(record);
        let _ = result.cost_text();
    }
}

/// A `/key` body, and the footer's line about it.
pub fn key(data: &[u8]) {
    if let Ok(info) = account::parse_key(data) {
        let _ = info.summary();
    }
}

/// A session file, loaded as the store loads it, then listed, shown,
/// exported and counted in the leaderboard.
pub fn session(data: &[u8]) {
    let Ok(session) = parse_session(Path::new("fuzz.json"), data, "fuzz") else {
        return;
    };
    let summary = session.summary();
    let _ = (summary.cost_label(), summary.names_hidden());
    let _ = export::text(&session);
    let _ = export::markdown(&session);
    let _ = export::json(&session);
    let sessions = [session];
    for filter in [VoteFilter::All, VoteFilter::Blind, VoteFilter::Sighted] {
        let _ = leaderboard::compute(&sessions, filter);
    }
}

/// A config file, and everything built from it.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = Config::parse(text) else {
        return;
    };
    let config = Config {
        file,
        source: None,
        paths: Paths {
            config_dir: PathBuf::from("/nonexistent/config"),
            cache_dir: PathBuf::from("/nonexistent/cache"),
            data_dir: PathBuf::from("/nonexistent/data"),
        },
    };
    let secrets = Secrets::fixed(
        HashMap::from([("OPENROUTER_API_KEY".into(), "sk-or-v1-fuzz".into())]),
        HashMap::new(),
    );
    let overrides = CliOverrides::default();
    let _ = config.providers(&overrides, &secrets);
    let _ = config.router_settings(&overrides);
    let _ = config.policies();
    let _ = (config.catalog_ttl(), config.discovery_candidates());
    let _ = (config.discovery_timeout(), config.warn_turn_cost_usd());
    let _ = config.preferences_for("openai/gpt-4o");
}

/// A `.env` file.
pub fn dotenv(data: &[u8]) {
    let _ = secrets::parse_dotenv(&String::from_utf8_lossy(data));
}

/// An error response: the body (first two bytes pick the status), and the
/// first line as a `Retry-After` value.
pub fn error_body(data: &[u8]) {
    let Some((head, body)) = data.split_first_chunk::<2>() else {
        return;
    };
    let status = u16::from_be_bytes(*head);
    let error = from_http(status, body, None, &context());
    let _ = error.kind.is_retriable();
    let _ = parse_error_body(body).map(|wire| (wire.describe(), wire.numeric_code()));
    let line = body.split(|b| *b == b'\n').next().unwrap_or_default();
    if let Ok(value) = reqwest::header::HeaderValue::from_bytes(line) {
        for name in ["retry-after", "x-ratelimit-reset"] {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(name, value.clone());
            let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_268_800);
            let _ = retry_after(&headers, now);
        }
    }
    let _ = pricing::from_f64(f64::from(status));
}

/// A small deterministic mutator for the in-test fuzz run (no coverage
/// guidance: libFuzzer in `fuzz/` does the long runs). It flips and inserts
/// bytes, splices seeds, and drops in the values that break parsers: huge
/// and negative numbers, lone surrogates, escapes, framing.
pub struct Mutator {
    rng: fastrand::Rng,
}

/// Tokens that hostile servers and damaged files are made of.
const TOKENS: [&str; 24] = [
    "1e308",
    "-1",
    "1e28",
    "7e28",
    "-0",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "NaN",
    "null",
    "\"\\ud800\"",
    "\"\\u0000\"",
    "[]",
    "{}",
    "\"",
    "\\",
    "data: ",
    "\n\n",
    "\r",
    ": keep-alive\n",
    "\u{202e}",
    "\u{1b}[2J",
    "99999999999999999999999999999999999999",
    "0.000000000000000000000000001",
];

impl Mutator {
    pub fn new(seed: u64) -> Mutator {
        Mutator {
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// A mutation of `input` (1 to 4 edits), spliced at times with `other`.
    pub fn mutate(&mut self, input: &[u8], other: &[u8]) -> Vec<u8> {
        let mut out = input.to_vec();
        for _ in 0..self.rng.usize(1..=4) {
            let at = self.rng.usize(..=out.len());
            match self.rng.u8(..8) {
                0 if !out.is_empty() => {
                    let i = self.rng.usize(..out.len());
                    out[i] ^= 1 << self.rng.u8(..8);
                }
                1 if !out.is_empty() => {
                    let i = self.rng.usize(..out.len());
                    out[i] = *b"\0\xff\"\\{}[],:\n\r-.e9"
                        .get(self.rng.usize(..16))
                        .unwrap_or(&0);
                }
                2 | 3 => {
                    let token = TOKENS[self.rng.usize(..TOKENS.len())];
                    out.splice(at..at, token.bytes());
                }
                4 if at < out.len() => {
                    let end = self.rng.usize(at..=out.len().min(at + 64));
                    out.drain(at..end);
                }
                5 if at < out.len() => {
                    let end = self.rng.usize(at..=out.len().min(at + 64));
                    let copy = out[at..end].to_vec();
                    out.splice(at..at, copy);
                }
                6 if !other.is_empty() => {
                    let from = self.rng.usize(..other.len());
                    out.truncate(at);
                    out.extend_from_slice(&other[from..]);
                }
                _ => out.truncate(at),
            }
        }
        out
    }
}
