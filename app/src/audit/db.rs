//! Appending to and reading the audit trail. Appends only ever INSERT, under the writer lane,
//! so the chain grows one entry at a time; nothing in the app updates or deletes a row.

use sqlx::Row;

use super::chain::{entry_hash, verify, Content, GENESIS};
use super::domain::{AuditEntry, AuditFilter, ChainBreak, NewEntry};
use crate::db::{now, Db, DbError, DbResult, Tx};

/// The trail's last entry as this process last appended it: a hint that saves reading it back
/// before each append. The append checks it in the same statement (another process may have
/// appended, or the transaction that wrote it may have rolled back).
#[derive(Debug, Clone)]
struct Head {
    seq: i64,
    hash: String,
}

/// Where each database keeps its [`Head`] (see [`Db::shared`]).
#[derive(Default)]
struct RememberedHead(std::sync::Mutex<Option<Head>>);

impl RememberedHead {
    fn get(&self) -> Option<Head> {
        self.0.lock().map(|h| h.clone()).unwrap_or_default()
    }

    fn set(&self, head: Option<Head>) {
        if let Ok(mut h) = self.0.lock() {
            *h = head;
        }
    }
}

/// Appends `entry` inside `tx`, the transaction of the change it records, so the change and
/// its record commit (or roll back) together. The caller holds the writer.
pub async fn record_tx(db: &Db, tx: &mut Tx<'_>, entry: &NewEntry) -> DbResult<i64> {
    // The remembered head is usually right; when it is not, nothing is written and the head
    // is read back, so a stale hint costs one more round trip, never a broken chain.
    let remembered = db.shared::<RememberedHead>();
    let mut head = remembered.get();
    loop {
        let (seq, prev) = match &head {
            Some(h) => (h.seq + 1, h.hash.clone()),
            None => read_head(tx).await?,
        };
        let at = now();
        let hash = entry_hash(
            &prev,
            &Content {
                seq,
                at,
                person: entry.person,
                ip: entry.ip.as_deref(),
                kind: entry.kind.as_str(),
                plan_id: entry.plan_id,
                subject: &entry.subject,
                details: &entry.details,
            },
        );
        let appended = sqlx::query(
            "INSERT INTO audit_entries (seq, at, person_id, ip, kind, plan_id, subject, details, prev_hash, hash)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
             WHERE COALESCE((SELECT hash FROM audit_entries ORDER BY seq DESC LIMIT 1), $11) = $9",
        )
        .bind(seq)
        .bind(at)
        .bind(entry.person)
        .bind(entry.ip.as_deref())
        .bind(entry.kind.as_str())
        .bind(entry.plan_id)
        .bind(&entry.subject)
        .bind(&entry.details)
        .bind(&prev)
        .bind(&hash)
        .bind(GENESIS)
        .execute(&mut **tx)
        .await?;
        if appended.rows_affected() == 1 {
            // If `tx` rolls back after all, the next append finds this head wrong and reads.
            remembered.set(Some(Head { seq, hash }));
            return Ok(seq);
        }
        if head.take().is_none() {
            // Read inside this transaction and still not the head: cannot happen while the
            // caller holds the writer, so refuse rather than loop.
            remembered.set(None);
            return Err(DbError::Stale);
        }
    }
}

/// The last entry's position and hash, read inside `tx` (genesis for an empty trail).
async fn read_head(tx: &mut Tx<'_>) -> DbResult<(i64, String)> {
    let last = sqlx::query("SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match last {
        Some(r) => (
            r.try_get::<i64, _>("seq")? + 1,
            r.try_get::<String, _>("hash")?,
        ),
        None => (1, GENESIS.to_owned()),
    })
}

/// Appends `entry` in a transaction of its own (for events that change nothing else, such
/// as a failed login, or changes whose own write has already committed).
pub async fn record(db: &Db, entry: &NewEntry) -> DbResult<i64> {
    let mut writer = db.write().await;
    let mut tx = writer.begin().await?;
    let seq = record_tx(db, &mut tx, entry).await?;
    tx.commit().await?;
    Ok(seq)
}

fn entry(r: &sqlx::any::AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        person: r.try_get("person_id")?,
        ip: r.try_get("ip")?,
        kind: r.try_get("kind")?,
        plan_id: r.try_get("plan_id")?,
        subject: r.try_get("subject")?,
        details: r.try_get("details")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

/// Walks the whole chain: `Ok(Ok(n))` when all `n` entries hold, `Ok(Err(break))` naming the
/// first broken entry.
pub async fn verify_chain(db: &Db) -> DbResult<Result<usize, ChainBreak>> {
    let rows = sqlx::query(
        "SELECT seq, at, person_id, ip, kind, plan_id, subject, details, prev_hash, hash
         FROM audit_entries ORDER BY seq",
    )
    .fetch_all(db.reader())
    .await?;
    let entries = rows
        .iter()
        .map(entry)
        .collect::<Result<Vec<_>, _>>()
        .map_err(DbError::from)?;
    Ok(verify(&entries))
}

/// One line of the trail as shown.
#[derive(Debug, Clone)]
pub struct ShownRow {
    /// The entry.
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
        "SELECT a.seq, a.at, a.person_id, a.ip, a.kind, a.plan_id, a.subject, a.details, a.prev_hash, a.hash,
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
                entry: entry(r)?,
                person_name: r.try_get("display_name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}
