//! Server functions for invitations: inviting someone into the platform or an organisation
//! (administrators, organisation admins) or onto a plan (its leads), what a link offers, and
//! accepting it. Each checks who may invite before it says anything about the email. Open
//! invitations and withdrawing them are in [`pending`]; existing accounts asked to join an
//! organisation, in [`joining`].

pub mod joining;
pub mod pending;

use crate::encoding::Answer;
use leptos::prelude::*;

use super::views::{InvitationCreated, InvitationPreview};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod support {
    use crate::db::{Db, DbError};
    use crate::error::{AppError, FormErrors};
    use crate::foundation::people::{Email, PersonName};
    use crate::invitations::db::{find_invitation, inviter, InvitationRecord};
    use crate::invitations::domain::{may_offer, InvitationProblem};
    use crate::invitations::token::hash_token;

    /// The session key of the last invitation made without JavaScript, per page kind.
    pub const INVITATION_NOTICE: &str = "flash_invitation";
    /// The same for invitations onto a plan.
    pub const PLAN_INVITE_NOTICE: &str = "flash_plan_invitation";

    /// Who is invited, as typed, with the typed values kept for the form. `taken` is what to
    /// say when the email already has an account.
    pub async fn invitee(
        db: &Db,
        email: &str,
        display_name: &str,
        taken: &str,
    ) -> (FormErrors, Option<Email>, Option<PersonName>) {
        let mut errors = FormErrors::default()
            .keep("email", email)
            .keep("display_name", display_name);
        let email = Email::parse(email).map_err(|m| errors.add("email", m)).ok();
        let name = PersonName::parse(display_name)
            .map_err(|m| errors.add("display_name", m))
            .ok();
        if let Some(e) = &email {
            match crate::auth::db::email_taken(db, e.as_str()).await {
                Ok(true) => errors.add("email", taken),
                Ok(false) => {}
                Err(err) => {
                    tracing::error!(error = %err, "email lookup failed");
                    errors.add("email", "This email could not be checked. Try again.");
                }
            }
        }
        (errors, email, name)
    }

    /// What the person answering an invitation is told when it cannot be used.
    pub fn closed(problem: InvitationProblem) -> AppError {
        AppError::Conflict(problem.message().into())
    }

    /// The invitation a link's token names, if it can still be accepted: open, and its inviter
    /// still allowed to grant what it offers (accepting checks both again as it writes).
    pub async fn open_invitation(db: &Db, token: &str) -> Result<InvitationRecord, AppError> {
        let inv = find_invitation(db, &hash_token(token))
            .await
            .map_err(|e| match e {
                DbError::NotFound => AppError::Conflict(
                    "This invitation link is not valid. Check that it was copied whole.".into(),
                ),
                other => other.into(),
            })?;
        inv.check(crate::db::now()).map_err(closed)?;
        let offer = inv.offer();
        let mut conn = db.reader().acquire().await.map_err(DbError::from)?;
        let (by, on_plan) = inviter::now(&mut conn, inv.invited_by, offer.plan).await?;
        if !may_offer(&by, on_plan, &offer) {
            return Err(closed(InvitationProblem::InviterMayNot));
        }
        Ok(inv)
    }
}

