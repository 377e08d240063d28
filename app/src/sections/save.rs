//! The save path: a person's save goes to the writer lane, which decides it against the section
//! as it is there (saved, merged, unchanged or a conflict, see [`super::in_lane`]) and writes it
//! in the same step; here the decision becomes what the person is told.

use super::in_lane::{Change, Decision, SaveRequest};
use super::save_queue;
use super::views::{ConflictPassage, EditConflict, SaveOutcome};
use crate::db::now;
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
        } => {
            let passages = merge
                .conflicts()
                .map(|(original, mine, theirs)| ConflictPassage {
                    original: original.join("\n\n"),
                    mine: mine.join("\n\n"),
                    theirs: theirs.join("\n\n"),
                })
                .collect();
            SaveOutcome::Conflict(Box::new(EditConflict {
                section_id,
                current_version: version,
                mine: mine.to_owned(),
                theirs,
                theirs_by,
                passages,
                proposal: merge.text_preferring_mine(),
            }))
        }
        refused => return Err(refusal(refused)),
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
