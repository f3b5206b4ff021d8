//! Warm connections for the workbench: whenever the panes' providers change,
//! and again while the user keeps working (before the pool would drop an
//! idle connection), open the connections the next prompt will use, so the
//! first prompt pays no handshake. Idle means no passes, so no warming.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::router::Router;
use crate::router::warm::{POOL_IDLE, connections_needed};

use super::state::AppState;

/// Warm again this long after the last time, well inside [`POOL_IDLE`].
pub const REWARM_AFTER: Duration = Duration::from_secs(POOL_IDLE.as_secs() * 2 / 3);

#[derive(Debug, Default)]
pub struct Warmer {
    last: Option<(BTreeMap<String, usize>, Instant)>,
}

impl Warmer {
    /// Whether `needed` should be warmed at `now`: something to warm, no
    /// answer streaming (its connections are in use), and the set changed
    /// or the last warming is getting old.
    pub fn due(&self, needed: &BTreeMap<String, usize>, live: bool, now: Instant) -> bool {
        if needed.is_empty() || live {
            return false;
        }
        match &self.last {
            Some((previous, at)) => {
                previous != needed || now.saturating_duration_since(*at) >= REWARM_AFTER
            }
            None => true,
        }
    }

    /// After each pass of the loop: warms the panes' providers when due.
    pub fn follow(&mut self, state: &AppState, router: &Router, now: Instant) {
        let targets: Vec<_> = state
            .workspace
            .panes
            .iter()
            .map(|p| p.target.clone())
            .collect();
        let needed = connections_needed(&targets);
        if !self.due(&needed, state.workspace.any_live(), now) {
            return;
        }
        self.last = Some((needed.clone(), now));
        let router = router.clone();
        tokio::spawn(async move {
            for error in router.preconnect(&needed).await {
                tracing::debug!(error = %error, "could not warm a connection");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needed(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
        pairs.iter().map(|(p, n)| (p.to_string(), *n)).collect()
    }

    #[test]
    fn warms_on_a_new_set_of_providers_and_again_before_the_pool_forgets() {
        let start = Instant::now();
        let mut warmer = Warmer::default();
        let two = needed(&[("openrouter", 2)]);
        assert!(warmer.due(&two, false, start));
        warmer.last = Some((two.clone(), start));
        assert!(!warmer.due(&two, false, start + Duration::from_secs(5)));
        assert!(warmer.due(&needed(&[("openrouter", 2), ("groq", 1)]), false, start));
        assert!(warmer.due(&two, false, start + REWARM_AFTER));
        assert!(REWARM_AFTER < POOL_IDLE);
        // Nothing to warm, or answers streaming: not now.
        assert!(!warmer.due(&BTreeMap::new(), false, start + REWARM_AFTER));
        assert!(!warmer.due(&needed(&[("groq", 1)]), true, start));
    }
}