/// Invites someone: creates a one-time, expiring link to pass on by hand. Platform
/// administrators may invite anyone; organisation admins only members of their organisation.
#[server(prefix = "/api", endpoint = "invite", output = Answer)]
pub async fn invite(
    email: String,
    display_name: String,
    platform_role: Option<String>,
    organisation_id: Option<String>,
    organisation_role: Option<String>,
) -> Result<InvitationCreated, AppError> {
    use super::create::{create, Invitation, InvitationSettings};
    use crate::admin::{db, domain::AdminAction, guard};
    use crate::foundation::audit::domain::AuditKind;
    use crate::foundation::people::{OrgRole, PlatformRole};
    let db = crate::foundation::state::db()?;
    let (person, actor) = guard::actor(&db).await?;
    let role = PlatformRole::parse(platform_role.as_deref().unwrap_or("member"));
    let org = organisation_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|raw| raw.parse::<i64>());
    // Permission first, before telling anyone whether the email is taken.
    match (&org, role) {
        (Some(Ok(org)), Ok(PlatformRole::Member)) => {
            guard::authorize(&actor, AdminAction::ManageMembers { org: *org })?
        }
        _ => guard::authorize(&actor, AdminAction::InviteToPlatform)?,
    }
    let (mut errors, email, name) = support::invitee(
        &db,
        &email,
        &display_name,
        "Someone already has an account with this email.",
    )
    .await;
    let role = role.map_err(|m| errors.add("platform_role", m)).ok();
    let org = match org {
        None => None,
        Some(Ok(id)) => {
            if matches!(
                db::find_organisation(&db, id).await,
                Err(crate::db::DbError::NotFound)
            ) {
                errors.add("organisation_id", "That organisation no longer exists.");
            }
            Some(id)
        }
        Some(Err(_)) => {
            errors.add("organisation_id", "Choose an organisation from the list.");
            None
        }
    };
    let org_role = OrgRole::parse(organisation_role.as_deref().unwrap_or("member"))
        .map_err(|m| errors.add("organisation_role", m))
        .ok();
    let (Some(email), Some(name), Some(role), Some(org_role)) = (email, name, role, org_role)
    else {
        return Err(AppError::Invalid(errors));
    };
    errors.into_result()?;
    let entry = crate::foundation::audit::entry_by(person.id, AuditKind::Admin, email.as_str())
        .await
        .details(serde_json::json!({"action": "invited", "organisation": org, "platform_role": role.as_str()}));
    let created = create(
        &db,
        &crate::foundation::state::setting::<InvitationSettings>()?,
        &Invitation {
            email: &email,
            name: &name,
            platform_role: role,
            organisation: org.map(|id| (id, org_role)),
            plan: None,
            invited_by: person.id,
        },
        entry,
    )
    .await?;
    // Without JavaScript the response is a redirect, so the link waits in the session for the
    // page to show it once.
    crate::foundation::flash::put_for_plain_post(support::INVITATION_NOTICE, &created).await?;
    Ok(created)
}

/// The invitation created by the last form post without JavaScript, shown once.
#[server(prefix = "/api", endpoint = "take_invitation_notice", output = Answer)]
pub async fn take_invitation_notice() -> Result<Option<InvitationCreated>, AppError> {
    crate::foundation::flash::take(support::INVITATION_NOTICE).await
}

/// Invites someone without an account onto a plan: the one-time link creates it with this plan
/// role (the plan's leads).
#[server(prefix = "/api", endpoint = "invite_to_plan", output = Answer)]
pub async fn invite_to_plan(
    plan_id: i64,
    email: String,
    display_name: String,
    role: String,
) -> Result<InvitationCreated, AppError> {
    use super::create::{create, Invitation, InvitationSettings};
    use crate::access::domain::{PlanAction, PlanRole};
    use crate::foundation::audit::domain::AuditKind;
    use crate::foundation::people::PlatformRole;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let (mut errors, email, name) = support::invitee(
        &db,
        &email,
        &display_name,
        "This person already has an account: add them by email above.",
    )
    .await;
    let role = PlanRole::parse(&role)
        .map_err(|m| errors.add("role", m))
        .ok();
    let (Some(email), Some(name), Some(role)) = (email, name, role) else {
        return Err(AppError::Invalid(errors));
    };
    errors.into_result()?;
    let entry = actor
        .entry(AuditKind::RoleChange, email.as_str())
        .await
        .details(serde_json::json!({"action": "invited", "role": role.as_str()}));
    let created = create(
        &db,
        &crate::foundation::state::setting::<InvitationSettings>()?,
        &Invitation {
            email: &email,
            name: &name,
            platform_role: PlatformRole::Member,
            organisation: None,
            plan: Some((plan_id, role)),
            invited_by: actor.person.id,
        },
        entry,
    )
    .await?;
    crate::foundation::flash::put_for_plain_post(support::PLAN_INVITE_NOTICE, &created).await?;
    Ok(created)
}

