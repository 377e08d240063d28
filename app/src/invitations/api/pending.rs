//! Server functions for open invitations: listing them where they are made (the people page,
//! an organisation's page, a plan's members page) and withdrawing them. Whoever may make an
//! invitation may withdraw it ([`crate::invitations::domain::may_offer`]), and only they see
//! the button.

use crate::encoding::Answer;
use leptos::prelude::*;

use crate::error::AppError;
use crate::invitations::views::PendingInvitation;

#[cfg(feature = "ssr")]
mod support {
    use crate::access::domain::{Access, PlanRole};
    use crate::admin::domain::Actor;
    use crate::db::Db;
    use crate::error::AppError;
    use crate::foundation::people::Person;
    use crate::invitations::domain::{may_offer, Offer};

    /// The person asking, with what decides which invitations they may withdraw.
    pub struct Asking {
        pub person: Person,
        pub actor: Actor,
        plan_roles: Vec<(i64, PlanRole)>,
    }

    impl Asking {
        /// Whether they may make (so withdraw) an invitation offering `offer`.
        pub fn may_offer(&self, offer: &Offer) -> bool {
            let on_plan = offer.plan.map(|plan| Access {
                roles: self
                    .plan_roles
                    .iter()
                    .filter(|(p, _)| *p == plan)
                    .map(|(_, r)| *r)
                    .collect(),
                platform_admin: self.person.is_admin(),
                active: self.person.active,
            });
            may_offer(&self.actor, on_plan, offer)
        }

        /// An invitation into organisation `org`, as far as who may make it goes.
        pub fn into_org(org: i64) -> Offer {
            Offer {
                platform_admin: false,
                organisation: Some(org),
                plan: None,
            }
        }
    }

    /// The logged-in person asking about invitations.
    pub async fn asking(db: &Db) -> Result<Asking, AppError> {
        let (person, actor) = crate::admin::guard::actor(db).await?;
        let plan_roles = crate::access::db::roles_reaching_any_plan(db, person.id).await?;
        Ok(Asking {
            person,
            actor,
            plan_roles,
        })
    }

    /// Marks the invitations `asking` may withdraw.
    pub fn marked(
        asking: &Asking,
        links: Vec<(Offer, super::PendingInvitation)>,
        memberships: Vec<(i64, super::PendingInvitation)>,
    ) -> Vec<super::PendingInvitation> {
        let links = links.into_iter().map(|(offer, mut p)| {
            p.can_revoke = asking.may_offer(&offer);
            p
        });
        let memberships = memberships.into_iter().map(|(org, mut p)| {
            p.can_revoke = asking.may_offer(&Asking::into_org(org));
            p
        });
        links.chain(memberships).collect()
    }

    /// What withdrawing a closed invitation is told.
    pub fn already_closed(e: crate::db::DbError) -> AppError {
        match e {
            crate::db::DbError::Stale => AppError::Conflict(
                "This invitation was answered, withdrawn or expired meanwhile.".into(),
            ),
            other => other.into(),
        }
    }
}

/// Invitations still open on the whole platform (platform administrators).
#[server(prefix = "/api", endpoint = "pending_invitations", output = Answer)]
pub async fn pending_invitations() -> Result<Vec<PendingInvitation>, AppError> {
    use crate::admin::{domain::AdminAction, guard};
    use crate::invitations::db::{joining, pending_invitations, Scope};
    let db = crate::foundation::state::db()?;
    let asking = support::asking(&db).await?;
    guard::authorize(&asking.actor, AdminAction::ListPeople)?;
    let now = crate::db::now();
    let links = pending_invitations(&db, now, Scope::All).await?;
    let memberships = joining::pending(&db, now, None).await?;
    Ok(support::marked(&asking, links, memberships))
}

/// Invitations still open into organisation `org_id` (those who manage its members).
#[server(prefix = "/api", endpoint = "organisation_invitations", output = Answer)]
pub async fn organisation_invitations(org_id: i64) -> Result<Vec<PendingInvitation>, AppError> {
    use crate::admin::{domain::AdminAction, guard};
    use crate::invitations::db::{joining, pending_invitations, Scope};
    let db = crate::foundation::state::db()?;
    let asking = support::asking(&db).await?;
    guard::authorize(&asking.actor, AdminAction::ManageMembers { org: org_id })?;
    let now = crate::db::now();
    let links = pending_invitations(&db, now, Scope::Organisation(org_id)).await?;
    let memberships = joining::pending(&db, now, Some(org_id)).await?;
    Ok(support::marked(&asking, links, memberships))
}

