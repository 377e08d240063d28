//! Queries for invitation links: storing one (closing older ones for the same email), finding
//! it by its token's hash or its id, accepting or withdrawing it inside the transaction of its
//! audited change, and listing those still open. Invitations of existing accounts into an
//! organisation are in [`joining`]; what an inviter may do now, in [`inviter`].

pub mod inviter;
pub mod joining;

use sqlx::Row;

use super::domain::{check_invitation, may_offer, Answer, InvitationProblem, Offer};
use super::views::{PendingInvitation, PendingKind};
use crate::access::domain::PlanRole;
use crate::auth::password::PasswordHash;
use crate::db::{decode, Db, DbError, DbResult, Tx};
use crate::foundation::people::{OrgRole, PlatformRole};

/// A new invitation's fields.
pub struct NewInvitation<'a> {
    /// SHA-256 of the token, hex.
    pub token_hash: &'a str,
    /// Normalised email.
    pub email: &'a str,
    /// Suggested name.
    pub display_name: &'a str,
    /// Platform role granted on acceptance.
    pub platform_role: PlatformRole,
    /// Organisation joined on acceptance.
    pub organisation: Option<(i64, OrgRole)>,
    /// Plan role granted on acceptance.
    pub plan: Option<(i64, PlanRole)>,
    /// Who invited.
    pub invited_by: i64,
    /// Creation time.
    pub now: i64,
    /// Expiry time.
    pub expires_at: i64,
}