/// The plan invitation made by the last post without JavaScript, shown once.
#[server(prefix = "/api", endpoint = "take_plan_invitation_notice", output = Answer)]
pub async fn take_plan_invitation_notice() -> Result<Option<InvitationCreated>, AppError> {
    crate::foundation::flash::take(support::PLAN_INVITE_NOTICE).await
}

/// What an invitation link offers, or why it cannot be used.
#[server(prefix = "/api", endpoint = "invitation", output = Answer)]
pub async fn invitation(token: String) -> Result<InvitationPreview, AppError> {
    let db = crate::foundation::state::db()?;
    let inv = support::open_invitation(&db, &token).await?;
    Ok(InvitationPreview {
        email: inv.email,
        display_name: inv.display_name,
        org_name: inv.organisation.map(|(_, name, _)| name),
        plan: inv
            .plan
            .map(|(_, title, role)| (title, role.label().to_owned())),
        platform_role: inv.platform_role,
    })
}

/// Accepts an invitation: creates the account with the chosen password and logs it in, if the
/// invitation is still open and its inviter may still grant what it offers.
#[server(prefix = "/api", endpoint = "accept_invitation", output = Answer)]
pub async fn accept_invitation(
    token: String,
    display_name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use super::db::AcceptError;
    use super::domain::InvitationProblem;
    use crate::auth::{domain::NewPassword, domain::Owner, password::hash_password};
    use crate::db::{now, DbError};
    use crate::error::FormErrors;
    use crate::foundation::audit::domain::{AuditKind, NewEntry};
    use crate::foundation::people::PersonName;
    let db = crate::foundation::state::db()?;
    let inv = support::open_invitation(&db, &token).await?;
    let mut errors = FormErrors::default().keep("display_name", &display_name);
    let name = PersonName::parse(&display_name)
        .map_err(|m| errors.add("display_name", m))
        .ok();
    // The name as it will be stored, or as typed when it does not parse (and is refused).
    let owner = Owner {
        email: &inv.email,
        name: name.as_ref().map_or(display_name.trim(), |n| n.as_str()),
    };
    let new = NewPassword::parse(&password, &password_confirm, &owner)
        .map_err(|(f, m)| errors.add(f, m))
        .ok();
    let (Some(name), Some(new)) = (name, new) else {
        return Err(AppError::Invalid(errors));
    };
    let hash = hash_password(new).await?;
    // Recorded as done by the new account, on the plan it joins if any.
    let ip = crate::foundation::session::client_address().await;
    let (kind, plan) = match (&inv.plan, &inv.organisation) {
        (Some((plan, ..)), _) => (AuditKind::RoleChange, Some(*plan)),
        (None, Some(_)) => (AuditKind::Membership, None),
        (None, None) => (AuditKind::Admin, None),
    };
    let details = serde_json::json!({
        "action": "invitation accepted",
        "invitation": inv.id,
        "organisation": inv.organisation.as_ref().map(|(id, ..)| id),
        "plan_role": inv.plan.as_ref().map(|(.., role)| role.as_str()),
    });
    let entry = |person: &i64| {
        let e = NewEntry::new(kind, format!("person {person}"))
            .by(*person)
            .from_ip(ip)
            .details(details);
        match plan {
            Some(plan) => e.plan(plan),
            None => e,
        }
    };
    let person_id = db
        .write_audited(entry, async |tx| {
            super::db::accept_invitation(tx, &inv, name.as_str(), &hash, now()).await
        })
        .await
        .map_err(|e| match e {
            AcceptError::Closed => {
                AppError::Conflict("This invitation has just been used or has expired.".into())
            }
            AcceptError::InviterMayNot => support::closed(InvitationProblem::InviterMayNot),
            AcceptError::Db(DbError::Duplicate(_)) => AppError::Conflict(
                "An account with this email already exists. Log in instead.".into(),
            ),
            AcceptError::Db(other) => other.into(),
        })?;
    crate::foundation::session::log_in(person_id).await?;
    tracing::info!(
        person = person_id,
        invitation = inv.id,
        "invitation accepted"
    );
    leptos_axum::redirect("/");
    Ok(())
}
