//! Warm connections: open (DNS, TCP, TLS, HTTP/2 where the server offers it
//! by ALPN) the connections a prompt will need before it is sent, so the
//! first prompt of a session pays no handshake. A connection is opened by a
//! bodiless `HEAD {base}/models` without the key; whatever the status, the
//! connection then waits in the client's pool for the chat request.

use std::collections::BTreeMap;
use std::time::Duration;

use super::Router;
use super::chat::Target;
use super::error::{self, RouterError};

/// The most connections opened ahead to one provider: HTTP/1.1 needs one
/// per concurrent stream, HTTP/2 shares one.
pub const MAX_WARM_PER_PROVIDER: usize = 8;

/// How long an idle connection stays in the pool; warming again sooner
/// keeps it (the workbench warms while the user types).
pub const POOL_IDLE: Duration = Duration::from_secs(90);

/// How long a warmed connection is given to get back into the pool.
const SETTLE: Duration = Duration::from_millis(5);

/// How long a warming request may take; past it the prompt connects itself.
const WARM_TIMEOUT: Duration = Duration::from_secs(10);

/// How many connections each provider needs for `targets` asked at once:
/// the first model of each column (fallbacks connect when they are needed).
pub fn connections_needed(targets: &[Target]) -> BTreeMap<String, usize> {
    let mut needed: BTreeMap<String, usize> = BTreeMap::new();
    for target in targets {
        if let Some(model) = target.chain.first() {
            let count = needed.entry(model.provider.clone()).or_default();
            *count = (*count + 1).min(MAX_WARM_PER_PROVIDER);
        }
    }
    needed
}

impl Router {
    /// Opens `count` connections to each named provider and leaves them in
    /// the pool. Returns one line per provider that could not be reached
    /// (the prompt will say why in its own words; these are for the log).
    pub async fn preconnect(&self, needed: &BTreeMap<String, usize>) -> Vec<RouterError> {
        let mut warming = Vec::new();
        for (name, count) in needed {
            let Some(provider) = self.providers().get(name) else {
                continue;
            };
            let url = provider.models_url();
            for _ in 0..(*count).min(MAX_WARM_PER_PROVIDER) {
                let request = self.http().head(&url).timeout(WARM_TIMEOUT);
                let base_url = provider.base_url.clone();
                let connect_timeout = self.settings().connect_timeout;
                warming.push(async move {
                    // The response has no body: once its head is read the
                    // connection goes back to the pool, open.
                    request
                        .send()
                        .await
                        .map(drop)
                        .map_err(|e| error::from_transport(e, &base_url, connect_timeout))
                });
            }
        }
        let outcomes = futures_util::future::join_all(warming).await;
        // A bodiless answer's connection goes back to the pool from a task
        // of hyper's own once its HTTP/1.1 state is idle (a body's would be
        // back before its end was read): give that task its moment, so a
        // prompt sent right after finds the connection.
        tokio::task::yield_now().await;
        tokio::time::sleep(SETTLE).await;
        outcomes
            .into_iter()
            .filter_map(Result::err)
            .map(|error| self.redactor().error(error))
            .collect()
    }
}