/// Invitations still open onto plan `plan_id` (its leads).
#[server(prefix = "/api", endpoint = "plan_invitations", output = Answer)]
pub async fn plan_invitations(plan_id: i64) -> Result<Vec<PendingInvitation>, AppError> {
    use crate::access::domain::PlanAction;
    use crate::invitations::db::{pending_invitations, Scope};
    let db = crate::foundation::state::db()?;
    crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let asking = support::asking(&db).await?;
    let links = pending_invitations(&db, crate::db::now(), Scope::Plan(plan_id)).await?;
    Ok(support::marked(&asking, links, Vec::new()))
}

/// Withdraws invitation link `invitation_id`, so it can no longer be accepted.
#[server(prefix = "/api", endpoint = "revoke_invitation", output = Answer)]
pub async fn revoke_invitation(invitation_id: i64) -> Result<(), AppError> {
    use crate::foundation::audit::domain::AuditKind;
    let db = crate::foundation::state::db()?;
    let asking = support::asking(&db).await?;
    let inv = crate::invitations::db::find_invitation_by_id(&db, invitation_id).await?;
    if !asking.may_offer(&inv.offer()) {
        tracing::warn!(
            person = asking.person.id,
            invitation = invitation_id,
            "invitation withdrawal refused"
        );
        return Err(AppError::Forbidden);
    }
    let now = crate::db::now();
    inv.check(now)
        .map_err(|p| AppError::Conflict(p.message().into()))?;
    // Recorded as its making was: on the plan for a plan's invitation.
    let details = serde_json::json!({"action": "invitation revoked", "invitation": inv.id});
    let entry = match &inv.plan {
        Some((plan, ..)) => {
            crate::foundation::audit::entry_by(asking.person.id, AuditKind::RoleChange, &inv.email)
                .await
                .plan(*plan)
        }
        None => {
            crate::foundation::audit::entry_by(asking.person.id, AuditKind::Admin, &inv.email).await
        }
    }
    .details(details);
    db.write_audited(entry, async |tx| {
        crate::invitations::db::revoke_invitation(tx, inv.id, asking.person.id, now).await
    })
    .await
    .map_err(support::already_closed)?;
    crate::foundation::session::confirm_plain_post("invitation-revoked");
    Ok(())
}

/// Withdraws the invitation to join an organisation `invitation_id`.
#[server(prefix = "/api", endpoint = "revoke_membership_invitation", output = Answer)]
pub async fn revoke_membership_invitation(invitation_id: i64) -> Result<(), AppError> {
    use crate::foundation::audit::domain::AuditKind;
    use crate::invitations::db::joining;
    use crate::invitations::domain::Answer;
    let db = crate::foundation::state::db()?;
    let asking = support::asking(&db).await?;
    let inv = joining::find(&db, invitation_id).await?;
    if !asking.may_offer(&support::Asking::into_org(inv.org_id)) {
        tracing::warn!(
            person = asking.person.id,
            invitation = invitation_id,
            "invitation withdrawal refused"
        );
        return Err(AppError::Forbidden);
    }
    let now = crate::db::now();
    inv.check(now)
        .map_err(|p| AppError::Conflict(p.message().into()))?;
    let entry = crate::foundation::audit::entry_by(
        asking.person.id,
        AuditKind::Membership,
        format!("person {}", inv.person_id),
    )
    .await
    .details(serde_json::json!({"action": "invitation revoked", "organisation": inv.org_id, "invitation": inv.id}));
    db.write_audited(entry, async |tx| {
        joining::answer(tx, inv.id, Answer::Revoked, asking.person.id, now).await
    })
    .await
    .map_err(support::already_closed)?;
    crate::foundation::session::confirm_plain_post("membership-invitation-revoked");
    Ok(())
}
