//! Server functions for organisations, members, people and invitations. Each one checks the
//! session and the administration rules before it reads or writes anything.

use leptos::prelude::*;

use super::views::{InvitationCreated, OrgDetail, OrgSummary, PeopleOverview};
use crate::error::AppError;

/// Every organisation (platform administrators).
#[server(prefix = "/api", endpoint = "organisations")]
pub async fn organisations() -> Result<Vec<OrgSummary>, AppError> {
    use super::{db, domain::AdminAction, guard};
    let db = crate::state::app_state()?.db;
    let (_, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ListOrganisations)?;
    Ok(db::list_organisations(&db).await?)
}

/// Creates an organisation and opens its page.
#[server(prefix = "/api", endpoint = "create_organisation")]
pub async fn create_organisation(
    name: String,
    kind: String,
    country: String,
) -> Result<i64, AppError> {
    use super::{db, domain::AdminAction, guard};
    let db = crate::state::app_state()?.db;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::CreateOrganisation)?;
    let (name, kind, country) = parse_organisation(&db, &name, &kind, &country, None).await?;
    let id = db::insert_organisation(&db, name.as_str(), kind, country.as_str(), crate::db::now())
        .await
        .map_err(|e| duplicate_name(e, name.as_str()))?;
    tracing::info!(person = person.id, org = id, "organisation created");
    crate::audit::api::record_request(
        &db,
        crate::audit::domain::NewEntry::new(
            crate::audit::domain::AuditKind::Admin,
            format!("organisation {id}"),
        )
        .by(person.id)
        .details(serde_json::json!({"action": "organisation created", "name": name.as_str()})),
    )
    .await?;
    leptos_axum::redirect(&format!("/admin/organisations/{id}"));
    Ok(id)
}

/// An organisation and its members (its members, its admins, platform administrators).
#[server(prefix = "/api", endpoint = "organisation")]
pub async fn organisation(id: i64) -> Result<OrgDetail, AppError> {
    use super::{
        db,
        domain::{may, AdminAction},
        guard,
    };
    let db = crate::state::app_state()?.db;
    let (_, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ViewOrganisation { org: id })?;
    let org = db::find_organisation(&db, id).await?;
    let members = db::members_of(&db, id).await?;
    Ok(OrgDetail {
        org,
        members,
        can_edit: may(&actor, AdminAction::EditOrganisation { org: id }),
        can_manage_members: may(&actor, AdminAction::ManageMembers { org: id }),
    })
}

/// Changes an organisation's name, kind or country.
#[server(prefix = "/api", endpoint = "update_organisation")]
pub async fn update_organisation(
    id: i64,
    name: String,
    kind: String,
    country: String,
) -> Result<(), AppError> {
    use super::{db, domain::AdminAction, guard};
    let db = crate::state::app_state()?.db;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::EditOrganisation { org: id })?;
    db::find_organisation(&db, id).await?;
    let (name, kind, country) = parse_organisation(&db, &name, &kind, &country, Some(id)).await?;
    db::update_organisation(
        &db,
        id,
        name.as_str(),
        kind,
        country.as_str(),
        crate::db::now(),
    )
    .await
    .map_err(|e| duplicate_name(e, name.as_str()))?;
    tracing::info!(person = person.id, org = id, "organisation updated");
    crate::audit::api::record_request(
        &db,
        crate::audit::domain::NewEntry::new(
            crate::audit::domain::AuditKind::Admin,
            format!("organisation {id}"),
        )
        .by(person.id)
        .details(serde_json::json!({"action": "organisation updated", "name": name.as_str()})),
    )
    .await?;
    Ok(())
}

#[cfg(feature = "ssr")]
async fn parse_organisation(
    db: &crate::db::Db,
    name: &str,
    kind: &str,
    country: &str,
    except: Option<i64>,
) -> Result<
    (
        super::domain::OrgName,
        super::domain::OrgKind,
        super::domain::CountryCode,
    ),
    AppError,
