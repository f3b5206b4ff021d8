//! Client-side pacing of rate-limited models. OpenRouter allows about 20
//! requests a minute on `:free` models; a user who sends faster would get
//! 429s. Instead every request attempt reserves a slot in a sliding window
//! per model, shared by all runs of one `Router`, and waits for it (emitting
//! `StreamEvent::Queued` with the wait) before it is sent.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::events::StreamEvent;
use super::provider::{Provider, ProviderKind};
use super::stream::Emitter;
use crate::clock::Clock;

/// OpenRouter's documented limit on `:free` models, per minute.
pub const FREE_REQUESTS_PER_MINUTE: u32 = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacingSettings {
    /// Requests per window for OpenRouter models whose id ends in `:free`; 0 turns it off.
    pub free_requests: u32,
    /// Requests per window for particular models, by reference as the user
    /// writes it (`openai/gpt-4o`, `ollama:llama3.2:3b`); 0 turns pacing off
    /// for that model. These win over `free_requests`.
    pub per_model: BTreeMap<String, u32>,
    /// The length of the sliding window.
    pub window: Duration,
}

impl Default for PacingSettings {
    fn default() -> Self {
        PacingSettings {
            free_requests: FREE_REQUESTS_PER_MINUTE,
            per_model: BTreeMap::new(),
            window: Duration::from_secs(60),
        }
    }
}

impl PacingSettings {
    /// The limit for one model, None when it is not paced. `reference` is
    /// the model as the user writes it; `model_id` is the id sent (with any
    /// variant suffix).
    pub fn limit_for(&self, provider: &Provider, reference: &str, model_id: &str) -> Option<u32> {
        let configured = self
            .per_model
            .get(reference)
            .or_else(|| self.per_model.get(model_id))
            .copied();
        let limit = configured.or_else(|| {
            (provider.kind == ProviderKind::OpenRouter && model_id.ends_with(":free"))
                .then_some(self.free_requests)
        })?;
        (limit > 0).then_some(limit)
    }
}

/// The slots taken (or reserved for the near future) per model.
#[derive(Debug)]
pub(crate) struct Pacer {
    window: Duration,
    slots: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Pacer {
    pub fn new(window: Duration) -> Pacer {
        Pacer {
            window,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Reserves the earliest slot for `key` at or after `now` that keeps at
    /// most `limit` requests in any window, and returns it. Slots are handed
    /// out in order of asking, so waiting runs are served first come, first served.
    pub fn reserve(&self, key: &str, limit: u32, now: Instant) -> Instant {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let taken = slots.entry(key.to_string()).or_default();
        while taken.front().is_some_and(|&at| at + self.window <= now) {
            taken.pop_front();
        }
        let limit = limit.max(1) as usize;
        let mut slot = taken.back().map_or(now, |&last| last.max(now));
        if taken.len() >= limit {
            // The limit-th most recent slot must leave the window first.
            slot = slot.max(taken[taken.len() - limit] + self.window);
        }
        taken.push_back(slot);
        slot
    }

    /// Gives back a reservation that will not be used (the run was cancelled).
    pub fn release(&self, key: &str, slot: Instant) {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(taken) = slots.get_mut(key)
            && let Some(index) = taken.iter().rposition(|&at| at == slot)
        {
            taken.remove(index);
        }
    }
}

/// The pacing of one attempt: the router's pacer and settings, and the
/// clock its waits run on.
pub(super) struct Turn<'a> {
    pub pacer: &'a Pacer,
    pub settings: &'a PacingSettings,
    pub clock: &'a dyn Clock,
}

/// Waits for this attempt's turn; false when cancelled while waiting.
pub(super) async fn wait_turn(
    turn: Turn<'_>,
    provider: &Provider,
    reference: &str,
    model_id: &str,
    out: &mut Emitter<'_>,
    cancel: &CancellationToken,
) -> bool {
    let Turn {
        pacer,
        settings,
        clock,
    } = turn;
    let Some(limit) = settings.limit_for(provider, reference, model_id) else {
        return true;
    };
    let key = format!("{}:{model_id}", provider.name);
    let now = clock.now();
    let slot = pacer.reserve(&key, limit, now);
    if slot <= now {
        return true;
    }
    let wait = slot - now;
    tracing::info!(model = %reference, wait_ms = wait.as_millis() as u64, "queued by pacing");
    out.emit(StreamEvent::Queued {
        wait_ms: ceil_ms(wait),
    })
    .await;
    tokio::select! {
        biased;
        _ = cancel.cancelled() => {
            pacer.release(&key, slot);
            false
        }
        _ = clock.sleep_until(slot) => true,
    }
}

fn ceil_ms(wait: Duration) -> u64 {
    wait.as_micros().div_ceil(1000) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sliding_window_hands_out_slots_in_order() {
        let pacer = Pacer::new(Duration::from_secs(1));
        let t0 = Instant::now();
        let ms = |n: u64| Duration::from_millis(n);
        assert_eq!(pacer.reserve("m", 3, t0), t0);
        assert_eq!(pacer.reserve("m", 3, t0 + ms(100)), t0 + ms(100));
        assert_eq!(pacer.reserve("m", 3, t0 + ms(200)), t0 + ms(200));
        // Full: the 4th waits until the first leaves the window, the 5th
        // until the second does.
        assert_eq!(pacer.reserve("m", 3, t0 + ms(300)), t0 + ms(1000));
        assert_eq!(pacer.reserve("m", 3, t0 + ms(300)), t0 + ms(1100));
        // Other models are not held up.
        assert_eq!(pacer.reserve("other", 3, t0 + ms(300)), t0 + ms(300));
        // A released reservation frees its place for the next asker.
        pacer.release("m", t0 + ms(1100));
        assert_eq!(pacer.reserve("m", 3, t0 + ms(400)), t0 + ms(1100));
        // Much later everything has left the window.
        assert_eq!(pacer.reserve("m", 3, t0 + ms(5000)), t0 + ms(5000));
    }

    #[test]
    fn which_models_are_paced() {
        let openrouter = Provider::new("openrouter", "https://openrouter.ai/api/v1");
        let local = Provider::new("ollama", "http://127.0.0.1:11434/v1");
        let mut settings = PacingSettings::default();
        let free = "meta-llama/llama-3.1-8b-instruct:free";
        assert_eq!(settings.limit_for(&openrouter, free, free), Some(20));
        assert_eq!(settings.limit_for(&openrouter, "a/b", "a/b"), None);
        // `:free` means OpenRouter's free tier only there.
        assert_eq!(settings.limit_for(&local, "ollama:x:free", "x:free"), None);
        settings.per_model.insert("ollama:x:free".into(), 5);
        settings.per_model.insert("a/b".into(), 0);
        settings.per_model.insert(free.into(), 0);
        assert_eq!(
            settings.limit_for(&local, "ollama:x:free", "x:free"),
            Some(5)
        );
        assert_eq!(settings.limit_for(&openrouter, "a/b", "a/b"), None);
        assert_eq!(settings.limit_for(&openrouter, free, free), None);
        settings.free_requests = 0;
        assert_eq!(
            settings.limit_for(&openrouter, "c/d:free", "c/d:free"),
            None
        );
    }
}
