//! Queries for invitations: storing one (closing older ones for the same email), finding it
//! by its token's hash, accepting it in one transaction, and listing those still open.

use sqlx::Row;

use super::views::PendingInvitation;
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
    /// Expiry.
    pub expires_at: i64,
    /// Acceptance time.
    pub accepted_at: Option<i64>,
}

/// The invitation whose token hashes to `token_hash`.
pub async fn find_invitation(db: &Db, token_hash: &str) -> DbResult<InvitationRecord> {
    let r = sqlx::query(
        "SELECT i.id, i.email, i.display_name, i.platform_role, i.organisation_id, i.organisation_role,
                o.name AS org_name, i.expires_at, i.accepted_at, i.plan_id, i.plan_role, pl.title AS plan_title
         FROM invitations i LEFT JOIN organisations o ON o.id = i.organisation_id
         LEFT JOIN plans pl ON pl.id = i.plan_id
         WHERE i.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_one(db.reader())
    .await?;
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
    Ok(InvitationRecord {
        plan,
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        platform_role: decode(PlatformRole::parse(
            &r.try_get::<String, _>("platform_role")?,
        ))?,
        organisation,
        expires_at: r.try_get("expires_at")?,
        accepted_at: r.try_get("accepted_at")?,
    })
}

/// Accepts an invitation in one transaction: claims it (only if still open), creates the
/// account and its membership. `Stale` when it was used or expired meanwhile; `Duplicate`
/// when the email got an account meanwhile. Nothing is half-written either way.
pub async fn accept_invitation(
    db: &Db,
    inv: &InvitationRecord,
    display_name: &str,
    hash: &PasswordHash,
    now: i64,
) -> DbResult<i64> {
    let mut writer = db.write().await;
    let mut tx = writer.begin().await?;
    let claimed = sqlx::query("UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL AND expires_at > $1")
        .bind(now)
        .bind(inv.id)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() != 1 {
        return Err(DbError::Stale);
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
    .fetch_one(&mut *tx)
    .await?;
    if let Some((org_id, _, role)) = &inv.organisation {
        sqlx::query("INSERT INTO memberships (person_id, organisation_id, role, created_at) VALUES ($1, $2, $3, $4)")
            .bind(person_id)
            .bind(org_id)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    if let Some((plan_id, _, role)) = &inv.plan {
        sqlx::query(
            "INSERT INTO plan_grants (plan_id, grantee_kind, grantee_id, role, granted_by, granted_at)
             SELECT $1, 'person', $2, $3, invited_by, $4 FROM invitations WHERE id = $5",
        )
        .bind(plan_id)
        .bind(person_id)
        .bind(role.as_str())
        .bind(now)
        .bind(inv.id)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE invitations SET accepted_person_id = $1 WHERE id = $2")
        .bind(person_id)
        .bind(inv.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(person_id)
}

/// Invitations still open at `now`; only those into `org` when given.
pub async fn pending_invitations(
    db: &Db,
    now: i64,
    org: Option<i64>,
) -> DbResult<Vec<PendingInvitation>> {
    let rows = sqlx::query(
        "SELECT i.id, i.email, i.display_name, o.name AS org_name, i.expires_at
         FROM invitations i LEFT JOIN organisations o ON o.id = i.organisation_id
         WHERE i.accepted_at IS NULL AND i.expires_at > $1 AND ($2 = -1 OR i.organisation_id = $2)
         ORDER BY i.created_at DESC",
    )
    .bind(now)
    .bind(org.unwrap_or(-1))
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PendingInvitation {
                id: r.try_get("id")?,
                email: r.try_get("email")?,
                display_name: r.try_get("display_name")?,
                org_name: r.try_get("org_name")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}