> {
    use super::domain::{CountryCode, OrgKind, OrgName};
    let mut errors = crate::error::FormErrors::default()
        .keep("name", name)
        .keep("kind", kind)
        .keep("country", country);
    let name = OrgName::parse(name).map_err(|m| errors.add("name", m)).ok();
    let kind = OrgKind::parse(kind).map_err(|m| errors.add("kind", m)).ok();
    let country = CountryCode::parse(country)
        .map_err(|m| errors.add("country", m))
        .ok();
    if let Some(n) = &name {
        if super::db::org_name_taken(db, n.as_str(), except).await? {
            errors.add("name", "An organisation with this name already exists.");
        }
    }
    match (name, kind, country) {
        (Some(n), Some(k), Some(c)) if errors.is_empty() => Ok((n, k, c)),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Two admins creating the same name at once: the unique index decides, and the loser gets
/// the same message as the pre-check would have given.
#[cfg(feature = "ssr")]
fn duplicate_name(e: crate::db::DbError, name: &str) -> AppError {
    match e {
        crate::db::DbError::Duplicate(_) => {
            let mut errors = crate::error::FormErrors::default().keep("name", name);
            errors.add("name", "An organisation with this name already exists.");
            AppError::Invalid(errors)
        }
        other => other.into(),
    }
}

/// Adds an existing account to an organisation.
#[server(prefix = "/api", endpoint = "add_member")]
pub async fn add_member(org_id: i64, email: String, role: String) -> Result<(), AppError> {
    use super::{
        db,
        domain::{AdminAction, OrgRole},
        guard,
    };
    use crate::auth::domain::Email;
    let db = crate::state::app_state()?.db;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ManageMembers { org: org_id })?;
    let mut errors = crate::error::FormErrors::default().keep("email", &email);
    let email = Email::parse(&email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let role = OrgRole::parse(&role)
        .map_err(|m| errors.add("role", m))
        .ok();
    let (Some(email), Some(role)) = (email, role) else {
        return Err(AppError::Invalid(errors));
    };
    let Some(member) = db::person_id_by_email(&db, email.as_str()).await? else {
        errors.add(
            "email",
            "Nobody has an account with this email yet: send them an invitation instead.",
        );
        return Err(AppError::Invalid(errors));
    };
    db::add_membership(&db, member, org_id, role, crate::db::now())
        .await
        .map_err(|e| match e {
            crate::db::DbError::Duplicate(_) => {
                let mut errors = crate::error::FormErrors::default().keep("email", email.as_str());
                errors.add("email", "This person is already a member.");
                AppError::Invalid(errors)
            }
            other => other.into(),
        })?;
    tracing::info!(person = person.id, org = org_id, member, "member added");
    crate::audit::api::record_request(
        &db,
        crate::audit::domain::NewEntry::new(
            crate::audit::domain::AuditKind::Membership,
            format!("person {member}"),
        )
        .by(person.id)
        .details(
            serde_json::json!({"action": "added", "organisation": org_id, "role": role.as_str()}),
        ),
    )
    .await?;
    Ok(())
}

/// Makes a member an organisation admin or a plain member.
#[server(prefix = "/api", endpoint = "set_member_role")]
pub async fn set_member_role(org_id: i64, person_id: i64, role: String) -> Result<(), AppError> {
    use super::{
        db,
        domain::{AdminAction, OrgRole},
        guard,
    };
    let db = crate::state::app_state()?.db;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ManageMembers { org: org_id })?;
    let role = OrgRole::parse(&role).map_err(|m| AppError::field("role", m))?;
    db::set_membership_role(&db, person_id, org_id, role).await?;
    tracing::info!(
        person = person.id,
        org = org_id,
        member = person_id,
        role = role.as_str(),
        "member role set"
    );
    crate::audit::api::record_request(&db, crate::audit::domain::NewEntry::new(crate::audit::domain::AuditKind::Membership, format!("person {person_id}")).by(person.id).details(serde_json::json!({"action": "role set", "organisation": org_id, "role": role.as_str()}))).await?;
    Ok(())
}

/// Removes a member from an organisation (their account stays).
#[server(prefix = "/api", endpoint = "remove_member")]
pub async fn remove_member(org_id: i64, person_id: i64) -> Result<(), AppError> {
    use super::{db, domain::AdminAction, guard};
    let db = crate::state::app_state()?.db;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ManageMembers { org: org_id })?;
    db::remove_membership(&db, person_id, org_id).await?;
    tracing::info!(
        person = person.id,
        org = org_id,
        member = person_id,
        "member removed"
    );
    crate::audit::api::record_request(
        &db,
        crate::audit::domain::NewEntry::new(
            crate::audit::domain::AuditKind::Membership,
            format!("person {person_id}"),
        )
        .by(person.id)
        .details(serde_json::json!({"action": "removed", "organisation": org_id})),
    )
    .await?;
    Ok(())
}

/// Everyone, open invitations, and the organisations to invite into (platform administrators).
#[server(prefix = "/api", endpoint = "people")]
pub async fn people() -> Result<PeopleOverview, AppError> {
    use super::{db, domain::AdminAction, guard};
    let db = crate::state::app_state()?.db;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ListPeople)?;
    Ok(PeopleOverview {
        people: db::list_people(&db).await?,
        pending: db::pending_invitations(&db, crate::db::now(), None).await?,
        organisations: db::list_organisations(&db).await?,
        viewer_id: person.id,
    })
}

