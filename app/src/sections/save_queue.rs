//! Group commit for saves. SQLite takes one writer at a time, so when many people save at once
//! each waits for the lane, and most of each save's time in the lane goes to round trips for
//! `BEGIN` and `COMMIT` rather than to its own statements. Saves that arrive while the lane is
//! busy wait here and are then written together, in one transaction: each keeps its own
//! revision and audit entry, and learns its own outcome.
//!
//! A person's save is decided inside the lane ([`decide`], see [`super::in_lane`]): read the
//! section as it is, merge, write. Nobody's write can land in between, so it never loses a
//! race and never goes round again, however many people save the same section at once. A
//! ready-made revision ([`save`]: demo data, tools) keeps its own version check instead, and
//! one found stale writes nothing, so it cannot spoil the others in its transaction.
//!
//! A save that fails in the database may have written part of itself: the transaction is
//! rolled back, that save gets its error and the others are decided and written again.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::oneshot;

use super::db::{save_body_tx, NewRevision};
use super::in_lane::{decide_and_write, Decision, SaveRequest};
use crate::db::{Db, DbError, DbResult};

/// Bounds how long one transaction holds the lane while other kinds of write wait.
const MOST_PER_COMMIT: usize = 32;

/// What waits for the lane.
enum Job {
    /// A revision written as it is, if its expected version is still current.
    Revision(NewRevision),
    /// A person's save, decided in the lane.
    Save(SaveRequest),
}

/// What a job came to.
enum Landed {
    /// The revision's number.
    Number(i64),
    /// How the save was decided.
    Decided(Decision),
}

struct Waiting {
    job: Job,
    outcome: oneshot::Sender<DbResult<Landed>>,
}

/// The saves waiting for the lane on one database, and whether a task is writing them.
#[derive(Default)]
pub struct SaveQueue {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    waiting: VecDeque<Waiting>,
    draining: bool,
}

fn lock(queue: &SaveQueue) -> MutexGuard<'_, State> {
    // The state is a queue and a flag, whole after every statement: a panic elsewhere while
    // it was held leaves nothing half-done.
    queue.state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Writes `revision` (alone, or with the saves waiting beside it) and returns its number;
/// `Stale` when its expected version is no longer current.
pub async fn save(db: &Db, revision: NewRevision) -> DbResult<i64> {
    match enqueue(db, Job::Revision(revision)).await? {
        Landed::Number(n) => Ok(n),
        Landed::Decided(_) => Err(DbError::SharedWriteFailed),
    }
}

/// Decides `request` in the lane against the section as it is then, and writes what it
/// decides (alone, or with the saves waiting beside it).
pub async fn decide(db: &Db, request: SaveRequest) -> DbResult<Decision> {
    match enqueue(db, Job::Save(request)).await? {
        Landed::Decided(decision) => Ok(decision),
        Landed::Number(_) => Err(DbError::SharedWriteFailed),
    }
}

async fn enqueue(db: &Db, job: Job) -> DbResult<Landed> {
    let queue = db.shared::<SaveQueue>();
    let (outcome, result) = oneshot::channel();
    let start = {
        let mut state = lock(&queue);
        state.waiting.push_back(Waiting { job, outcome });
        !std::mem::replace(&mut state.draining, true)
    };
    if start {
        // A task of its own writes the queue, so that a request given up half-way (a closed
        // connection, a timeout) never abandons the other saves in its transaction.
        tokio::spawn(drain(db.clone(), queue));
    }
    result.await.unwrap_or(Err(DbError::SharedWriteFailed))
}

async fn drain(db: Db, queue: Arc<SaveQueue>) {
    loop {
        let batch: Vec<Waiting> = {
            let mut state = lock(&queue);
            if state.waiting.is_empty() {
                // Under the same lock as `save`'s push: a save queued after this sees the
                // flag down and starts a writer of its own.
                state.draining = false;
                return;
            }
            let n = state.waiting.len().min(MOST_PER_COMMIT);
            state.waiting.drain(..n).collect()
        };
        let again = write(&db, batch).await;
        let mut state = lock(&queue);
        for w in again.into_iter().rev() {
            state.waiting.push_front(w);
        }
    }
}

/// Writes `batch` in one transaction and tells each save its outcome; returns the saves to
/// write again (those rolled back with one that failed).
async fn write(db: &Db, batch: Vec<Waiting>) -> Vec<Waiting> {
    let mut writer = db.write().await;
    let mut tx = match writer.begin().await {
        Ok(tx) => tx,
        Err(e) => {
            fail_all(batch, &e);
            return Vec::new();
        }
    };
    let mut written = Vec::with_capacity(batch.len());
    let mut rest = batch.into_iter();
    while let Some(w) = rest.next() {
        let landed = match &w.job {
            Job::Revision(revision) => save_body_tx(db, &mut tx, revision)
                .await
                .map(Landed::Number),
            Job::Save(request) => decide_and_write(db, &mut tx, request)
                .await
                .map(Landed::Decided),
        };
        match landed {
            Ok(landed) => written.push((w, Ok(landed))),
            Err(DbError::Stale) => written.push((w, Err(DbError::Stale))),
            Err(e) => {
                if let Err(rollback) = tx.rollback().await {
                    tracing::warn!(error = %rollback, "rollback of saves failed");
                }
                let _ = w.outcome.send(Err(e));
                return written.into_iter().map(|(w, _)| w).chain(rest).collect();
            }
        }
    }
    let committed = tx.commit().await;
    // Released before anyone hears of the outcome, so that what they read next (through
    // memos keyed to the write generation) already shows it.
    drop(writer);
    match committed {
        Ok(()) => {
            for (w, outcome) in written {
                announce(db, &w.job, &outcome);
                let _ = w.outcome.send(outcome);
            }
        }
        Err(e) => fail_all(written.into_iter().map(|(w, _)| w), &DbError::from(e)),
    }
    Vec::new()
}

/// Tells the plan's open pages of a person's save that was written (committed by now).
/// Revisions written as they are (demo data) have no one watching yet.
fn announce(db: &Db, job: &Job, outcome: &DbResult<Landed>) {
    if let (Job::Save(request), Ok(Landed::Decided(Decision::Written { version, .. }))) =
        (job, outcome)
    {
        crate::foundation::live::publish(
            db,
            Some(request.plan_id),
            crate::foundation::live::Change::SectionSaved {
                section_id: request.section_id,
                version: *version,
                by: request.author,
            },
        );
    }
}

fn fail_all(saves: impl IntoIterator<Item = Waiting>, cause: &dyn std::error::Error) {
    let mut n = 0;
    for w in saves {
        let _ = w.outcome.send(Err(DbError::SharedWriteFailed));
        n += 1;
    }
    tracing::error!(error = %cause, saves = n, "saves could not be written");
}
