//! Loads the person, their role on a plan, and checks an action with [`can`].

use super::db::roles_reaching;
use super::domain::{can, highest, Access, PlanAction};
use crate::auth::domain::Person;
use crate::auth::session::{memberships, require_person};
use crate::db::Db;
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

/// The logged-in person, if they may perform `action` on plan `plan_id`: `NotFound` when the
/// plan does not exist, `Forbidden` when they may not. Every plan server function starts here.
pub async fn authorize_plan(
    db: &Db,
    plan_id: i64,
    action: PlanAction,
) -> Result<PlanActor, AppError> {
    let person = require_person(db).await?;
    let Some(roles) = roles_reaching(db, plan_id, person.id).await? else {
        return Err(AppError::NotFound);
    };
    let access = Access {
        role: highest(roles),
        platform_admin: person.is_admin(),
        active: person.active,
    };
    if !can(access, action) {
        tracing::warn!(person = person.id, plan = plan_id, ?action, role = ?access.role, "plan action refused");
        return Err(AppError::Forbidden);
    }
    let organisations = memberships(db, person.id)
        .await?
        .into_iter()
        .map(|m| m.org_id)
        .collect();
    Ok(PlanActor {
        person,
        access,
        organisations,
    })
}
