//! Reading a response body within bounds: a size cap, an idle timeout
//! between reads, an overall deadline and cancellation, so no server can
//! hold a request open or fill memory by sending slowly or endlessly.

use std::time::Duration;

use futures_util::{Stream, StreamExt};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// When to stop waiting for the next read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clock {
    /// Longest wait for one read.
    pub idle: Duration,
    /// Nothing is read after this.
    pub deadline: Instant,
    /// The whole allowance the deadline was set from, for messages.
    pub request_timeout: Duration,
}

impl Clock {
    /// A deadline `request_timeout` from now.
    pub fn start(idle: Duration, request_timeout: Duration) -> Clock {
        let now = Instant::now();
        Clock {
            idle,
            // Far enough when the sum does not fit: a config cannot make it panic.
            deadline: now
                .checked_add(request_timeout)
                .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365)),
            request_timeout,
        }
    }
}

/// Why waiting stopped without a value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    Cancelled,
    /// Nothing for the idle timeout.
    Idle,
    /// The request deadline passed.
    Deadline,
}

/// Waits for `future` unless cancelled, idle for too long or past the deadline.
pub(crate) async fn wait<T>(
    future: impl Future<Output = T>,
    clock: &Clock,
    cancel: &CancellationToken,
) -> Result<T, Stop> {
    let idle_at = Instant::now()
        .checked_add(clock.idle)
        .unwrap_or(clock.deadline);
    let (until, stop) = if clock.deadline <= idle_at {
        (clock.deadline, Stop::Deadline)
    } else {
        (idle_at, Stop::Idle)
    };
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(Stop::Cancelled),
        outcome = tokio::time::timeout_at(until, future) => outcome.map_err(|_| stop),
    }
}

/// A whole body, or why it is not whole.
#[derive(Debug)]
pub(crate) enum Read {
    /// The body, complete.
    Whole(Vec<u8>),
    /// The first `limit` bytes: the body is larger.
    Capped(Vec<u8>),
    /// What arrived before reading stopped (a stall, the deadline, a broken
    /// connection, a cancel).
    Cut(Vec<u8>, Option<Stop>),
}

/// Reads at most `limit` bytes of `body`.
pub(crate) async fn read_capped<B, E>(
    body: impl Stream<Item = Result<B, E>>,
    limit: usize,
    clock: &Clock,
    cancel: &CancellationToken,
) -> Read
where
    B: AsRef<[u8]>,
{
    let mut body = std::pin::pin!(body);
    let mut out = Vec::new();
    loop {
        match wait(body.next(), clock, cancel).await {
            Ok(Some(Ok(bytes))) => {
                let bytes = bytes.as_ref();
                let room = limit.saturating_sub(out.len());
                if bytes.len() > room {
                    out.extend_from_slice(&bytes[..room]);
                    return Read::Capped(out);
                }
                out.extend_from_slice(bytes);
            }
            Ok(None) => return Read::Whole(out),
            Ok(Some(Err(_))) => return Read::Cut(out, None),
            Err(stop) => return Read::Cut(out, Some(stop)),
        }
    }
}

impl Read {
    /// The bytes, whole or not (error bodies are shown as far as they came).
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Read::Whole(bytes) | Read::Capped(bytes) | Read::Cut(bytes, _) => bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static str]) -> impl Stream<Item = Result<&'static [u8], ()>> {
        futures_util::stream::iter(parts.iter().map(|p| Ok(p.as_bytes())).collect::<Vec<_>>())
    }

    fn clock() -> Clock {
        Clock::start(Duration::from_secs(5), Duration::from_secs(60))
    }

    #[tokio::test]
    async fn a_body_within_the_cap_is_whole() {
        let read = read_capped(
            chunks(&["ab", "cd"]),
            4,
            &clock(),
            &CancellationToken::new(),
        )
        .await;
        assert!(matches!(read, Read::Whole(bytes) if bytes == b"abcd"));
    }

    #[tokio::test]
    async fn a_larger_body_stops_at_the_cap() {
        let read = read_capped(
            chunks(&["ab", "cd", "ef"]),
            3,
            &clock(),
            &CancellationToken::new(),
        )
        .await;
        assert!(matches!(read, Read::Capped(bytes) if bytes == b"abc"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_trickle_ends_at_the_deadline_not_the_idle_timeout() {
        // One byte every 0.9 s never trips a 1 s idle timeout; the deadline ends it.
        let trickle = futures_util::stream::unfold((), |()| async {
            tokio::time::sleep(Duration::from_millis(900)).await;
            Some((Ok::<_, ()>(b"x".as_slice()), ()))
        });
        let clock = Clock::start(Duration::from_secs(1), Duration::from_secs(30));
        let started = Instant::now();
        let read = read_capped(trickle, usize::MAX, &clock, &CancellationToken::new()).await;
        match read {
            Read::Cut(bytes, Some(Stop::Deadline)) => assert_eq!(bytes.len(), 33),
            other => panic!("{other:?}"),
        }
        assert_eq!(Instant::now() - started, Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn silence_ends_at_the_idle_timeout() {
        let silent = futures_util::stream::pending::<Result<&[u8], ()>>();
        let clock = Clock::start(Duration::from_secs(2), Duration::from_secs(30));
        let read = read_capped(silent, 10, &clock, &CancellationToken::new()).await;
        assert!(matches!(read, Read::Cut(bytes, Some(Stop::Idle)) if bytes.is_empty()));
    }

    #[tokio::test]
    async fn an_absurd_deadline_does_not_panic() {
        let clock = Clock::start(Duration::MAX, Duration::MAX);
        let read = read_capped(chunks(&["a"]), 10, &clock, &CancellationToken::new()).await;
        assert!(matches!(read, Read::Whole(_)));
    }
}
