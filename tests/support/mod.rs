//! Shared pieces of the integration tests.
#![allow(dead_code)]

pub mod cli;
pub mod delay_proxy;
pub mod fake_upstream;
pub mod hostile_data;
pub mod tmux;

use std::path::{Path, PathBuf};
use std::time::Duration;

use prism::router::provider::ApiKey;
use prism::router::{
    ChatMessage, ModelRef, Provider, ProviderKind, Providers, Router, RouterSettings, Target,
};

pub const TEST_KEY: &str = "sk-or-v1-PRISM-TEST-KEY-7f3a9c";

/// A router whose default provider "openrouter" points at `base_url`.
pub fn router_for(base_url: &str, kind: ProviderKind, settings: RouterSettings) -> Router {
    router_with_clock(
        base_url,
        kind,
        settings,
        std::sync::Arc::new(prism::clock::SystemClock),
    )
}

/// `router_for` whose waits (backoff, pacing, generation lookups) run on
/// `clock`: a `ManualClock` records them instead of sleeping.
pub fn router_with_clock(
    base_url: &str,
    kind: ProviderKind,
    settings: RouterSettings,
    clock: std::sync::Arc<dyn prism::clock::Clock>,
) -> Router {
    let mut provider = Provider::new("openrouter", base_url);
    provider.kind = kind;
    provider.api_key_env = Some("PRISM_TEST_KEY".into());
    provider.api_key = Some(ApiKey::new(TEST_KEY));
    let mut local = Provider::new("local", base_url);
    local.kind = ProviderKind::OpenAi;
    Router::with_clock(
        Providers::new(vec![provider, local], "openrouter"),
        settings,
        clock,
    )
    .expect("router")
}

/// Settings for tests: quick retries, a short stall timeout.
pub fn fast_settings() -> RouterSettings {
    let mut settings = RouterSettings::default();
    settings.retry.base_delay = Duration::from_millis(20);
    settings.retry.max_delay = Duration::from_millis(200);
    // Streams that should end do; only tests of stalls shorten it.
    settings.idle_timeout = Duration::from_secs(30);
    settings
}

/// A fallback chain of `models`, all on `provider`.
pub fn target(provider: &str, models: &[&str]) -> Target {
    Target {
        label: models.join(","),
        chain: models.iter().map(|m| ModelRef::new(provider, *m)).collect(),
        router: None,
        upstream: None,
    }
}

/// A short system message and a user prompt.
pub fn messages() -> Vec<ChatMessage> {
    vec![
        ChatMessage::system("be brief"),
        ChatMessage::user("Say hello"),
    ]
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}
