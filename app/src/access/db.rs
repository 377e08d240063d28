//! Queries for plan grants.

use sqlx::Row;

use super::domain::{Grantee, PlanRole};
use crate::db::{Db, DbError, DbResult};

/// Every grant on plan `plan_id`.
pub async fn grants(db: &Db, plan_id: i64) -> DbResult<Vec<(Grantee, PlanRole)>> {
    let rows =
        sqlx::query("SELECT grantee_kind, grantee_id, role FROM plan_grants WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("grantee_kind")?;
            let id: i64 = r.try_get("grantee_id")?;
            let role: String = r.try_get("role")?;
            let grantee = if kind == "person" {
                Grantee::Person(id)
            } else {
                Grantee::Organisation(id)
            };
            let role = PlanRole::parse(&role).map_err(|e| sqlx::Error::Decode(e.into()))?;
            Ok((grantee, role))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Grants `role` to `grantee` on the plan, replacing an earlier grant to the same grantee.
pub async fn grant(
    db: &Db,
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
    sqlx::query(
        "INSERT INTO plan_grants (plan_id, grantee_kind, grantee_id, role, granted_by, granted_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (plan_id, grantee_kind, grantee_id) DO UPDATE SET role = excluded.role, granted_by = excluded.granted_by, granted_at = excluded.granted_at",
    )
    .bind(plan_id)
    .bind(kind)
    .bind(id)
    .bind(role.as_str())
    .bind(by)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Ids of the plans on which `person` holds a grant, directly or through an organisation.
pub async fn plans_reaching(db: &Db, person: i64) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT plan_id FROM plan_grants
         WHERE (grantee_kind = 'person' AND grantee_id = $1)
            OR (grantee_kind = 'organisation' AND grantee_id IN (SELECT organisation_id FROM memberships WHERE person_id = $1))",
    )
    .bind(person)
    .fetch_all(db.pool())
    .await?)
}

/// The roles that reach `person` on plan `plan_id` (directly or through an organisation), or
/// `None` when the plan does not exist. One query: this runs on every plan request.
pub async fn roles_reaching(db: &Db, plan_id: i64, person: i64) -> DbResult<Option<Vec<PlanRole>>> {
    let rows: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT g.role FROM plans p
         LEFT JOIN plan_grants g ON g.plan_id = p.id AND (
             (g.grantee_kind = 'person' AND g.grantee_id = $2)
             OR (g.grantee_kind = 'organisation' AND g.grantee_id IN (SELECT organisation_id FROM memberships WHERE person_id = $2)))
         WHERE p.id = $1",
    )
    .bind(plan_id)
    .bind(person)
    .fetch_all(db.pool())
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let roles = rows
        .into_iter()
        .flatten()
        .map(|r| PlanRole::parse(&r).map_err(|e| DbError::Sqlx(sqlx::Error::Decode(e.into()))))
        .collect::<Result<_, _>>()?;
    Ok(Some(roles))
}
