//! One task per run: it owns the HTTP stream of one pane's answer, its
//! cancellation token and its run id, batches what arrives and hands the
//! batches to the loop, waiting when the loop is behind.

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::router::events::StreamEvent;
use crate::router::{ChatMessage, ChatParams, Router, Target};
use crate::tui::msg::Msg;
use crate::tui::state::{PaneId, RunId};

use super::batch::StreamBatcher;
use super::{BATCH_BYTES, BATCH_INTERVAL, Outbox};

pub(super) struct Job {
    pub(super) pane: PaneId,
    pub(super) run: RunId,
    pub(super) target: Target,
    pub(super) messages: Vec<ChatMessage>,
    pub(super) params: ChatParams,
}

/// One task per run: the router streams into a channel; the batcher
/// gathers what arrives and this task hands it to the loop. Its sends wait
/// when the loop is behind, which slows the socket reader, never the UI,
/// and loses no text.
pub(super) fn spawn_run(router: Router, app: Outbox, job: Job) -> CancellationToken {
    let cancel = CancellationToken::new();
    let token = cancel.clone();
    tokio::spawn(async move {
        // Cancelled once the task ends, so the runner's `retain` forgets it.
        let _forget = token.clone().drop_guard();
        let (tx, rx) = mpsc::channel::<StreamEvent>(1024);
        let (pane, run) = (job.pane, job.run);
        let forward = {
            let app = app.clone();
            async move {
                let mut batcher = StreamBatcher::new(rx, BATCH_INTERVAL, BATCH_BYTES);
                while let Some(batch) = batcher.next().await {
                    let msg = Msg::Stream {
                        pane,
                        run,
                        events: batch.events,
                        merged: batch.merged,
                    };
                    if !app.send(msg).await {
                        break;
                    }
                }
            }
        };
        let stream = router.run(&job.target, &job.messages, &job.params, Some(tx), token);
        let (result, ()) = tokio::join!(stream, forward);
        app.send(Msg::RunFinished {
            pane,
            run,
            result: Box::new(result),
        })
        .await;
    });
    cancel
}
