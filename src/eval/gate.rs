//! One gate per model: how many of its requests may be in flight. A 429
//! halves that number and holds every request of the model back for as
//! long as the server asked (Retry-After) or a backoff; each success then
//! lets one more through, up to the run's concurrency (additive increase,
//! multiplicative decrease). A paced model (the config's `[pacing]`) keeps
//! at most one request waiting for its pacing slot, so a slow free model
//! never holds the run's places.

use std::time::Duration;

use tokio::time::Instant;

#[derive(Clone, Debug)]
pub struct Gate {
    /// The model, as people read it.
    pub name: String,
    max: usize,
    limit: usize,
    in_flight: usize,
    blocked_until: Option<Instant>,
    paced: bool,
    /// Dispatched but not yet sent (still waiting for a pacing slot).
    starting: usize,
}

impl Gate {
    pub fn new(name: impl Into<String>, max: usize, paced: bool) -> Gate {
        let max = max.max(1);
        Gate {
            name: name.into(),
            max,
            limit: max,
            in_flight: 0,
            blocked_until: None,
            paced,
            starting: 0,
        }
    }

    /// Ok when another request may start at `now`; else when to ask again
    /// (None: when a request of this model finishes or is sent).
    pub fn ready(&self, now: Instant) -> Result<(), Option<Instant>> {
        if let Some(until) = self.blocked_until
            && now < until
        {
            return Err(Some(until));
        }
        if self.in_flight >= self.limit || (self.paced && self.starting > 0) {
            return Err(None);
        }
        Ok(())
    }

    pub fn start(&mut self) {
        self.in_flight += 1;
        self.starting += 1;
    }

    /// The request was sent (it got past pacing).
    pub fn sent(&mut self) {
        self.starting = self.starting.saturating_sub(1);
    }

    /// A request ended (`sent` or not); a success lets one more through.
    pub fn finish(&mut self, was_sent: bool, success: bool) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if !was_sent {
            self.sent();
        }
        if success && self.limit < self.max {
            self.limit += 1;
        }
    }

    /// The server said 429: hold the model back for `wait` and halve what
    /// may be in flight. Returns the new limit.
    pub fn rate_limited(&mut self, now: Instant, wait: Duration) -> usize {
        let until = now + wait;
        self.blocked_until = Some(self.blocked_until.map_or(until, |b| b.max(until)));
        self.limit = (self.limit / 2).max(1);
        self.limit
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_holds_the_model_back_and_halves_it() {
        let t0 = Instant::now();
        let mut gate = Gate::new("m", 8, false);
        for _ in 0..8 {
            assert_eq!(gate.ready(t0), Ok(()));
            gate.start();
            gate.sent();
        }
        assert_eq!(gate.ready(t0), Err(None));
        assert_eq!(gate.rate_limited(t0, Duration::from_secs(5)), 4);
        // A shorter wait asked later does not shorten the hold.
        gate.rate_limited(t0, Duration::from_secs(1));
        assert_eq!(gate.limit(), 2);
        for _ in 0..8 {
            gate.finish(true, false);
        }
        assert_eq!(
            gate.ready(t0 + Duration::from_secs(4)),
            Err(Some(t0 + Duration::from_secs(5)))
        );
        assert_eq!(gate.ready(t0 + Duration::from_secs(5)), Ok(()));
        // Successes let one more through each, up to the ceiling.
        for _ in 0..10 {
            gate.start();
            gate.finish(false, true);
        }
        assert_eq!(gate.limit(), 8);
    }

    #[test]
    fn a_paced_model_keeps_one_request_waiting() {
        let t0 = Instant::now();
        let mut gate = Gate::new("m:free", 8, true);
        gate.start();
        assert_eq!(
            gate.ready(t0),
            Err(None),
            "the first still waits for its slot"
        );
        gate.sent();
        assert_eq!(gate.ready(t0), Ok(()));
    }
}
