//! When to try again: exponential backoff with full jitter, bounded in
//! attempts and in total time, and a server's `Retry-After` honoured.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` requests at most).
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// No retry starts once this much time has passed since the first request.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            max_total: Duration::from_secs(90),
        }
    }
}

impl RetryPolicy {
    /// The pause before retry number `retry` (1-based), or None when retries
    /// are used up or the wait would pass the total budget. `random` is in
    /// [0, 1) and spreads clients apart; a server's `retry_after` is a floor.
    pub fn delay(
        &self,
        retry: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
        random: f64,
    ) -> Option<Duration> {
        if retry == 0 || retry > self.max_retries {
            return None;
        }
        let exponent = (retry - 1).min(16);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        // Full jitter between half the ceiling and the ceiling.
        let jittered = ceiling.mul_f64(0.5 + 0.5 * random.clamp(0.0, 1.0));
        let wait = match retry_after {
            Some(asked) => asked.max(jittered.min(self.base_delay)),
            None => jittered,
        };
        (elapsed.saturating_add(wait) <= self.max_total).then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_total: Duration::from_secs(10),
        }
    }

    #[test]
    fn grows_exponentially_within_jitter() {
        let p = policy();
        assert_eq!(
            p.delay(1, Duration::ZERO, None, 1.0),
            Some(Duration::from_millis(100))
        );
        assert_eq!(
            p.delay(1, Duration::ZERO, None, 0.0),
            Some(Duration::from_millis(50))
        );
        assert_eq!(
            p.delay(2, Duration::ZERO, None, 1.0),
            Some(Duration::from_millis(200))
        );
        assert_eq!(
            p.delay(3, Duration::ZERO, None, 1.0),
            Some(Duration::from_millis(400))
        );
        assert_eq!(p.delay(4, Duration::ZERO, None, 1.0), None);
    }

    #[test]
    fn caps_at_max_delay() {
        let p = RetryPolicy {
            max_retries: 10,
            ..policy()
        };
        assert_eq!(
            p.delay(9, Duration::ZERO, None, 1.0),
            Some(Duration::from_millis(1000))
        );
    }

    #[test]
    fn honours_retry_after_as_a_floor() {
        let p = policy();
        assert_eq!(
            p.delay(1, Duration::ZERO, Some(Duration::from_secs(3)), 0.5),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            p.delay(1, Duration::ZERO, Some(Duration::ZERO), 1.0),
            Some(Duration::from_millis(100))
        );
    }

    #[test]
    fn stops_when_the_budget_is_spent() {
        let p = policy();
        assert_eq!(
            p.delay(1, Duration::from_secs(9), Some(Duration::from_secs(2)), 0.5),
            None
        );
        assert_eq!(p.delay(0, Duration::ZERO, None, 0.5), None);
    }
}