/// Invites someone: creates a one-time, expiring link to pass on by hand. Platform
/// administrators may invite anyone; organisation admins only members of their organisation.
#[server(prefix = "/api", endpoint = "invite")]
pub async fn invite(
    email: String,
    display_name: String,
    platform_role: Option<String>,
    organisation_id: Option<String>,
    organisation_role: Option<String>,
) -> Result<InvitationCreated, AppError> {
    use super::{
        db,
        domain::{AdminAction, OrgRole},
        guard,
    };
    use crate::auth::domain::{Email, PersonName, PlatformRole};
    let state = crate::state::app_state()?;
    let db = state.db.clone();
    let (person, actor) = guard::actor(&db).await?;
    let mut errors = crate::error::FormErrors::default()
        .keep("email", &email)
        .keep("display_name", &display_name);
    let email = Email::parse(&email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let name = PersonName::parse(&display_name)
        .map_err(|m| errors.add("display_name", m))
        .ok();
    let role = PlatformRole::parse(platform_role.as_deref().unwrap_or("member"))
        .map_err(|m| errors.add("platform_role", m))
        .ok();
    let org = match organisation_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("organisation_id", "Choose an organisation from the list.");
                None
            }
        },
    };
    let org_role = OrgRole::parse(organisation_role.as_deref().unwrap_or("member"))
        .map_err(|m| errors.add("organisation_role", m))
        .ok();
    // Permission first, before telling anyone whether the email is taken.
    match (org, role) {
        (Some(org), Some(PlatformRole::Member)) => {
            guard::authorize(&actor, AdminAction::ManageMembers { org })?
        }
        _ => guard::authorize(&actor, AdminAction::InviteToPlatform)?,
    }
    if let Some(org) = org {
        if matches!(
            db::find_organisation(&db, org).await,
            Err(crate::db::DbError::NotFound)
        ) {
            errors.add("organisation_id", "That organisation no longer exists.");
        }
    }
    if let Some(e) = &email {
        if crate::auth::db::email_taken(&db, e.as_str()).await? {
            errors.add("email", "Someone already has an account with this email.");
        }
    }
    let (Some(email), Some(name), Some(role), Some(org_role)) = (email, name, role, org_role)
    else {
        return Err(AppError::Invalid(errors));
    };
    errors.into_result()?;
    let created = super::invitations::create(
        &state,
        &super::invitations::Invitation {
            email: &email,
            name: &name,
            platform_role: role,
            organisation: org.map(|id| (id, org_role)),
            plan: None,
            invited_by: person.id,
        },
    )
    .await?;
    tracing::info!(person = person.id, invited = %email, org, "invitation created");
    let db = &state.db;
    crate::audit::api::record_request(db, crate::audit::domain::NewEntry::new(crate::audit::domain::AuditKind::Admin, email.as_str()).by(person.id).details(serde_json::json!({"action": "invited", "organisation": org, "platform_role": role.as_str()}))).await?;
    // Without JavaScript the response is a redirect, so the link waits in the session for the
    // page to show it once.
    crate::flash::put_for_plain_post(INVITATION_NOTICE, &created).await?;
    Ok(created)
}

/// The invitation created by the last form post without JavaScript, shown once.
#[server(prefix = "/api", endpoint = "take_invitation_notice")]
pub async fn take_invitation_notice() -> Result<Option<InvitationCreated>, AppError> {
    crate::flash::take(INVITATION_NOTICE).await
}

#[cfg(feature = "ssr")]
const INVITATION_NOTICE: &str = "flash_invitation";

/// Deactivates (ending every session at once) or reactivates an account.
#[server(prefix = "/api", endpoint = "set_person_active")]
pub async fn set_person_active(person_id: i64, active: bool) -> Result<(), AppError> {
    use super::{db, domain::AdminAction, guard};
    let db = crate::state::app_state()?.db;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ManagePerson { target: person_id })?;
    db::set_active(&db, person_id, active).await?;
    if !active {
        crate::auth::db::delete_sessions_of(&db, person_id, None).await?;
    }
    tracing::info!(
        person = person.id,
        target = person_id,
        active,
        "account active flag set"
    );
    crate::audit::api::record_request(
        &db,
        crate::audit::domain::NewEntry::new(
            crate::audit::domain::AuditKind::Admin,
            format!("person {person_id}"),
        )
        .by(person.id)
        .details(serde_json::json!({"action": if active { "reactivated" } else { "deactivated" }})),
    )
    .await?;
    Ok(())
}

/// Makes someone a platform administrator or a member.
#[server(prefix = "/api", endpoint = "set_platform_role")]
pub async fn set_platform_role(person_id: i64, role: String) -> Result<(), AppError> {
    use super::{db, domain::AdminAction, guard};
    use crate::auth::domain::PlatformRole;
    let db = crate::state::app_state()?.db;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ManagePerson { target: person_id })?;
    let role = PlatformRole::parse(&role).map_err(|m| AppError::field("role", m))?;
    db::set_platform_role(&db, person_id, role).await?;
    tracing::info!(
        person = person.id,
        target = person_id,
        role = role.as_str(),
        "platform role set"
    );
    crate::audit::api::record_request(
        &db,
        crate::audit::domain::NewEntry::new(
            crate::audit::domain::AuditKind::RoleChange,
            format!("person {person_id}"),
        )
        .by(person.id)
        .details(serde_json::json!({"platform_role": role.as_str()})),
    )
    .await?;
    Ok(())
}
