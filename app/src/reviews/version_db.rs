//! Queries for approved plan versions: the snapshot written when the lead approves the plan,
//! and reading it back. Snapshot rows are only ever inserted, so a version never changes
//! while work on the plan goes on.

use sqlx::Row;

use super::views::{PlanVersion, SnapshotItem, SnapshotSection};
use crate::db::{now, Db, DbError, DbResult, Tx};

/// Why a plan cannot be approved.
#[derive(Debug)]
pub enum ApprovePlanError {
    /// These active sections are not approved at their current version.
    Unapproved(Vec<String>),
    /// The plan has no active section.
    Empty,
    /// The database failed.
    Db(DbError),
}

impl From<sqlx::Error> for ApprovePlanError {
    fn from(e: sqlx::Error) -> Self {
        ApprovePlanError::Db(e.into())
    }
}

impl From<DbError> for ApprovePlanError {
    fn from(e: DbError) -> Self {
        ApprovePlanError::Db(e)
    }
}

/// A plan version just frozen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frozen {
    pub number: i64,
    /// How many sections it holds.
    pub sections: usize,
    /// How many checklist items it holds.
    pub checklist_items: usize,
}

/// Freezes the plan as its next numbered version inside `tx`, if every active section is
/// approved at its current version; checked and written in one transaction so no save slips
/// in between.
pub async fn approve_plan(
    tx: &mut Tx<'_>,
    plan_id: i64,
    by: i64,
) -> Result<Frozen, ApprovePlanError> {
    let sections = sqlx::query(
        "SELECT s.id, s.position, s.title, t.body, s.version, r.state, r.version AS reviewed
         FROM sections s JOIN revisions t ON t.section_id = s.id AND t.number = s.version
         LEFT JOIN section_reviews r ON r.section_id = s.id
         WHERE s.plan_id = $1 AND s.removed_at IS NULL ORDER BY s.position, s.id",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    if sections.is_empty() {
        return Err(ApprovePlanError::Empty);
    }
    let mut unapproved = Vec::new();
    for s in &sections {
        let state: Option<String> = s.try_get("state")?;
        let reviewed: Option<i64> = s.try_get("reviewed")?;
        let version: i64 = s.try_get("version")?;
        if state.as_deref() != Some("approved") || reviewed != Some(version) {
            unapproved.push(s.try_get::<String, _>("title")?);
        }
    }
    if !unapproved.is_empty() {
        return Err(ApprovePlanError::Unapproved(unapproved));
    }
    let number: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM plan_versions WHERE plan_id = $1",
    )
    .bind(plan_id)
    .fetch_one(&mut **tx)
    .await?;
    let title: String = sqlx::query_scalar("SELECT title FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO plan_versions (plan_id, number, title, approved_by, approved_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(plan_id)
        .bind(number)
        .bind(&title)
        .bind(by)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    for s in &sections {
        sqlx::query("INSERT INTO plan_version_sections (plan_id, number, position, section_id, section_version, title, body) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(plan_id)
            .bind(number)
            .bind(s.try_get::<i64, _>("position")?)
            .bind(s.try_get::<i64, _>("id")?)
            .bind(s.try_get::<i64, _>("version")?)
            .bind(s.try_get::<String, _>("title")?)
            .bind(s.try_get::<String, _>("body")?)
            .execute(&mut **tx)
            .await?;
    }
    let items = sqlx::query(
        "SELECT text, status, na_reason FROM checklist_items WHERE plan_id = $1 AND retired = 0 ORDER BY position, id",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    for (i, item) in items.iter().enumerate() {
        sqlx::query("INSERT INTO plan_version_checklist (plan_id, number, position, text, status, details) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(plan_id)
            .bind(number)
            .bind(i as i64 + 1)
            .bind(item.try_get::<String, _>("text")?)
            .bind(item.try_get::<String, _>("status")?)
            .bind(item.try_get::<String, _>("na_reason")?)
            .execute(&mut **tx)
            .await?;
    }
    Ok(Frozen {
        number,
        sections: sections.len(),
        checklist_items: items.len(),
    })
}

/// A plan version as stored: its sections' Markdown is rendered by the caller, off the async
/// workers.
pub struct StoredVersion {
    /// The version, each section's `html` still empty.
    pub version: PlanVersion,
    /// Each section's Markdown, in the same order.
    pub bodies: Vec<String>,
}

/// Version `number` of plan `plan_id`.
pub async fn plan_version(db: &Db, plan_id: i64, number: i64) -> DbResult<StoredVersion> {
    let head = sqlx::query(
        "SELECT v.title, v.approved_at, p.display_name FROM plan_versions v JOIN people p ON p.id = v.approved_by
         WHERE v.plan_id = $1 AND v.number = $2",
    )
    .bind(plan_id)
    .bind(number)
    .fetch_one(db.reader())
    .await?;
    let sections = sqlx::query(
        "SELECT title, body, section_version FROM plan_version_sections WHERE plan_id = $1 AND number = $2 ORDER BY position, section_id",
    )
    .bind(plan_id)
    .bind(number)
    .fetch_all(db.reader())
    .await?;
    let items = sqlx::query(
        "SELECT text, status, details FROM plan_version_checklist WHERE plan_id = $1 AND number = $2 ORDER BY position",
    )
    .bind(plan_id)
    .bind(number)
    .fetch_all(db.reader())
    .await?;
    let read = || -> Result<StoredVersion, sqlx::Error> {
        let version = PlanVersion {
            plan_id,
            number,
            title: head.try_get("title")?,
            approved_at: head.try_get("approved_at")?,
            approved_by: head.try_get("display_name")?,
            sections: sections
                .iter()
                .map(|s| {
                    Ok(SnapshotSection {
                        title: s.try_get("title")?,
                        html: String::new(),
                        section_version: s.try_get("section_version")?,
                    })
                })
                .collect::<Result<_, sqlx::Error>>()?,
            checklist: items
                .iter()
                .map(|i| {
                    Ok(SnapshotItem {
                        text: i.try_get("text")?,
                        status: i.try_get("status")?,
                        details: i.try_get("details")?,
                    })
                })
                .collect::<Result<_, sqlx::Error>>()?,
        };
        let bodies = sections
            .iter()
            .map(|s| s.try_get("body"))
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(StoredVersion { version, bodies })
    };
    Ok(read()?)
}

/// The plan's approved versions, newest first: (number, approved at).
pub async fn versions(db: &Db, plan_id: i64) -> DbResult<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT number, approved_at FROM plan_versions WHERE plan_id = $1 ORDER BY number DESC",
    )
    .bind(plan_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("number")?, r.try_get("approved_at")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}
