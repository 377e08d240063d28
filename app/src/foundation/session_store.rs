//! Sessions kept in our own database table. The published sqlx store for tower-sessions links
//! a different sqlx than ours (only one can link SQLite), and keeping sessions beside people
//! lets a deactivation or a password change end them in one `DELETE`.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::Row;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

use super::session::PERSON_KEY;
use crate::db::{now, Db, DbError, DbResult, Tx};

/// A [`SessionStore`] over the `sessions` table.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    /// A store over `db`.
    pub fn new(db: Db) -> Self {
        DbSessionStore { db }
    }

    /// Deletes sessions past their expiry; run periodically.
    pub async fn delete_expired(&self) -> std::result::Result<u64, DbError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now())
            .execute(self.db.write().await.conn())
            .await?;
        Ok(done.rows_affected())
    }
}

/// Ends every session of person `person_id` inside `tx`, except `keep` when given (the one
/// making the change): a deactivation or a password change takes effect on every device.
pub async fn end_sessions_of(tx: &mut Tx<'_>, person_id: i64, keep: Option<&str>) -> DbResult<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND id <> $2")
        .bind(person_id)
        .bind(keep.unwrap_or(""))
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected())
}

/// The person signed in with session `id`, if it is still open: what a long-lived request (an
/// event stream) checks again later, since its own copy of the session does not learn of a
/// logout elsewhere.
pub async fn session_person(db: &Db, id: &str) -> DbResult<Option<i64>> {
    let row = sqlx::query("SELECT person_id FROM sessions WHERE id = $1 AND expires_at > $2")
        .bind(id)
        .bind(now())
        .fetch_optional(db.reader())
        .await?;
    Ok(row.and_then(|r| r.try_get::<Option<i64>, _>(0).ok().flatten()))
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

fn columns(record: &Record) -> Result<(String, Option<i64>, i64)> {
    let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
    let person = record.data.get(PERSON_KEY).and_then(|v| v.as_i64());
    Ok((data, person, record.expiry_date.unix_timestamp()))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let (data, person, expires) = columns(record)?;
        let mut writer = self.db.write().await;
        // A collision of 128-bit random ids is next to impossible, but cheap to survive.
        for _ in 0..4 {
            let inserted = sqlx::query(
                "INSERT INTO sessions (id, person_id, data, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(record.id.to_string())
            .bind(person)
            .bind(&data)
            .bind(expires)
            .execute(writer.conn())
            .await
            .map_err(DbError::from);
            match inserted {
                Ok(_) => return Ok(()),
                Err(DbError::Duplicate(_)) => record.id = Id::default(),
                Err(e) => return Err(backend(e)),
            }
        }
        Err(backend("could not allocate a session id"))
    }

    async fn save(&self, record: &Record) -> Result<()> {
        // UPDATE only: a session deleted meanwhile (logout elsewhere, deactivation, password
        // change) must stay deleted even if a request still holding it writes to it.
        let (data, person, expires) = columns(record)?;
        let mut writer = self.db.write().await;
        sqlx::query("UPDATE sessions SET person_id = $1, data = $2, expires_at = $3 WHERE id = $4")
            .bind(person)
            .bind(&data)
            .bind(expires)
            .bind(record.id.to_string())
            .execute(writer.conn())
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        // Every page view starts here, so the row is memoised until the next write.
        let db = &self.db;
        let row = db
            .memo("sessions.row", id.to_string(), || async {
                let row = sqlx::query("SELECT data, expires_at FROM sessions WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_optional(db.reader())
                    .await?;
                row.map(|r| {
                    Ok((
                        r.try_get::<String, _>("data")?,
                        r.try_get::<i64, _>("expires_at")?,
                    ))
                })
                .transpose()
                .map_err(|e: sqlx::Error| DbError::from(e))
            })
            .await
            .map_err(backend)?;
        let Some((data, expires)) = row.filter(|(_, expires)| *expires > now()) else {
            return Ok(None);
        };
        let data: HashMap<String, serde_json::Value> =
            serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(expires)
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let mut writer = self.db.write().await;
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(writer.conn())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
