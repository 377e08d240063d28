//! Queries for logging in: login records, passwords, sessions and login throttling.

use sqlx::Row;

use super::password::PasswordHash;
use crate::db::{flag, Db, DbError, DbResult};
use crate::foundation::people::PlatformRole;

/// What a login attempt needs to know about an account.
pub struct LoginRecord {
    /// The person's id.
    pub id: i64,
    /// Their stored hash.
    pub password_hash: PasswordHash,
    /// Deactivated accounts cannot log in.
    pub active: bool,
}

/// The login facts for `email`, if such an account exists.
pub async fn find_login(db: &Db, email: &str) -> DbResult<Option<LoginRecord>> {
    let row = sqlx::query("SELECT id, password_hash, active FROM people WHERE email = $1")
        .bind(email)
        .fetch_optional(db.reader())
        .await?;
    row.map(|r| {
        Ok::<_, sqlx::Error>(LoginRecord {
            id: r.try_get("id")?,
            password_hash: PasswordHash::from_stored(r.try_get("password_hash")?),
            active: flag(&r, "active")?,
        })
    })
    .transpose()
    .map_err(DbError::from)
}

/// The stored hash of person `id`.
pub async fn password_hash(db: &Db, id: i64) -> DbResult<PasswordHash> {
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(db.reader())
        .await?;
    Ok(PasswordHash::from_stored(hash))
}

/// True when an account with `email` exists.
pub async fn email_taken(db: &Db, email: &str) -> DbResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE email = $1")
        .bind(email)
        .fetch_one(db.reader())
        .await?;
    Ok(n > 0)
}

/// Creates an account and returns its id.
pub async fn insert_person(
    db: &Db,
    email: &str,
    name: &str,
    hash: &PasswordHash,
    role: PlatformRole,
    now: i64,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO people (email, display_name, password_hash, platform_role, active, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
    )
    .bind(email)
    .bind(name)
    .bind(hash.as_stored())
    .bind(role.as_str())
    .bind(now)
    .fetch_one(db.write().await.conn())
    .await?;
    Ok(id)
}

/// Replaces person `id`'s password.
pub async fn set_password(db: &Db, id: i64, hash: &PasswordHash, now: i64) -> DbResult<()> {
    let done =
        sqlx::query("UPDATE people SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(hash.as_stored())
            .bind(now)
            .bind(id)
            .execute(db.write().await.conn())
            .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Records a failed login against `subject` (an email or a client address).
pub async fn record_failure(db: &Db, scope: &str, subject: &str, at: i64) -> DbResult<()> {
    sqlx::query("INSERT INTO login_failures (scope, subject, at) VALUES ($1, $2, $3)")
        .bind(scope)
        .bind(subject)
        .bind(at)
        .execute(db.write().await.conn())
        .await?;
    Ok(())
}

/// Times of failed logins against `subject` since `since`, oldest first.
pub async fn failures_since(db: &Db, scope: &str, subject: &str, since: i64) -> DbResult<Vec<i64>> {
    let rows: Vec<i64> = sqlx::query_scalar(
        "SELECT at FROM login_failures WHERE scope = $1 AND subject = $2 AND at > $3 ORDER BY at",
    )
    .bind(scope)
    .bind(subject)
    .bind(since)
    .fetch_all(db.reader())
    .await?;
    Ok(rows)
}

/// Forgets failures against `subject` (after a successful login) and any older than `before`.
pub async fn clear_failures(db: &Db, scope: &str, subject: &str, before: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE (scope = $1 AND subject = $2) OR at < $3")
        .bind(scope)
        .bind(subject)
        .bind(before)
        .execute(db.write().await.conn())
        .await?;
    Ok(())
}
