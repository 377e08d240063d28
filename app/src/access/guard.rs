//! Loads the person, their role on a plan, and checks an action with [`can`].

use super::db::grants;
use super::domain::{can, effective_role, Access, PlanAction};
use crate::admin::db::memberships_of;
use crate::auth::domain::Person;
use crate::auth::session::require_person;
use crate::db::{Db, DbError};
use crate::error::AppError;

/// The person acting on a plan, with what they may do there.
#[derive(Debug, Clone)]
pub struct PlanActor {
    /// Who.
    pub person: Person,
    /// Their access to this plan.
    pub access: Access,
    /// Their organisations (for recording which organisation a revision came from).
    pub organisations: Vec<i64>,
}

impl PlanActor {
    /// Whether they may also do `action` (for showing or hiding controls).
    pub fn may(&self, action: PlanAction) -> bool {
        can(self.access, action)
    }
}

/// The access `person` has to plan `plan_id`.
pub async fn access_for(
    db: &Db,
    person: &Person,
    plan_id: i64,
) -> Result<(Access, Vec<i64>), AppError> {
    let organisations: Vec<i64> = memberships_of(db, person.id)
        .await?
        .into_iter()
        .map(|m| m.org_id)
        .collect();
    let grants = grants(db, plan_id).await?;
    let access = Access {
        role: effective_role(&grants, person.id, &organisations),
        platform_admin: person.is_admin(),
        active: person.active,
    };
    Ok((access, organisations))
}

/// The logged-in person, if they may perform `action` on plan `plan_id`: `NotFound` when the
/// plan does not exist, `Forbidden` when they may not. Every plan server function starts here.
pub async fn authorize_plan(
    db: &Db,
    plan_id: i64,
    action: PlanAction,
) -> Result<PlanActor, AppError> {
    let person = require_person(db).await?;
    match crate::plans::db::plan_exists(db, plan_id).await {
        Ok(true) => {}
        Ok(false) | Err(DbError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    }
    let (access, organisations) = access_for(db, &person, plan_id).await?;
    if !can(access, action) {
        tracing::warn!(person = person.id, plan = plan_id, ?action, role = ?access.role, "plan action refused");
        return Err(AppError::Forbidden);
    }
    Ok(PlanActor {
        person,
        access,
        organisations,
    })
}
