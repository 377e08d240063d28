//! Server functions for organisations, members and people. Each one checks the session and the
//! administration rules before it reads or writes anything; every change is written with its
//! audit entry through [`crate::db::Db::write_audited`]. Bringing an existing account into an
//! organisation is an invitation they accept (`crate::invitations::api::joining`).

use crate::encoding::Answer;
use leptos::prelude::*;

use super::views::{OrgDetail, OrgSummary, PeopleOverview};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod support {
    use crate::db::{Db, DbError};
    use crate::error::{AppError, FormErrors};
    use crate::foundation::countries::CountryCode;
    use crate::foundation::people::OrgKind;

    use super::super::domain::OrgName;

    /// An organisation's fields as submitted, with a message for each one that is wrong.
    pub async fn parse_organisation(
        db: &Db,
        name: &str,
        kind: &str,
        country: &str,
        except: Option<i64>,
    ) -> Result<(OrgName, OrgKind, CountryCode), AppError> {
        let mut errors = FormErrors::default()
            .keep("name", name)
            .keep("kind", kind)
            .keep("country", country);
        let name = OrgName::parse(name).map_err(|m| errors.add("name", m)).ok();
        let kind = OrgKind::parse(kind).map_err(|m| errors.add("kind", m)).ok();
        let country = CountryCode::parse(country)
            .map_err(|m| errors.add("country", m))
            .ok();
        if let Some(n) = &name {
            if super::super::db::org_name_taken(db, n.as_str(), except).await? {
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
    pub fn duplicate_name(name: &str) -> impl Fn(DbError) -> AppError + '_ {
        move |e| match e {
            DbError::Duplicate(_) => {
                let mut errors = FormErrors::default().keep("name", name);
                errors.add("name", "An organisation with this name already exists.");
                AppError::Invalid(errors)
            }
            other => other.into(),
        }
    }
}

/// Every organisation (platform administrators).
#[server(prefix = "/api", endpoint = "organisations", output = Answer)]
pub async fn organisations() -> Result<Vec<OrgSummary>, AppError> {
    use super::{db, domain::AdminAction, guard};
    let db = crate::foundation::state::db()?;
    let (_, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ListOrganisations)?;
    Ok(db::list_organisations(&db).await?)
}

/// Creates an organisation and opens its page.
#[server(prefix = "/api", endpoint = "create_organisation", output = Answer)]
pub async fn create_organisation(
    name: String,
    kind: String,
    country: String,
) -> Result<i64, AppError> {
    use super::{db, domain::AdminAction, guard};
    use crate::foundation::audit::domain::AuditKind;
    let db = crate::foundation::state::db()?;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::CreateOrganisation)?;
    let (name, kind, country) =
        support::parse_organisation(&db, &name, &kind, &country, None).await?;
    let entry = crate::foundation::audit::entry_by(person.id, AuditKind::Admin, "organisation")
        .await
        // The kind decides which approvals the organisation gives, so the trail keeps it.
        .details(serde_json::json!({"action": "organisation created", "name": name.as_str(), "kind": kind.as_str(), "country": country.as_str()}));
    let id = db
        .write_audited(
            |id: &i64| entry.about(format!("organisation {id}")),
            async |tx| {
                db::insert_organisation(tx, name.as_str(), kind, country.as_str(), crate::db::now())
                    .await
                    .map_err(support::duplicate_name(name.as_str()))
            },
        )
        .await?;
    leptos_axum::redirect(&format!("/admin/organisations/{id}"));
    Ok(id)
}

/// An organisation and its members (its members, its admins, platform administrators).
#[server(prefix = "/api", endpoint = "organisation", output = Answer)]
pub async fn organisation(id: i64) -> Result<OrgDetail, AppError> {
    use super::{
        db,
        domain::{may, AdminAction},
        guard,
    };
    let db = crate::foundation::state::db()?;
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
#[server(prefix = "/api", endpoint = "update_organisation", output = Answer)]
pub async fn update_organisation(
    id: i64,
    name: String,
    kind: String,
    country: String,
) -> Result<(), AppError> {
    use super::{db, domain::AdminAction, guard};
    use crate::foundation::audit::domain::AuditKind;
    let db = crate::foundation::state::db()?;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::EditOrganisation { org: id })?;
    db::find_organisation(&db, id).await?;
    let (name, kind, country) =
        support::parse_organisation(&db, &name, &kind, &country, Some(id)).await?;
    let entry = crate::foundation::audit::entry_by(
        person.id,
        AuditKind::Admin,
        format!("organisation {id}"),
    )
    .await
    .details(serde_json::json!({"action": "organisation updated", "name": name.as_str(), "kind": kind.as_str(), "country": country.as_str()}));
    db.write_audited(entry, async |tx| {
        db::update_organisation(
            tx,
            id,
            name.as_str(),
            kind,
            country.as_str(),
            crate::db::now(),
        )
        .await
        .map_err(support::duplicate_name(name.as_str()))
    })
    .await
}

/// Makes a member an organisation admin or a plain member.
#[server(prefix = "/api", endpoint = "set_member_role", output = Answer)]
pub async fn set_member_role(org_id: i64, person_id: i64, role: String) -> Result<(), AppError> {
    use super::{db, domain::AdminAction, guard};
    use crate::foundation::audit::domain::AuditKind;
    use crate::foundation::people::OrgRole;
    let db = crate::foundation::state::db()?;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ManageMembers { org: org_id })?;
    let role = OrgRole::parse(&role).map_err(|m| AppError::field("role", m))?;
    let entry = crate::foundation::audit::entry_by(
        person.id,
        AuditKind::Membership,
        format!("person {person_id}"),
    )
    .await
    .details(
        serde_json::json!({"action": "role set", "organisation": org_id, "role": role.as_str()}),
    );
    Ok(db
        .write_audited(entry, async |tx| {
            db::set_membership_role(tx, person_id, org_id, role).await
        })
        .await?)
}

