//! Loads the person, their role on a plan, and checks an action with [`can`].

use super::db::plan_access;
use super::domain::{can, Access, PlanAction};
use crate::db::Db;
use crate::error::AppError;
use crate::foundation::audit::domain::{AuditKind, NewEntry};
use crate::foundation::people::Person;
use crate::foundation::session::{memberships, require_person};

/// The person acting on a plan, with what they may do there.
#[derive(Debug, Clone)]
pub struct PlanActor {
    /// Who.
    pub person: Person,
    /// Their access to this plan.
    pub access: Access,
    /// Their organisations (for recording which organisation a revision came from).
    pub organisations: Vec<i64>,
    pub plan_id: i64,
    /// The plan's title, which nearly every plan page shows.
    pub plan_title: String,
}

impl PlanActor {
    /// Whether they may also do `action` (for showing or hiding controls).
    pub fn may(&self, action: PlanAction) -> bool {
        can(self.access, action)
    }

    /// The audit entry of a change of `kind` they make to this plan, about `subject`, from
    /// where they are.
    pub async fn entry(&self, kind: AuditKind, subject: impl Into<String>) -> NewEntry {
        crate::foundation::audit::entry_by(self.person.id, kind, subject)
            .await
            .plan(self.plan_id)
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
    let Some((plan_title, roles)) = plan_access(db, plan_id, person.id).await? else {
        return Err(AppError::NotFound);
    };
    let access = Access {
        roles: roles.into_iter().collect(),
        platform_admin: person.is_admin(),
        active: person.active,
    };
    if !can(access, action) {
        tracing::warn!(person = person.id, plan = plan_id, ?action, roles = ?access.roles, "plan action refused");
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
        plan_id,
        plan_title,
    })
}
