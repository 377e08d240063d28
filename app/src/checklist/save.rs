//! The item save path: read, decide field by field (domain), write with a version check and
//! its audit entry, and go round again if someone else's write landed between the read and the
//! write.

use super::db::{self, ItemWrite};
use super::domain::start_of_day;
use super::fields::{plan_item_save, ItemPatch, ItemSavePlan};
use super::views::{FieldConflict, ItemConflict, ItemSaveOutcome};
use crate::access::guard::PlanActor;
use crate::db::{now, Db, DbError};
use crate::error::AppError;
use crate::foundation::audit::domain::AuditKind;

/// How often a save retries after losing a race before telling the person to try again.
const ATTEMPTS: usize = 8;

/// Applies `patch` to the version `base` of item `item_id` and saves the result as the next
/// version, as `actor` doing `action` ("updated", "edited"): merged with what others saved
/// meanwhile, or a conflict that writes nothing.
pub async fn save(
    db: &Db,
    actor: &PlanActor,
    item_id: i64,
    base: i64,
    patch: &ItemPatch,
    action: &str,
) -> Result<ItemSaveOutcome, AppError> {
    let plan_id = actor.plan_id;
    let entry = actor
        .entry(
            AuditKind::ChecklistChange,
            format!("checklist item {item_id}"),
        )
        .await;
    for _ in 0..ATTEMPTS {
        let current = db::item(db, plan_id, item_id, start_of_day(now())).await?;
        if current.retired {
            return Err(AppError::Conflict(
                "This item was retired. A lead can bring it back from the checklist page.".into(),
            ));
        }
        if base < 1 || base > current.version {
            return Err(AppError::Conflict(
                "This edit refers to a version of the item that does not exist. Reload the page."
                    .into(),
            ));
        }
        let theirs = current.fields();
        let base_fields = if base == current.version {
            theirs.clone()
        } else {
            db::version_fields(db, item_id, base).await?
        };
        let mine = patch.apply(&base_fields);
        let (fields, merged) = match plan_item_save(&base_fields, &theirs, &mine) {
            ItemSavePlan::NoChange => {
                return Ok(ItemSaveOutcome::Unchanged {
                    item_id,
                    version: current.version,
                })
            }
            ItemSavePlan::Conflict(conflicting) => {
                let orgs = db::plan_organisations(db, plan_id).await?;
                let org_name = |id: i64| {
                    orgs.iter()
                        .find(|(o, _)| *o == id)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_else(|| format!("Organisation {id}"))
                };
                return Ok(ItemSaveOutcome::Conflict(ItemConflict {
                    item_id,
                    current_version: current.version,
                    fields: conflicting
                        .into_iter()
                        .map(|f| FieldConflict {
                            field: f.label().to_owned(),
                            mine: mine.display(f, org_name),
                            theirs: theirs.display(f, org_name),
                        })
                        .collect(),
                    theirs_by: db::authors_after(db, item_id, base).await?,
                }));
            }
            ItemSavePlan::Write { fields, merged } => (fields, merged),
        };
        // Asked before writing, so the list names the others, not the person saving.
        let others = if merged {
            db::authors_after(db, item_id, base).await?
        } else {
            Vec::new()
        };
        let write = ItemWrite {
            plan_id,
            item_id,
            expected_version: current.version,
            fields: &fields,
            by: actor.person.id,
            now: now(),
        };
        let outcome = if merged { "merged" } else { "saved" };
        let entry = entry
            .clone()
            .details(serde_json::json!({"action": action, "outcome": outcome}));
        match db
            .write_audited(entry, async |tx| db::save_item(tx, &write).await)
            .await
        {
            Ok(version) if merged => {
                return Ok(ItemSaveOutcome::Merged {
                    item_id,
                    version,
                    with: others,
                })
            }
            Ok(version) => return Ok(ItemSaveOutcome::Saved { item_id, version }),
            Err(DbError::Stale) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict(
        "Many people are saving this item right now. Save again in a moment.".into(),
    ))
}
