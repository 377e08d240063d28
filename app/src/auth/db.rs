//! Queries for logging in: login records, passwords, sessions and login throttling.

use sqlx::Row;

use super::password::PasswordHash;
use crate::db::{flag, Db, DbError, DbResult, Tx};
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

/// A login attempt counted as a failure while its password is checked: its rows in
/// `login_failures` (one against the account, one against the client address).
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    rows: [i64; 2],
}

/// What [`reserve_attempt`] saw: the attempt, and the times of the other failures counted
/// against the account and the address since the window opened, oldest first.
pub struct Reserved {
    /// The attempt just counted.
    pub attempt: Attempt,
    /// Other failures against the account.
    pub by_account: Vec<i64>,
    /// Other failures against the address.
    pub by_address: Vec<i64>,
}

/// Counts an attempt against `email` and `address` before its password is checked, and reads
/// the failures counted before it. The caller decides, inside the same transaction, whether it
/// may go ahead, and rolls it back when not: as the count and the insert share the writer
/// lane, attempts made at the same moment cannot all see room under the limit. The insert
/// comes first so the transaction holds SQLite's write lock from its first statement, which
/// keeps the count exact against another process too.
pub async fn reserve_attempt(
    tx: &mut Tx<'_>,
    email: &str,
    address: &str,
    now: i64,
    since: i64,
) -> DbResult<Reserved> {
    let mut rows = [0; 2];
    for (row, (scope, subject)) in rows
        .iter_mut()
        .zip([("account", email), ("address", address)])
    {
        *row = sqlx::query_scalar(
            "INSERT INTO login_failures (scope, subject, at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(scope)
        .bind(subject)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
    }
    Ok(Reserved {
        attempt: Attempt { rows },
        by_account: earlier_failures(tx, "account", email, since, rows).await?,
        by_address: earlier_failures(tx, "address", address, since, rows).await?,
    })
}

/// Times of failures against `subject` since `since`, oldest first, but for the rows `not`.
async fn earlier_failures(
    tx: &mut Tx<'_>,
    scope: &str,
    subject: &str,
    since: i64,
    not: [i64; 2],
) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT at FROM login_failures
         WHERE scope = $1 AND subject = $2 AND at > $3 AND id <> $4 AND id <> $5
         ORDER BY at",
    )
    .bind(scope)
    .bind(subject)
    .bind(since)
    .bind(not[0])
    .bind(not[1])
    .fetch_all(&mut **tx)
    .await?)
}

/// Uncounts `attempt`: the password was right (the account may still be deactivated).
pub async fn release_attempt(db: &Db, attempt: Attempt) -> DbResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE id = $1 OR id = $2")
        .bind(attempt.rows[0])
        .bind(attempt.rows[1])
        .execute(db.write().await.conn())
        .await?;
    Ok(())
}

/// After a successful login: uncounts `attempt`, forgets the failures against the account
/// `email`, and any failure older than `before`.
pub async fn clear_after_login(
    db: &Db,
    attempt: Attempt,
    email: &str,
    before: i64,
) -> DbResult<()> {
    sqlx::query(
        "DELETE FROM login_failures
         WHERE id = $1 OR id = $2 OR (scope = 'account' AND subject = $3) OR at < $4",
    )
    .bind(attempt.rows[0])
    .bind(attempt.rows[1])
    .bind(email)
    .bind(before)
    .execute(db.write().await.conn())
    .await?;
    Ok(())
}
