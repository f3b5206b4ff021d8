//! A stand-alone fake OpenAI-compatible server for trying prism without a
//! key, for demos and for the load runs in `benches/README.md`. Every model
//! answers with `--tokens` words at `--rate` words per second after
//! `--ttft-ms`; the catalog is the bundled OpenRouter snapshot.
//!
//! cargo run --release --example fake_upstream -- --port 8089 --tokens 25000 --rate 5000
//! prism --base-url http://127.0.0.1:8089/v1 compare -m any/model "hi"
//! cargo run --example fake_upstream -- --biased-judge openai/gpt-4o   (a judge to flag)

// Prints its own measurements, nothing from outside.
#![allow(clippy::disallowed_macros)]

#[path = "../tests/support/fake_upstream.rs"]
mod fake_upstream;

use std::time::Duration;

use clap::Parser;
use fake_upstream::{FakeUpstream, Reply, StreamReply, first_position_judge};
use serde_json::json;

#[derive(Parser)]
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
    /// examples/suites/judged.toml; the report flags it).
    #[arg(long)]
    biased_judge: Option<String>,
}

/// An answer with Markdown in it, ending in a marker the load run looks for.
fn answer(model: &str, args: &Args) -> Reply {
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
    let stream = StreamReply::words(
        model,
        reasoning.chain([heading]).chain(words),
        &format!("END-{model}"),
        24,
        Some(completion as f64 * 1e-6),
    );
    Reply::Stream(
        stream
            .first_token_delay(Duration::from_millis(args.ttft_ms))
            .rate(args.rate),
    )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let fake = FakeUpstream::serve(listener);
    fake.catalog(include_str!("../assets/catalog/openrouter-models.json"));
    if let Some(judge) = args.biased_judge.clone() {
        fake.by_request(move |model, body| {
            (model == judge)
                .then(|| first_position_judge(model, body, 8))
                .flatten()
        });
    }
    fake.any_model(move |model| answer(model, &args));
    eprintln!("fake upstream on {}", fake.base_url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
