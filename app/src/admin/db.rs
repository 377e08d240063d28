//! Queries for organisations, memberships, people and invitations.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::domain::{OrgKind, OrgRole};
use super::views::{MemberRow, Membership, OrgSummary, PendingInvitation, PersonRow};
use crate::auth::db::{person_from_row, PERSON_COLUMNS};
use crate::auth::domain::PlatformRole;
use crate::auth::password::PasswordHash;
use crate::db::{flag, one_or_more, Db, DbError, DbResult};

fn decode<T>(parsed: Result<T, &'static str>) -> Result<T, sqlx::Error> {
    parsed.map_err(|e| sqlx::Error::Decode(e.into()))
}

fn org_from_row(row: &AnyRow) -> Result<OrgSummary, sqlx::Error> {
    Ok(OrgSummary {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: decode(OrgKind::parse(&row.try_get::<String, _>("kind")?))?,
        country: row.try_get("country")?,
        member_count: row.try_get("member_count")?,
    })
}

const ORG_SELECT: &str = "SELECT o.id, o.name, o.kind, o.country,
        (SELECT COUNT(*) FROM memberships m WHERE m.organisation_id = o.id) AS member_count
     FROM organisations o";

/// Every organisation, by name.
pub async fn list_organisations(db: &Db) -> DbResult<Vec<OrgSummary>> {
    let sql = format!("{ORG_SELECT} ORDER BY o.name");
    let rows = sqlx::query(&sql).fetch_all(db.reader()).await?;
    Ok(rows.iter().map(org_from_row).collect::<Result<_, _>>()?)
}

/// Organisation `id`.
pub async fn find_organisation(db: &Db, id: i64) -> DbResult<OrgSummary> {
    let sql = format!("{ORG_SELECT} WHERE o.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(db.reader()).await?;
    Ok(org_from_row(&row)?)
}

/// True when another organisation (not `except`) already has this name, ignoring case.
pub async fn org_name_taken(db: &Db, name: &str, except: Option<i64>) -> DbResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM organisations WHERE lower(name) = lower($1) AND id <> $2",
    )
    .bind(name)
    .bind(except.unwrap_or(-1))
    .fetch_one(db.reader())
    .await?;
    Ok(n > 0)
}

/// Creates an organisation and returns its id.
pub async fn insert_organisation(
    db: &Db,
    name: &str,
    kind: OrgKind,
    country: &str,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO organisations (name, kind, country, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(name)
    .bind(kind.as_str())
    .bind(country)
    .bind(now)
    .fetch_one(db.write().await.conn())
    .await?)
}

/// Changes an organisation's details.
pub async fn update_organisation(
    db: &Db,
    id: i64,
    name: &str,
    kind: OrgKind,
    country: &str,
    now: i64,
) -> DbResult<()> {
    one_or_more(sqlx::query("UPDATE organisations SET name = $1, kind = $2, country = $3, updated_at = $4 WHERE id = $5")
        .bind(name)
        .bind(kind.as_str())
        .bind(country)
        .bind(now)
        .bind(id)
        .execute(db.write().await.conn())
        .await?)
}

