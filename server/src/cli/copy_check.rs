//! Checking a copy of the database (a backup, or one about to be restored) without changing
//! it: SQLite's integrity check, what it holds, and its audit trail against the checkpoint
//! file that travels with it.

use std::path::{Path, PathBuf};

use app::foundation::audit::checkpoint::PublicKey;
use app::foundation::audit::checkpointer::read_file;
use app::foundation::audit::record::{entry_from_row, COLUMNS};
use app::foundation::audit::verify::{verify, Report};
use sqlx::{AnyConnection, Connection};

use super::CliError;

/// The checkpoint file that travels with the database copy `db_copy`: its name plus
/// `.audit-checkpoints`, as the live one is named by default.
pub fn checkpoints_beside(db_copy: &Path) -> PathBuf {
    with_suffix(db_copy, ".audit-checkpoints")
}

/// `path` with `suffix` added to its file name.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// What a copy holds and whether it is sound.
#[derive(Debug)]
pub struct CopyCheck {
    /// What `PRAGMA integrity_check` said (`["ok"]` when sound).
    pub integrity: Vec<String>,
    /// Plans in it.
    pub plans: i64,
    /// Section revisions in it.
    pub revisions: i64,
    /// Its audit trail against its checkpoints.
    pub report: Report,
}

impl CopyCheck {
    /// Whether SQLite found nothing wrong.
    pub fn integrity_ok(&self) -> bool {
        self.integrity == ["ok"]
    }

    /// Sound as a database, and its trail intact against its checkpoints.
    pub fn sound(&self) -> bool {
        self.integrity_ok() && self.report.intact()
    }
}

/// Opens the copy at `path` read-only and immutable: no lock, no log, no file made beside it.
async fn open(path: &Path) -> Result<AnyConnection, CliError> {
    sqlx::any::install_default_drivers();
    if !path.is_file() {
        return Err(CliError::Usage(format!("{} is not a file", path.display())));
    }
    Ok(AnyConnection::connect(&format!(
        "sqlite://{}?mode=ro&immutable=true",
        path.display()
    ))
    .await?)
}

/// Checks the database copy at `path` and its audit trail against the checkpoint file at
/// `checkpoints`, trusting checkpoints signed by `key`.
pub async fn check_copy(
    path: &Path,
    checkpoints: &Path,
    key: &PublicKey,
) -> Result<CopyCheck, CliError> {
    let mut conn = open(path).await?;
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await?;
    let plans: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plans")
        .fetch_one(&mut conn)
        .await?;
    let revisions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM revisions")
        .fetch_one(&mut conn)
        .await?;
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM audit_entries ORDER BY seq"))
        .fetch_all(&mut conn)
        .await?;
    conn.close().await?;
    let entries = rows
        .iter()
        .map(entry_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let lines = read_file(checkpoints)?;
    let key = key.clone();
    let report = tokio::task::spawn_blocking(move || verify(&entries, &lines, &key))
        .await
        .map_err(|e| CliError::Refused(format!("verification stopped: {e}")))?;
    Ok(CopyCheck {
        integrity,
        plans,
        revisions,
        report,
    })
}
