//! The save path: read, decide (domain), write with a version check, and go round again if
//! someone else's write landed between the read and the write.

use std::time::{Duration, Instant};

use super::db::{self, NewRevision};
use super::domain::{plan_save, SavePlan};
use super::merge::{Chunk, MERGE_TIME};
use super::save_queue;
use super::views::{ConflictPassage, EditConflict, SaveOutcome};
use crate::db::{now, Db, DbError};
use crate::error::AppError;

/// How often a save retries after losing a race before telling the person to try again.
const ATTEMPTS: usize = 8;

/// Who is saving.
pub struct Author {
    /// Person.
    pub person: i64,
    /// Their organisation, recorded on the revision.
    pub organisation: Option<i64>,
    /// Their client address, for the audit trail.
    pub ip: Option<String>,
}

/// How long a save waits for a CPU lane and its merge before asking the person to save again:
/// longer than a reader waits, since a save has no fallback but to refuse.
const MERGE_BUDGET: Duration = Duration::from_secs(10);

/// Decides a save that must merge, on a CPU lane (a merge of long bodies is real work): see
/// [`plan_save`]. The merge itself stops comparing at [`MERGE_TIME`].
async fn merge_off_the_workers(
    base: i64,
    base_body: String,
    current: i64,
    current_body: &str,
    mine: &str,
) -> Result<SavePlan, AppError> {
    let (current_body, mine) = (current_body.to_owned(), mine.to_owned());
    crate::foundation::cpu::run("merge a save", MERGE_BUDGET, move || {
        let deadline = Instant::now() + MERGE_TIME;
        plan_save(base, &base_body, current, &current_body, &mine, deadline)
    })
    .await
    .map_err(|_| {
        AppError::Conflict(
            "The server is too busy to merge your changes right now. Your text is kept here: save again in a moment.".into(),
        )
    })
}

/// Saves `mine` as the next version of the section, based on version `base`.
pub async fn save(
    db: &Db,
    plan_id: i64,
    section_id: i64,
    base: i64,
    mine: &str,
    author: &Author,
) -> Result<SaveOutcome, AppError> {
    for _ in 0..ATTEMPTS {
        let current = db::section(db, plan_id, section_id).await?;
        if current.removed_at.is_some() {
            return Err(AppError::Conflict(
                "This section was removed. Restore it from the plan page to edit it.".into(),
            ));
        }
        if base < 1 || base > current.version {
            return Err(AppError::field("body", "This edit refers to a version of the section that does not exist. Reload the page."));
        }
        let base_body = if base == current.version {
            current.body.clone()
        } else {
            db::revision_body(db, section_id, base).await?
        };
        let decision = if base == current.version {
            // Nothing to merge: one comparison of two strings.
            plan_save(base, &base_body, base, &current.body, mine, Instant::now())
        } else {
            merge_off_the_workers(base, base_body, current.version, &current.body, mine).await?
        };
        let (body, merged) = match decision {
            SavePlan::NoChange => {
                return Ok(SaveOutcome::Unchanged {
                    version: current.version,
                })
            }
            SavePlan::Conflict(merge) => {
                let passages = merge
                    .conflicts()
                    .map(|(original, mine, theirs)| ConflictPassage {
                        original: original.join("\n\n"),
                        mine: mine.join("\n\n"),
                        theirs: theirs.join("\n\n"),
                    })
                    .collect();
                let theirs_by = db::authors_after(db, section_id, base).await?;
                debug_assert!(merge
                    .chunks
                    .iter()
                    .any(|c| matches!(c, Chunk::Conflict { .. })));
                return Ok(SaveOutcome::Conflict(Box::new(EditConflict {
                    section_id,
                    current_version: current.version,
                    mine: mine.to_owned(),
                    theirs: current.body,
                    theirs_by,
                    passages,
                    proposal: merge.text_preferring_mine(),
                })));
            }
            SavePlan::Write { body, merged } => (body, merged),
        };
        // Asked before writing, so the list names the others, not the person saving.
        let others = if merged {
            db::authors_after(db, section_id, base).await?
        } else {
            Vec::new()
        };
        let revision = NewRevision {
            section_id,
            expected_version: current.version,
            body: body.clone(),
            kind: if merged { "merge" } else { "edit" },
            author: author.person,
            organisation: author.organisation,
            note: String::new(),
            now: now(),
            ip: author.ip.clone(),
        };
        match save_queue::save(db, revision).await {
            Ok(version) if merged => {
                return Ok(SaveOutcome::Merged {
                    version,
                    with: others,
                    body,
                })
            }
            Ok(version) => return Ok(SaveOutcome::Saved { version }),
            // Someone wrote between our read and our write: decide again against their text.
            Err(DbError::Stale) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict("Many people are saving this section right now. Your text is kept here: save again in a moment.".into()))
}

/// Restores revision `number` as a new revision on top of the current one.
pub async fn restore(
    db: &Db,
    plan_id: i64,
    section_id: i64,
    number: i64,
    author: &Author,
) -> Result<i64, AppError> {
    let old = db::revision_body(db, section_id, number).await?;
    for _ in 0..ATTEMPTS {
        let current = db::section(db, plan_id, section_id).await?;
        let revision = NewRevision {
            section_id,
            expected_version: current.version,
            body: old.clone(),
            kind: "restore",
            author: author.person,
            organisation: author.organisation,
            note: format!("Restored revision {number}"),
            now: now(),
            ip: author.ip.clone(),
        };
        match save_queue::save(db, revision).await {
            Ok(v) => return Ok(v),
            Err(DbError::Stale) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict(
        "The section is being saved by others right now. Try again in a moment.".into(),
    ))
}
