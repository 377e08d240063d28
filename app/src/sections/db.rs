//! Queries for sections and their revisions. Every section query names the plan too, so an id
//! from another plan finds nothing.

use sqlx::Row;

use super::views::{Neighbour, RevisionSummary, SectionListItem};
use crate::db::{one_or_more, Db, DbError, DbResult, Tx};
use crate::foundation::audit::domain::{AuditKind, NewEntry};

/// A section as stored.
#[derive(Debug, Clone)]
pub struct SectionRow {
    /// Database id.
    pub id: i64,
    pub plan_id: i64,
    /// The plan's title.
    pub plan_title: String,
    pub title: String,
    pub guidance: String,
    /// Markdown.
    pub body: String,
    /// Saves so far.
    pub version: i64,
    /// Last change.
    pub updated_at: i64,
    /// Who changed it last.
    pub updated_by: Option<String>,
    /// Their organisation on that revision.
    pub updated_by_org: Option<String>,
    /// Removal time.
    pub removed_at: Option<i64>,
}

/// A new section's fields.
pub struct NewSection<'a> {
    pub plan_id: i64,
    pub position: i64,
    pub title: &'a str,
    pub guidance: &'a str,
    /// First body.
    pub body: &'a str,
    /// PSG tags.
    pub psgs: &'a [u8],
    /// Pillar tags.
    pub pillars: &'a [u8],
    /// Creator.
    pub author: i64,
    /// Creator's organisation.
    pub organisation: Option<i64>,
    pub now: i64,
}

/// Inserts a section with its first revision and tags inside `tx`.
pub async fn insert_section_tx(tx: &mut Tx<'_>, s: &NewSection<'_>) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sections (plan_id, position, title, guidance, version, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id",
    )
    .bind(s.plan_id)
    .bind(s.position)
    .bind(s.title)
    .bind(s.guidance)
    .bind(s.author)
    .bind(s.now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO revisions (section_id, number, kind, author_id, organisation_id, created_at, body) VALUES ($1, 1, 'create', $2, $3, $4, $5)")
        .bind(id)
        .bind(s.author)
        .bind(s.organisation)
        .bind(s.now)
        .bind(s.body)
        .execute(&mut **tx)
        .await?;
    write_tags(tx, id, s.psgs, s.pillars).await?;
    Ok(id)
}

