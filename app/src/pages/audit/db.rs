//! Reading the audit trail for its pages: the newest entries matching a filter.

use sqlx::Row;

use super::filter::AuditFilter;
use crate::db::{Db, DbError, DbResult};
use crate::foundation::audit::domain::AuditEntry;
use crate::foundation::audit::record::entry_from_row;

/// One line of the trail as shown.
#[derive(Debug, Clone)]
pub struct ShownRow {
    pub entry: AuditEntry,
    /// The person's name, if any.
    pub person_name: Option<String>,
}

/// The newest `limit` entries matching `filter`, of plan `plan_id` or (None) of the platform.
pub async fn list(
    db: &Db,
    plan_id: Option<i64>,
    filter: &AuditFilter,
    limit: i64,
) -> DbResult<Vec<ShownRow>> {
    // Only the conditions in use go into the query, each with its own placeholder.
    let mut conditions = Vec::new();
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    if plan_id.is_some() {
        conditions.push(format!("a.plan_id = {}", next()));
    }
    let person = filter
        .person
        .as_ref()
        .map(|p| format!("%{}%", p.to_lowercase()));
    if person.is_some() {
        let (a, b) = (next(), next());
        conditions.push(format!(
            "(LOWER(p.display_name) LIKE {a} OR LOWER(p.email) LIKE {b})"
        ));
    }
    if filter.kind.is_some() {
        conditions.push(format!("a.kind = {}", next()));
    }
    if filter.from.is_some() {
        conditions.push(format!("a.at >= {}", next()));
    }
    if filter.until.is_some() {
        conditions.push(format!("a.at < {}", next()));
    }
    let limit_at = next();
    let sql = format!(
        "SELECT a.seq, a.at, a.person_id, a.ip, a.kind, a.plan_id, a.subject, a.details, a.prev_hash, a.hash, a.salt,
                p.display_name
         FROM audit_entries a LEFT JOIN people p ON p.id = a.person_id
         WHERE 1 = 1 {}
         ORDER BY a.seq DESC LIMIT {limit_at}",
        conditions
            .iter()
            .map(|c| format!("AND {c}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut q = sqlx::query(&sql);
    if let Some(plan_id) = plan_id {
        q = q.bind(plan_id);
    }
    if let Some(person) = &person {
        q = q.bind(person.clone()).bind(person.clone());
    }
    if let Some(kind) = filter.kind {
        q = q.bind(kind.as_str());
    }
    if let Some(from) = filter.from {
        q = q.bind(from);
    }
    if let Some(until) = filter.until {
        q = q.bind(until);
    }
    let rows = q.bind(limit).fetch_all(db.reader()).await?;
    rows.iter()
        .map(|r| {
            Ok(ShownRow {
                entry: entry_from_row(r)?,
                person_name: r.try_get("display_name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// The names the subjects and particulars of `rows` refer to (see [`super::about`]): a few
/// small lookups by id for the lines of one page.
pub async fn names(db: &Db, rows: &[ShownRow]) -> DbResult<super::about::Names> {
    use std::collections::BTreeSet;
    let mut wanted: std::collections::HashMap<&str, BTreeSet<i64>> = Default::default();
    for r in rows {
        if let Some((kind, id)) = super::about::reference(&r.entry.subject) {
            wanted.entry(kind).or_default().insert(id);
        }
        // The organisations and sections the particulars name, for their lines in words.
        for (kind, id) in super::about::referenced(&r.entry.details) {
            wanted.entry(kind).or_default().insert(id);
        }
    }
    let lookup = async |sql: &str,
                        ids: Option<&BTreeSet<i64>>|
           -> DbResult<std::collections::HashMap<i64, String>> {
        let Some(ids) = ids.filter(|i| !i.is_empty()) else {
            return Ok(Default::default());
        };
        // Ids only (parsed integers), at most a page's worth.
        let list = ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&sql.replace("{ids}", &list))
            .fetch_all(db.reader())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(DbError::from)
    };
    Ok(super::about::Names {
        sections: lookup(
            "SELECT id, title FROM sections WHERE id IN ({ids})",
            wanted.get("section"),
        )
        .await?,
        people: lookup(
            "SELECT id, display_name FROM people WHERE id IN ({ids})",
            wanted.get("person"),
        )
        .await?,
        organisations: lookup(
            "SELECT id, name FROM organisations WHERE id IN ({ids})",
            wanted.get("organisation"),
        )
        .await?,
        plans: lookup(
            "SELECT id, title FROM plans WHERE id IN ({ids})",
            wanted.get("plan"),
        )
        .await?,
        grants: lookup(
            "SELECT g.id, COALESCE(p.display_name, o.name) FROM plan_grants g
             LEFT JOIN people p ON g.grantee_kind = 'person' AND p.id = g.grantee_id
             LEFT JOIN organisations o ON g.grantee_kind = 'organisation' AND o.id = g.grantee_id
             WHERE g.id IN ({ids})",
            wanted.get("grant"),
        )
        .await?,
    })
}
