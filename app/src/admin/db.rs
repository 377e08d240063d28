//! Queries for organisations, memberships and people. Writes take the transaction of the
//! audited change they belong to (see [`Db::write_audited`]).

use sqlx::any::AnyRow;
use sqlx::Row;

use super::views::{MemberRow, OrgSummary, PersonRow};
use crate::db::{decode, flag, one_or_more, Db, DbError, DbResult, Tx};
use crate::foundation::people::db::{person_from_row, PERSON_COLUMNS};
use crate::foundation::people::{OrgKind, OrgRole, PlatformRole};

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
    tx: &mut Tx<'_>,
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
    .fetch_one(&mut **tx)
    .await?)
}

/// Changes an organisation's details.
pub async fn update_organisation(
    tx: &mut Tx<'_>,
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
        .execute(&mut **tx)
        .await?)
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
    tx: &mut Tx<'_>,
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
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Changes a member's role; `NotFound` when they are not a member.
pub async fn set_membership_role(
    tx: &mut Tx<'_>,
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
        .execute(&mut **tx)
        .await?,
    )
}

/// Removes a member; `NotFound` when they are not a member.
pub async fn remove_membership(tx: &mut Tx<'_>, person_id: i64, org_id: i64) -> DbResult<()> {
    one_or_more(
        sqlx::query("DELETE FROM memberships WHERE person_id = $1 AND organisation_id = $2")
            .bind(person_id)
            .bind(org_id)
            .execute(&mut **tx)
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
pub async fn set_active(tx: &mut Tx<'_>, id: i64, active: bool) -> DbResult<()> {
    one_or_more(
        sqlx::query("UPDATE people SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(id)
            .execute(&mut **tx)
            .await?,
    )
}

/// Changes person `id`'s platform role.
pub async fn set_platform_role(tx: &mut Tx<'_>, id: i64, role: PlatformRole) -> DbResult<()> {
    one_or_more(
        sqlx::query("UPDATE people SET platform_role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(id)
            .execute(&mut **tx)
            .await?,
    )
}
