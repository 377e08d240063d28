//! Moving SQLite's write-ahead log back into the database file, mostly off the write lane.
//!
//! By default SQLite checkpoints inside the commit that pushes the log past 1,000 pages, so one
//! save in a few hundred pays for copying megabytes and an fsync while every other writer
//! queues behind it. Here a background task does it instead. A `PASSIVE` checkpoint takes no
//! lock that writers wait on, but under steady writing it never catches up (new frames land
//! while it copies), and the log only starts again from its beginning after a checkpoint that
//! did. So the task copies the bulk while writers carry on, then holds the write lane for the
//! short remainder: the next write restarts the log and the file stops growing.

use std::sync::Weak;
use std::time::Duration;

use sqlx::{AnyConnection, AnyPool, Executor};

use super::memo::Memos;

/// The log may reach 16,000 pages (64 MiB) before a writer checkpoints in its own commit: a
/// backstop for when the background task falls behind, not the usual path.
pub const WRITER_AUTOCHECKPOINT: &str = "PRAGMA wal_autocheckpoint = 16000";

/// How often the background task looks for writes to checkpoint.
const PERIOD: Duration = Duration::from_millis(500);

/// Rounds copied while writers carry on, each leaving a smaller remainder for the next.
const ROUNDS_OFF_LANE: usize = 4;

/// The handles the task needs, held weakly so it ends with the `Db`.
pub struct Target {
    /// The readers' pool, for the rounds run while writers carry on.
    pub pool: AnyPool,
    /// The writer's connection, for the last short round.
    pub lane: Weak<tokio::sync::Mutex<AnyConnection>>,
    /// The generation, to skip periods without writes.
    pub memos: Weak<Memos>,
}

/// Checkpoints the database every [`PERIOD`] in which something was written, until the `Db`
/// is gone or its pool closed.
pub fn spawn(target: Target) {
    tokio::spawn(async move {
        let mut checkpointed = None;
        loop {
            tokio::time::sleep(PERIOD).await;
            let Some(generation) = target.memos.upgrade().map(|m| m.generation()) else {
                break;
            };
            if target.pool.is_closed() {
                break;
            }
            if checkpointed == Some(generation) {
                continue;
            }
            match round_trip(&target).await {
                Ok(()) => checkpointed = Some(generation),
                // Nothing is lost: the log just grows until the next try or the backstop.
                Err(e) => tracing::warn!(error = %e, "background checkpoint failed"),
            }
        }
    });
}

async fn round_trip(target: &Target) -> Result<(), sqlx::Error> {
    for _ in 0..ROUNDS_OFF_LANE {
        passive(&target.pool).await?;
    }
    let Some(lane) = target.lane.upgrade() else {
        return Ok(());
    };
    let mut writer = lane.lock().await;
    passive(&mut *writer).await
}

async fn passive<'e, E: Executor<'e, Database = sqlx::Any>>(on: E) -> Result<(), sqlx::Error> {
    on.execute("PRAGMA wal_checkpoint(PASSIVE)").await.map(drop)
}
