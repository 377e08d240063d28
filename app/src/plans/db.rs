//! Queries for plans, their sections' table of contents, and the section template.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::domain::{Period, PlanStatus};
use super::views::{PlanHeader, TemplateSection};
use crate::db::{decode, flag, one_or_more, Db, DbError, DbResult, Tx};
use crate::foundation::audit::domain::{AuditKind, NewEntry};
use crate::foundation::frameworks::parse_numbers;

/// True when plan `id` exists.
pub async fn plan_exists(db: &Db, id: i64) -> DbResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plans WHERE id = $1")
        .bind(id)
        .fetch_one(db.reader())
        .await?;
    Ok(n > 0)
}

const PLAN_SELECT: &str =
    "SELECT p.id, p.title, p.country, p.summary, p.period_start, p.period_end, p.fragility_stage,
        p.status, p.lead_org_id, o.name AS lead_org_name
     FROM plans p JOIN organisations o ON o.id = p.lead_org_id";

fn header_from_row(r: &AnyRow) -> Result<PlanHeader, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(PlanHeader {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        country: r.try_get("country")?,
        summary: r.try_get("summary")?,
        period_start: r.try_get("period_start")?,
        period_end: r.try_get("period_end")?,
        fragility_stage: r.try_get("fragility_stage")?,
        status: decode(PlanStatus::parse(&status))?,
        lead_org_id: r.try_get("lead_org_id")?,
        lead_org_name: r.try_get("lead_org_name")?,
    })
}

/// Plan `id`.
pub async fn plan(db: &Db, id: i64) -> DbResult<PlanHeader> {
    let sql = format!("{PLAN_SELECT} WHERE p.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(db.reader()).await?;
    Ok(header_from_row(&row)?)
}

/// Every plan, most recently changed first. Callers drop those the viewer may not see and
/// apply the list's filters to what is left (the filter choices come from the visible plans).
pub async fn list_plans(db: &Db) -> DbResult<Vec<PlanHeader>> {
    let sql = format!("{PLAN_SELECT} ORDER BY p.updated_at DESC, p.id DESC");
    let rows = sqlx::query(&sql).fetch_all(db.reader()).await?;
    Ok(rows.iter().map(header_from_row).collect::<Result<_, _>>()?)
}

/// A new plan's fields.
pub struct NewPlan<'a> {
    /// ISO code.
    pub country: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    /// Years.
    pub period: Period,
    /// Fragility stage 1-5.
    pub stage: u8,
    /// Lead organisation.
    pub lead_org_id: i64,
    /// Creator.
    pub created_by: i64,
    /// Creator's organisation, recorded on the first revisions.
    pub creator_org: Option<i64>,
    /// Copy the template's sections.
    pub from_template: bool,
    pub now: i64,
    /// The creator's client address, for the audit trail (none outside a request).
    pub ip: Option<&'a str>,
}

/// Creates a plan in one transaction: the plan, its founding grants (see
/// [`crate::access::domain::founding_grants`]), (when asked) a copy of the template's sections
/// with their tags, always a copy of the checklist template, and the creation's entry in the
/// audit trail.
pub async fn insert_plan(db: &Db, p: &NewPlan<'_>) -> DbResult<i64> {
    let mut entry = NewEntry::new(AuditKind::PlanChange, "plan")
        .by(p.created_by)
        .details(
            serde_json::json!({"action": "plan created", "title": p.title, "country": p.country}),
        );
    entry.ip = p.ip.map(str::to_owned);
    db.write_audited(
        |id: &i64| entry.about(format!("plan {id}")).plan(*id),
        async |tx| insert_plan_tx(tx, p).await,
    )
    .await
}

async fn insert_plan_tx(tx: &mut Tx<'_>, p: &NewPlan<'_>) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO plans (country, title, summary, period_start, period_end, fragility_stage, lead_org_id, status, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $9) RETURNING id",
    )
    .bind(p.country)
    .bind(p.title)
    .bind(p.summary)
    .bind(p.period.start)
    .bind(p.period.end)
    .bind(i64::from(p.stage))
    .bind(p.lead_org_id)
    .bind(p.created_by)
    .bind(p.now)
    .fetch_one(&mut **tx)
    .await?;
    for (grantee, role) in crate::access::domain::founding_grants(p.created_by, p.lead_org_id) {
        crate::access::db::insert_grant(tx, id, grantee, role, p.created_by, p.now).await?;
    }
    if p.from_template {
        let templates = sqlx::query("SELECT title, guidance, psgs, pillars FROM section_templates WHERE retired = 0 ORDER BY position, id")
            .fetch_all(&mut **tx)
            .await?;
        for (i, t) in templates.iter().enumerate() {
            let title: String = t.try_get("title")?;
            let guidance: String = t.try_get("guidance")?;
            let psgs = parse_numbers(&t.try_get::<String, _>("psgs")?, 5);
            let pillars = parse_numbers(&t.try_get::<String, _>("pillars")?, 3);
            crate::sections::db::insert_section_tx(
                tx,
                &crate::sections::db::NewSection {
                    plan_id: id,
                    position: i as i64 + 1,
                    title: &title,
                    guidance: &guidance,
                    body: "",
                    psgs: &psgs,
                    pillars: &pillars,
                    author: p.created_by,
                    organisation: p.creator_org,
                    now: p.now,
                },
            )
            .await?;
        }
    }
    crate::checklist::template_db::copy_template_tx(tx, id, p.created_by, p.now).await?;
    Ok(id)
}

/// Changes a plan's status.
pub async fn set_status(db: &Db, id: i64, status: PlanStatus, now: i64) -> DbResult<()> {
    one_or_more(
        sqlx::query("UPDATE plans SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(now)
            .bind(id)
            .execute(db.write().await.conn())
            .await?,
    )
}

/// The section template, in order (retired sections included).
pub async fn template(db: &Db) -> DbResult<Vec<TemplateSection>> {
    let rows = sqlx::query("SELECT id, position, title, guidance, psgs, pillars, retired FROM section_templates ORDER BY position, id")
        .fetch_all(db.reader())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(TemplateSection {
                id: r.try_get("id")?,
                position: r.try_get("position")?,
                title: r.try_get("title")?,
                guidance: r.try_get("guidance")?,
                psgs: r.try_get("psgs")?,
                pillars: r.try_get("pillars")?,
                retired: flag(r, "retired")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Adds a template section at the end.
pub async fn add_template_section(
    db: &Db,
    title: &str,
    guidance: &str,
    psgs: &str,
    pillars: &str,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO section_templates (position, title, guidance, psgs, pillars)
         VALUES ((SELECT COALESCE(MAX(position), 0) + 1 FROM section_templates), $1, $2, $3, $4) RETURNING id",
    )
    .bind(title)
    .bind(guidance)
    .bind(psgs)
    .bind(pillars)
    .fetch_one(db.write().await.conn())
    .await?)
}

/// Changes a template section.
pub async fn update_template_section(
    db: &Db,
    id: i64,
    title: &str,
    guidance: &str,
    psgs: &str,
    pillars: &str,
    retired: bool,
) -> DbResult<()> {
    one_or_more(sqlx::query("UPDATE section_templates SET title = $1, guidance = $2, psgs = $3, pillars = $4, retired = $5 WHERE id = $6")
        .bind(title)
        .bind(guidance)
        .bind(psgs)
        .bind(pillars)
        .bind(i64::from(retired))
        .bind(id)
        .execute(db.write().await.conn())
        .await?)
}
