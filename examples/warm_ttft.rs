//! Measures what warm connections buy: time to first token of a session's
//! first prompt without warming, after warming, and of its tenth prompt,
//! through a proxy on 127.0.0.1 that holds each new connection for
//! `--handshake-ms` (DNS, TCP and TLS on a real network).
//!
//! cargo run --release --example warm_ttft -- --handshake-ms 100 --sessions 20

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

#[path = "../tests/support/delay_proxy.rs"]
mod delay_proxy;

use std::time::Duration;

use clap::Parser;
use delay_proxy::DelayProxy;
use fake_upstream::{FakeUpstream, Reply, StreamReply};
use prism::router::warm::connections_needed;
use prism::router::{
    ChatMessage, ChatParams, ModelRef, Provider, ProviderKind, Providers, Router, RouterSettings,
    Target,
};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
struct Args {
    /// What the proxy adds to each new connection, in milliseconds.
    #[arg(long, default_value_t = 100)]
    handshake_ms: u64,
    /// Sessions measured (each a new client: a cold start).
    #[arg(long, default_value_t = 20)]
    sessions: usize,
}

fn router(base_url: &str) -> Router {
    let mut provider = Provider::new("openrouter", base_url);
    provider.kind = ProviderKind::OpenRouter;
    Router::new(
        Providers::new(vec![provider], "openrouter"),
        RouterSettings::default(),
    )
    .expect("router")
}

/// Prompts come a moment apart, as a person sends them.
const BETWEEN_PROMPTS: Duration = Duration::from_millis(50);

async fn ttft_ms(router: &Router, target: &Target) -> u64 {
    tokio::time::sleep(BETWEEN_PROMPTS).await;
    let result = router
        .run(
            target,
            &[ChatMessage::user("hi")],
            &ChatParams::default(),
            None,
            CancellationToken::new(),
        )
        .await;
    result.ttft_ms.expect("a first token")
}

fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let fake = FakeUpstream::start().await;
    fake.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["Hello", "!"])));
    let proxy = DelayProxy::start(fake.addr, Duration::from_millis(args.handshake_ms)).await;
    let target = Target::single("a/model", ModelRef::new("openrouter", "a/model"));
    let (mut cold, mut warmed, mut tenth) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..args.sessions {
        cold.push(ttft_ms(&router(&proxy.base_url()), &target).await);
        let session = router(&proxy.base_url());
        let opened = proxy.accepted();
        session
            .preconnect(&connections_needed(std::slice::from_ref(&target)))
            .await;
        let after_warm = proxy.accepted();
        warmed.push(ttft_ms(&session, &target).await);
        let after_first = proxy.accepted();
        for _ in 0..8 {
            ttft_ms(&session, &target).await;
        }
        tenth.push(ttft_ms(&session, &target).await);
        assert_eq!((after_warm, after_first), (opened + 1, opened + 1));
        assert_eq!(
            proxy.accepted(),
            opened + 1,
            "one connection per warmed session"
        );
    }
    println!(
        "handshake {} ms, {} sessions: median ttft first prompt cold {} ms, first prompt warmed {} ms, tenth prompt {} ms",
        args.handshake_ms,
        args.sessions,
        median(cold),
        median(warmed),
        median(tenth)
    );
}
