//! Server functions for a plan's members: who holds which role, granting roles to
//! organisations and people, inviting new people, changing and revoking roles.

use leptos::prelude::*;

use super::views::PlanMembers;
use crate::admin::views::InvitationCreated;
use crate::error::AppError;

/// The plan's members and roles (everyone on the plan may see who else is).
#[server(prefix = "/api", endpoint = "plan_members")]
pub async fn members_of_plan(plan_id: i64) -> Result<PlanMembers, AppError> {
    use super::domain::PlanAction;
    let db = crate::state::app_state()?.db;
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
        plan_title: crate::plans::db::plan(&db, plan_id).await?.title,
        members: super::db::members(&db, plan_id).await?,
        can_manage,
        organisations,
    })
}

#[cfg(feature = "ssr")]
fn parse_role(raw: &str) -> Result<super::domain::PlanRole, AppError> {
    super::domain::PlanRole::parse(raw).map_err(|m| AppError::field("role", m))
}

#[cfg(feature = "ssr")]
fn already_member(field: &str) -> impl Fn(crate::db::DbError) -> AppError + '_ {
    move |e| match e {
        crate::db::DbError::Duplicate(_) => AppError::field(
            field,
            "They already have a role on this plan: change it in the list.",
        ),
        other => other.into(),
    }
}

/// Grants a role to everyone in an organisation, now and later.
#[server(prefix = "/api", endpoint = "grant_to_organisation")]
pub async fn grant_to_organisation(
    plan_id: i64,
    organisation_id: String,
    role: String,
) -> Result<(), AppError> {
    use super::domain::{Grantee, PlanAction};
    let db = crate::state::app_state()?.db;
    let actor = super::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let role = parse_role(&role)?;
    let org = organisation_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::field("organisation_id", "Choose an organisation from the list."))?;
    crate::admin::db::find_organisation(&db, org)
        .await
        .map_err(|_| AppError::field("organisation_id", "Choose an organisation from the list."))?;
    super::db::insert_grant(
        &db,
        plan_id,
        Grantee::Organisation(org),
        role,
        actor.person.id,
        crate::db::now(),
    )
    .await
    .map_err(already_member("organisation_id"))?;
    tracing::info!(
        person = actor.person.id,
        plan = plan_id,
        org,
        role = role.as_str(),
        "plan role granted to organisation"
    );
    crate::audit::api::record_request(
        &db,
        crate::audit::domain::NewEntry::new(
            crate::audit::domain::AuditKind::RoleChange,
            format!("organisation {org}"),
        )
        .by(actor.person.id)
        .plan(plan_id)
        .details(serde_json::json!({"action": "granted", "role": role.as_str()})),
    )
    .await?;
    crate::auth::session::confirm_plain_post("granted");
    Ok(())
}

/// Grants a role to one person with an existing account.
#[server(prefix = "/api", endpoint = "grant_to_person")]
pub async fn grant_to_person(plan_id: i64, email: String, role: String) -> Result<(), AppError> {
    use super::domain::{Grantee, PlanAction};
    let db = crate::state::app_state()?.db;
    let actor = super::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let role = parse_role(&role)?;
    let email =
        crate::auth::domain::Email::parse(&email).map_err(|m| AppError::field("email", m))?;
    let Some(person) = crate::admin::db::person_id_by_email(&db, email.as_str()).await? else {
        return Err(AppError::field(
            "email",
            "Nobody has an account with this email: invite them below.",
        ));
    };
    super::db::insert_grant(
        &db,
        plan_id,
        Grantee::Person(person),
        role,
        actor.person.id,
        crate::db::now(),
    )
    .await
    .map_err(already_member("email"))?;
    tracing::info!(
        person = actor.person.id,
        plan = plan_id,
        grantee = person,
        role = role.as_str(),
        "plan role granted to person"
    );
    crate::audit::api::record_request(
        &db,
        crate::audit::domain::NewEntry::new(
            crate::audit::domain::AuditKind::RoleChange,
            format!("person {person}"),
        )
        .by(actor.person.id)
        .plan(plan_id)
        .details(serde_json::json!({"action": "granted", "role": role.as_str()})),
    )
    .await?;
    crate::auth::session::confirm_plain_post("granted");
    Ok(())
}

