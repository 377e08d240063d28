//! `upstream verify-audit`: the trail in the database against its signed checkpoints, or
//! (`--file`) a plan's exported trail offline, with what an operator reads and the exit code.

use std::path::Path;

use app::foundation::audit::checkpoint::{grouped, PublicKey};
use app::foundation::audit::checkpointer::read_file;
use app::foundation::audit::export::{verify_export, AuditExport, ExportReport};
use app::foundation::audit::keyfile;
use app::foundation::audit::record::entries_from;
use app::foundation::audit::verify::{verify, Report};
use app::foundation::ui::format_time;

use super::CliError;
use crate::config::Config;
use crate::startup::open_database;

/// What verification concluded; errors (nothing could be checked) are apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing wrong was found.
    Intact,
    /// Something was: tampering, or damage.
    Tampered,
}

impl Verdict {
    fn of(intact: bool) -> Verdict {
        if intact {
            Verdict::Intact
        } else {
            Verdict::Tampered
        }
    }
}

/// The largest export `--file` reads.
const MAX_EXPORT_BYTES: u64 = 512 * 1024 * 1024;

/// Checks the trail in `db` against the checkpoint file at `checkpoints`, trusting `key`.
pub async fn check_database(
    db: &app::db::Db,
    checkpoints: &Path,
    key: &PublicKey,
) -> Result<Report, CliError> {
    let entries = entries_from(db, 1).await?;
    let lines = read_file(checkpoints)?;
    let key = key.clone();
    tokio::task::spawn_blocking(move || verify(&entries, &lines, &key))
        .await
        .map_err(|e| CliError::Refused(format!("verification stopped: {e}")))
}

/// The report as the operator reads it.
pub fn render(report: &Report, checkpoints: &Path, key: &PublicKey) -> String {
    let mut out = Vec::new();
    out.push(format!(
        "Audit trail: {} entries (last entry {}).",
        report.entries, report.last_seq
    ));
    match &report.latest {
        Some(c) => out.push(format!(
            "Checkpoints: {} validly signed in {}; the latest counts {} entries, signed {}.",
            report.checkpoints,
            checkpoints.display(),
            c.count,
            format_time(c.at)
        )),
        None => out.push(format!(
            "Checkpoints: none validly signed in {}.",
            checkpoints.display()
        )),
    }
    out.push(format!(
        "Signing key fingerprint: {} (compare it with the one published).",
        grouped(&key.fingerprint())
    ));
    for f in &report.findings {
        out.push(format!("PROBLEM {f}"));
    }
    if report.intact() {
        let covered = report.latest.as_ref().map_or(0, |c| c.count);
        if covered > 0 {
            out.push(format!(
                "Verified: entries 1-{covered} hash correctly, link, and match every signed checkpoint."
            ));
        }
        match report.newer_than_latest() {
            0 => out.push("Every entry is covered by the latest checkpoint.".to_owned()),
            n => out.push(format!(
                "Not yet covered: {n} entries ({}-{}) are newer than the latest checkpoint; they hash and link, but entries removed from the end since it would not show yet.",
                report.last_seq - n + 1,
                report.last_seq
            )),
        }
        out.push("Audit trail intact.".to_owned());
    } else {
        out.push(format!(
            "Audit trail NOT intact: {} problem(s). Keep the database, {} and the logs as they are, and restore from a backup that verifies.",
            report.findings.len(),
            checkpoints.display()
        ));
    }
    out.join("\n")
}

/// An export's report as the partner (or operator) reads it.
pub fn render_export(r: &ExportReport) -> String {
    let mut out = vec![
        format!(
            "Plan {} \"{}\": audit export up to the checkpoint signed {}, counting {} entries.",
            r.plan.id,
            r.plan.title,
            format_time(r.signed_at),
            r.count
        ),
        format!(
            "Signing key fingerprint: {} ({}).",
            grouped(&r.fingerprint),
            if r.published_checked {
                "compared with the fingerprint given"
            } else {
                "check it is the one the operator published, or pass --fingerprint"
            }
        ),
    ];
    for f in &r.findings {
        out.push(format!("PROBLEM {f}"));
    }
    if r.intact() {
        out.push(format!(
            "Verified: the plan's {} entries hash correctly, and every entry from {} ({}) to {} links up to the signed checkpoint, so none of the plan's was altered, left out or passed off as another's.",
            r.plan_entries,
            r.first_seq,
            if r.starts_at_creation { "the plan's creation" } else { "the plan's first entry on record" },
            r.count
        ));
        if r.stated_links > 0 {
            out.push(format!(
                "Note: {} entries written before format 2 are linked by their stated hash only; whether any of them was the plan's cannot be checked.",
                r.stated_links
            ));
        }
        out.push("Export intact.".to_owned());
    } else {
        out.push(format!(
            "Export NOT intact: {} problem(s).",
            r.findings.len()
        ));
    }
    out.join("\n")
}

/// Verifies the export at `path` offline (`published`: the fingerprint to require).
pub fn check_export_file(path: &Path, published: Option<&str>) -> Result<ExportReport, CliError> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_EXPORT_BYTES {
        return Err(CliError::Usage(format!(
            "{} is {size} bytes, more than any export",
            path.display()
        )));
    }
    let text = std::fs::read(path)?;
    let export: AuditExport = serde_json::from_slice(&text).map_err(|e| {
        CliError::Usage(format!(
            "{} is not an Upstream audit export: {e}",
            path.display()
        ))
    })?;
    Ok(verify_export(&export, published))
}

/// `upstream verify-audit [--file EXPORT [--fingerprint HEX]]`: the verdict, and what to print.
pub async fn verify_audit(config: &Config, args: &[String]) -> Result<(Verdict, String), CliError> {
    let mut file = None;
    let mut fingerprint = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--file" => file = it.next().cloned(),
            "--fingerprint" => fingerprint = it.next().cloned(),
            other => {
                return Err(CliError::Usage(format!(
                    "unknown argument {other:?}; usage: verify-audit [--file EXPORT [--fingerprint HEX]]"
                )))
            }
        }
    }
    if let Some(file) = file {
        let report = check_export_file(Path::new(&file), fingerprint.as_deref())?;
        return Ok((Verdict::of(report.intact()), render_export(&report)));
    }
    let key = keyfile::load_public(&config.audit_key).map_err(|e| {
        CliError::Usage(format!(
            "{e}: cannot check the checkpoints' signatures (set UPSTREAM_AUDIT_KEY to the server's key file)"
        ))
    })?;
    let db = open_database(&config.database_url).await?;
    let report = check_database(&db, &config.audit_checkpoints, &key).await;
    db.close().await;
    let report = report?;
    let text = render(&report, &config.audit_checkpoints, &key);
    Ok((Verdict::of(report.intact()), text))
}
