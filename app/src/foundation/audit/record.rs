//! Recording the audit trail: the one write path for audited changes ([`Db::write_audited`]),
//! the append it ends with, and the reads that verification and checkpoints start from. Appends only ever INSERT,
//! under the writer lane, so the chain grows one entry at a time; nothing in the app updates or
//! deletes a row.

use sqlx::Row;

use super::chain::{entry_hash, new_salt, Content, GENESIS};
use super::domain::{AuditEntry, AuditKind, NewEntry};
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

/// What an audited change records, given what the change returned: a fixed [`NewEntry`], or a
/// function that completes one from the change's result (the id of what it created, say).
pub trait Describe<T> {
    /// The entry for a change that returned `value`.
    fn describe(self, value: &T) -> NewEntry;
}

impl<T> Describe<T> for NewEntry {
    fn describe(self, _: &T) -> NewEntry {
        self
    }
}

impl<T, F: FnOnce(&T) -> NewEntry> Describe<T> for F {
    fn describe(self, value: &T) -> NewEntry {
        self(value)
    }
}

impl Db {
    /// The one way to write an audited change: takes the writer lane, runs `change` in a
    /// transaction, appends the entry describing it in the same transaction and commits, so the
    /// change and its record land together or not at all. An error from `change` (or from the
    /// append) rolls everything back.
    pub async fn write_audited<T, E, F>(&self, entry: impl Describe<T>, change: F) -> Result<T, E>
    where
        F: AsyncFnOnce(&mut Tx<'_>) -> Result<T, E>,
        E: From<DbError>,
    {
        let (value, entry) = self
            .transaction(async move |tx| {
                let value = change(tx).await?;
                let entry = entry.describe(&value);
                append(self, tx, &entry).await?;
                Ok::<_, E>((value, entry))
            })
            .await?;
        // One log line per audited change, written here rather than beside every caller.
        tracing::info!(
            kind = entry.kind.as_str(),
            subject = %entry.subject,
            person = entry.person,
            plan = entry.plan_id,
            "audited change"
        );
        // Changes to who may read what make open streams check their readers again, so a
        // revoked role stops receiving events at once; announced here, where every such change
        // passes, rather than remembered beside each of them.
        if matches!(
            entry.kind,
            AuditKind::RoleChange | AuditKind::Membership | AuditKind::Admin
        ) {
            crate::foundation::live::publish(
                self,
                entry.plan_id,
                crate::foundation::live::Change::Access { person: None },
            );
        }
        Ok(value)
    }
}

/// Appends `entry` inside `tx`, the transaction of the change it records, so the change and
/// its record commit (or roll back) together. The caller holds the writer. Prefer
/// [`Db::write_audited`]; this is for writers that batch several changes in one transaction
/// (the section save queue).
pub async fn append(db: &Db, tx: &mut Tx<'_>, entry: &NewEntry) -> DbResult<i64> {
    // The remembered head is usually right; when it is not, nothing is written and the head
    // is read back, so a stale hint costs one more round trip, never a broken chain.
    let remembered = db.shared::<RememberedHead>();
    let mut head = remembered.get();
    let salt = new_salt();
    loop {
        let (seq, prev) = match &head {
            Some(h) => (h.seq + 1, h.hash.clone()),
            None => read_head(tx).await?,
        };
        let at = now();
        let hash = entry_hash(
            &prev,
            &salt,
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
            "INSERT INTO audit_entries (seq, at, person_id, ip, kind, plan_id, subject, details, prev_hash, hash, salt)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12
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
        .bind(&salt)
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

/// Records an event that changes nothing else (a login, a refused login) in a transaction of
/// its own.
pub async fn record_event(db: &Db, entry: NewEntry) -> DbResult<()> {
    db.write_audited(entry, async |_: &mut Tx<'_>| Ok::<_, DbError>(()))
        .await
}

/// A stored entry from a row with every column of `audit_entries`.
pub fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<AuditEntry, sqlx::Error> {
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
        salt: r.try_get("salt")?,
    })
}

/// Every column of `audit_entries`, in the order [`entry_from_row`] reads them.
pub const COLUMNS: &str =
    "seq, at, person_id, ip, kind, plan_id, subject, details, prev_hash, hash, salt";

/// The entries from `seq` on, in order (read outside the writer lane: a snapshot of one
/// moment, which writers carry on past).
pub async fn entries_from(db: &Db, seq: i64) -> DbResult<Vec<AuditEntry>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit_entries WHERE seq >= $1 ORDER BY seq"
    ))
    .bind(seq)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(entry_from_row)
        .collect::<Result<Vec<_>, _>>()
        .map_err(DbError::from)
}

/// The last entry's position and hash (0 and the genesis value for an empty trail).
pub async fn head(db: &Db) -> DbResult<(i64, String)> {
    let last = sqlx::query("SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1")
        .fetch_optional(db.reader())
        .await?;
    Ok(match last {
        Some(r) => (r.try_get("seq")?, r.try_get("hash")?),
        None => (0, GENESIS.to_owned()),
    })
}
