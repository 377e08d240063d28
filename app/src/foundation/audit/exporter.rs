//! Building a plan's export (see `export`) from the database, up to a signed checkpoint.

use std::time::{Duration, Instant};

use sqlx::Row;

use super::chain::{content, content_digest, GENESIS};
use super::checkpoint::{Checkpoint, PublicKey};
use super::export::{AuditExport, ExportEntry, ExportPlan, ExportStart, FORMAT};
use super::record::entry_from_row;
use crate::db::{now, Db, DbError};

/// The most entries one export spans (about 100 bytes each for other plans' entries).
pub const MAX_SPAN: i64 = 500_000;

/// How long digesting the other entries may take, within the request's time.
const BUDGET: Duration = Duration::from_secs(15);

/// Why there is no export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the trail failed.
    #[error("reading the audit trail: {0}")]
    Db(#[from] DbError),
    /// The span is more than one request may ask for.
    #[error("the plan's trail spans {0} entries, more than {MAX_SPAN}")]
    TooLarge(i64),
    /// Digesting took longer than its budget.
    #[error("the export took longer than {BUDGET:?}")]
    TooSlow,
}

/// Plan `plan_id`'s export: every entry from the plan's first to `checkpoint`'s count, the
/// plan's in full and the others as digests, with the checkpoint and the key that signed it.
pub async fn build(
    db: &Db,
    plan_id: i64,
    title: &str,
    checkpoint: &Checkpoint,
    key: &PublicKey,
) -> Result<AuditExport, ExportError> {
    let count = checkpoint.count;
    let first: Option<i64> =
        sqlx::query_scalar("SELECT MIN(seq) FROM audit_entries WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_one(db.reader())
            .await
            .map_err(DbError::from)?;
    let first = first.filter(|&f| f <= count).unwrap_or(count + 1);
    if count - first + 1 > MAX_SPAN {
        return Err(ExportError::TooLarge(count - first + 1));
    }
    // From the entry before the first, for its hash.
    let rows = sqlx::query(&format!(
        "SELECT {}, p.display_name FROM audit_entries a LEFT JOIN people p ON p.id = a.person_id
         WHERE a.seq >= $1 AND a.seq <= $2 ORDER BY a.seq",
        super::record::COLUMNS
            .split(", ")
            .map(|c| format!("a.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(first - 1)
    .bind(count)
    .fetch_all(db.reader())
    .await
    .map_err(DbError::from)?;
    let mut rows = rows
        .iter()
        .map(|r| {
            Ok((
                entry_from_row(r)?,
                r.try_get::<Option<String>, _>("display_name")?,
            ))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(DbError::from)?;
    let prev_hash = match rows.first() {
        Some((e, _)) if e.seq == first - 1 => rows.remove(0).0.hash,
        _ if first == 1 => GENESIS.to_owned(),
        // Not there: the export will not verify, which is the truth about this trail.
        _ => String::new(),
    };
    let started = Instant::now();
    let entries = tokio::task::spawn_blocking(move || {
        let mut out = Vec::with_capacity(rows.len());
        for (i, (e, name)) in rows.into_iter().enumerate() {
            if i % 4096 == 0 && started.elapsed() > BUDGET {
                return Err(ExportError::TooSlow);
            }
            out.push(if e.plan_id == Some(plan_id) {
                ExportEntry::Plan {
                    seq: e.seq,
                    at: e.at,
                    person: e.person,
                    person_name: name,
                    ip: e.ip,
                    kind: e.kind,
                    plan_id: e.plan_id,
                    subject: e.subject,
                    details: e.details,
                    salt: e.salt,
                    prev_hash: e.prev_hash,
                    hash: e.hash,
                }
            } else {
                match &e.salt {
                    Some(salt) => ExportEntry::Other {
                        seq: e.seq,
                        plan_id: e.plan_id,
                        digest: content_digest(salt, &content(&e)),
                    },
                    None => ExportEntry::OtherV1 {
                        seq: e.seq,
                        hash: e.hash,
                    },
                }
            });
        }
        Ok(out)
    })
    .await
    .map_err(|_| ExportError::TooSlow)??;
    Ok(AuditExport {
        format: FORMAT.to_owned(),
        plan: ExportPlan {
            id: plan_id,
            title: title.to_owned(),
        },
        exported_at: now(),
        public_key: key.to_hex(),
        fingerprint: key.fingerprint(),
        checkpoint: checkpoint.clone(),
        start: ExportStart {
            seq: first,
            prev_hash,
        },
        entries,
    })
}