async fn write_tags(tx: &mut Tx<'_>, section: i64, psgs: &[u8], pillars: &[u8]) -> DbResult<()> {
    sqlx::query("DELETE FROM section_tags WHERE section_id = $1")
        .bind(section)
        .execute(&mut **tx)
        .await?;
    for (framework, numbers) in [("psg", psgs), ("pillar", pillars)] {
        for no in numbers {
            sqlx::query("INSERT INTO section_tags (section_id, framework, no) VALUES ($1, $2, $3)")
                .bind(section)
                .bind(framework)
                .bind(i64::from(*no))
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Adds a section at the end of the plan inside `tx`.
pub async fn add_section(
    tx: &mut Tx<'_>,
    plan_id: i64,
    title: &str,
    author: i64,
    organisation: Option<i64>,
    now: i64,
) -> DbResult<i64> {
    let position: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM sections WHERE plan_id = $1",
    )
    .bind(plan_id)
    .fetch_one(&mut **tx)
    .await?;
    insert_section_tx(
        tx,
        &NewSection {
            plan_id,
            position,
            title,
            guidance: "",
            body: "",
            psgs: &[],
            pillars: &[],
            author,
            organisation,
            now,
        },
    )
    .await
}

/// Section `id` of plan `plan_id`, or `NotFound`.
pub async fn section(db: &Db, plan_id: i64, id: i64) -> DbResult<SectionRow> {
    let key = format!("{plan_id}:{id}");
    db.memo_weighed("sections.row", key, SectionRow::weight, || async {
        let r = sqlx::query(
            "SELECT s.id, s.plan_id, pl.title AS plan_title, s.title, s.guidance, r.body, s.version, s.updated_at, s.removed_at,
                    p.display_name, o.name AS org_name
             FROM sections s
             JOIN plans pl ON pl.id = s.plan_id
             LEFT JOIN people p ON p.id = s.updated_by
             JOIN revisions r ON r.section_id = s.id AND r.number = s.version
             LEFT JOIN organisations o ON o.id = r.organisation_id
             WHERE s.id = $1 AND s.plan_id = $2",
        )
        .bind(id)
        .bind(plan_id)
        .fetch_one(db.reader())
        .await?;
        Ok(SectionRow {
            id: r.try_get("id")?,
            plan_id: r.try_get("plan_id")?,
            plan_title: r.try_get("plan_title")?,
            title: r.try_get("title")?,
            guidance: r.try_get("guidance")?,
            body: r.try_get("body")?,
            version: r.try_get("version")?,
            updated_at: r.try_get("updated_at")?,
            updated_by: r.try_get("display_name")?,
            updated_by_org: r.try_get("org_name")?,
            removed_at: r.try_get("removed_at")?,
        })
    })
    .await
}

impl SectionRow {
    /// Roughly the bytes this row holds, for the memo table's budget: the texts dominate.
    fn weight(&self) -> usize {
        self.body.len() + self.guidance.len() + self.title.len() + self.plan_title.len() + 256
    }
}

/// The section's tags: `(psgs, pillars)`.
pub async fn tags(db: &Db, section_id: i64) -> DbResult<(Vec<u8>, Vec<u8>)> {
    db.memo("sections.tags", section_id.to_string(), || async {
        let rows =
            sqlx::query("SELECT framework, no FROM section_tags WHERE section_id = $1 ORDER BY no")
                .bind(section_id)
                .fetch_all(db.reader())
                .await?;
        let (mut psgs, mut pillars) = (Vec::new(), Vec::new());
        for r in &rows {
            let no = u8::try_from(r.try_get::<i64, _>("no")?).unwrap_or(0);
            if r.try_get::<String, _>("framework")? == "psg" {
                psgs.push(no);
            } else {
                pillars.push(no);
            }
        }
        Ok((psgs, pillars))
    })
    .await
}

/// A revision to write. It owns its text: it may wait in the save queue.
#[derive(Debug, Clone)]
pub struct NewRevision {
    pub section_id: i64,
    /// The version the writer read; the write happens only if it is still current.
    pub expected_version: i64,
    /// The new body.
    pub body: String,
    /// edit, merge or restore.
    pub kind: &'static str,
    pub author: i64,
    /// Author's organisation.
    pub organisation: Option<i64>,
    pub note: String,
    pub now: i64,
    /// The author's client address, for the audit trail.
    pub ip: Option<String>,
}

/// Writes a new version of the body (its revision) inside `tx` and returns its number. The
/// `UPDATE` only matches while the version is still the one the writer read, so two writers can
/// never both succeed from the same version: the loser gets `Stale` and nothing is written for
/// it, so the transaction may go on with other saves (see [`super::save_queue`]).
pub async fn save_body_tx(db: &Db, tx: &mut Tx<'_>, r: &NewRevision) -> DbResult<i64> {
    // Matches only while the version is the one read; RETURNING saves asking for the plan.
    let plan_id: Option<i64> = sqlx::query_scalar("UPDATE sections SET version = version + 1, updated_by = $1, updated_at = $2 WHERE id = $3 AND version = $4 RETURNING plan_id")
        .bind(r.author)
        .bind(r.now)
        .bind(r.section_id)
        .bind(r.expected_version)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(plan_id) = plan_id else {
        return Err(DbError::Stale);
    };
    let number = r.expected_version + 1;
    sqlx::query(
        "INSERT INTO revisions (section_id, number, kind, author_id, organisation_id, created_at, body, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(r.section_id)
    .bind(number)
    .bind(r.kind)
    .bind(r.author)
    .bind(r.organisation)
    .bind(r.now)
    .bind(&r.body)
    .bind(&r.note)
    .execute(&mut **tx)
    .await?;
    let mut entry = NewEntry::new(AuditKind::SectionSave, format!("section {}", r.section_id))
    .by(r.author)
    .plan(plan_id)
    .details(serde_json::json!({ "version": number, "kind": r.kind, "note": r.note, "chars": r.body.chars().count() }));
    entry.ip = r.ip.clone();
    crate::foundation::audit::record::append(db, tx, &entry).await?;
    // Approvals are of an exact text: any new text returns the section to draft, and the
    // approvals it had stop counting (they stay stored against the version they approved).
    sqlx::query("UPDATE section_reviews SET state = 'draft', reason = '' WHERE section_id = $1 AND state <> 'draft'")
        .bind(r.section_id)
        .execute(&mut **tx)
        .await?;
    // The plan list sorts by activity.
    sqlx::query("UPDATE plans SET updated_at = $1 WHERE id = $2")
        .bind(r.now)
        .bind(plan_id)
        .execute(&mut **tx)
        .await?;
    Ok(number)
}

/// The body of revision `number` of section `section_id`.
pub async fn revision_body(db: &Db, section_id: i64, number: i64) -> DbResult<String> {
    Ok(sqlx::query_scalar(REVISION_BODY)
        .bind(section_id)
        .bind(number)
        .fetch_one(db.reader())
        .await?)
}

const REVISION_BODY: &str = "SELECT body FROM revisions WHERE section_id = $1 AND number = $2";

/// The active sections just before and after section `id` of plan `plan_id`, in the plan's
/// order: two lookups on `(plan_id, position)`, not a read of the whole plan, memoised until the
/// next write (every section page shows them).
pub async fn neighbours(
    db: &Db,
    plan_id: i64,
    id: i64,
) -> DbResult<(Option<Neighbour>, Option<Neighbour>)> {
    let key = format!("{plan_id}:{id}");
    let weigh = |(p, n): &(Option<Neighbour>, Option<Neighbour>)| {
        let title = |s: &Option<Neighbour>| s.as_ref().map_or(0, |s| s.title.len());
        title(p) + title(n) + 64
    };
    db.memo_weighed("sections.neighbours", key, weigh, || {
        read_neighbours(db, plan_id, id)
    })
    .await
}

async fn read_neighbours(
    db: &Db,
    plan_id: i64,
    id: i64,
) -> DbResult<(Option<Neighbour>, Option<Neighbour>)> {
    let side = |sql: &'static str| async move {
        let row = sqlx::query(sql)
            .bind(plan_id)
            .bind(id)
            .fetch_optional(db.reader())
            .await?;
        row.map(|r| {
            Ok::<_, sqlx::Error>(Neighbour {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
            })
        })
        .transpose()
        .map_err(DbError::from)
    };
    let previous = side(
        "SELECT id, title FROM sections WHERE plan_id = $1 AND removed_at IS NULL
         AND position < (SELECT position FROM sections WHERE id = $2) ORDER BY position DESC LIMIT 1",
    )
    .await?;
    let next = side(
        "SELECT id, title FROM sections WHERE plan_id = $1 AND removed_at IS NULL
         AND position > (SELECT position FROM sections WHERE id = $2) ORDER BY position LIMIT 1",
    )
    .await?;
    Ok((previous, next))
}

/// [`revision_body`] read inside `tx`; `None` when there is no such revision.
pub async fn revision_body_in(
    tx: &mut Tx<'_>,
    section_id: i64,
    number: i64,
) -> DbResult<Option<String>> {
    Ok(sqlx::query_scalar(REVISION_BODY)
        .bind(section_id)
        .bind(number)
        .fetch_optional(&mut **tx)
        .await?)
}

/// What a save is decided against: the section's version and text as they are now.
#[derive(Debug, Clone)]
pub struct CurrentText {
    /// The current version.
    pub version: i64,
    /// Its text.
    pub body: String,
    /// Whether the section was removed.
    pub removed: bool,
}

/// Section `id` of plan `plan_id` as it is inside `tx` (never a memo: the writer lane decides
/// on this); `None` when the plan has no such section.
pub async fn current_text(tx: &mut Tx<'_>, plan_id: i64, id: i64) -> DbResult<Option<CurrentText>> {
    let row = sqlx::query(
        "SELECT s.version, r.body, s.removed_at FROM sections s
         JOIN revisions r ON r.section_id = s.id AND r.number = s.version
         WHERE s.id = $1 AND s.plan_id = $2",
    )
    .bind(id)
    .bind(plan_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| {
        Ok(CurrentText {
            version: r.try_get("version")?,
            body: r.try_get("body")?,
            removed: r.try_get::<Option<i64>, _>("removed_at")?.is_some(),
        })
    })
    .transpose()
}

/// The section's revisions, newest first.
pub async fn revisions(db: &Db, section_id: i64) -> DbResult<Vec<RevisionSummary>> {
    let rows = sqlx::query(
        "SELECT r.number, r.kind, r.created_at, r.note, length(r.body) AS chars, p.display_name, o.name AS org_name
         FROM revisions r LEFT JOIN people p ON p.id = r.author_id LEFT JOIN organisations o ON o.id = r.organisation_id
         WHERE r.section_id = $1 ORDER BY r.number DESC",
    )
    .bind(section_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RevisionSummary {
                number: r.try_get("number")?,
                kind: r.try_get("kind")?,
                author: r.try_get("display_name")?,
                organisation: r.try_get("org_name")?,
                created_at: r.try_get("created_at")?,
                chars: r.try_get("chars")?,
                note: r.try_get("note")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Who saved section `section_id` after version `after`, each once, in order (read inside
/// `tx`).
pub async fn authors_after_in(
    tx: &mut Tx<'_>,
    section_id: i64,
    after: i64,
) -> DbResult<Vec<String>> {
    authors_after_on(&mut **tx, section_id, after).await
}

/// [`authors_after_in`], read outside the writer lane.
pub async fn authors_after(db: &Db, section_id: i64, after: i64) -> DbResult<Vec<String>> {
    authors_after_on(db.reader(), section_id, after).await
}

async fn authors_after_on<'e>(
    on: impl sqlx::Executor<'e, Database = sqlx::Any>,
    section_id: i64,
    after: i64,
) -> DbResult<Vec<String>> {
    let names: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT p.display_name FROM revisions r LEFT JOIN people p ON p.id = r.author_id
         WHERE r.section_id = $1 AND r.number > $2
         GROUP BY r.author_id, p.display_name ORDER BY MIN(r.number)",
    )
    .bind(section_id)
    .bind(after)
    .fetch_all(on)
    .await?;
    Ok(names.into_iter().flatten().collect())
}

/// Renames a section of plan `plan_id` inside `tx`.
pub async fn rename(tx: &mut Tx<'_>, plan_id: i64, id: i64, title: &str) -> DbResult<()> {
    one_or_more(
        sqlx::query("UPDATE sections SET title = $1 WHERE id = $2 AND plan_id = $3")
            .bind(title)
            .bind(id)
            .bind(plan_id)
            .execute(&mut **tx)
            .await?,
    )
}

/// Swaps a section with its neighbour above (`up`) or below among the plan's active sections,
/// inside `tx`.
pub async fn move_section(tx: &mut Tx<'_>, plan_id: i64, id: i64, up: bool) -> DbResult<()> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM sections WHERE plan_id = $1 AND removed_at IS NULL ORDER BY position, id",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    let Some(at) = ids.iter().position(|s| *s == id) else {
        return Err(DbError::NotFound);
    };
    let other = if up {
        at.checked_sub(1)
    } else {
        Some(at + 1).filter(|i| *i < ids.len())
    };
    let mut order = ids.clone();
    if let Some(other) = other {
        order.swap(at, other);
    }
    // Renumber the whole plan: positions stay dense whatever happened before.
    for (i, sid) in order.iter().enumerate() {
        sqlx::query("UPDATE sections SET position = $1 WHERE id = $2")
            .bind(i as i64 + 1)
            .bind(sid)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Removes (`Some(by)`) or restores (`None`) a section inside `tx`; its text and history stay.
pub async fn set_removed(
    tx: &mut Tx<'_>,
    plan_id: i64,
    id: i64,
    removed_by: Option<i64>,
    now: i64,
) -> DbResult<()> {
    one_or_more(
        sqlx::query(
            "UPDATE sections SET removed_at = $1, removed_by = $2 WHERE id = $3 AND plan_id = $4",
        )
        .bind(removed_by.map(|_| now))
        .bind(removed_by)
        .bind(id)
        .bind(plan_id)
        .execute(&mut **tx)
        .await?,
    )
}

/// Replaces a section's PSG and pillar tags inside `tx`.
pub async fn set_tags(
    tx: &mut Tx<'_>,
    plan_id: i64,
    id: i64,
    psgs: &[u8],
    pillars: &[u8],
) -> DbResult<()> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sections WHERE id = $1 AND plan_id = $2")
        .bind(id)
        .bind(plan_id)
        .fetch_one(&mut **tx)
        .await?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    write_tags(tx, id, psgs, pillars).await
}

/// The plan's sections in order: `(active, removed)`.
pub async fn sections_of(
    db: &Db,
    plan_id: i64,
) -> DbResult<(Vec<SectionListItem>, Vec<SectionListItem>)> {
    let rows = sqlx::query(
        "SELECT s.id, s.position, s.title, s.version, s.updated_at, s.removed_at, length(r.body) AS chars, p.display_name
         FROM sections s JOIN revisions r ON r.section_id = s.id AND r.number = s.version
         LEFT JOIN people p ON p.id = s.updated_by
         WHERE s.plan_id = $1 ORDER BY s.position, s.id",
    )
    .bind(plan_id)
    .fetch_all(db.reader())
    .await?;
    let tags = sqlx::query(
        "SELECT t.section_id, t.framework, t.no FROM section_tags t JOIN sections s ON s.id = t.section_id
         WHERE s.plan_id = $1 ORDER BY t.no",
    )
    .bind(plan_id)
    .fetch_all(db.reader())
    .await?;
    let (mut active, mut removed) = (Vec::new(), Vec::new());
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let (mut psgs, mut pillars) = (Vec::new(), Vec::new());
        for t in &tags {
            if t.try_get::<i64, _>("section_id")? == id {
                let no = u8::try_from(t.try_get::<i64, _>("no")?).unwrap_or(0);
                if t.try_get::<String, _>("framework")? == "psg" {
                    psgs.push(no);
                } else {
                    pillars.push(no);
                }
            }
        }
        let item = SectionListItem {
            id,
            position: r.try_get("position")?,
            title: r.try_get("title")?,
            psgs,
            pillars,
            version: r.try_get("version")?,
            updated_at: r.try_get("updated_at")?,
            updated_by: r.try_get("display_name")?,
            chars: r.try_get("chars")?,
        };
        if r.try_get::<Option<i64>, _>("removed_at")?.is_some() {
            removed.push(item);
        } else {
            active.push(item);
        }
    }
    Ok((active, removed))
}

/// A saved revision, as a line of someone's recent activity.
#[derive(Debug, Clone)]
pub struct RecentRevision {
    pub plan_id: i64,
    pub plan_title: String,
    pub section_id: i64,
    pub section_title: String,
    pub number: i64,
    /// Who saved it.
    pub author: Option<String>,
    /// When, Unix seconds.
    pub at: i64,
}

/// The newest `limit` revisions saved by others than `person` on the active sections of
/// `plans`, newest first.
pub async fn recent_revisions(
    db: &Db,
    plans: &[i64],
    person: i64,
    limit: i64,
) -> DbResult<Vec<RecentRevision>> {
    if plans.is_empty() {
        return Ok(Vec::new());
    }
    // One placeholder per plan: the list is the viewer's own plans, a handful.
    let list = (0..plans.len())
        .map(|i| format!("${}", i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT s.plan_id, p.title AS plan_title, s.id, s.title, r.number, r.created_at, a.display_name
         FROM revisions r JOIN sections s ON s.id = r.section_id JOIN plans p ON p.id = s.plan_id
         LEFT JOIN people a ON a.id = r.author_id
         WHERE r.number > 1 AND s.removed_at IS NULL AND (r.author_id IS NULL OR r.author_id <> $1)
           AND s.plan_id IN ({list})
         ORDER BY r.created_at DESC, r.section_id DESC, r.number DESC LIMIT $2"
    );
    let mut q = sqlx::query(&sql).bind(person).bind(limit);
    for plan in plans {
        q = q.bind(plan);
    }
    let rows = q.fetch_all(db.reader()).await?;
    rows.iter()
        .map(|r| {
            Ok(RecentRevision {
                plan_id: r.try_get("plan_id")?,
                plan_title: r.try_get("plan_title")?,
                section_id: r.try_get("id")?,
                section_title: r.try_get("title")?,
                number: r.try_get("number")?,
                author: r.try_get("display_name")?,
                at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}