/// The organisations person `id` belongs to, by name.
pub async fn memberships_of(db: &Db, person_id: i64) -> DbResult<Vec<Membership>> {
    db.memo("memberships.of_person", person_id.to_string(), || async {
        let rows = sqlx::query(
            "SELECT o.id, o.name, o.kind, m.role FROM memberships m
             JOIN organisations o ON o.id = m.organisation_id
             WHERE m.person_id = $1 ORDER BY o.name",
        )
        .bind(person_id)
        .fetch_all(db.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Membership {
                    org_id: r.try_get("id")?,
                    org_name: r.try_get("name")?,
                    org_kind: decode(OrgKind::parse(&r.try_get::<String, _>("kind")?))?,
                    role: decode(OrgRole::parse(&r.try_get::<String, _>("role")?))?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(DbError::from)
    })
    .await
}

/// The members of organisation `org_id`, by name.
pub async fn members_of(db: &Db, org_id: i64) -> DbResult<Vec<MemberRow>> {
    let rows = sqlx::query(
        "SELECT p.id, p.display_name, p.email, p.active, m.role FROM memberships m
         JOIN people p ON p.id = m.person_id
         WHERE m.organisation_id = $1 ORDER BY p.display_name",
    )
    .bind(org_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MemberRow {
                person_id: r.try_get("id")?,
                display_name: r.try_get("display_name")?,
                email: r.try_get("email")?,
                role: decode(OrgRole::parse(&r.try_get::<String, _>("role")?))?,
                active: flag(r, "active")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Adds person `person_id` to organisation `org_id`.
pub async fn add_membership(
    db: &Db,
    person_id: i64,
    org_id: i64,
    role: OrgRole,
    now: i64,
) -> DbResult<()> {
    sqlx::query("INSERT INTO memberships (person_id, organisation_id, role, created_at) VALUES ($1, $2, $3, $4)")
        .bind(person_id)
        .bind(org_id)
        .bind(role.as_str())
        .bind(now)
        .execute(db.write().await.conn())
        .await?;
    Ok(())
}

/// Changes a member's role; `NotFound` when they are not a member.
pub async fn set_membership_role(
    db: &Db,
    person_id: i64,
    org_id: i64,
    role: OrgRole,
) -> DbResult<()> {
    one_or_more(
        sqlx::query(
            "UPDATE memberships SET role = $1 WHERE person_id = $2 AND organisation_id = $3",
        )
        .bind(role.as_str())
        .bind(person_id)
        .bind(org_id)
        .execute(db.write().await.conn())
        .await?,
    )
}

/// Removes a member; `NotFound` when they are not a member.
pub async fn remove_membership(db: &Db, person_id: i64, org_id: i64) -> DbResult<()> {
    one_or_more(
        sqlx::query("DELETE FROM memberships WHERE person_id = $1 AND organisation_id = $2")
            .bind(person_id)
            .bind(org_id)
            .execute(db.write().await.conn())
            .await?,
    )
}

/// The id of the account with `email`, if any.
pub async fn person_id_by_email(db: &Db, email: &str) -> DbResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
        .bind(email)
        .fetch_optional(db.reader())
        .await?)
}

/// Everyone, by name, with their organisations.
pub async fn list_people(db: &Db) -> DbResult<Vec<PersonRow>> {
    // Organisation names are gathered in a second query rather than with an engine-specific
    // aggregate (group_concat / string_agg), to keep the SQL portable.
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people ORDER BY display_name, id");
    let people = sqlx::query(&sql).fetch_all(db.reader()).await?;
    let links = sqlx::query(
        "SELECT m.person_id, o.name FROM memberships m JOIN organisations o ON o.id = m.organisation_id ORDER BY o.name",
    )
    .fetch_all(db.reader())
    .await?;
    let mut rows = Vec::with_capacity(people.len());
    for row in &people {
        let person = person_from_row(row)?;
        let mut names = Vec::new();
        for link in &links {
            if link.try_get::<i64, _>("person_id")? == person.id {
                names.push(link.try_get::<String, _>("name")?);
            }
        }
        rows.push(PersonRow {
            person,
            organisations: names.join(", "),
        });
    }
    Ok(rows)
}

/// Activates or deactivates person `id`.
pub async fn set_active(db: &Db, id: i64, active: bool) -> DbResult<()> {
    one_or_more(
        sqlx::query("UPDATE people SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(id)
            .execute(db.write().await.conn())
            .await?,
    )
}

/// Changes person `id`'s platform role.
pub async fn set_platform_role(db: &Db, id: i64, role: PlatformRole) -> DbResult<()> {
    one_or_more(
        sqlx::query("UPDATE people SET platform_role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(id)
            .execute(db.write().await.conn())
            .await?,
    )
}

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
    pub plan: Option<(i64, crate::access::domain::PlanRole)>,
    /// Who invited.
    pub invited_by: i64,
    /// Creation time.
    pub now: i64,
    /// Expiry time.
    pub expires_at: i64,
}

/// Stores an invitation, first closing any still-open one for the same email so only the
/// newest link works.
pub async fn insert_invitation(db: &Db, inv: &NewInvitation<'_>) -> DbResult<i64> {
    let mut writer = db.write().await;
    let mut tx = writer.begin().await?;
    sqlx::query("UPDATE invitations SET expires_at = $1 WHERE email = $2 AND accepted_at IS NULL AND expires_at > $1")
        .bind(inv.now)
        .bind(inv.email)
        .execute(&mut *tx)
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
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
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
    pub plan: Option<(i64, String, crate::access::domain::PlanRole)>,
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
        (Some(id), Some(title), Some(role)) => Some((
            id,
            title,
            decode(crate::access::domain::PlanRole::parse(&role))?,
        )),
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
