//! Queries for the checklist template: copying it into a new plan, reading it, and the
//! administrators' changes to it.

use sqlx::Row;

use super::db::{insert_item_tx, small};
use super::domain::ItemStatus;
use super::fields::ItemFields;
use super::views::TemplateItem;
use crate::db::{flag, one_or_more, Db, DbError, DbResult, Tx};

/// Copies the active template items, with their risk factors, into plan `plan_id` (inside the
/// plan's creation transaction, so a plan never exists without its checklist).
pub async fn copy_template_tx(
    tx: &mut Tx<'_>,
    plan_id: i64,
    created_by: i64,
    now: i64,
) -> DbResult<()> {
    let templates = sqlx::query(
        "SELECT id, text, psg, pillar FROM checklist_templates WHERE retired = 0 ORDER BY position, id",
    )
    .fetch_all(&mut **tx)
    .await?;
    for (i, t) in templates.iter().enumerate() {
        let template_id: i64 = t.try_get("id")?;
        let risks: Vec<i64> = sqlx::query_scalar(
            "SELECT risk_factor FROM checklist_template_risks WHERE template_id = $1 ORDER BY risk_factor",
        )
        .bind(template_id)
        .fetch_all(&mut **tx)
        .await?;
        let fields = ItemFields {
            text: t.try_get("text")?,
            psg: small(t.try_get("psg")?),
            pillar: small(t.try_get("pillar")?),
            risk_factors: risks.into_iter().map(small).collect(),
            status: ItemStatus::NotStarted,
            responsible_org: None,
            responsible_person: String::new(),
            due_date: None,
        };
        insert_item_tx(
            tx,
            plan_id,
            Some(template_id),
            i as i64 + 1,
            &fields,
            created_by,
            now,
        )
        .await?;
    }
    Ok(())
}

/// The checklist template, in order (retired items included).
pub async fn template(db: &Db) -> DbResult<Vec<TemplateItem>> {
    let rows = sqlx::query(
        "SELECT id, position, text, psg, pillar, source, retired FROM checklist_templates ORDER BY position, id",
    )
    .fetch_all(db.reader())
    .await?;
    let risks = sqlx::query(
        "SELECT template_id, risk_factor FROM checklist_template_risks ORDER BY risk_factor",
    )
    .fetch_all(db.reader())
    .await?;
    let mut by_item: std::collections::HashMap<i64, Vec<u8>> = Default::default();
    for r in &risks {
        by_item
            .entry(r.try_get("template_id")?)
            .or_default()
            .push(small(r.try_get("risk_factor")?));
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok(TemplateItem {
                id,
                position: r.try_get("position")?,
                text: r.try_get("text")?,
                psg: small(r.try_get("psg")?),
                pillar: small(r.try_get("pillar")?),
                risk_factors: by_item.remove(&id).unwrap_or_default(),
                source: r.try_get("source")?,
                retired: flag(r, "retired")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// A template item's fields.
pub struct TemplateFields<'a> {
    pub text: &'a str,
    /// Goal.
    pub psg: u8,
    pub pillar: u8,
    pub risk_factors: &'a [u8],
}

async fn write_template_risks(tx: &mut Tx<'_>, id: i64, risks: &[u8]) -> DbResult<()> {
    sqlx::query("DELETE FROM checklist_template_risks WHERE template_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for r in risks {
        sqlx::query(
            "INSERT INTO checklist_template_risks (template_id, risk_factor) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(i64::from(*r))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Adds an item at the end of the template inside `tx`.
pub async fn add_template_item(tx: &mut Tx<'_>, f: &TemplateFields<'_>) -> DbResult<i64> {
    let position: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM checklist_templates")
            .fetch_one(&mut **tx)
            .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO checklist_templates (position, slug, text, psg, pillar, source)
         VALUES ($1, $2, $3, $4, $5, 'admin') RETURNING id",
    )
    .bind(position)
    .bind(format!("custom-{position}-{}", crate::db::now()))
    .bind(f.text)
    .bind(i64::from(f.psg))
    .bind(i64::from(f.pillar))
    .fetch_one(&mut **tx)
    .await?;
    write_template_risks(tx, id, f.risk_factors).await?;
    Ok(id)
}

/// Changes or retires a template item inside `tx` (plans already created keep their copies).
pub async fn update_template_item(
    tx: &mut Tx<'_>,
    id: i64,
    f: &TemplateFields<'_>,
    retired: bool,
) -> DbResult<()> {
    one_or_more(
        sqlx::query(
            "UPDATE checklist_templates SET text = $1, psg = $2, pillar = $3, retired = $4 WHERE id = $5",
        )
        .bind(f.text)
        .bind(i64::from(f.psg))
        .bind(i64::from(f.pillar))
        .bind(i64::from(retired))
        .bind(id)
        .execute(&mut **tx)
        .await?,
    )?;
    write_template_risks(tx, id, f.risk_factors).await
}
