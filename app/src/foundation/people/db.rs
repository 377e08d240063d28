//! Reading people and their organisations: what every request asks about the person making it.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{Membership, OrgKind, OrgRole, Person, PlatformRole};
use crate::db::{decode, flag, Db, DbError, DbResult};

/// The columns [`person_from_row`] reads.
pub const PERSON_COLUMNS: &str = "id, email, display_name, platform_role, active";

/// Maps a row selected with [`PERSON_COLUMNS`].
pub fn person_from_row(row: &AnyRow) -> Result<Person, sqlx::Error> {
    let role: String = row.try_get("platform_role")?;
    Ok(Person {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        platform_role: decode(PlatformRole::parse(&role))?,
        active: flag(row, "active")?,
    })
}

/// Person `id`.
pub async fn find_person(db: &Db, id: i64) -> DbResult<Person> {
    db.memo("people.by_id", id.to_string(), || async {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1");
        let row = sqlx::query(&sql).bind(id).fetch_one(db.reader()).await?;
        Ok(person_from_row(&row)?)
    })
    .await
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
