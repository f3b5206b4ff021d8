//! When the loop wakes by itself: to draw a frame, at most one per
//! `interval` and only when something changed, except that what the user
//! typed is drawn at once; and to advance elapsed timers while answers are
//! live. Idle, neither exists.

use std::time::Duration;

use tokio::time::Instant;

/// Frames at a capped rate, only when something asked for one.
#[derive(Debug)]
pub struct FrameScheduler {
    interval: Duration,
    last_draw: Option<Instant>,
    /// Input arrived since the last frame: the next one is due at once.
    urgent: bool,
}

impl FrameScheduler {
    pub fn new(interval: Duration) -> FrameScheduler {
        FrameScheduler {
            interval,
            last_draw: None,
            urgent: false,
        }
    }

    /// When to draw: None while nothing changed; at once after input, or
    /// when no frame was drawn for an interval; else one interval after
    /// the last frame (streams pouring in draw at the capped rate).
    pub fn deadline(&self, dirty: bool, now: Instant) -> Option<Instant> {
        if !dirty {
            return None;
        }
        Some(match self.last_draw {
            Some(at) if !self.urgent => (at + self.interval).max(now),
            Some(_) | None => now,
        })
    }

    /// Keys, a paste or the mouse arrived: the user waits for the next frame.
    pub fn input(&mut self) {
        self.urgent = true;
    }

    pub fn drawn(&mut self, at: Instant) {
        self.last_draw = Some(at);
        self.urgent = false;
    }
}

/// The clock ticks for elapsed timers, only while answers are live.
#[derive(Debug)]
pub struct Ticker {
    interval: Duration,
    next: Instant,
}

impl Ticker {
    pub fn new(interval: Duration, now: Instant) -> Ticker {
        Ticker {
            interval,
            next: now + interval,
        }
    }

    /// The next tick while `live`; None (and a fresh interval later) otherwise.
    pub fn deadline(&mut self, live: bool, now: Instant) -> Option<Instant> {
        if live {
            Some(self.next)
        } else {
            self.next = now + self.interval;
            None
        }
    }

    pub fn ticked(&mut self, now: Instant) {
        self.next = now + self.interval;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Duration = Duration::from_millis(16);

    async fn sleep_until(at: Option<Instant>) {
        match at {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn changes_every_millisecond_draw_at_most_sixty_frames_a_second() {
        let mut frames = FrameScheduler::new(FRAME);
        let start = Instant::now();
        let mut dirty = false;
        let mut drawn = 0;
        let mut change = tokio::time::interval(Duration::from_millis(1));
        while Instant::now() - start < Duration::from_secs(1) {
            tokio::select! {
                biased;
                _ = sleep_until(frames.deadline(dirty, Instant::now())) => {
                    drawn += 1;
                    dirty = false;
                    frames.drawn(Instant::now());
                }
                _ = change.tick() => dirty = true,
            }
        }
        // 1000 ms / 16 ms = 62.5 frames, the first at once.
        assert_eq!(drawn, 63);
    }

    /// The loop's shape: streams change the state every millisecond, the
    /// user presses a key every 5 ms; returns the frames drawn and how long
    /// each key waited for its frame.
    async fn streaming_while_typing(keys: usize) -> (usize, Vec<Duration>) {
        let mut frames = FrameScheduler::new(FRAME);
        let start = Instant::now();
        let mut dirty = false;
        let mut drawn = 0;
        let mut waiting: Option<Instant> = None;
        let mut waits = Vec::new();
        let mut change = tokio::time::interval(Duration::from_millis(1));
        let mut typing = tokio::time::interval_at(
            start + Duration::from_micros(2_500),
            Duration::from_millis(5),
        );
        while Instant::now() - start < Duration::from_secs(1) {
            tokio::select! {
                biased;
                _ = sleep_until(frames.deadline(dirty, Instant::now())) => {
                    drawn += 1;
                    dirty = false;
                    frames.drawn(Instant::now());
                    if let Some(pressed) = waiting.take() {
                        waits.push(Instant::now() - pressed);
                    }
                }
                _ = typing.tick(), if waits.len() + usize::from(waiting.is_some()) < keys => {
                    dirty = true;
                    waiting = Some(Instant::now());
                    frames.input();
                }
                _ = change.tick() => dirty = true,
            }
        }
        (drawn, waits)
    }

    #[tokio::test(start_paused = true)]
    async fn a_key_is_drawn_at_once_while_answers_stream() {
        let (drawn, waits) = streaming_while_typing(20).await;
        assert_eq!(waits.len(), 20);
        assert!(
            waits.iter().all(|wait| wait.is_zero()),
            "every key drawn in the pass it arrived in: {waits:?}"
        );
        // The keys' frames come on top of the capped stream frames; the
        // streams alone still draw at most one frame per interval.
        assert!(drawn <= 63 + 20, "{drawn}");
        let (streams_only, _) = streaming_while_typing(0).await;
        assert_eq!(streams_only, 63);
    }

    #[tokio::test(start_paused = true)]
    async fn idle_means_no_frame_and_a_change_after_a_pause_draws_at_once() {
        let mut frames = FrameScheduler::new(FRAME);
        let start = Instant::now();
        assert_eq!(frames.deadline(false, start), None);
        assert_eq!(frames.deadline(true, start), Some(start));
        frames.drawn(start);
        assert_eq!(frames.deadline(true, start), Some(start + FRAME));
        tokio::time::sleep(Duration::from_secs(5)).await;
        let now = Instant::now();
        assert_eq!(frames.deadline(false, now), None);
        assert_eq!(frames.deadline(true, now), Some(now));
    }

    #[tokio::test(start_paused = true)]
    async fn the_clock_ticks_only_while_answers_are_live() {
        let interval = Duration::from_millis(250);
        let start = Instant::now();
        let mut ticker = Ticker::new(interval, start);
        assert_eq!(ticker.deadline(false, start), None);
        tokio::time::sleep(Duration::from_secs(3)).await;
        let now = Instant::now();
        assert_eq!(ticker.deadline(false, now), None);
        // Live again: the first tick is one interval after the idle check.
        assert_eq!(ticker.deadline(true, now), Some(now + interval));
        ticker.ticked(now + interval);
        assert_eq!(ticker.deadline(true, now), Some(now + 2 * interval));
    }
}
