//! A stand-alone fake OpenAI-compatible server for trying prism without a
//! key, for demos and for the load runs in `benches/README.md`. Every model
//! answers with `--tokens` words at `--rate` words per second after
//! `--ttft-ms`; the catalog is the bundled OpenRouter snapshot.
//!
//! cargo run --release --example fake_upstream -- --port 8089 --tokens 25000 --rate 5000
//! prism --base-url http://127.0.0.1:8089/v1 compare -m any/model "hi"
//! cargo run --example fake_upstream -- --biased-judge openai/gpt-4o   (a judge to flag)
//!
//! Upstreams (`--upstream Groq=groq:150:400`, repeatable) make every model
//! list them at `/models/{id}/endpoints` and answer a request pinned to one
//! (`provider.only`) with its time to first token and rate. `--hop-ms` adds
//! a routing hop before each answer (its `/generation` record reports the
//! upstream's own latency, without the hop); `--direct` plays a direct
//! provider: ids without the author prefix, no cost in the usage.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]
// Prints its own measurements, nothing from outside.
#![allow(clippy::disallowed_macros)]

#[path = "../tests/support/fake_upstream.rs"]
mod fake_upstream;

use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use fake_upstream::{
    FakeUpstream, Reply, StreamReply, first_position_judge, first_word_grouping_judge,
};
use serde_json::{Value, json};

#[derive(Parser, Clone)]
struct Args {
    #[arg(long, default_value_t = 8089)]
    port: u16,
    /// Words per answer.
    #[arg(long, default_value_t = 200)]
    tokens: usize,
    /// Words per second.
    #[arg(long, default_value_t = 50.0)]
    rate: f64,
    /// Delay before the first word, in milliseconds.
    #[arg(long, default_value_t = 300)]
    ttft_ms: u64,
    /// Also stream this many reasoning words first.
    #[arg(long, default_value_t = 0)]
    reasoning: usize,
    /// This model plays a biased judge for `prism eval`: it always prefers
    /// the answer shown first and scores every answer 8 (try it with
    /// examples/suites/judged.toml; the report flags it); asked to group
    /// answers, it groups them by their first word.
    #[arg(long)]
    biased_judge: Option<String>,
    /// An upstream every model lists: NAME=SLUG:TTFT_MS:WORDS_PER_S (repeatable).
    #[arg(long = "upstream", value_name = "NAME=SLUG:TTFT_MS:RATE", value_parser = parse_upstream)]
    upstreams: Vec<Upstream>,
    /// A routing hop added before every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    hop_ms: u64,
    /// Play a direct provider: catalog ids without the author prefix, no cost reported.
    #[arg(long)]
    direct: bool,
    /// Multiply the catalog's prices by this (a direct provider's own price list).
    #[arg(long, default_value_t = 1.0)]
    price_factor: f64,
}

#[derive(Clone, Debug)]
struct Upstream {
    name: String,
    slug: String,
    ttft_ms: u64,
    rate: f64,
}

fn parse_upstream(text: &str) -> Result<Upstream, String> {
    let bad = || format!("'{text}': write NAME=SLUG:TTFT_MS:RATE, e.g. Groq=groq:150:400");
    let (name, rest) = text.split_once('=').ok_or_else(bad)?;
    let parts: Vec<&str> = rest.split(':').collect();
    let [slug, ttft, rate] = parts.as_slice() else {
        return Err(bad());
    };
    Ok(Upstream {
        name: name.to_string(),
        slug: slug.to_string(),
        ttft_ms: ttft.parse().map_err(|_| bad())?,
        rate: rate.parse().map_err(|_| bad())?,
    })
}

/// USD per token (prompt, completion) by model id, from the served catalog.
type Prices = std::collections::HashMap<String, (f64, f64)>;

/// An answer with Markdown in it, ending in a marker the load run looks for.
fn answer(model: &str, args: &Args, prices: &Prices, ttft_ms: u64, rate: f64) -> StreamReply {
    let reasoning = (0..args.reasoning).map(|i| json!({"reasoning": format!("thought{i} ")}));
    let heading = json!({"content": format!("## Answer from {model}\n\n")});
    let words = (0..args.tokens).map(|i| {
        let word = match i % 40 {
            39 => format!("w{i}.\n\n"),
            7 => format!("**w{i}** "),
            _ => format!("w{i} "),
        };
        json!({"content": word})
    });
    let completion = (args.tokens + args.reasoning + 2) as u64;
    // What the catalog's prices charge (OpenRouter reports it as `usage.cost`).
    let (prompt_price, completion_price) = prices.get(model).copied().unwrap_or((0.0, 1e-6));
    let cost = 24.0 * prompt_price + completion as f64 * completion_price;
    let stream = StreamReply::words(
        model,
        reasoning.chain([heading]).chain(words),
        &format!("END-{model}"),
        24,
        (!args.direct).then_some(cost),
    );
    stream
        .first_token_delay(Duration::from_millis(ttft_ms))
        .header_delay(Duration::from_millis(args.hop_ms))
        .rate(rate)
}

