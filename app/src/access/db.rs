//! Queries for plan grants: what reaches a person on a plan, who holds which role, and the
//! writes that change grants (inside the transaction of their audited change).

use sqlx::Row;

use super::domain::{keeps_a_lead, Grantee, PlanRole};
use super::views::PlanMember;
use crate::db::{decode, Db, DbError, DbResult, Tx};

/// The id in column `id` and the grant's role, from a row of a grants query.
fn id_and_role(r: &sqlx::any::AnyRow, id: &str) -> Result<(i64, PlanRole), sqlx::Error> {
    Ok((
        r.try_get(id)?,
        decode(PlanRole::parse(&r.try_get::<String, _>("role")?))?,
    ))
}

/// An SQL condition: some grant on the plan in column `plan` reaches the person in column
/// `who`, directly or through one of their organisations.
pub fn reaches(plan: &str, who: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM plan_grants g WHERE g.plan_id = {plan} AND (
             (g.grantee_kind = 'person' AND g.grantee_id = {who})
             OR (g.grantee_kind = 'organisation' AND g.grantee_id IN (SELECT organisation_id FROM memberships WHERE person_id = {who}))))"
    )
}

/// `(plan, role)` for every grant reaching `person`, directly or through an organisation.
pub async fn roles_reaching_any_plan(db: &Db, person: i64) -> DbResult<Vec<(i64, PlanRole)>> {
    let rows = sqlx::query(
        "SELECT plan_id, role FROM plan_grants
         WHERE (grantee_kind = 'person' AND grantee_id = $1)
            OR (grantee_kind = 'organisation' AND grantee_id IN (SELECT organisation_id FROM memberships WHERE person_id = $1))",
    )
    .bind(person)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| id_and_role(r, "plan_id"))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// What a plan request needs to know about `person` on plan `plan_id`: the plan's title and
/// the roles that reach them (directly or through an organisation), or `None` when the plan
/// does not exist. One query: this runs on every plan request.
pub async fn plan_access(
    db: &Db,
    plan_id: i64,
    person: i64,
) -> DbResult<Option<(String, Vec<PlanRole>)>> {
    db.memo("access.plan_access", format!("{plan_id}:{person}"), || async {
        let rows = sqlx::query(
            "SELECT p.title, g.role FROM plans p
             LEFT JOIN plan_grants g ON g.plan_id = p.id AND (
                 (g.grantee_kind = 'person' AND g.grantee_id = $2)
                 OR (g.grantee_kind = 'organisation' AND g.grantee_id IN (SELECT organisation_id FROM memberships WHERE person_id = $2)))
             WHERE p.id = $1",
        )
        .bind(plan_id)
        .bind(person)
        .fetch_all(db.reader())
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let title: String = first.try_get("title")?;
        let mut roles = Vec::new();
        for r in &rows {
            if let Some(role) = r.try_get::<Option<String>, _>("role")? {
                roles.push(decode(PlanRole::parse(&role))?);
            }
        }
        Ok(Some((title, roles)))
    })
    .await
}

/// The grantee a row's `grantee_kind` and `grantee_id` name.
fn grantee(r: &sqlx::any::AnyRow) -> Result<Grantee, sqlx::Error> {
    let id: i64 = r.try_get("grantee_id")?;
    Ok(match r.try_get::<String, _>("grantee_kind")?.as_str() {
        "person" => Grantee::Person(id),
        _ => Grantee::Organisation(id),
    })
}