/// Invites someone without an account: the one-time link creates it with this plan role.
#[server(prefix = "/api", endpoint = "invite_to_plan")]
pub async fn invite_to_plan(
    plan_id: i64,
    email: String,
    display_name: String,
    role: String,
) -> Result<InvitationCreated, AppError> {
    use super::domain::PlanAction;
    use crate::auth::domain::{Email, PersonName, PlatformRole};
    let state = crate::state::app_state()?;
    let db = state.db.clone();
    let actor = super::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let mut errors = crate::error::FormErrors::default()
        .keep("email", &email)
        .keep("display_name", &display_name);
    let email = Email::parse(&email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let name = PersonName::parse(&display_name)
        .map_err(|m| errors.add("display_name", m))
        .ok();
    let role = super::domain::PlanRole::parse(&role)
        .map_err(|m| errors.add("role", m))
        .ok();
    if let Some(e) = &email {
        if crate::auth::db::email_taken(&db, e.as_str()).await? {
            errors.add(
                "email",
                "This person already has an account: add them by email above.",
            );
        }
    }
    let (Some(email), Some(name), Some(role)) = (email, name, role) else {
        return Err(AppError::Invalid(errors));
    };
    errors.into_result()?;
    let created = crate::admin::invitations::create(
        &state,
        &crate::admin::invitations::Invitation {
            email: &email,
            name: &name,
            platform_role: PlatformRole::Member,
            organisation: None,
            plan: Some((plan_id, role)),
            invited_by: actor.person.id,
        },
    )
    .await?;
    tracing::info!(person = actor.person.id, plan = plan_id, invited = %email, role = role.as_str(), "invited to plan");
    crate::audit::api::record_request(
        &db,
        crate::audit::domain::NewEntry::new(
            crate::audit::domain::AuditKind::RoleChange,
            email.as_str(),
        )
        .by(actor.person.id)
        .plan(plan_id)
        .details(serde_json::json!({"action": "invited", "role": role.as_str()})),
    )
    .await?;
    crate::flash::put_for_plain_post(PLAN_INVITE_NOTICE, &created).await?;
    Ok(created)
}

#[cfg(feature = "ssr")]
const PLAN_INVITE_NOTICE: &str = "flash_plan_invitation";

/// The plan invitation made by the last post without JavaScript, shown once.
#[server(prefix = "/api", endpoint = "take_plan_invitation_notice")]
pub async fn take_plan_invitation_notice() -> Result<Option<InvitationCreated>, AppError> {
    crate::flash::take(PLAN_INVITE_NOTICE).await
}

/// Changes a grant's role (`role` empty revokes it). A plan always keeps a lead.
#[server(prefix = "/api", endpoint = "change_grant")]
pub async fn change_grant(plan_id: i64, grant_id: i64, role: String) -> Result<(), AppError> {
    use super::db::GrantChangeError;
    use super::domain::PlanAction;
    let db = crate::state::app_state()?.db;
    let actor = super::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let role = if role.trim().is_empty() {
        None
    } else {
        Some(parse_role(&role)?)
    };
    super::db::change_grant(&db, plan_id, grant_id, role)
        .await
        .map_err(|e| match e {
            GrantChangeError::NotFound => AppError::NotFound,
            GrantChangeError::LastLead => AppError::Conflict(
                "A plan must keep at least one lead: make someone else lead first.".into(),
            ),
            GrantChangeError::Db(e) => e.into(),
        })?;
    tracing::info!(person = actor.person.id, plan = plan_id, grant = grant_id, role = ?role, "plan role changed");
    crate::audit::api::record_request(&db, crate::audit::domain::NewEntry::new(crate::audit::domain::AuditKind::RoleChange, format!("grant {grant_id}")).by(actor.person.id).plan(plan_id).details(serde_json::json!({"action": if role.is_some() { "changed" } else { "revoked" }, "role": role.map(|r| r.as_str())}))).await?;
    crate::auth::session::confirm_plain_post("role-changed");
    Ok(())
}