/// `/models/{id}/endpoints` for a catalog model: one entry per upstream,
/// at the model's catalog prices, with the upstream's own figures.
fn endpoints(model: &Value, upstreams: &[Upstream]) -> String {
    let list: Vec<Value> = upstreams
        .iter()
        .map(|u| {
            json!({
                "provider_name": u.name, "tag": u.slug, "name": format!("{} | {}", u.name, model["id"].as_str().unwrap_or_default()),
                "context_length": model["context_length"], "pricing": model["pricing"],
                "quantization": "fp8", "status": 0, "uptime_last_30m": 99.5,
                "latency_last_30m": {"p50": u.ttft_ms, "p75": u.ttft_ms, "p90": u.ttft_ms, "p99": u.ttft_ms},
                "throughput_last_30m": {"p50": u.rate, "p75": u.rate, "p90": u.rate, "p99": u.rate},
            })
        })
        .collect();
    json!({"data": {"id": model["id"], "name": model["name"], "endpoints": list}}).to_string()
}

/// A generation id per upstream, plain enough to need no escaping in a query.
fn generation_id(slug: &str) -> String {
    format!(
        "gen-fake-{}",
        slug.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let fake = FakeUpstream::serve(listener);
    let mut catalog: Value =
        serde_json::from_str(include_str!("../assets/catalog/openrouter-models.json"))?;
    let mut prices = Prices::new();
    if let Some(models) = catalog["data"].as_array_mut() {
        for model in models.iter_mut() {
            for key in ["prompt", "completion"] {
                let scaled = model["pricing"][key]
                    .as_str()
                    .and_then(|p| p.parse::<f64>().ok())
                    .map(|p| p * args.price_factor);
                if let Some(price) = scaled {
                    model["pricing"][key] = json!(format!("{price:.12}").trim_end_matches('0'));
                }
            }
            if !args.upstreams.is_empty()
                && let Some(id) = model["id"].as_str()
            {
                fake.endpoints(id, endpoints(model, &args.upstreams));
            }
            if args.direct
                && let Some((_, bare)) = model["id"].as_str().and_then(|id| id.split_once('/'))
            {
                model["id"] = json!(bare);
            }
            let price = |key: &str| model["pricing"][key].as_str().and_then(|p| p.parse().ok());
            if let (Some(id), Some(prompt), Some(completion)) =
                (model["id"].as_str(), price("prompt"), price("completion"))
            {
                prices.insert(id.to_string(), (prompt, completion));
            }
        }
    }
    fake.catalog(catalog.to_string());
    // The upstream's own latency, as OpenRouter's /generation reports it.
    let generation = |id: &str, latency_ms: u64| {
        json!({
            "id": id, "latency": latency_ms, "generation_time": 200,
            "provider_name": "FakeProvider", "model": "fake/model",
            "native_tokens_prompt": 24, "native_tokens_completion": 2, "native_tokens_reasoning": 0
        })
    };
    fake.generation("gen-fake-1", generation("gen-fake-1", args.ttft_ms), 0);
    for upstream in &args.upstreams {
        let id = generation_id(&upstream.slug);
        fake.generation(&id, generation(&id, upstream.ttft_ms), 0);
    }
    if let Some(judge) = args.biased_judge.clone() {
        fake.by_request(move |model, body| {
            (model == judge)
                .then(|| {
                    first_word_grouping_judge(model, body)
                        .or_else(|| first_position_judge(model, body, 8))
                })
                .flatten()
        });
    }
    let shared = Arc::new((args.clone(), prices));
    let any = shared.clone();
    fake.any_model(move |model| {
        let (args, prices) = &*any;
        Reply::Stream(answer(model, args, prices, args.ttft_ms, args.rate))
    });
    let pinned = shared.clone();
    fake.any_pinned(move |model, slug| {
        let (args, prices) = &*pinned;
        match args.upstreams.iter().find(|u| u.slug == slug) {
            Some(u) => Reply::Stream(
                answer(model, args, prices, u.ttft_ms, u.rate)
                    .served_by(&u.name)
                    .generation_id(&generation_id(&u.slug)),
            ),
            None => Reply::error(404, "No endpoints found matching your data policy"),
        }
    });
    eprintln!("fake upstream on {}", fake.base_url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
