//! The stream batcher: a run's events gathered for the loop. The first
//! event opens a batch, which goes when `interval` has passed since, when
//! `max_bytes` of text wait, or when the stream ends; consecutive deltas
//! merge (each still counts as a token). One timer per batch, then whatever
//! arrived is taken: no wake-up and no timer per token while tokens pour in.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TryRecvError;
use tokio::time::Instant;

use crate::router::events::StreamEvent;

/// Events waiting to go to the loop, with consecutive deltas merged.
#[derive(Debug, Default, PartialEq)]
pub struct Batch {
    pub events: Vec<StreamEvent>,
    /// Bytes of reasoning and answer text in `events`.
    pub bytes: usize,
    /// Deltas merged into an earlier one (each still counts as a token).
    pub merged: u64,
}

impl Batch {
    pub fn push(&mut self, event: StreamEvent) {
        match (self.events.last_mut(), event) {
            (Some(StreamEvent::Content(text)), StreamEvent::Content(more))
            | (Some(StreamEvent::Reasoning(text)), StreamEvent::Reasoning(more)) => {
                self.bytes += more.len();
                self.merged += 1;
                text.push_str(&more);
            }
            (_, event) => {
                if let StreamEvent::Content(text) | StreamEvent::Reasoning(text) = &event {
                    self.bytes += text.len();
                }
                self.events.push(event);
            }
        }
    }
}

pub struct StreamBatcher {
    rx: mpsc::Receiver<StreamEvent>,
    interval: Duration,
    max_bytes: usize,
}

impl StreamBatcher {
    pub fn new(rx: mpsc::Receiver<StreamEvent>, interval: Duration, max_bytes: usize) -> Self {
        StreamBatcher {
            rx,
            interval,
            max_bytes,
        }
    }

    /// The next batch; None once the stream has ended and all was handed out.
    pub async fn next(&mut self) -> Option<Batch> {
        let first = self.rx.recv().await?;
        let mut batch = Batch::default();
        batch.push(first);
        let deadline = Instant::now() + self.interval;
        while batch.bytes < self.max_bytes {
            match self.rx.try_recv() {
                Ok(event) => batch.push(event),
                Err(TryRecvError::Disconnected) => break,
                Err(TryRecvError::Empty) => {
                    if Instant::now() >= deadline {
                        break;
                    }
                    tokio::time::sleep_until(deadline).await;
                }
            }
        }
        Some(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERVAL: Duration = Duration::from_millis(16);

    fn content(text: &str) -> StreamEvent {
        StreamEvent::Content(text.into())
    }

    #[test]
    fn batches_merge_deltas_but_keep_their_count() {
        let mut batch = Batch::default();
        for event in [
            StreamEvent::Reasoning("a".into()),
            StreamEvent::Reasoning("b".into()),
            content("c"),
            content("d"),
            content("e"),
            StreamEvent::Finished {
                finish_reason: None,
            },
        ] {
            batch.push(event);
        }
        assert_eq!(
            batch.events,
            vec![
                StreamEvent::Reasoning("ab".into()),
                content("cde"),
                StreamEvent::Finished {
                    finish_reason: None
                },
            ]
        );
        assert_eq!(batch.merged, 3);
        assert_eq!(batch.bytes, 5);
    }

    #[tokio::test(start_paused = true)]
    async fn a_batch_goes_one_interval_after_its_first_event() {
        let (tx, rx) = mpsc::channel(64);
        let mut batcher = StreamBatcher::new(rx, INTERVAL, 16 * 1024);
        let start = Instant::now();
        tokio::spawn(async move {
            for piece in ["a", "b", "c"] {
                tx.send(content(piece)).await.ok();
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            // After the first batch's window: the next batch.
            tokio::time::sleep(Duration::from_millis(20)).await;
            tx.send(content("d")).await.ok();
        });
        let first = batcher.next().await.expect("a batch");
        assert_eq!(first.events, vec![content("abc")]);
        assert_eq!(first.merged, 2);
        assert_eq!(
            Instant::now() - start,
            INTERVAL,
            "one timer, at the window's end"
        );
        let second = batcher.next().await.expect("another batch");
        assert_eq!(second.events, vec![content("d")]);
        assert_eq!(batcher.next().await, None, "the stream ended");
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_batch_goes_at_once() {
        let (tx, rx) = mpsc::channel(64);
        let mut batcher = StreamBatcher::new(rx, INTERVAL, 10);
        let start = Instant::now();
        for piece in ["12345", "67890", "x"] {
            tx.send(content(piece)).await.expect("send");
        }
        let first = batcher.next().await.expect("a batch");
        assert_eq!(first.events, vec![content("1234567890")]);
        assert_eq!(Instant::now(), start, "no wait for a full batch");
        drop(tx);
        let rest = batcher.next().await.expect("the rest");
        assert_eq!(rest.events, vec![content("x")]);
        assert_eq!(Instant::now(), start, "the end of the stream sends at once");
        assert_eq!(batcher.next().await, None);
    }
}
