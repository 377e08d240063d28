//! `upstream backup PATH` and `upstream restore PATH`.
//!
//! A backup is a consistent copy taken while the app serves (SQLite's `VACUUM INTO` reads one
//! snapshot and never takes the writer lane), with the audit checkpoint file beside it. Order
//! matters: a fresh checkpoint is signed, the checkpoint file copied, and only then the
//! database, so every checkpoint in the copy counts entries the copied database holds.
//!
//! A restore (with the app stopped: it needs the serving lock alone) checks the copy before
//! anything is replaced, then writes it beside the database and renames it into place,
//! keeping the database it replaces as `.before-restore`.

use std::io::Write;
use std::path::{Path, PathBuf};

use app::foundation::audit::checkpoint::Checkpoint;
use app::foundation::audit::checkpointer::{latest_signed, read_file};
use app::foundation::audit::keyfile;
use sqlx::{AnyConnection, Connection};

use super::copy_check::{check_copy, checkpoints_beside, with_suffix, CopyCheck};
use super::CliError;
use crate::config::Config;
use crate::serving_lock::ServingLock;
use crate::startup::{open_checkpointer, open_database};

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupSummary {
    /// The database copy.
    pub path: PathBuf,
    /// The checkpoint file beside it.
    pub checkpoints: PathBuf,
    /// The checkpoint signed for it (none if the trail no longer extends the last one).
    pub checkpoint: Option<Checkpoint>,
    /// The copy, checked.
    pub check: CopyCheck,
}

/// What a restore did.
#[derive(Debug)]
pub struct RestoreSummary {
    /// The database now in place.
    pub database: PathBuf,
    /// Where the database it replaced went, if there was one.
    pub replaced: Option<PathBuf>,
    /// The restored copy, checked.
    pub check: CopyCheck,
    /// The count of the replaced trail's latest checkpoint, when it counted more entries than
    /// the restored trail holds (entries recorded after the backup, kept only in `replaced`).
    pub replaced_count: Option<i64>,
}

fn database_file(config: &Config) -> Result<PathBuf, CliError> {
    app::db::sqlite_file(&config.database_url).ok_or_else(|| {
        CliError::Usage(
            "backup, verify-backup and restore copy a SQLite file; back up PostgreSQL with \
             pg_dump (see README.md, \"Running on PostgreSQL\")"
                .into(),
        )
    })
}

fn free(path: &Path) -> Result<(), CliError> {
    if path.exists() {
        return Err(CliError::Usage(format!(
            "{} already exists; move it away or choose another name",
            path.display()
        )));
    }
    Ok(())
}

/// Flushes `path`'s content, and its folder's entry for it, to disk.
fn sync(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(path)?.sync_all()?;
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Copies `from` to `to` (replacing it) and syncs it.
fn copy_synced(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::copy(from, to)?;
    sync(to)
}

/// Takes a backup of the configured database into `dest` (a new file), with the checkpoint
/// file beside it, and checks the copy.
pub async fn backup(config: &Config, dest: &Path) -> Result<BackupSummary, CliError> {
    let dest_checkpoints = checkpoints_beside(dest);
    free(dest)?;
    free(&dest_checkpoints)?;
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let checkpointer = open_checkpointer(config, false)?;
    let key = checkpointer.public_key();
    let db = open_database(&config.database_url).await?;
    let checkpoint = match checkpointer.checkpoint(&db).await {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::error!(error = %e, "audit checkpoint not signed for the backup");
            None
        }
    };
    // The checkpoint file before the database: see the module's comment.
    let partial_checkpoints = with_suffix(&dest_checkpoints, ".partial");
    if config.audit_checkpoints.exists() {
        copy_synced(&config.audit_checkpoints, &partial_checkpoints)?;
    } else {
        std::fs::write(&partial_checkpoints, "")?;
    }
    let partial = with_suffix(dest, ".partial");
    if partial.exists() {
        // Left by a backup that stopped half-way; VACUUM INTO will not write over it.
        std::fs::remove_file(&partial)?;
    }
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().into_owned())
        .execute(db.reader())
        .await;
    db.close().await;
    copied.map_err(app::db::DbError::from)?;
    sync(&partial)?;
    std::fs::rename(&partial, dest)?;
    std::fs::rename(&partial_checkpoints, &dest_checkpoints)?;
    sync(dest)?;
    let check = check_copy(dest, &dest_checkpoints, &key).await?;
    Ok(BackupSummary {
        path: dest.to_owned(),
        checkpoints: dest_checkpoints,
        checkpoint,
        check,
    })
}

