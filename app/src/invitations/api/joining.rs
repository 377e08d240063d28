//! Server functions for asking an existing account to join an organisation: an organisation's
//! admins (or platform administrators) invite, and the membership exists only once the person
//! accepts, logged in; they may decline. Each step is audited.

use crate::encoding::Answer;
use leptos::prelude::*;

use crate::error::AppError;
use crate::invitations::views::MembershipOffer;

/// Invites the existing account with `email` to join organisation `org_id` with `role`: they
/// see the invitation when they log in and become a member only if they accept it.
#[server(prefix = "/api", endpoint = "add_member", output = Answer)]
pub async fn add_member(org_id: i64, email: String, role: String) -> Result<(), AppError> {
    use crate::admin::{db, domain::AdminAction, guard};
    use crate::foundation::audit::domain::AuditKind;
    use crate::foundation::people::{Email, OrgRole};
    use crate::invitations::create::InvitationSettings;
    use crate::invitations::db::joining::{self, InviteError, NewMembershipInvitation};
    let db = crate::foundation::state::db()?;
    let (person, actor) = guard::actor(&db).await?;
    guard::authorize(&actor, AdminAction::ManageMembers { org: org_id })?;
    db::find_organisation(&db, org_id).await?;
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
    let settings = crate::foundation::state::setting::<InvitationSettings>()?;
    let now = crate::db::now();
    let new = NewMembershipInvitation {
        org_id,
        person_id: member,
        role,
        invited_by: person.id,
        now,
        expires_at: now + settings.ttl_secs,
    };
    let entry = crate::foundation::audit::entry_by(
        person.id,
        AuditKind::Membership,
        format!("person {member}"),
    )
    .await;
    let describe = |invitation: &i64| {
        entry.details(serde_json::json!({"action": "invited", "organisation": org_id, "role": role.as_str(), "invitation": invitation}))
    };
    let refuse = |message: &str| {
        let mut errors = crate::error::FormErrors::default().keep("email", email.as_str());
        errors.add("email", message);
        AppError::Invalid(errors)
    };
    db.write_audited(describe, async |tx| {
        joining::insert(tx, &new).await.map_err(|e| match e {
            InviteError::AlreadyMember => refuse("This person is already a member."),
            InviteError::AlreadyInvited => refuse(
                "This person has already been invited; the invitation waits for their answer.",
            ),
            InviteError::Db(e) => e.into(),
        })
    })
    .await?;
    crate::foundation::session::confirm_plain_post("member-invited");
    Ok(())
}

/// The invitations to join an organisation waiting for the logged-in person's answer.
#[server(prefix = "/api", endpoint = "membership_invitations", output = Answer)]
pub async fn membership_invitations() -> Result<Vec<MembershipOffer>, AppError> {
    let db = crate::foundation::state::db()?;
    let person = crate::foundation::session::require_person(&db).await?;
    Ok(crate::invitations::db::joining::waiting_for(&db, person.id, crate::db::now()).await?)
}

#[cfg(feature = "ssr")]
mod support {
    use crate::db::{Db, DbError};
    use crate::error::AppError;
    use crate::foundation::people::Person;
    use crate::invitations::db::joining::{find, MembershipInvitation};

    /// Invitation `id` if it is the logged-in person's own and still open; another person's
    /// invitation is not found, as if it did not exist.
    pub async fn own_open(
        db: &Db,
        id: i64,
        now: i64,
    ) -> Result<(Person, MembershipInvitation), AppError> {
        let person = crate::foundation::session::require_person(db).await?;
        let inv = find(db, id).await?;
        if inv.person_id != person.id {
            return Err(AppError::NotFound);
        }
        inv.check(now)
            .map_err(|p| AppError::Conflict(p.message().into()))?;
        Ok((person, inv))
    }

    /// What answering an invitation answered meanwhile is told.
    pub fn answered(e: DbError) -> AppError {
        match e {
            DbError::Stale => AppError::Conflict(
                "This invitation was answered, withdrawn or expired meanwhile.".into(),
            ),
            other => other.into(),
        }
    }
}

/// Accepts invitation `invitation_id` to join an organisation: the logged-in person becomes a
/// member, if the person who invited them may still add members there.
#[server(prefix = "/api", endpoint = "accept_membership", output = Answer)]
pub async fn accept_membership(invitation_id: i64) -> Result<(), AppError> {
    use crate::foundation::audit::domain::AuditKind;
    use crate::invitations::db::{inviter, joining};
    use crate::invitations::domain::{may_offer, Answer, InvitationProblem, Offer};
    let db = crate::foundation::state::db()?;
    let now = crate::db::now();
    let (person, inv) = support::own_open(&db, invitation_id, now).await?;
    let entry = crate::foundation::audit::entry_by(
        person.id,
        AuditKind::Membership,
        format!("person {}", person.id),
    )
    .await
    .details(serde_json::json!({"action": "joined", "organisation": inv.org_id, "role": inv.role.as_str(), "invitation": inv.id}));
    let offer = Offer {
        platform_admin: false,
        organisation: Some(inv.org_id),
        plan: None,
    };
    db.write_audited(entry, async |tx| {
        joining::answer(tx, inv.id, Answer::Accepted, person.id, now)
            .await
            .map_err(support::answered)?;
        // In the transaction that adds the membership, so a demotion committed before it counts.
        let (by, _) = inviter::now(tx, inv.invited_by, None).await?;
        if !may_offer(&by, None, &offer) {
            return Err(AppError::Conflict(
                InvitationProblem::InviterMayNot.message().into(),
            ));
        }
        crate::admin::db::add_membership(tx, person.id, inv.org_id, inv.role, now)
            .await
            .map_err(|e| match e {
                crate::db::DbError::Duplicate(_) => AppError::Conflict(format!(
                    "You already belong to {}: decline this invitation instead.",
                    inv.org_name
                )),
                other => other.into(),
            })
    })
    .await?;
    // Home again, where the new organisation now shows.
    leptos_axum::redirect("/?done=joined");
    Ok(())
}

/// Declines invitation `invitation_id` to join an organisation.
#[server(prefix = "/api", endpoint = "decline_membership", output = Answer)]
pub async fn decline_membership(invitation_id: i64) -> Result<(), AppError> {
    use crate::foundation::audit::domain::AuditKind;
    use crate::invitations::db::joining;
    use crate::invitations::domain::Answer;
    let db = crate::foundation::state::db()?;
    let now = crate::db::now();
    let (person, inv) = support::own_open(&db, invitation_id, now).await?;
    let entry = crate::foundation::audit::entry_by(
        person.id,
        AuditKind::Membership,
        format!("person {}", person.id),
    )
    .await
    .details(
        serde_json::json!({"action": "declined", "organisation": inv.org_id, "invitation": inv.id}),
    );
    db.write_audited(entry, async |tx| {
        joining::answer(tx, inv.id, Answer::Declined, person.id, now).await
    })
    .await
    .map_err(support::answered)?;
    crate::foundation::session::confirm_plain_post("declined");
    Ok(())
}
