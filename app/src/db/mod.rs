//! The one door to the database. Every query in the app goes through [`Db`], written in SQL that
//! SQLite and PostgreSQL both accept (`$1` placeholders, integers for times and flags), over
//! sqlx's `Any` driver so the engine is chosen by the URL at start-up: `sqlite://` (embedded,
//! the default) or `postgres://` (several app instances on one database).
//!
//! What differs between them stays in this module: how a connection is prepared, how writers
//! are serialised (SQLite's one write lock; on PostgreSQL one advisory lock held by every
//! writing transaction, so the instances write one at a time as one SQLite process does), and
//! how this process learns of writes it did not make ([`Db::catch_up`]).

mod checkpoint;
mod memo;

use std::sync::Arc;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Transaction};

use memo::Memos;

use crate::foundation::live::bus::{EventBus, LocalBus};
use crate::foundation::live::pg_bus::PgBus;
pub use memo::MEMO_TTL;

use crate::error::AppError;

/// The database engines the app knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded, single file, WAL mode: the default.
    Sqlite,
    /// A PostgreSQL server, which several app instances may share.
    Postgres,
}

/// The advisory lock every writing transaction on PostgreSQL holds until it ends: the
/// database-wide write lane. Writers on every instance queue on it, so a transaction that reads
/// before it writes (a save deciding on the version it read, the audit trail's next link, a
/// login throttle counting attempts) reads what the last writer committed, as on SQLite.
/// (The write generation's trigger takes it too, by its number: `migrations/postgres/0002`.)
const WRITE_LANE_LOCK: i64 = 0x5550_5354_5245_414d; // "UPSTREAM", 6147505112983355725

/// Errors of the database layer. `RowNotFound` becomes [`DbError::NotFound`] so callers can
/// answer 404 without inspecting sqlx.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The row asked for does not exist.
    #[error("row not found")]
    NotFound,
    /// A unique constraint refused the write.
    #[error("duplicate value: {0}")]
    Duplicate(String),
    /// An optimistic-concurrency check found the row changed since it was read.
    #[error("the row changed since it was read")]
    Stale,
    /// A write done together with others failed; its cause is logged once, where it happened.
    #[error("a write shared with others failed")]
    SharedWriteFailed,
    /// The URL names an engine this build does not support.
    #[error("unsupported database URL (expected sqlite://... or postgres://...): {0}")]
    UnsupportedUrl(String),
    /// Anything else from the driver.
    #[error("database error")]
    Sqlx(#[source] sqlx::Error),
    /// A migration failed to apply.
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Preparing the database file failed.
    #[error("could not prepare the database file")]
    Io(#[from] std::io::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => DbError::NotFound,
            sqlx::Error::Database(ref db) if db.is_unique_violation() => {
                DbError::Duplicate(db.message().to_owned())
            }
            other => DbError::Sqlx(other),
        }
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            DbError::Duplicate(_) => AppError::Conflict("That already exists.".into()),
            DbError::Stale => AppError::Conflict(
                "Someone else changed this in the meantime. Reload and try again.".into(),
            ),
            other => {
                tracing::error!(error = %other, cause = ?std::error::Error::source(&other), "database failure");
                AppError::Internal
            }
        }
    }
}

/// Result of a database call.
pub type DbResult<T> = Result<T, DbError>;

/// A pool of connections to the configured database.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// The one connection that writes: holding it is the write lane.
    writer: Arc<tokio::sync::Mutex<AnyConnection>>,
    /// Where the writer reconnects after losing its server (PostgreSQL restarts, networks
    /// drop); a SQLite file cannot go away.
    url: Arc<str>,
    memos: Arc<Memos>,
    /// The database's write generation as last read (PostgreSQL; see [`Db::catch_up`]).
    seen: Arc<std::sync::atomic::AtomicI64>,
    shared: Arc<std::sync::Mutex<Shared>>,
    /// Where changes are announced to open pages: this process's own bus for SQLite, which
    /// only one process serves; over PostgreSQL, one that carries them to every instance.
    events: Arc<dyn EventBus>,
}

/// State that features keep per database, one value per type (see [`Db::shared`]).
type Shared = std::collections::HashMap<std::any::TypeId, Arc<dyn std::any::Any + Send + Sync>>;

/// The right to write, held for the length of one write (or one transaction). Dropping it
/// makes every memoised read stale, so a read after a write always sees the write.
pub struct Writer<'a> {
    db: &'a Db,
    backend: Backend,
    conn: tokio::sync::MutexGuard<'a, AnyConnection>,
}