/// Stores an invitation inside `tx`, first closing any still-open one for the same email so
/// only the newest link works.
pub async fn insert_invitation(tx: &mut Tx<'_>, inv: &NewInvitation<'_>) -> DbResult<i64> {
    sqlx::query("UPDATE invitations SET expires_at = $1 WHERE email = $2 AND accepted_at IS NULL AND expires_at > $1")
        .bind(inv.now)
        .bind(inv.email)
        .execute(&mut **tx)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO invitations (token_hash, email, display_name, platform_role, organisation_id, organisation_role, invited_by, created_at, expires_at, plan_id, plan_role)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(inv.token_hash)
    .bind(inv.email)
    .bind(inv.display_name)
    .bind(inv.platform_role.as_str())
    .bind(inv.organisation.map(|(id, _)| id))
    .bind(inv.organisation.map(|(_, role)| role.as_str()))
    .bind(inv.invited_by)
    .bind(inv.now)
    .bind(inv.expires_at)
    .bind(inv.plan.map(|(id, _)| id))
    .bind(inv.plan.map(|(_, role)| role.as_str()))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// A stored invitation.
pub struct InvitationRecord {
    /// Database id.
    pub id: i64,
    /// Invited email.
    pub email: String,
    /// Suggested name.
    pub display_name: String,
    /// Platform role granted.
    pub platform_role: PlatformRole,
    /// Organisation joined, with its name.
    pub organisation: Option<(i64, String, OrgRole)>,
    /// Plan role granted, with the plan's title.
    pub plan: Option<(i64, String, PlanRole)>,
    /// Who made it.
    pub invited_by: i64,
    /// Expiry.
    pub expires_at: i64,
    /// Accepted or withdrawn, if either.
    pub answer: Option<Answer>,
}

impl InvitationRecord {
    /// What it offers, for deciding who may offer it.
    pub fn offer(&self) -> Offer {
        Offer {
            platform_admin: self.platform_role == PlatformRole::Admin,
            organisation: self.organisation.as_ref().map(|(id, ..)| *id),
            plan: self.plan.as_ref().map(|(id, ..)| *id),
        }
    }

    /// Whether it can still be accepted or withdrawn at `now`.
    pub fn check(&self, now: i64) -> Result<(), InvitationProblem> {
        check_invitation(self.expires_at, self.answer, now)
    }
}

const INVITATION_SELECT: &str = "SELECT i.id, i.email, i.display_name, i.platform_role, i.organisation_id, i.organisation_role,
        o.name AS org_name, i.invited_by, i.expires_at, i.accepted_at, i.revoked_at, i.plan_id, i.plan_role,
        pl.title AS plan_title, by_whom.display_name AS inviter_name
     FROM invitations i LEFT JOIN organisations o ON o.id = i.organisation_id
     LEFT JOIN plans pl ON pl.id = i.plan_id
     LEFT JOIN people by_whom ON by_whom.id = i.invited_by";

fn record(r: &sqlx::any::AnyRow) -> Result<InvitationRecord, sqlx::Error> {
    let org_id: Option<i64> = r.try_get("organisation_id")?;
    let org_name: Option<String> = r.try_get("org_name")?;
    let org_role: Option<String> = r.try_get("organisation_role")?;
    let organisation = match (org_id, org_name, org_role) {
        (Some(id), Some(name), Some(role)) => Some((id, name, decode(OrgRole::parse(&role))?)),
        _ => None,
    };
    let plan_id: Option<i64> = r.try_get("plan_id")?;
    let plan_title: Option<String> = r.try_get("plan_title")?;
    let plan_role: Option<String> = r.try_get("plan_role")?;
    let plan = match (plan_id, plan_title, plan_role) {
        (Some(id), Some(title), Some(role)) => Some((id, title, decode(PlanRole::parse(&role))?)),
        _ => None,
    };
    let accepted: Option<i64> = r.try_get("accepted_at")?;
    let revoked: Option<i64> = r.try_get("revoked_at")?;
    let answer = match (accepted, revoked) {
        (Some(_), _) => Some(Answer::Accepted),
        (None, Some(_)) => Some(Answer::Revoked),
        (None, None) => None,
    };
    Ok(InvitationRecord {
        plan,
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        platform_role: decode(PlatformRole::parse(
            &r.try_get::<String, _>("platform_role")?,
        ))?,
        organisation,
        invited_by: r.try_get("invited_by")?,
        expires_at: r.try_get("expires_at")?,
        answer,
    })
}

/// The invitation whose token hashes to `token_hash`.
pub async fn find_invitation(db: &Db, token_hash: &str) -> DbResult<InvitationRecord> {
    let sql = format!("{INVITATION_SELECT} WHERE i.token_hash = $1");
    let r = sqlx::query(&sql)
        .bind(token_hash)
        .fetch_one(db.reader())
        .await?;
    Ok(record(&r)?)
}

/// Invitation `id`.
pub async fn find_invitation_by_id(db: &Db, id: i64) -> DbResult<InvitationRecord> {
    let sql = format!("{INVITATION_SELECT} WHERE i.id = $1");
    let r = sqlx::query(&sql).bind(id).fetch_one(db.reader()).await?;
    Ok(record(&r)?)
}

/// Why accepting an invitation wrote nothing.
#[derive(Debug)]
pub enum AcceptError {
    /// It was used, withdrawn or expired meanwhile.
    Closed,
    /// Its inviter may no longer grant what it offers.
    InviterMayNot,
    /// The database failed, or the email got an account meanwhile (`Duplicate`).
    Db(DbError),
}

impl From<DbError> for AcceptError {
    fn from(e: DbError) -> Self {
        AcceptError::Db(e)
    }
}

impl From<sqlx::Error> for AcceptError {
    fn from(e: sqlx::Error) -> Self {
        AcceptError::Db(e.into())
    }
}

/// Accepts an invitation inside `tx`: claims it (only if still open), checks that its inviter
/// may still grant what it offers, and creates the account with its membership and plan role.
/// Returns the new account's id. On any error nothing is written (the caller's transaction
/// rolls back).
pub async fn accept_invitation(
    tx: &mut Tx<'_>,
    inv: &InvitationRecord,
    display_name: &str,
    hash: &PasswordHash,
    now: i64,
) -> Result<i64, AcceptError> {
    let claimed = sqlx::query("UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1")
        .bind(now)
        .bind(inv.id)
        .execute(&mut **tx)
        .await?;
    if claimed.rows_affected() != 1 {
        return Err(AcceptError::Closed);
    }
    // Checked in the transaction that uses it, so a deactivation or demotion committed before
    // this acceptance always counts.
    let offer = inv.offer();
    let (inviter, on_plan) = inviter::now(tx, inv.invited_by, offer.plan).await?;
    if !may_offer(&inviter, on_plan, &offer) {
        return Err(AcceptError::InviterMayNot);
    }
    let person_id: i64 = sqlx::query_scalar(
        "INSERT INTO people (email, display_name, password_hash, platform_role, active, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
    )
    .bind(&inv.email)
    .bind(display_name)
    .bind(hash.as_stored())
    .bind(inv.platform_role.as_str())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    if let Some((org_id, _, role)) = &inv.organisation {
        crate::admin::db::add_membership(tx, person_id, *org_id, *role, now).await?;
    }
    if let Some((plan_id, _, role)) = &inv.plan {
        let grantee = crate::access::domain::Grantee::Person(person_id);
        crate::access::db::insert_grant(tx, *plan_id, grantee, *role, inv.invited_by, now).await?;
    }
    sqlx::query("UPDATE invitations SET accepted_person_id = $1 WHERE id = $2")
        .bind(person_id)
        .bind(inv.id)
        .execute(&mut **tx)
        .await?;
    Ok(person_id)
}

/// Withdraws invitation `id` inside `tx`; `Stale` when it was accepted, withdrawn or expired
/// meanwhile.
pub async fn revoke_invitation(tx: &mut Tx<'_>, id: i64, by: i64, now: i64) -> DbResult<()> {
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = $1, revoked_by = $2
         WHERE id = $3 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    crate::db::exactly_one(done)?;
    Ok(())
}

/// Which open invitations to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every one (the people page).
    All,
    /// Those into one organisation.
    Organisation(i64),
    /// Those onto one plan.
    Plan(i64),
}

