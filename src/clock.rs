//! Time, read at the edges and handed in: the wall clock in unix seconds
//! for records, and a `Clock` for code that waits (retry backoff, pacing),
//! so tests can run those waits on a manual clock instead of sleeping.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// Seconds since 1970 on the wall clock (0 if the clock is before it).
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A sleep that a `Clock` hands out.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The monotonic time and waiting on it.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> Instant;
    /// Resolves at `deadline` (at once when it has passed).
    fn sleep_until(&self, deadline: Instant) -> Sleep;

    fn sleep(&self, duration: Duration) -> Sleep {
        self.sleep_until(self.now() + duration)
    }
}

/// tokio's clock: real time, or the paused test clock under
/// `#[tokio::test(start_paused = true)]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep_until(&self, deadline: Instant) -> Sleep {
        Box::pin(tokio::time::sleep_until(deadline))
    }
}

/// A clock that moves only when something sleeps on it: a sleep returns at
/// once and moves the clock to its deadline, and every wait is recorded.
/// For tests (and simulations) of code that waits, on real sockets too.
#[derive(Clone, Debug)]
pub struct ManualClock {
    inner: Arc<Mutex<Manual>>,
}

#[derive(Debug)]
struct Manual {
    now: Instant,
    slept: Vec<Duration>,
}

impl ManualClock {
    pub fn new() -> ManualClock {
        ManualClock {
            inner: Arc::new(Mutex::new(Manual {
                now: Instant::now(),
                slept: Vec::new(),
            })),
        }
    }

    /// Moves the clock forward, as if that much time passed.
    pub fn advance(&self, by: Duration) {
        self.lock().now += by;
    }

    /// Every wait asked of this clock so far, in order.
    pub fn slept(&self) -> Vec<Duration> {
        self.lock().slept.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Manual> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.lock().now
    }

    fn sleep_until(&self, deadline: Instant) -> Sleep {
        let mut manual = self.lock();
        let wait = deadline.saturating_duration_since(manual.now);
        manual.slept.push(wait);
        manual.now = manual.now.max(deadline);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_clock_jumps_to_each_deadline_and_remembers_the_waits() {
        let clock = ManualClock::new();
        let start = clock.now();
        clock.sleep(Duration::from_secs(3)).await;
        assert_eq!(clock.now() - start, Duration::from_secs(3));
        clock.advance(Duration::from_secs(1));
        // A deadline already passed costs no wait.
        clock.sleep_until(start + Duration::from_secs(2)).await;
        assert_eq!(clock.now() - start, Duration::from_secs(4));
        assert_eq!(clock.slept(), vec![Duration::from_secs(3), Duration::ZERO]);
    }

    #[test]
    fn the_wall_clock_is_after_2020() {
        assert!(now_unix() > 1_577_836_800);
    }
}