/// A transaction on the writer's connection.
pub type Tx<'c> = Transaction<'c, Any>;

impl Writer<'_> {
    /// The connection to run a single write on.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }

    /// Begins a transaction on the writer's connection. Dropping it uncommitted rolls it back.
    ///
    /// The lane's transactions write, so they take SQLite's write lock at `BEGIN IMMEDIATE`
    /// (waiting out the busy timeout if another process holds it). A deferred transaction that
    /// reads before it writes, as a save decided in the lane does, would otherwise hold a read
    /// snapshot that can fail to become a write one (SQLITE_BUSY_SNAPSHOT, without waiting).
    ///
    /// On PostgreSQL the transaction first takes [`WRITE_LANE_LOCK`], released at its end.
    pub async fn begin(&mut self) -> DbResult<Tx<'_>> {
        match self.backend {
            Backend::Sqlite => Ok(self.conn.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres => {
                let mut tx = self.conn.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LANE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Ok(tx)
            }
        }
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        self.db.memos.changed();
        if self.backend == Backend::Postgres {
            // A transaction dropped unfinished (an error on a path that did not roll back, a
            // request cancelled mid-write) only queues its ROLLBACK until the connection is
            // next used, and until then holds WRITE_LANE_LOCK against every other instance:
            // a ping sends it now rather than at this instance's next write. The same ping
            // finds a connection lost with its server, replaced before the next write needs
            // it; only the write that met the loss fails, and no write pays a check first.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let (lane, url) = (Arc::clone(&self.db.writer), Arc::clone(&self.db.url));
                runtime.spawn(async move {
                    reconnect_if_lost(&mut *lane.lock().await, &url).await;
                });
            }
        }
    }
}

impl Db {
    /// Connects to `url`: `postgres://...` for a PostgreSQL server, or `sqlite://path/to/file.db`,
    /// creating the SQLite file and its folder when missing, with WAL, foreign keys and a busy
    /// timeout for every connection.
    pub async fn connect(url: &str) -> DbResult<Db> {
        sqlx::any::install_default_drivers();
        if is_postgres(url) {
            return Self::connect_postgres(url).await;
        }
        let Some(file) = sqlite_file(url) else {
            return Err(DbError::UnsupportedUrl(url.to_owned()));
        };
        if let Some(dir) = file.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
        let url = if url.contains("mode=") {
            url.to_owned()
        } else if url.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        // A local file has no connection to lose: checking one before each use would only
        // cost a round trip to its thread.
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .after_connect(|conn, _meta| Box::pin(async move { prepare(conn).await }))
            .connect(&url)
            .await?;
        // Writes have a connection of their own, outside the pool: SQLite admits one writer at
        // a time anyway, and a writer must never wait for a reader to hand a connection back.
        let mut writer = AnyConnection::connect(&url).await?;
        prepare(&mut writer).await?;
        writer.execute(checkpoint::WRITER_AUTOCHECKPOINT).await?;
        // WAL is a property of the file, so setting it once is enough.
        writer.execute("PRAGMA journal_mode = WAL").await?;
        let memos: Arc<Memos> = Default::default();
        let writer = Arc::new(tokio::sync::Mutex::new(writer));
        checkpoint::spawn(checkpoint::Target {
            pool: pool.clone(),
            lane: Arc::downgrade(&writer),
            memos: Arc::downgrade(&memos),
        });
        Ok(Db {
            pool,
            backend: Backend::Sqlite,
            writer,
            url: url.into(),
            memos,
            seen: Default::default(),
            shared: Default::default(),
            events: Arc::new(LocalBus::default()),
        })
    }

    async fn connect_postgres(url: &str) -> DbResult<Db> {
        // Connections cross a network here: each is checked before use (the default), and
        // waits for one are bounded so a lost server fails requests instead of stalling them.
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect(url)
            .await?;
        let writer = AnyConnection::connect(url).await?;
        // Events go through the database, so pages on every instance hear of every change.
        let events = PgBus::start(url, pool.clone()).await?;
        Ok(Db {
            pool,
            backend: Backend::Postgres,
            writer: Arc::new(tokio::sync::Mutex::new(writer)),
            url: url.into(),
            memos: Default::default(),
            seen: Arc::new(std::sync::atomic::AtomicI64::new(-1)),
            shared: Default::default(),
            events: Arc::new(events),
        })
    }

