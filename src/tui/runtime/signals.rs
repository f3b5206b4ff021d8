//! The signals that end the workbench, as one stream.

/// SIGTERM, SIGINT, SIGHUP and SIGQUIT as one stream, each ending the
/// workbench with the terminal restored (Ctrl+C in raw mode is a key, not a
/// signal). `next` gives the signal's number, for the exit status.
pub(super) struct Signals {
    #[cfg(unix)]
    streams: Vec<(i32, tokio::signal::unix::Signal)>,
}

impl Signals {
    pub(super) fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = [
                SignalKind::terminate(),
                SignalKind::interrupt(),
                SignalKind::hangup(),
                SignalKind::quit(),
            ]
            .into_iter()
            .filter_map(|kind| Some((kind.as_raw_value(), signal(kind).ok()?)))
            .collect();
            Signals { streams }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    pub(super) async fn next(&mut self) -> i32 {
        #[cfg(unix)]
        {
            if self.streams.is_empty() {
                return std::future::pending().await;
            }
            let waits = self.streams.iter_mut().map(|(number, stream)| {
                Box::pin(async move { stream.recv().await.map(|()| *number) })
            });
            let (number, _, _) = futures_util::future::select_all(waits).await;
            number.unwrap_or(SIGINT)
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            SIGINT
        }
    }
}

/// The interrupt signal's number (the same on every platform prism runs on).
pub const SIGINT: i32 = 2;
