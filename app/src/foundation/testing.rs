//! Helpers for unit tests.

use std::time::Duration;

/// Runs `work` on a thread of its own and panics unless it ends within `limit`. The limit is
/// generous: it tells a bounded computation from a runaway one on any machine, and is no speed
/// target (those are in the benchmark).
pub fn finishes_within<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("did not finish within {limit:?}"))
}
