//! Queries for checklists, their evidence and section links. Every item query names the plan
//! too, so an id from another plan finds nothing. Writes take the transaction of the audited
//! change they belong to.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::domain::{is_overdue, ItemStatus, StatusKind};
use super::fields::ItemFields;
use super::views::{ChecklistItem, Evidence};
use crate::db::{decode, flag, one_or_more, Db, DbError, DbResult, Tx};

/// A small stored number (goal, pillar, risk factor); 0, which no catalogue holds, if corrupt.
pub(super) fn small(n: i64) -> u8 {
    u8::try_from(n).unwrap_or(0)
}

/// Inserts an item with its risk factors and first version inside `tx`.
pub(super) async fn insert_item_tx(
    tx: &mut Tx<'_>,
    plan_id: i64,
    template_id: Option<i64>,
    position: i64,
    f: &ItemFields,
    by: i64,
    now: i64,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO checklist_items (plan_id, template_id, position, text, psg, pillar, status, na_reason,
             responsible_org_id, responsible_person, due_date, version, retired, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, 0, $12, $12, $13) RETURNING id",
    )
    .bind(plan_id)
    .bind(template_id)
    .bind(position)
    .bind(&f.text)
    .bind(i64::from(f.psg))
    .bind(i64::from(f.pillar))
    .bind(f.status.kind().as_str())
    .bind(f.status.reason())
    .bind(f.responsible_org)
    .bind(&f.responsible_person)
    .bind(f.due_date)
    .bind(now)
    .bind(by)
    .fetch_one(&mut **tx)
    .await?;
    write_risks(tx, id, &f.risk_factors).await?;
    write_version(tx, id, 1, f, by, now).await?;
    Ok(id)
}

