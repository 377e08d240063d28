//! What an inviter may do now: the facts [`crate::invitations::domain::may_offer`] decides
//! from, read on the connection of the transaction about to rely on them.

use sqlx::Row;

use crate::access::domain::{Access, PlanRole};
use crate::admin::domain::Actor;
use crate::db::{decode, DbResult};
use crate::foundation::people::{OrgRole, PlatformRole};

/// Person `person` as the administration rules see them, and their access to `plan` when one
/// is named. A person who no longer exists stands as a deactivated member of nothing.
pub async fn now(
    conn: &mut sqlx::AnyConnection,
    person: i64,
    plan: Option<i64>,
) -> DbResult<(Actor, Option<Access>)> {
    let row = sqlx::query("SELECT platform_role, active FROM people WHERE id = $1")
        .bind(person)
        .fetch_optional(&mut *conn)
        .await?;
    let (platform_role, active) = match row {
        Some(r) => (
            decode(PlatformRole::parse(
                &r.try_get::<String, _>("platform_role")?,
            ))?,
            r.try_get::<i64, _>("active")? == 1,
        ),
        None => (PlatformRole::Member, false),
    };
    let rows = sqlx::query("SELECT organisation_id, role FROM memberships WHERE person_id = $1")
        .bind(person)
        .fetch_all(&mut *conn)
        .await?;
    let mut memberships = Vec::with_capacity(rows.len());
    for r in &rows {
        let role = decode(OrgRole::parse(&r.try_get::<String, _>("role")?))?;
        memberships.push((r.try_get("organisation_id")?, role));
    }
    let actor = Actor {
        person_id: person,
        platform_role,
        active,
        memberships,
    };
    let access = match plan {
        None => None,
        Some(plan) => {
            let roles: Vec<String> = sqlx::query_scalar(
                "SELECT g.role FROM plan_grants g WHERE g.plan_id = $1 AND (
                     (g.grantee_kind = 'person' AND g.grantee_id = $2)
                     OR (g.grantee_kind = 'organisation' AND g.grantee_id IN (SELECT organisation_id FROM memberships WHERE person_id = $2)))",
            )
            .bind(plan)
            .bind(person)
            .fetch_all(&mut *conn)
            .await?;
            let roles = roles
                .iter()
                .map(|r| decode(PlanRole::parse(r)))
                .collect::<Result<_, _>>()?;
            Some(Access {
                roles,
                platform_admin: active && platform_role == PlatformRole::Admin,
                active,
            })
        }
    };
    Ok((actor, access))
}