/// Folds the write-ahead log of the database at `file` into it, so the file alone holds
/// everything committed; refuses when it cannot (another process still reading).
async fn fold_log(file: &Path) -> Result<(), CliError> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(&format!("sqlite://{}", file.display())).await?;
    let (busy,): (i64,) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&mut conn)
        .await
        .map(|(busy, _, _): (i64, i64, i64)| (busy,))?;
    conn.close().await?;
    let wal = with_suffix(file, "-wal");
    let left = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    if busy != 0 || left > 0 {
        return Err(CliError::Refused(format!(
            "{} is still in use (its write-ahead log could not be folded in); stop every process using it first",
            file.display()
        )));
    }
    for side in ["-wal", "-shm"] {
        let side = with_suffix(file, side);
        if side.exists() {
            std::fs::remove_file(side)?;
        }
    }
    Ok(())
}

/// Restores the backup at `src` (with its checkpoint file beside it) as the configured
/// database, after checking it; the server must be stopped.
pub async fn restore(config: &Config, src: &Path) -> Result<RestoreSummary, CliError> {
    let src_checkpoints = checkpoints_beside(src);
    if !src.is_file() {
        return Err(CliError::Usage(format!("no backup at {}", src.display())));
    }
    if !src_checkpoints.is_file() {
        return Err(CliError::Usage(format!(
            "no checkpoint file beside the backup ({}): its audit trail cannot be checked",
            src_checkpoints.display()
        )));
    }
    let live = database_file(config)?;
    let before = with_suffix(&live, ".before-restore");
    let checkpoints_before = with_suffix(&config.audit_checkpoints, ".before-restore");
    free(&before)?;
    free(&checkpoints_before)?;
    if let Some(dir) = live.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let _lock = ServingLock::exclusive(&live)?.ok_or_else(|| {
        CliError::Refused(format!(
            "a server is running on {}; stop it before restoring",
            live.display()
        ))
    })?;
    let key = keyfile::load_public(&config.audit_key).map_err(|e| {
        CliError::Usage(format!(
            "{e}: the backup's checkpoints cannot be checked without the server's key (UPSTREAM_AUDIT_KEY)"
        ))
    })?;

    // Written beside the database, checked there, then renamed into place.
    let staging = with_suffix(&live, ".restoring");
    if staging.exists() {
        std::fs::remove_file(&staging)?;
    }
    copy_synced(src, &staging)?;
    let check = match check_copy(&staging, &src_checkpoints, &key).await {
        Ok(check) if check.sound() => check,
        Ok(check) => {
            std::fs::remove_file(&staging)?;
            let mut why: Vec<String> = Vec::new();
            if !check.integrity_ok() {
                why.push(format!("integrity check: {}", check.integrity.join("; ")));
            }
            why.extend(check.report.findings.iter().map(|f| f.to_string()));
            return Err(CliError::Refused(format!(
                "{} did not verify, nothing was replaced:\n  {}",
                src.display(),
                why.join("\n  ")
            )));
        }
        Err(e) => {
            std::fs::remove_file(&staging)?;
            return Err(e);
        }
    };
    let replaced_count = read_file(&config.audit_checkpoints)
        .ok()
        .and_then(|lines| latest_signed(&lines, &key))
        .map(|c| c.count)
        .filter(|&count| count > check.report.last_seq);

    let replaced = if live.exists() {
        fold_log(&live).await?;
        std::fs::rename(&live, &before)?;
        Some(before)
    } else {
        None
    };
    std::fs::rename(&staging, &live)?;
    sync(&live)?;

    let staging_checkpoints = with_suffix(&config.audit_checkpoints, ".restoring");
    copy_synced(&src_checkpoints, &staging_checkpoints)?;
    if config.audit_checkpoints.exists() {
        std::fs::rename(&config.audit_checkpoints, &checkpoints_before)?;
    }
    std::fs::rename(&staging_checkpoints, &config.audit_checkpoints)?;
    sync(&config.audit_checkpoints)?;
    Ok(RestoreSummary {
        database: live,
        replaced,
        check,
        replaced_count,
    })
}