/// `(person, grantee, role)` for every grant on plan `plan_id` that reaches an active person,
/// directly (`Grantee::Person`) or through one of their organisations: what decides who may
/// review there and for which organisations. Runs on the reader or inside a write
/// transaction.
pub async fn grants_reaching_people<'e, E>(
    on: E,
    plan_id: i64,
) -> DbResult<Vec<(i64, Grantee, PlanRole)>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT p.id AS person_id, g.grantee_kind, g.grantee_id, g.role FROM plan_grants g
         JOIN people p ON p.active = 1 AND (
                (g.grantee_kind = 'person' AND p.id = g.grantee_id)
             OR (g.grantee_kind = 'organisation'
                 AND p.id IN (SELECT person_id FROM memberships WHERE organisation_id = g.grantee_id)))
         WHERE g.plan_id = $1",
    )
    .bind(plan_id)
    .fetch_all(on)
    .await?;
    rows.iter()
        .map(|r| {
            let (person, role) = id_and_role(r, "person_id")?;
            Ok((person, grantee(r)?, role))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// `(grantee, role)` for every grant on plan `plan_id` that reaches `person`, directly or
/// through one of their organisations.
pub async fn grants_reaching(
    db: &Db,
    plan_id: i64,
    person: i64,
) -> DbResult<Vec<(Grantee, PlanRole)>> {
    // Every section page of a reviewer asks (which kinds may they approve for); memoised like
    // `plan_access`. A person's grants on one plan are few: a grant per organisation at most.
    let key = format!("{plan_id}:{person}");
    let weigh = |grants: &Vec<_>| 64 * grants.len() + 64;
    db.memo_weighed("access.grants_reaching", key, weigh, || {
        read_grants_reaching(db, plan_id, person)
    })
    .await
}

async fn read_grants_reaching(
    db: &Db,
    plan_id: i64,
    person: i64,
) -> DbResult<Vec<(Grantee, PlanRole)>> {
    let rows = sqlx::query(
        "SELECT g.grantee_kind, g.grantee_id, g.role FROM plan_grants g
         WHERE g.plan_id = $1 AND (
             (g.grantee_kind = 'person' AND g.grantee_id = $2)
             OR (g.grantee_kind = 'organisation' AND g.grantee_id IN (SELECT organisation_id FROM memberships WHERE person_id = $2)))",
    )
    .bind(plan_id)
    .bind(person)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            let role = decode(PlanRole::parse(&r.try_get::<String, _>("role")?))?;
            Ok((grantee(r)?, role))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Every grant on the plan with the grantee's name, organisations first.
pub async fn members(db: &Db, plan_id: i64) -> DbResult<Vec<PlanMember>> {
    let rows = sqlx::query(
        "SELECT g.id, g.grantee_kind, g.role,
                COALESCE(o.name, p.display_name) AS name,
                COALESCE(o.kind, p.email) AS detail
         FROM plan_grants g
         LEFT JOIN organisations o ON g.grantee_kind = 'organisation' AND o.id = g.grantee_id
         LEFT JOIN people p ON g.grantee_kind = 'person' AND p.id = g.grantee_id
         WHERE g.plan_id = $1
         ORDER BY g.grantee_kind DESC, name",
    )
    .bind(plan_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            let organisation = r.try_get::<String, _>("grantee_kind")? == "organisation";
            Ok(PlanMember {
                grant_id: r.try_get("id")?,
                organisation,
                name: r.try_get::<Option<String>, _>("name")?.unwrap_or_default(),
                // An organisation's kind is shown in words ("Civil society"), never stored form.
                detail: {
                    let detail = r
                        .try_get::<Option<String>, _>("detail")?
                        .unwrap_or_default();
                    match crate::foundation::people::OrgKind::parse(&detail) {
                        Ok(kind) if organisation => kind.label().to_owned(),
                        _ => detail,
                    }
                },
                role: decode(PlanRole::parse(&role))?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Why a change to a plan's grants was refused.
#[derive(Debug)]
pub enum GrantChangeError {
    /// The grant is not on this plan.
    NotFound,
    /// The change would leave the plan without a lead.
    LastLead,
    /// The database failed.
    Db(DbError),
}

impl From<DbError> for GrantChangeError {
    fn from(e: DbError) -> Self {
        GrantChangeError::Db(e)
    }
}

impl From<sqlx::Error> for GrantChangeError {
    fn from(e: sqlx::Error) -> Self {
        GrantChangeError::Db(e.into())
    }
}

/// The name of whoever holds grant `grant_id` of plan `plan_id` (a person or an
/// organisation), for the audit entry of a change to it: once revoked, the grant is gone.
pub async fn grantee_name(db: &Db, plan_id: i64, grant_id: i64) -> DbResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(p.display_name, o.name) FROM plan_grants g
         LEFT JOIN people p ON g.grantee_kind = 'person' AND p.id = g.grantee_id
         LEFT JOIN organisations o ON g.grantee_kind = 'organisation' AND o.id = g.grantee_id
         WHERE g.id = $1 AND g.plan_id = $2",
    )
    .bind(grant_id)
    .bind(plan_id)
    .fetch_optional(db.reader())
    .await?
    .flatten())
}

/// Changes (`Some(role)`) or revokes (`None`) grant `grant_id` of plan `plan_id` inside `tx`,
/// refusing to leave the plan without a lead. Returns who the grant was for.
pub async fn change_grant(
    tx: &mut Tx<'_>,
    plan_id: i64,
    grant_id: i64,
    role: Option<PlanRole>,
) -> Result<Grantee, GrantChangeError> {
    let rows = sqlx::query(
        "SELECT id, grantee_kind, grantee_id, role FROM plan_grants WHERE plan_id = $1",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut after = Vec::new();
    let mut found = None;
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let kind: String = r.try_get("grantee_kind")?;
        let grantee_id: i64 = r.try_get("grantee_id")?;
        let grantee = if kind == "person" {
            Grantee::Person(grantee_id)
        } else {
            Grantee::Organisation(grantee_id)
        };
        let current = decode(PlanRole::parse(&r.try_get::<String, _>("role")?))?;
        if id == grant_id {
            found = Some(grantee);
            if let Some(new) = role {
                after.push((grantee, new));
            }
        } else {
            after.push((grantee, current));
        }
    }
    let Some(grantee) = found else {
        return Err(GrantChangeError::NotFound);
    };
    if !keeps_a_lead(&after) {
        return Err(GrantChangeError::LastLead);
    }
    match role {
        Some(role) => {
            sqlx::query("UPDATE plan_grants SET role = $1 WHERE id = $2 AND plan_id = $3")
                .bind(role.as_str())
                .bind(grant_id)
                .bind(plan_id)
                .execute(&mut **tx)
                .await?;
        }
        None => {
            sqlx::query("DELETE FROM plan_grants WHERE id = $1 AND plan_id = $2")
                .bind(grant_id)
                .bind(plan_id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(grantee)
}

/// Adds a grant inside `tx`; `Duplicate` when the grantee already has one on this plan.
pub async fn insert_grant(
    tx: &mut Tx<'_>,
    plan_id: i64,
    grantee: Grantee,
    role: PlanRole,
    by: i64,
    now: i64,
) -> DbResult<()> {
    let (kind, id) = match grantee {
        Grantee::Person(id) => ("person", id),
        Grantee::Organisation(id) => ("organisation", id),
    };
    sqlx::query("INSERT INTO plan_grants (plan_id, grantee_kind, grantee_id, role, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(plan_id)
        .bind(kind)
        .bind(id)
        .bind(role.as_str())
        .bind(by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