/// What an invitation offers, in words: "Member of Civil Voices", "Lead on Roles plan".
pub fn describe_offer(inv: &InvitationRecord) -> String {
    let mut parts = Vec::new();
    if inv.platform_role == PlatformRole::Admin {
        parts.push("Platform administrator".to_owned());
    }
    if let Some((_, name, role)) = &inv.organisation {
        parts.push(format!("{} of {name}", role.label()));
    }
    if let Some((_, title, role)) = &inv.plan {
        parts.push(format!("{} on {title}", role.label()));
    }
    if parts.is_empty() {
        parts.push("An account in no organisation".to_owned());
    }
    parts.join("; ")
}

/// Invitation links still open at `now` in `scope`, newest first, each with what it offers
/// (for deciding who may withdraw it) and as listed (`can_revoke` left false for the caller).
pub async fn pending_invitations(
    db: &Db,
    now: i64,
    scope: Scope,
) -> DbResult<Vec<(Offer, PendingInvitation)>> {
    let (filter, id) = match scope {
        Scope::All => ("$2 = 0", 0),
        Scope::Organisation(org) => ("i.organisation_id = $2", org),
        Scope::Plan(plan) => ("i.plan_id = $2", plan),
    };
    let sql = format!(
        "{INVITATION_SELECT}
         WHERE i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $1 AND {filter}
         ORDER BY i.id DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(now)
        .bind(id)
        .fetch_all(db.reader())
        .await?;
    rows.iter()
        .map(|r| {
            let inv = record(r)?;
            let listed = PendingInvitation {
                id: inv.id,
                kind: PendingKind::Link,
                email: inv.email.clone(),
                display_name: inv.display_name.clone(),
                offer: describe_offer(&inv),
                invited_by: r
                    .try_get::<Option<String>, _>("inviter_name")?
                    .unwrap_or_default(),
                expires_at: inv.expires_at,
                can_revoke: false,
            };
            Ok((inv.offer(), listed))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}
