//! Warm connections: the chat request reuses the connection opened before
//! the prompt was sent (counted by a delaying proxy), one per concurrent
//! pane on HTTP/1.1; without warming, the prompt opens its own.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use prism::router::warm::connections_needed;
use prism::router::{ChatParams, ProviderKind};
use support::delay_proxy::DelayProxy;
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};
use support::{fast_settings, messages, router_for, target};
use tokio_util::sync::CancellationToken;

/// The handshake the proxy adds to each new connection.
const HANDSHAKE: Duration = Duration::from_millis(40);

async fn setup() -> (FakeUpstream, DelayProxy) {
    let fake = FakeUpstream::start().await;
    fake.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["Hello", "!"])));
    let proxy = DelayProxy::start(fake.addr, HANDSHAKE).await;
    (fake, proxy)
}

// Many threads, as the binary runs: hyper returns a warmed connection to
// the pool from a task of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prompt_reuses_the_connection_opened_while_typing() {
    let (fake, proxy) = setup().await;
    let router = router_for(&proxy.base_url(), ProviderKind::OpenRouter, fast_settings());
    let columns = [target("openrouter", &["a/model"])];
    let failures = router.preconnect(&connections_needed(&columns)).await;
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(proxy.accepted(), 1);
    // The warming request carried no key.
    let warm = fake.requests_to("/models");
    assert_eq!(warm.len(), 1);
    assert_eq!(warm[0].method, "HEAD");
    assert_eq!(warm[0].header("authorization"), None);

    let result = router
        .run(
            &columns[0],
            &messages(),
            &ChatParams::default(),
            None,
            CancellationToken::new(),
        )
        .await;
    assert!(result.is_ok(), "{:?}", result.error);
    assert_eq!(fake.chat_requests().len(), 1);
    assert_eq!(
        proxy.accepted(),
        1,
        "the prompt opened a connection of its own"
    );
}

#[tokio::test]
async fn each_concurrent_pane_finds_its_own_warm_connection() {
    let (fake, proxy) = setup().await;
    let router = router_for(&proxy.base_url(), ProviderKind::OpenRouter, fast_settings());
    let columns = [
        target("openrouter", &["a/one"]),
        target("openrouter", &["a/two"]),
        target("local", &["three"]),
    ];
    let needed = connections_needed(&columns);
    assert_eq!(
        needed,
        BTreeMap::from([("local".to_string(), 1), ("openrouter".to_string(), 2)])
    );
    assert!(router.preconnect(&needed).await.is_empty());
    let opened = proxy.accepted();
    assert_eq!(opened, 3);
    let (asked, params) = (messages(), ChatParams::default());
    let runs = columns
        .iter()
        .map(|column| router.run(column, &asked, &params, None, CancellationToken::new()));
    let results = futures_util::future::join_all(runs).await;
    assert!(results.iter().all(|r| r.is_ok()));
    assert_eq!(fake.chat_requests().len(), 3);
    assert_eq!(proxy.accepted(), opened);
}

#[tokio::test]
async fn without_warming_the_first_prompt_connects_itself() {
    let (fake, proxy) = setup().await;
    let router = router_for(&proxy.base_url(), ProviderKind::OpenRouter, fast_settings());
    let column = target("openrouter", &["a/model"]);
    let result = router
        .run(
            &column,
            &messages(),
            &ChatParams::default(),
            None,
            CancellationToken::new(),
        )
        .await;
    assert!(result.is_ok());
    assert_eq!(proxy.accepted(), 1);
    assert!(fake.requests_to("/models").is_empty());
}

#[tokio::test]
async fn an_unreachable_provider_is_reported_and_nothing_else_changes() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = listener.local_addr().expect("addr");
    drop(listener);
    let router = router_for(
        &format!("http://{closed}/v1"),
        ProviderKind::OpenRouter,
        fast_settings(),
    );
    let failures = router
        .preconnect(&BTreeMap::from([("openrouter".to_string(), 1)]))
        .await;
    assert_eq!(failures.len(), 1);
    assert_eq!(
        failures[0].kind,
        prism::router::ErrorKind::ConnectionRefused
    );
}

#[tokio::test]
async fn a_stream_read_past_done_leaves_its_connection_for_the_next_prompt() {
    let fake = FakeUpstream::start().await;
    // The body's last chunk comes a moment after [DONE], as over a network.
    fake.any_model(|model| {
        Reply::Stream(StreamReply::tokens(model, &["Hi"]).end_delay(Duration::from_millis(20)))
    });
    let proxy = DelayProxy::start(fake.addr, HANDSHAKE).await;
    let router = router_for(&proxy.base_url(), ProviderKind::OpenRouter, fast_settings());
    let column = target("openrouter", &["a/model"]);
    for _ in 0..3 {
        let result = router
            .run(
                &column,
                &messages(),
                &ChatParams::default(),
                None,
                CancellationToken::new(),
            )
            .await;
        assert!(result.is_ok(), "{:?}", result.error);
        // A person's pause; the body's end is read meanwhile (a failure
        // guard, not a measurement).
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(fake.chat_requests().len(), 3);
    assert_eq!(proxy.accepted(), 1, "a prompt paid for a new connection");
}
