//! A person's save decided where it is written: inside the writer lane, against the section as
//! it is at that moment. Nobody else's write can land between the read and the write, so a save
//! never loses a race and never goes round again; saves that wait together are still written
//! together (see [`super::save_queue`]).

use std::time::{Duration, Instant};

use super::db::{self, NewRevision};
use super::domain::{plan_save, SavePlan};
use super::merge::{Merge, MERGE_TIME};
use crate::db::{Db, DbError, DbResult, Tx};

/// A save as a person asked for it, before it is decided.
#[derive(Debug, Clone)]
pub struct SaveRequest {
    /// The plan the section must belong to.
    pub plan_id: i64,
    pub section_id: i64,
    /// What the person asks for.
    pub change: Change,
    /// Who saves.
    pub author: i64,
    /// Their organisation, recorded on the revision.
    pub organisation: Option<i64>,
    /// Their client address, for the audit trail.
    pub ip: Option<String>,
    /// When the save was asked for, Unix seconds.
    pub now: i64,
}

/// What a save asks for.
#[derive(Debug, Clone)]
pub enum Change {
    /// `mine` as the next text, edited from version `base`.
    Edit {
        /// The version the person edited.
        base: i64,
        /// Their text.
        mine: String,
    },
    /// Revision `number`'s text as the next version.
    Restore {
        /// The revision to bring back.
        number: i64,
    },
}

/// How a save was decided, and what it wrote.
#[derive(Debug)]
pub enum Decision {
    /// The text asked for is already the current text: nothing written.
    Unchanged {
        /// The current version.
        version: i64,
    },
    /// Written as the next version.
    Written {
        /// The new version.
        version: i64,
        /// The text written (merged with others' changes when `merged_with` is set).
        body: String,
        /// Who saved since the person's version, when their changes were merged in.
        merged_with: Option<Vec<String>>,
    },
    /// Changes overlap with what others saved since: nothing written.
    Conflict {
        /// The current version.
        version: i64,
        /// The current text.
        theirs: String,
        /// Who saved since the person's version.
        theirs_by: Vec<String>,
        /// The merge, with its conflicting passages.
        merge: Merge,
    },
    /// The section was removed: nothing written.
    Removed,
    /// The version edited or restored does not exist: nothing written.
    NoSuchVersion,
    /// A merge too long to run beside the lane found no CPU in time: nothing written.
    TooBusy,
}

/// Merges of texts up to this size (the three together) run on the lane's own task: a
/// paragraph merge of a few pages takes well under a millisecond, less than handing it to a
/// thread. Longer ones go to a CPU lane, so a long merge never stalls an async worker.
const MERGE_INLINE_BYTES: usize = 48 * 1024;

/// How long a long merge may wait for a CPU lane and run while the writer lane waits for it.
/// The merge itself stops comparing at [`MERGE_TIME`].
const LANE_MERGE_BUDGET: Duration = Duration::from_secs(3);

/// Decides `request` against the section as it is inside `tx` and writes what it decides.
/// Errors are the database's only; every refusal is a [`Decision`] that wrote nothing.
pub async fn decide_and_write(
    db: &Db,
    tx: &mut Tx<'_>,
    request: &SaveRequest,
) -> DbResult<Decision> {
    let Some(current) = db::current_text(tx, request.plan_id, request.section_id).await? else {
        return Err(DbError::NotFound);
    };
    let (body, kind, note, merged_with) = match &request.change {
        Change::Restore { number } => {
            let Some(old) = db::revision_body_in(tx, request.section_id, *number).await? else {
                return Ok(Decision::NoSuchVersion);
            };
            (old, "restore", format!("Restored revision {number}"), None)
        }
        Change::Edit { base, mine } => {
            if current.removed {
                return Ok(Decision::Removed);
            }
            let base = *base;
            if base < 1 || base > current.version {
                return Ok(Decision::NoSuchVersion);
            }
            let plan = if base == current.version {
                // Nothing to merge: one comparison of two strings.
                plan_save(
                    base,
                    &current.body,
                    base,
                    &current.body,
                    mine,
                    Instant::now(),
                )
            } else {
                let Some(base_body) = db::revision_body_in(tx, request.section_id, base).await?
                else {
                    return Ok(Decision::NoSuchVersion);
                };
                match merge(base, base_body, current.version, &current.body, mine).await {
                    Some(plan) => plan,
                    None => return Ok(Decision::TooBusy),
                }
            };
            match plan {
                SavePlan::NoChange => {
                    return Ok(Decision::Unchanged {
                        version: current.version,
                    })
                }
                SavePlan::Conflict(merge) => {
                    let theirs_by = db::authors_after_in(tx, request.section_id, base).await?;
                    return Ok(Decision::Conflict {
                        version: current.version,
                        theirs: current.body,
                        theirs_by,
                        merge,
                    });
                }
                SavePlan::Write { body, merged } => {
                    // Asked before writing, so the list names the others, not the person.
                    let with = if merged {
                        Some(db::authors_after_in(tx, request.section_id, base).await?)
                    } else {
                        None
                    };
                    let kind = if merged { "merge" } else { "edit" };
                    (body, kind, String::new(), with)
                }
            }
        }
    };
    let revision = NewRevision {
        section_id: request.section_id,
        // Read in this transaction, by the only writer: it is still current.
        expected_version: current.version,
        body,
        kind,
        author: request.author,
        organisation: request.organisation,
        note,
        now: request.now,
        ip: request.ip.clone(),
    };
    let version = db::save_body_tx(db, tx, &revision).await?;
    Ok(Decision::Written {
        version,
        body: revision.body,
        merged_with,
    })
}

/// Decides a save that must merge (see [`plan_save`]); `None` when a long merge found no time.
pub(super) async fn merge(
    base: i64,
    base_body: String,
    current: i64,
    current_body: &str,
    mine: &str,
) -> Option<SavePlan> {
    if base_body.len() + current_body.len() + mine.len() <= MERGE_INLINE_BYTES {
        let deadline = Instant::now() + MERGE_TIME;
        return Some(plan_save(
            base,
            &base_body,
            current,
            current_body,
            mine,
            deadline,
        ));
    }
    let (current_body, mine) = (current_body.to_owned(), mine.to_owned());
    crate::foundation::cpu::run("merge a save", LANE_MERGE_BUDGET, move || {
        let deadline = Instant::now() + MERGE_TIME;
        plan_save(base, &base_body, current, &current_body, &mine, deadline)
    })
    .await
    .ok()
}
