//! A stand-alone fake OpenAI-compatible server for trying prism without a
//! key, for demos and for the load runs in `benches/README.md`. Every model
//! answers with `--tokens` words at `--rate` words per second after
//! `--ttft-ms`; the catalog is the bundled OpenRouter snapshot.
//!
//! cargo run --release --example fake_upstream -- --port 8089 --tokens 25000 --rate 5000
//! prism --base-url http://127.0.0.1:8089/v1 compare -m any/model "hi"

#[path = "../tests/support/fake_upstream.rs"]
mod fake_upstream;

use std::time::Duration;

use clap::Parser;
use fake_upstream::{FakeUpstream, Piece, Reply, StreamReply, chunk, usage_chunk};
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
}

/// An answer with Markdown in it, ending in a marker the load run looks for.
fn answer(model: &str, args: &Args) -> Reply {
    let mut pieces = vec![Piece::Comment("OPENROUTER PROCESSING".into())];
    pieces.push(Piece::Pause(Duration::from_millis(args.ttft_ms)));
    for i in 0..args.reasoning {
        pieces.push(Piece::Data(chunk(
            model,
            json!({"reasoning": format!("thought{i} ")}),
            None,
        )));
    }
    pieces.push(Piece::Data(chunk(
        model,
        json!({"content": format!("## Answer from {model}\n\n")}),
        None,
    )));
    for i in 0..args.tokens {
        let word = match i % 40 {
            39 => format!("w{i}.\n\n"),
            7 => format!("**w{i}** "),
            _ => format!("w{i} "),
        };
        pieces.push(Piece::Data(chunk(model, json!({"content": word}), None)));
    }
    pieces.push(Piece::Data(chunk(
        model,
        json!({"content": format!("END-{model}")}),
        Some("stop"),
    )));
    let completion = (args.tokens + args.reasoning + 2) as u64;
    pieces.push(Piece::Data(usage_chunk(
        model,
        24,
        completion,
        Some(completion as f64 * 1e-6),
    )));
    Reply::Stream(StreamReply::new(pieces).rate(args.rate))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let fake = FakeUpstream::serve(listener);
    fake.catalog(include_str!("../assets/catalog/openrouter-models.json"));
    let (tokens, rate, ttft_ms, reasoning) = (args.tokens, args.rate, args.ttft_ms, args.reasoning);
    fake.any_model(move |model| {
        answer(
            model,
            &Args {
                port: 0,
                tokens,
                rate,
                ttft_ms,
                reasoning,
            },
        )
    });
    eprintln!("fake upstream on {}", fake.base_url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