/// Removes a member from an organisation (their account stays).
#[server(prefix = "/api", endpoint = "remove_member", output = Answer)]
pub async fn remove_member(org_id: i64, person_id: i64) -> Result<(), AppError> {
    use super::{db, domain::AdminAction, guard};
    use crate::foundation::audit::domain::AuditKind;
    let db = crate::foundation::state::db()?;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ManageMembers { org: org_id })?;
    let entry = crate::foundation::audit::entry_by(
        person.id,
        AuditKind::Membership,
        format!("person {person_id}"),
    )
    .await
    .details(serde_json::json!({"action": "removed", "organisation": org_id}));
    Ok(db
        .write_audited(entry, async |tx| {
            db::remove_membership(tx, person_id, org_id).await
        })
        .await?)
}

/// Everyone, and the organisations to invite into (platform administrators).
#[server(prefix = "/api", endpoint = "people", output = Answer)]
pub async fn people() -> Result<PeopleOverview, AppError> {
    use super::{db, domain::AdminAction, guard};
    let db = crate::foundation::state::db()?;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ListPeople)?;
    Ok(PeopleOverview {
        people: db::list_people(&db).await?,
        organisations: db::list_organisations(&db).await?,
        viewer_id: person.id,
    })
}

/// Deactivates (ending every session at once) or reactivates an account.
#[server(prefix = "/api", endpoint = "set_person_active", output = Answer)]
pub async fn set_person_active(person_id: i64, active: bool) -> Result<(), AppError> {
    use super::{db, domain::AdminAction, guard};
    use crate::foundation::audit::domain::AuditKind;
    let db = crate::foundation::state::db()?;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ManagePerson { target: person_id })?;
    let entry = crate::foundation::audit::entry_by(
        person.id,
        AuditKind::Admin,
        format!("person {person_id}"),
    )
    .await
    .details(serde_json::json!({"action": if active { "reactivated" } else { "deactivated" }}));
    db.write_audited(entry, async |tx| {
        db::set_active(tx, person_id, active).await?;
        if !active {
            crate::foundation::session_store::end_sessions_of(tx, person_id, None).await?;
        }
        Ok::<_, AppError>(())
    })
    .await
}

/// Makes someone a platform administrator or a member.
#[server(prefix = "/api", endpoint = "set_platform_role", output = Answer)]
pub async fn set_platform_role(person_id: i64, role: String) -> Result<(), AppError> {
    use super::{db, domain::AdminAction, guard};
    use crate::foundation::audit::domain::AuditKind;
    use crate::foundation::people::PlatformRole;
    let db = crate::foundation::state::db()?;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ManagePerson { target: person_id })?;
    let role = PlatformRole::parse(&role).map_err(|m| AppError::field("role", m))?;
    let entry = crate::foundation::audit::entry_by(
        person.id,
        AuditKind::RoleChange,
        format!("person {person_id}"),
    )
    .await
    .details(serde_json::json!({"platform_role": role.as_str()}));
    Ok(db
        .write_audited(entry, async |tx| {
            db::set_platform_role(tx, person_id, role).await
        })
        .await?)
}