fn describe(check: &CopyCheck) -> String {
    let r = &check.report;
    format!(
        "{} plans, {} revisions, {} audit entries; integrity {}; audit trail {} (latest checkpoint counts {}, {} entries newer)",
        check.plans,
        check.revisions,
        r.entries,
        if check.integrity_ok() { "ok" } else { "FAILED" },
        if r.intact() { "verified" } else { "NOT intact" },
        r.latest.as_ref().map_or(0, |c| c.count),
        r.newer_than_latest()
    )
}

/// `upstream backup PATH`: what to print.
pub async fn backup_command(config: &Config, args: &[String]) -> Result<String, CliError> {
    let [path] = args else {
        return Err(CliError::Usage("usage: backup PATH (a new file)".into()));
    };
    let s = backup(config, Path::new(path)).await?;
    let mut out = Vec::new();
    writeln!(
        out,
        "Backup written to {}: {}.",
        s.path.display(),
        describe(&s.check)
    )?;
    writeln!(
        out,
        "Checkpoint file copied to {}.",
        s.checkpoints.display()
    )?;
    if s.checkpoint.is_none() {
        writeln!(out, "WARNING: no fresh checkpoint could be signed (see the log); run `upstream verify-audit`.")?;
    }
    writeln!(
        out,
        "Keep the signing key ({}) apart from the backups: restoring checks them with it.",
        config.audit_key.display()
    )?;
    let text = String::from_utf8_lossy(&out).trim_end().to_owned();
    if !s.check.sound() {
        return Err(CliError::Refused(format!(
            "{text}\nthe backup does not verify, so `restore` would refuse it: {}",
            s.check
                .report
                .findings
                .iter()
                .map(|f| f.to_string())
                .chain((!s.check.integrity_ok()).then(|| s.check.integrity.join("; ")))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    Ok(text)
}

/// `upstream verify-backup PATH`: checks a backup where it lies, changing nothing; what to
/// print, or [`CliError::Refused`] with it when the backup does not verify.
pub async fn verify_backup_command(config: &Config, args: &[String]) -> Result<String, CliError> {
    let [path] = args else {
        return Err(CliError::Usage(
            "usage: verify-backup PATH (a backup)".into(),
        ));
    };
    let path = Path::new(path);
    let key = keyfile::load_public(&config.audit_key).map_err(|e| {
        CliError::Usage(format!(
            "{e}: the backup's checkpoints cannot be checked without the server's key (UPSTREAM_AUDIT_KEY)"
        ))
    })?;
    let checkpoints = checkpoints_beside(path);
    let check = check_copy(path, &checkpoints, &key).await?;
    let mut lines = vec![format!("{}: {}.", path.display(), describe(&check))];
    if !check.integrity_ok() {
        lines.push(format!(
            "PROBLEM integrity check: {}",
            check.integrity.join("; ")
        ));
    }
    lines.extend(check.report.findings.iter().map(|f| format!("PROBLEM {f}")));
    let text = lines.join("\n");
    if check.sound() {
        Ok(format!("{text}\nBackup verifies."))
    } else {
        Err(CliError::Refused(format!(
            "{text}\nBackup does NOT verify."
        )))
    }
}

/// `upstream restore PATH`: what to print.
pub async fn restore_command(config: &Config, args: &[String]) -> Result<String, CliError> {
    let [path] = args else {
        return Err(CliError::Usage(
            "usage: restore PATH (a backup; stop the server first)".into(),
        ));
    };
    let s = restore(config, Path::new(path)).await?;
    let mut out = Vec::new();
    writeln!(
        out,
        "Restored {} as {}: {}.",
        path,
        s.database.display(),
        describe(&s.check)
    )?;
    if let Some(replaced) = &s.replaced {
        writeln!(
            out,
            "The database it replaced is at {}.",
            replaced.display()
        )?;
    }
    if let Some(count) = s.replaced_count {
        writeln!(
            out,
            "Note: the replaced trail had been checkpointed at {count} entries; what was recorded after this backup ({}) is only in the replaced database.",
            app::foundation::audit::domain::seqs(s.check.report.last_seq + 1, count)
        )?;
    }
    Ok(String::from_utf8_lossy(&out).trim_end().to_owned())
}
