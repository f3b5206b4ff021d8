//! Local server discovery against fake servers on test ports standing in for
//! the usual ones (Ollama 11434, LM Studio 1234, llama.cpp 8080, vLLM 8000):
//! found and not found, a silent server bounded by the timeout, the off
//! switch, and a found server used as a provider.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use std::time::Duration;

use serde_json::json;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use prism::config::{CliOverrides, Config, Paths, Secrets};
use prism::router::catalog::{Catalog, CatalogSource};
use prism::router::discovery::{discover, price_as_free};
use prism::router::{ChatMessage, ChatParams, ModelRef, Router, RouterSettings, Target};
use support::cli::{prism_cmd, run};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};

fn config(text: &str) -> Config {
    Config {
        file: Config::parse(text).expect("config parses"),
        source: None,
        paths: Paths::from_env(),
    }
}

/// An Ollama-like server: `/v1/models` lists two models without prices.
async fn ollama() -> FakeUpstream {
    let fake = FakeUpstream::start().await;
    fake.catalog(
        json!({"object": "list", "data": [
            {"id": "llama3.2:3b", "object": "model", "created": 1_727_000_000, "owned_by": "library"},
            {"id": "qwen2.5:7b", "object": "model", "created": 1_727_000_000, "owned_by": "library"}
        ]})
        .to_string(),
    );
    fake.any_model(|model| {
        Reply::Stream(StreamReply::tokens(model, &["local", " answer"]).without_cost())
    });
    fake
}

/// A port nothing listens on.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A server that accepts connections and never answers.
async fn silent_server() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (port, task)
}

#[tokio::test]
async fn finds_only_servers_that_list_models() {
    let ollama = ollama().await;
    let closed = closed_port().await;
    let also_closed = closed_port().await;
    // An HTTP server without an OpenAI model list (404 on /v1/models).
    let other = FakeUpstream::start().await;
    // A timeout far beyond any probe's, even on a loaded machine: what is
    // found does not depend on how fast the machine is.
    let config = config(&format!(
        "[discovery]\ntimeout_ms = 20000\nports = {{ ollama = {}, lmstudio = {closed}, llamacpp = {also_closed}, vllm = {} }}\n",
        ollama.addr.port(),
        other.addr.port()
    ));
    let candidates = config.discovery_candidates();
    assert_eq!(candidates.len(), 4);
    let found = discover(&candidates, config.discovery_timeout()).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].provider, "ollama");
    assert_eq!(
        found[0].base_url,
        format!("http://127.0.0.1:{}/v1", ollama.addr.port())
    );
    assert_eq!(found[0].model_count, 2);
    let parsed = found[0].parsed().expect("a model list");
    assert_eq!(parsed.models[0].id, "llama3.2:3b");
}

/// A server that accepts and never answers is given up at the timeout, on
/// tokio's paused clock: the probe waits exactly as long as it may.
#[tokio::test(start_paused = true)]
async fn a_silent_server_is_given_up_at_the_timeout() {
    let (silent, _task) = silent_server().await;
    let config = config(&format!(
        "[discovery]\ntimeout_ms = 2000\nports = {{ ollama = 0, lmstudio = 0, llamacpp = {silent}, vllm = 0 }}\n"
    ));
    let candidates = config.discovery_candidates();
    assert_eq!(candidates.len(), 1, "{candidates:?}");
    let started = tokio::time::Instant::now();
    let found = discover(&candidates, config.discovery_timeout()).await;
    assert!(found.is_empty(), "{found:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(2000),
        "the silent server is waited for until the timeout"
    );
}

#[tokio::test]
async fn the_off_switch_probes_nothing() {
    let ollama = ollama().await;
    let config = config(&format!(
        "[discovery]\nenabled = false\nports = {{ ollama = {} }}\n",
        ollama.addr.port()
    ));
    let candidates = config.discovery_candidates();
    assert!(candidates.is_empty());
    assert!(
        discover(&candidates, config.discovery_timeout())
            .await
            .is_empty()
    );
    assert!(ollama.requests().is_empty());
}

#[tokio::test]
async fn a_found_server_is_a_provider_with_unknown_or_free_prices() {
    let ollama = ollama().await;
    let config = config(&format!(
        "[discovery]\nfree = true\ntimeout_ms = 5000\nports = {{ ollama = {} }}\n",
        ollama.addr.port()
    ));
    let found = discover(&config.discovery_candidates(), config.discovery_timeout()).await;
    assert_eq!(found.len(), 1);
    let secrets = Secrets::fixed(Default::default(), Default::default());
    let providers = config
        .providers(&CliOverrides::default(), &secrets)
        .expect("providers");
    let provider = providers.get(&found[0].provider).expect("the preset");
    assert_eq!(provider.base_url, found[0].base_url);

    // Its models are priced unknown, or free when the config says so.
    let mut catalog = Catalog::new(
        "ollama",
        CatalogSource::Live,
        0,
        found[0].parsed().expect("parses"),
    );
    assert!(!catalog.models[0].pricing.is_known());
    assert!(config.discovery_free());
    price_as_free(&mut catalog);
    assert!(catalog.models.iter().all(|m| m.is_free()));

    let router = Router::new(providers, RouterSettings::default()).expect("router");
    let target = Target::single("ollama:llama3.2:3b", ModelRef::new("ollama", "llama3.2:3b"));
    let result = router
        .run(
            &target,
            &[ChatMessage::user("hi")],
            &ChatParams::default(),
            None,
            CancellationToken::new(),
        )
        .await;
    assert!(result.is_ok(), "{:?}", result.error);
    assert_eq!(result.text, "local answer");
    assert_eq!(result.generation_id, None);
}

#[tokio::test]
async fn models_local_lists_what_the_found_servers_serve() {
    let ollama = ollama().await;
    let closed = closed_port().await;
    let home = tempfile::tempdir().expect("home");
    let models_local = |free: bool| {
        let config = home.path().join(format!("prism-{free}.toml"));
        std::fs::write(
            &config,
            format!(
                "[discovery]\nfree = {free}\nports = {{ ollama = {}, lmstudio = {closed}, llamacpp = {closed}, vllm = {closed} }}\n",
                ollama.addr.port()
            ),
        )
        .expect("config");
        let mut command = prism_cmd(home.path());
        command
            .arg("--config")
            .arg(config)
            .args(["models", "--local"]);
        run(command, None)
    };
    let out = models_local(false).await;
    let (stdout, stderr) = (&out.stdout, &out.stderr);
    assert_eq!(out.status, 0, "{stderr}");
    let row = stdout
        .lines()
        .find(|l| l.starts_with("ollama:llama3.2:3b"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(row.ends_with('?'), "unknown price: {row}");
    assert!(
        stderr.contains("1 of 4 local servers found: ollama at http://127.0.0.1:"),
        "{stderr}"
    );
    let stdout = models_local(true).await.stdout;
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("ollama:qwen2.5:7b") && l.ends_with("free")),
        "{stdout}"
    );
}
