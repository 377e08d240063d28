//! Server functions for a plan's members: who holds which role, granting roles to
//! organisations and people, changing and revoking roles. Inviting people without an account
//! onto a plan is in [`crate::invitations`].

use crate::encoding::Answer;
use leptos::prelude::*;

use super::views::PlanMembers;
use crate::error::AppError;

/// The plan's members and roles (everyone on the plan may see who else is).
#[server(prefix = "/api", endpoint = "plan_members", output = Answer)]
pub async fn members_of_plan(plan_id: i64) -> Result<PlanMembers, AppError> {
    use super::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = super::guard::authorize_plan(&db, plan_id, PlanAction::Read).await?;
    let can_manage = actor.may(PlanAction::Manage);
    let organisations = if can_manage {
        crate::admin::db::list_organisations(&db)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(PlanMembers {
        plan_id,
        plan_title: actor.plan_title,
        members: super::db::members(&db, plan_id).await?,
        can_manage,
        organisations,
    })
}

#[cfg(feature = "ssr")]
mod support {
    use crate::access::domain::{Grantee, PlanRole};
    use crate::access::guard::PlanActor;
    use crate::db::{Db, DbError};
    use crate::error::AppError;
    use crate::foundation::audit::domain::AuditKind;

    pub fn parse_role(raw: &str) -> Result<PlanRole, AppError> {
        PlanRole::parse(raw).map_err(|m| AppError::field("role", m))
    }

    /// Grants `role` to `grantee` on the plan `actor` leads, with its audit entry; a grantee
    /// who already has a role is told so next to `field`.
    pub async fn grant(
        db: &Db,
        actor: &PlanActor,
        grantee: Grantee,
        role: PlanRole,
        field: &str,
    ) -> Result<(), AppError> {
        let subject = match grantee {
            Grantee::Person(id) => format!("person {id}"),
            Grantee::Organisation(id) => format!("organisation {id}"),
        };
        let entry = actor
            .entry(AuditKind::RoleChange, subject)
            .await
            .details(serde_json::json!({"action": "granted", "role": role.as_str()}));
        db.write_audited(entry, async |tx| {
            crate::access::db::insert_grant(
                tx,
                actor.plan_id,
                grantee,
                role,
                actor.person.id,
                crate::db::now(),
            )
            .await
            .map_err(|e| match e {
                DbError::Duplicate(_) => AppError::field(
                    field,
                    "They already have a role on this plan: change it in the list.",
                ),
                other => other.into(),
            })
        })
        .await?;
        crate::foundation::session::confirm_plain_post("granted");
        Ok(())
    }
}

/// Grants a role to everyone in an organisation, now and later.
#[server(prefix = "/api", endpoint = "grant_to_organisation", output = Answer)]
pub async fn grant_to_organisation(
    plan_id: i64,
    organisation_id: String,
    role: String,
) -> Result<(), AppError> {
    use super::domain::{Grantee, PlanAction};
    let db = crate::foundation::state::db()?;
    let actor = super::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let role = support::parse_role(&role)?;
    let org = organisation_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::field("organisation_id", "Choose an organisation from the list."))?;
    crate::admin::db::find_organisation(&db, org)
        .await
        .map_err(|_| AppError::field("organisation_id", "Choose an organisation from the list."))?;
    support::grant(
        &db,
        &actor,
        Grantee::Organisation(org),
        role,
        "organisation_id",
    )
    .await
}

/// Grants a role to one person with an existing account.
#[server(prefix = "/api", endpoint = "grant_to_person", output = Answer)]
pub async fn grant_to_person(plan_id: i64, email: String, role: String) -> Result<(), AppError> {
    use super::domain::{Grantee, PlanAction};
    let db = crate::foundation::state::db()?;
    let actor = super::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let role = support::parse_role(&role)?;
    let email =
        crate::foundation::people::Email::parse(&email).map_err(|m| AppError::field("email", m))?;
    let Some(person) = crate::admin::db::person_id_by_email(&db, email.as_str()).await? else {
        return Err(AppError::field(
            "email",
            "Nobody has an account with this email: invite them below.",
        ));
    };
    support::grant(&db, &actor, Grantee::Person(person), role, "email").await
}

/// Changes a grant's role (`role` empty revokes it). A plan always keeps a lead.
#[server(prefix = "/api", endpoint = "change_grant", output = Answer)]
pub async fn change_grant(plan_id: i64, grant_id: i64, role: String) -> Result<(), AppError> {
    use super::db::GrantChangeError;
    use super::domain::PlanAction;
    use crate::foundation::audit::domain::AuditKind;
    let db = crate::foundation::state::db()?;
    let actor = super::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let role = if role.trim().is_empty() {
        None
    } else {
        Some(support::parse_role(&role)?)
    };
    // Whose role it is, recorded: a revoked grant is gone, and the trail must still say whose
    // access was removed.
    let grantee = super::db::grantee_name(&db, plan_id, grant_id).await?;
    let entry = actor
        .entry(AuditKind::RoleChange, format!("grant {grant_id}"))
        .await
        .details(serde_json::json!({"action": if role.is_some() { "changed" } else { "revoked" }, "role": role.map(|r| r.as_str()), "grantee": grantee}));
    db.write_audited(entry, async |tx| {
        super::db::change_grant(tx, plan_id, grant_id, role)
            .await
            .map(|_| ())
    })
    .await
    .map_err(|e| match e {
        GrantChangeError::NotFound => AppError::NotFound,
        GrantChangeError::LastLead => AppError::Conflict(
            "A plan must keep at least one lead: make someone else lead first.".into(),
        ),
        GrantChangeError::Db(e) => e.into(),
    })?;
    crate::foundation::session::confirm_plain_post("role-changed");
    Ok(())
}