async fn write_risks(tx: &mut Tx<'_>, item: i64, risks: &[u8]) -> DbResult<()> {
    sqlx::query("DELETE FROM checklist_item_risks WHERE item_id = $1")
        .bind(item)
        .execute(&mut **tx)
        .await?;
    for r in risks {
        sqlx::query("INSERT INTO checklist_item_risks (item_id, risk_factor) VALUES ($1, $2)")
            .bind(item)
            .bind(i64::from(*r))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn write_version(
    tx: &mut Tx<'_>,
    item: i64,
    version: i64,
    f: &ItemFields,
    by: i64,
    now: i64,
) -> DbResult<()> {
    let json =
        serde_json::to_string(f).map_err(|e| DbError::Sqlx(sqlx::Error::Encode(e.into())))?;
    sqlx::query("INSERT INTO checklist_item_versions (item_id, version, fields, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(item)
        .bind(version)
        .bind(json)
        .bind(by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds an item at the end of plan `plan_id`'s checklist inside `tx`.
pub async fn insert_item(
    tx: &mut Tx<'_>,
    plan_id: i64,
    f: &ItemFields,
    by: i64,
    now: i64,
) -> DbResult<i64> {
    let position: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM checklist_items WHERE plan_id = $1",
    )
    .bind(plan_id)
    .fetch_one(&mut **tx)
    .await?;
    insert_item_tx(tx, plan_id, None, position, f, by, now).await
}

const ITEM_SELECT: &str = "SELECT i.id, i.position, i.text, i.psg, i.pillar, i.status, i.na_reason,
        i.responsible_org_id, o.name AS org_name, i.responsible_person, i.due_date, i.version,
        i.retired, i.updated_at, p.display_name,
        (SELECT COUNT(*) FROM checklist_evidence e WHERE e.item_id = i.id) AS evidence_count
     FROM checklist_items i
     LEFT JOIN organisations o ON o.id = i.responsible_org_id
     LEFT JOIN people p ON p.id = i.updated_by";

fn item_from_row(r: &AnyRow, risks: Vec<u8>, today: i64) -> Result<ChecklistItem, sqlx::Error> {
    let kind = decode(StatusKind::parse(&r.try_get::<String, _>("status")?))?;
    let reason: String = r.try_get("na_reason")?;
    let status = decode(ItemStatus::parse(kind.as_str(), &reason).map_err(|(_, m)| m))?;
    let due_date: Option<i64> = r.try_get("due_date")?;
    Ok(ChecklistItem {
        id: r.try_get("id")?,
        position: r.try_get("position")?,
        text: r.try_get("text")?,
        psg: small(r.try_get("psg")?),
        pillar: small(r.try_get("pillar")?),
        risk_factors: risks,
        overdue: is_overdue(kind, due_date, today),
        status,
        responsible_org_id: r.try_get("responsible_org_id")?,
        responsible_org_name: r.try_get("org_name")?,
        responsible_person: r.try_get("responsible_person")?,
        due_date,
        version: r.try_get("version")?,
        retired: flag(r, "retired")?,
        evidence_count: r.try_get("evidence_count")?,
        updated_at: r.try_get("updated_at")?,
        updated_by: r.try_get("display_name")?,
    })
}

/// Every item of plan `plan_id` (retired ones too), in order. `today`: start of the current day.
pub async fn items(db: &Db, plan_id: i64, today: i64) -> DbResult<Vec<ChecklistItem>> {
    let sql = format!("{ITEM_SELECT} WHERE i.plan_id = $1 ORDER BY i.position, i.id");
    let rows = sqlx::query(&sql)
        .bind(plan_id)
        .fetch_all(db.reader())
        .await?;
    let risks = sqlx::query(
        "SELECT r.item_id, r.risk_factor FROM checklist_item_risks r
         JOIN checklist_items i ON i.id = r.item_id WHERE i.plan_id = $1 ORDER BY r.risk_factor",
    )
    .bind(plan_id)
    .fetch_all(db.reader())
    .await?;
    let mut by_item: std::collections::HashMap<i64, Vec<u8>> = Default::default();
    for r in &risks {
        by_item
            .entry(r.try_get("item_id")?)
            .or_default()
            .push(small(r.try_get("risk_factor")?));
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            item_from_row(r, by_item.remove(&id).unwrap_or_default(), today)
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Item `id` of plan `plan_id`, or `NotFound`.
pub async fn item(db: &Db, plan_id: i64, id: i64, today: i64) -> DbResult<ChecklistItem> {
    let sql = format!("{ITEM_SELECT} WHERE i.id = $1 AND i.plan_id = $2");
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(plan_id)
        .fetch_one(db.reader())
        .await?;
    let risks: Vec<i64> = sqlx::query_scalar(
        "SELECT risk_factor FROM checklist_item_risks WHERE item_id = $1 ORDER BY risk_factor",
    )
    .bind(id)
    .fetch_all(db.reader())
    .await?;
    Ok(item_from_row(
        &row,
        risks.into_iter().map(small).collect(),
        today,
    )?)
}

/// The fields item `item_id` held at `version`.
pub async fn version_fields(db: &Db, item_id: i64, version: i64) -> DbResult<ItemFields> {
    let json: String = sqlx::query_scalar(
        "SELECT fields FROM checklist_item_versions WHERE item_id = $1 AND version = $2",
    )
    .bind(item_id)
    .bind(version)
    .fetch_one(db.reader())
    .await?;
    serde_json::from_str(&json).map_err(|e| DbError::Sqlx(sqlx::Error::Decode(e.into())))
}

/// Every version of the item, oldest first: (version, fields, who, when).
pub async fn versions(
    db: &Db,
    item_id: i64,
) -> DbResult<Vec<(i64, ItemFields, Option<String>, i64)>> {
    let rows = sqlx::query(
        "SELECT v.version, v.fields, v.changed_at, p.display_name FROM checklist_item_versions v
         LEFT JOIN people p ON p.id = v.changed_by WHERE v.item_id = $1 ORDER BY v.version",
    )
    .bind(item_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            let json: String = r.try_get("fields")?;
            let fields: ItemFields =
                serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(e.into()))?;
            Ok((
                r.try_get("version")?,
                fields,
                r.try_get("display_name")?,
                r.try_get("changed_at")?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// A new version of an item's fields.
pub struct ItemWrite<'a> {
    pub plan_id: i64,
    pub item_id: i64,
    /// The version the writer read; the write happens only if it is still current.
    pub expected_version: i64,
    /// The fields to store.
    pub fields: &'a ItemFields,
    /// Who.
    pub by: i64,
    pub now: i64,
}

/// Writes the next version of an item inside `tx`. The `UPDATE` only matches while the
/// version is still the one the writer read, so of two writers from the same version only one
/// succeeds; the other gets `Stale` and nothing is written for it.
pub async fn save_item(tx: &mut Tx<'_>, w: &ItemWrite<'_>) -> DbResult<i64> {
    let f = w.fields;
    let updated = sqlx::query(
        "UPDATE checklist_items SET text = $1, psg = $2, pillar = $3, status = $4, na_reason = $5,
             responsible_org_id = $6, responsible_person = $7, due_date = $8,
             version = version + 1, updated_at = $9, updated_by = $10
         WHERE id = $11 AND plan_id = $12 AND version = $13",
    )
    .bind(&f.text)
    .bind(i64::from(f.psg))
    .bind(i64::from(f.pillar))
    .bind(f.status.kind().as_str())
    .bind(f.status.reason())
    .bind(f.responsible_org)
    .bind(&f.responsible_person)
    .bind(f.due_date)
    .bind(w.now)
    .bind(w.by)
    .bind(w.item_id)
    .bind(w.plan_id)
    .bind(w.expected_version)
    .execute(&mut **tx)
    .await?;
    crate::db::exactly_one(updated)?;
    let version = w.expected_version + 1;
    write_risks(tx, w.item_id, &f.risk_factors).await?;
    write_version(tx, w.item_id, version, f, w.by, w.now).await?;
    sqlx::query("UPDATE plans SET updated_at = $1 WHERE id = $2")
        .bind(w.now)
        .bind(w.plan_id)
        .execute(&mut **tx)
        .await?;
    Ok(version)
}

/// Names of the people who saved versions of the item after `after`, in the order they first did.
pub async fn authors_after(db: &Db, item_id: i64, after: i64) -> DbResult<Vec<String>> {
    let names: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT p.display_name FROM checklist_item_versions v LEFT JOIN people p ON p.id = v.changed_by
         WHERE v.item_id = $1 AND v.version > $2
         GROUP BY v.changed_by, p.display_name ORDER BY MIN(v.version)",
    )
    .bind(item_id)
    .bind(after)
    .fetch_all(db.reader())
    .await?;
    Ok(names.into_iter().flatten().collect())
}

/// Retires (`true`) or restores an item of plan `plan_id` inside `tx`.
pub async fn set_retired(
    tx: &mut Tx<'_>,
    plan_id: i64,
    id: i64,
    retired: bool,
    now: i64,
) -> DbResult<()> {
    one_or_more(
        sqlx::query(
            "UPDATE checklist_items SET retired = $1, updated_at = $2 WHERE id = $3 AND plan_id = $4",
        )
        .bind(i64::from(retired))
        .bind(now)
        .bind(id)
        .bind(plan_id)
        .execute(&mut **tx)
        .await?,
    )
}

/// A new piece of evidence.
pub struct NewEvidence<'a> {
    pub plan_id: i64,
    pub item_id: i64,
    pub note: &'a str,
    /// Link.
    pub url: Option<&'a str>,
    /// Who.
    pub by: i64,
    /// Their organisation.
    pub organisation: Option<i64>,
    pub now: i64,
}

/// Adds evidence to an item, only if the item belongs to the plan (`NotFound` otherwise).
pub async fn add_evidence(tx: &mut Tx<'_>, e: &NewEvidence<'_>) -> DbResult<()> {
    one_or_more(
        sqlx::query(
            "INSERT INTO checklist_evidence (item_id, note, url, added_by, organisation_id, added_at)
             SELECT i.id, $1, $2, $3, $4, $5 FROM checklist_items i WHERE i.id = $6 AND i.plan_id = $7",
        )
        .bind(e.note)
        .bind(e.url)
        .bind(e.by)
        .bind(e.organisation)
        .bind(e.now)
        .bind(e.item_id)
        .bind(e.plan_id)
        .execute(&mut **tx)
        .await?,
    )
}

/// The item's evidence, oldest first.
pub async fn evidence(db: &Db, item_id: i64) -> DbResult<Vec<Evidence>> {
    let rows = sqlx::query(
        "SELECT e.id, e.note, e.url, e.added_at, p.display_name, o.name AS org_name
         FROM checklist_evidence e LEFT JOIN people p ON p.id = e.added_by
         LEFT JOIN organisations o ON o.id = e.organisation_id
         WHERE e.item_id = $1 ORDER BY e.added_at, e.id",
    )
    .bind(item_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Evidence {
                id: r.try_get("id")?,
                note: r.try_get("note")?,
                url: r.try_get("url")?,
                added_by: r.try_get("display_name")?,
                organisation: r.try_get("org_name")?,
                added_at: r.try_get("added_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Sections of the plan linked to the item: (id, title).
pub async fn linked_sections(db: &Db, item_id: i64) -> DbResult<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT s.id, s.title FROM checklist_item_sections l JOIN sections s ON s.id = l.section_id
         WHERE l.item_id = $1 ORDER BY s.position, s.id",
    )
    .bind(item_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("title")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Links an item and a section, both of plan `plan_id` (`NotFound` when either is not).
pub async fn link_section(
    tx: &mut Tx<'_>,
    plan_id: i64,
    item_id: i64,
    section_id: i64,
) -> DbResult<()> {
    let linked = sqlx::query(
        "INSERT INTO checklist_item_sections (item_id, section_id)
         SELECT i.id, s.id FROM checklist_items i JOIN sections s ON s.plan_id = i.plan_id
         WHERE i.id = $1 AND s.id = $2 AND i.plan_id = $3",
    )
    .bind(item_id)
    .bind(section_id)
    .bind(plan_id)
    .execute(&mut **tx)
    .await;
    match linked.map_err(DbError::from) {
        Ok(done) => one_or_more(done),
        // Already linked: the link the person asked for exists.
        Err(DbError::Duplicate(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes a link between an item of plan `plan_id` and a section.
pub async fn unlink_section(
    tx: &mut Tx<'_>,
    plan_id: i64,
    item_id: i64,
    section_id: i64,
) -> DbResult<()> {
    one_or_more(
        sqlx::query(
            "DELETE FROM checklist_item_sections WHERE item_id = $1 AND section_id = $2
             AND item_id IN (SELECT id FROM checklist_items WHERE plan_id = $3)",
        )
        .bind(item_id)
        .bind(section_id)
        .bind(plan_id)
        .execute(&mut **tx)
        .await?,
    )
}

/// Organisations holding a role on the plan: (id, name), by name.
pub async fn plan_organisations(db: &Db, plan_id: i64) -> DbResult<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT o.id, o.name FROM plan_grants g JOIN organisations o ON o.id = g.grantee_id
         WHERE g.plan_id = $1 AND g.grantee_kind = 'organisation' ORDER BY o.name",
    )
    .bind(plan_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}
