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
