//! The save path: a person's save goes to the writer lane, which decides it against the section
//! as it is there (saved, merged, unchanged or a conflict, see [`super::in_lane`]) and writes it
//! in the same step; here the decision becomes what the person is told.

use super::domain::SavePlan;
use super::in_lane::{merge, Change, Decision, SaveRequest};
use super::merge::Merge;
use super::save_queue;
use super::views::{ConflictPassage, EditConflict, Incoming, SaveOutcome};
use crate::db::{now, Db};
use crate::error::AppError;

/// Who is saving.
pub struct Author {
    pub person: i64,
    /// Their organisation, recorded on the revision.
    pub organisation: Option<i64>,
    /// Their client address, for the audit trail.
    pub ip: Option<String>,
}

fn request(plan_id: i64, section_id: i64, change: Change, author: &Author) -> SaveRequest {
    SaveRequest {
        plan_id,
        section_id,
        change,
        author: author.person,
        organisation: author.organisation,
        ip: author.ip.clone(),
        now: now(),
    }
}

/// What a refusal (a decision that wrote nothing and has nothing to show) tells the person.
fn refusal(decision: Decision) -> AppError {
    match decision {
        Decision::Removed => AppError::Conflict(
            "This section was removed. Restore it from the plan page to edit it.".into(),
        ),
        Decision::NoSuchVersion => AppError::field(
            "body",
            "This edit refers to a version of the section that does not exist. Reload the page.",
        ),
        Decision::TooBusy => AppError::Conflict(
            "The server is too busy to merge your changes right now. Your text is kept here: save again in a moment.".into(),
        ),
        Decision::Unchanged { .. } | Decision::Written { .. } | Decision::Conflict { .. } => {
            AppError::Internal
        }
    }
}

/// Saves `mine` as the next version of the section, based on version `base`.
pub async fn save(
    db: &crate::db::Db,
    plan_id: i64,
    section_id: i64,
    base: i64,
    mine: &str,
    author: &Author,
) -> Result<SaveOutcome, AppError> {
    let change = Change::Edit {
        base,
        mine: mine.to_owned(),
    };
    let decision = save_queue::decide(db, request(plan_id, section_id, change, author)).await?;
    Ok(match decision {
        Decision::Unchanged { version } => SaveOutcome::Unchanged { version },
        Decision::Written {
            version,
            merged_with: None,
            ..
        } => SaveOutcome::Saved { version },
        Decision::Written {
            version,
            body,
            merged_with: Some(with),
        } => SaveOutcome::Merged {
            version,
            with,
            body,
        },
        Decision::Conflict {
            version,
            theirs,
            theirs_by,
            merge,
        } => SaveOutcome::Conflict(Box::new(conflict(
            section_id, version, mine, theirs, theirs_by, &merge,
        ))),
        refused => return Err(refusal(refused)),
    })
}

/// What a person is shown of overlapping changes: the passages side by side, and the
/// merged text with their own wording where the changes overlap.
fn conflict(
    section_id: i64,
    version: i64,
    mine: &str,
    theirs: String,
    theirs_by: Vec<String>,
    merge: &Merge,
) -> EditConflict {
    let passages = merge
        .conflicts()
        .map(|(original, mine, theirs)| ConflictPassage {
            original: original.join("\n\n"),
            mine: mine.join("\n\n"),
            theirs: theirs.join("\n\n"),
        })
        .collect();
    EditConflict {
        section_id,
        current_version: version,
        mine: mine.to_owned(),
        theirs,
        theirs_by,
        passages,
        proposal: merge.text_preferring_mine(),
    }
}

/// Brings what others saved since version `base` into `mine`, the text an editor holds,
/// with the same merge as a save, writing nothing: the editor learns of their save while the
/// person is still typing, not when they save.
pub async fn incoming(
    db: &Db,
    plan_id: i64,
    section_id: i64,
    base: i64,
    mine: &str,
) -> Result<Incoming, AppError> {
    let current = super::db::section(db, plan_id, section_id).await?;
    if current.removed_at.is_some() {
        return Err(refusal(Decision::Removed));
    }
    if base == current.version {
        return Ok(Incoming::Current { version: base });
    }
    if base < 1 || base > current.version {
        return Err(refusal(Decision::NoSuchVersion));
    }
    let base_body = super::db::revision_body(db, section_id, base).await?;
    let Some(plan) = merge(base, base_body, current.version, &current.body, mine).await else {
        return Err(refusal(Decision::TooBusy));
    };
    let by = super::db::authors_after(db, section_id, base).await?;
    let version = current.version;
    Ok(match plan {
        SavePlan::NoChange => Incoming::Merged {
            version,
            merged: current.body.clone(),
            theirs: current.body,
            by,
        },
        SavePlan::Write { body, .. } => Incoming::Merged {
            version,
            merged: body,
            theirs: current.body,
            by,
        },
        SavePlan::Conflict(m) => Incoming::Overlap(Box::new(conflict(
            section_id,
            version,
            mine,
            current.body,
            by,
            &m,
        ))),
    })
}

/// Restores revision `number` as a new revision on top of the current one.
pub async fn restore(
    db: &crate::db::Db,
    plan_id: i64,
    section_id: i64,
    number: i64,
    author: &Author,
) -> Result<i64, AppError> {
    let change = Change::Restore { number };
    match save_queue::decide(db, request(plan_id, section_id, change, author)).await? {
        Decision::Written { version, .. } => Ok(version),
        Decision::NoSuchVersion => Err(AppError::NotFound),
        other => Err(refusal(other)),
    }
}