    /// The engine behind this handle.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Brings this process up to date with writes made elsewhere, before a request reads
    /// anything: over PostgreSQL, reads the database's write generation (moved on by every
    /// statement that changes a table, in its own transaction; `migrations/postgres/0002`) and,
    /// if it moved since last time, makes every memoised read and kept page stale. So what
    /// another instance committed before this request began is what this request sees, at the
    /// cost of one small query, and views nothing changed are still served from memory. (A
    /// notice by `NOTIFY` could not be made to arrive before the next request does.)
    ///
    /// SQLite has one serving process, whose own writes already move the generation.
    pub async fn catch_up(&self) {
        if self.backend != Backend::Postgres {
            return;
        }
        use std::sync::atomic::Ordering;
        let read = sqlx::query_scalar::<_, i64>("SELECT n FROM write_generation")
            .fetch_one(&self.pool)
            .await;
        match read {
            Ok(n) => {
                if self.seen.swap(n, Ordering::AcqRel) != n {
                    self.memos.changed();
                }
            }
            Err(e) => {
                // Unknown, so assume the worst; the request's own reads will report the error.
                tracing::warn!(error = %e, "the write generation could not be read");
                self.seen.store(-1, Ordering::Release);
                self.memos.changed();
            }
        }
    }

    /// Applies the embedded, forward-only migrations for this engine.
    pub async fn migrate(&self) -> DbResult<()> {
        let mut conn = self.writer.lock().await;
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("../migrations/sqlite")
                    .run(&mut *conn)
                    .await?
            }
            // Instances starting together queue on the migrator's own lock.
            Backend::Postgres => {
                sqlx::migrate!("../migrations/postgres")
                    .run(&mut *conn)
                    .await?;
                // Every table moves the write generation on, those added since included.
                conn.execute(every_table_moves_the_generation()).await?;
            }
        }
        Ok(())
    }

    /// The pool for reading. Every write goes through [`Db::write`] instead, or memoised
    /// reads would not learn of it.
    pub fn reader(&self) -> &AnyPool {
        &self.pool
    }

    /// Waits for this process's turn to write. SQLite admits one writer at a time and makes
    /// the others sleep and retry (with growing back-off) when they collide; queueing writes
    /// here first keeps that wait short and fair instead. Hold the returned [`Writer`] only
    /// for the write itself: it is not re-entrant.
    pub async fn write(&self) -> Writer<'_> {
        let asked = std::time::Instant::now();
        let conn = self.writer.lock().await;
        if asked.elapsed() > std::time::Duration::from_secs(1) {
            // Writes are short; a long queue means one of them is stuck.
            tracing::warn!(
                waited_ms = asked.elapsed().as_millis() as u64,
                "long wait for the writer lane"
            );
        }
        Writer {
            db: self,
            backend: self.backend,
            conn,
        }
    }

    /// Runs `change` in one transaction on the writer lane and commits it; an error from
    /// `change` rolls it back. For writes the audit trail does not record (comments, inbox,
    /// sessions); audited changes go through `Db::write_audited` instead.
    pub async fn transaction<T, E, F>(&self, change: F) -> Result<T, E>
    where
        F: AsyncFnOnce(&mut Tx<'_>) -> Result<T, E>,
        E: From<DbError>,
    {
        let mut writer = self.write().await;
        let mut tx = writer.begin().await?;
        match change(&mut tx).await {
            Ok(value) => {
                tx.commit().await.map_err(DbError::from)?;
                Ok(value)
            }
            Err(e) => {
                // At once, so the write lane is free before the error is answered.
                if let Err(rollback) = tx.rollback().await {
                    tracing::warn!(error = %rollback, "rollback failed");
                }
                Err(e)
            }
        }
    }

    /// The bus that announces this database's changes to open pages (see
    /// [`crate::foundation::live`]).
    pub fn events(&self) -> &dyn EventBus {
        &*self.events
    }

    /// This database's one value of type `T`, made on first use: state a feature keeps beside
    /// the database (a queue of writes waiting for the lane, say) without this module knowing
    /// the feature.
    pub fn shared<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let mut map = self
            .shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let value = map
            .entry(std::any::TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()))
            .clone();
        // The entry was made for `T`, so the downcast cannot fail; a fresh value if it did.
        value.downcast::<T>().unwrap_or_default()
    }

    /// The write generation: it moves on whenever a [`Writer`] is released, so anything
    /// derived from the database at one generation is current while it stays the same.
    pub fn generation(&self) -> u64 {
        self.memos.generation()
    }

    /// `load`'s result, memoised under `(space, key)` until the next write (or [`MEMO_TTL`]).
    /// Only for reads whose result is a function of the database and the key, and for values
    /// of a bounded size (a row, a count); [`Db::memo_weighed`] for lists that grow.
    pub async fn memo<V, F, Fut>(&self, space: &'static str, key: String, load: F) -> DbResult<V>
    where
        V: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = DbResult<V>>,
    {
        self.memo_weighed(space, key, |_| std::mem::size_of::<V>(), load)
            .await
    }

    /// [`Db::memo`] for a value whose size depends on what was read: `weigh` estimates its
    /// bytes, which count against the memo table's budget; too heavy a value is not kept.
    pub async fn memo_weighed<V, W, F, Fut>(
        &self,
        space: &'static str,
        key: String,
        weigh: W,
        load: F,
    ) -> DbResult<V>
    where
        V: Clone + Send + Sync + 'static,
        W: FnOnce(&V) -> usize,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = DbResult<V>>,
    {
        if let Some(value) = self.memos.get::<V>(space, &key) {
            return Ok(value);
        }
        let generation = self.memos.generation();
        let value = load().await?;
        let bytes = weigh(&value);
        self.memos.put(space, key, generation, value.clone(), bytes);
        Ok(value)
    }

    /// Closes the readers and checkpoints the whole log into the database file (at shutdown).
    /// The writer's connection closes when the last handle to the `Db` is dropped.
    pub async fn close(&self) {
        self.pool.close().await;
        if self.backend != Backend::Sqlite {
            return;
        }
        let mut conn = self.writer.lock().await;
        if let Err(e) = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await {
            tracing::warn!(error = %e, "checkpoint at shutdown failed");
        }
    }
}

