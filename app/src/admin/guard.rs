//! Loads the acting person and checks an administration action against the rules.

use super::domain::{may, Actor, AdminAction};
use crate::db::Db;
use crate::error::AppError;
use crate::foundation::people::Person;
use crate::foundation::session::{memberships, require_person};

/// The logged-in person as an [`Actor`] for the administration rules.
pub async fn actor(db: &Db) -> Result<(Person, Actor), AppError> {
    let person = require_person(db).await?;
    let memberships = memberships(db, person.id)
        .await?
        .into_iter()
        .map(|m| (m.org_id, m.role))
        .collect();
    let actor = Actor {
        person_id: person.id,
        platform_role: person.platform_role,
        active: person.active,
        memberships,
    };
    Ok((person, actor))
}

/// `Forbidden` unless the rules allow `action`; refusals are logged for the audit trail.
pub fn authorize(actor: &Actor, action: AdminAction) -> Result<(), AppError> {
    if may(actor, action) {
        Ok(())
    } else {
        tracing::warn!(person = actor.person_id, ?action, "refused");
        Err(AppError::Forbidden)
    }
}