/// The statement, from the migration that made the write generation, that gives every table
/// without it the trigger moving the generation on: run after every start-up's migrations.
fn every_table_moves_the_generation() -> &'static str {
    const MIGRATION: &str = include_str!("../../../migrations/postgres/0002_write_generation.sql");
    MIGRATION
        .find("DO $$")
        .map_or("SELECT 1", |at| &MIGRATION[at..])
}

/// Whether `url` names a PostgreSQL server.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Sends what the writer's connection has queued (a rollback) and replaces the connection when
/// its server no longer answers, so one restart of PostgreSQL does not leave this instance
/// unable to write until it is restarted too. If the new connection fails as well, the next
/// write reports the error, and its end tries again.
async fn reconnect_if_lost(conn: &mut AnyConnection, url: &str) {
    if conn.ping().await.is_ok() {
        return;
    }
    match AnyConnection::connect(url).await {
        Ok(fresh) => {
            tracing::warn!("the writer's database connection was lost; reconnected");
            *conn = fresh;
        }
        Err(e) => tracing::error!(error = %e, "the writer cannot reconnect to the database"),
    }
}

/// The file of a `sqlite://path/to/file.db[?options]` URL (None for any other engine): what
/// the files kept beside the database (audit checkpoints, backups) are named after.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(std::path::PathBuf::from(
        path.split('?').next().unwrap_or(path),
    ))
}

/// Per-connection settings: foreign keys enforced, a busy timeout for writes from another
/// process, and WAL's usual durability (the log is synced at checkpoints, not every commit).
async fn prepare(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    conn.execute("PRAGMA foreign_keys = ON").await?;
    conn.execute("PRAGMA busy_timeout = 5000").await?;
    conn.execute("PRAGMA synchronous = NORMAL").await?;
    Ok(())
}

/// `NotFound` when a write matched no row: the id named nothing (or nothing the caller owns).
pub fn one_or_more(done: sqlx::any::AnyQueryResult) -> DbResult<()> {
    if done.rows_affected() == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}

/// `Stale` unless a guarded write (`... WHERE version = $n`, `... AND answer IS NULL`) changed
/// exactly one row: the row moved on since it was read, so nothing was written.
pub fn exactly_one(done: sqlx::any::AnyQueryResult) -> DbResult<()> {
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(DbError::Stale)
    }
}

/// Seconds since the Unix epoch: the one time representation both engines store the same way.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A stored value that no longer parses (a CHECK constraint let through what the code does not
/// know): a decode error, so the request fails instead of showing something made up.
pub fn decode<T>(parsed: Result<T, &'static str>) -> Result<T, sqlx::Error> {
    parsed.map_err(|e| sqlx::Error::Decode(e.into()))
}

/// Reads a 0/1 integer column as a bool (SQLite has no boolean type).
pub fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    use sqlx::Row;
    Ok(row.try_get::<i64, _>(column)? != 0)
}
