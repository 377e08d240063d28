//! `upstream backup` while the app serves and saves pour in, and `upstream restore` into a
//! fresh folder: the restored app holds every plan, revision and audit entry that existed
//! when the backup began, and its trail verifies. A restore refuses a copy that does not
//! verify, and refuses to run under a serving app.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::foundation::audit::keyfile;
use app::sections::views::SaveOutcome;
use server::cli::backup::{backup, restore, verify_backup_command};
use server::cli::copy_check::checkpoints_beside;
use server::cli::verify::check_database;
use server::cli::CliError;
use server::config::Config;
use server::startup::{open_database, Application};
use sqlx::Row;

use crate::helpers::{call_at, section_save, spawn_sqlite_app, temp_dir};

/// Everything that must survive: plans, revisions (id to body), audit entries (seq to hash).
#[derive(Debug, PartialEq)]
struct Holdings {
    plans: Vec<i64>,
    revisions: BTreeMap<i64, String>,
    entries: BTreeMap<i64, String>,
}

async fn holdings(db: &app::db::Db) -> Holdings {
    let plans = sqlx::query_scalar("SELECT id FROM plans ORDER BY id")
        .fetch_all(db.reader())
        .await
        .unwrap();
    let revisions = sqlx::query("SELECT id, body FROM revisions")
        .fetch_all(db.reader())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<i64, _>("id"), r.get::<String, _>("body")))
        .collect();
    let entries = sqlx::query("SELECT seq, hash FROM audit_entries")
        .fetch_all(db.reader())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<i64, _>("seq"), r.get::<String, _>("hash")))
        .collect();
    Holdings {
        plans,
        revisions,
        entries,
    }
}

/// Whether everything in `before` is in `after`, unchanged.
fn holds_all_of(after: &Holdings, before: &Holdings) -> Result<(), String> {
    for plan in &before.plans {
        if !after.plans.contains(plan) {
            return Err(format!("plan {plan} is missing"));
        }
    }
    for (id, body) in &before.revisions {
        if after.revisions.get(id) != Some(body) {
            return Err(format!("revision {id} is missing or changed"));
        }
    }
    for (seq, hash) in &before.entries {
        if after.entries.get(seq) != Some(hash) {
            return Err(format!("audit entry {seq} is missing or changed"));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_write_load_restores_everything_that_existed_when_it_began() {
    let app = spawn_sqlite_app().await;
    let p = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let overview = app
        .call(&p.lead, app::plans::api::Plan { plan_id: p.plan })
        .await
        .expect("overview");
    let sections: Vec<i64> = overview.sections.iter().map(|s| s.id).take(8).collect();
    assert!(sections.len() >= 4, "the template has sections");

    // One writer per section, saving as fast as the server answers until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = sections
        .iter()
        .map(|&section| {
            let (base, client, stop) = (app.base.clone(), p.lead.clone(), stop.clone());
            let plan = p.plan;
            tokio::spawn(async move {
                let (mut version, mut saves) = (1, 0);
                while !stop.load(Ordering::Relaxed) {
                    let body = format!(
                        "Draft {saves} of section {section}.\n\n{}",
                        "Text. ".repeat(200)
                    );
                    match call_at(&base, &client, section_save(plan, section, version, &body)).await
                    {
                        Ok(
                            SaveOutcome::Saved { version: v }
                            | SaveOutcome::Merged { version: v, .. },
                        ) => {
                            version = v;
                            saves += 1;
                        }
                        other => panic!("save of section {section}: {other:?}"),
                    }
                }
                saves
            })
        })
        .collect();
    // Let the load build up, then back up in the middle of it.
    while app
        .count("SELECT COUNT(*) FROM audit_entries WHERE kind = 'section_save'")
        .await
        < 40
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = holdings(&app.db).await;
    let dest = app.dir.join("backups").join("upstream-backup.db");
    let summary = backup(&app.config, &dest).await.expect("backup");
    let during = holdings(&app.db).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    let mut saves = 0;
    for w in writers {
        saves += w.await.expect("writer");
    }
    assert!(summary.check.sound(), "{:?}", summary.check);
    assert!(
        during.revisions.len() > before.revisions.len(),
        "saves were in flight while the backup was taken"
    );
    assert!(saves > 40);

    // Restore into a fresh folder (the key comes along from the configuration) and start
    // the app on it.
    let fresh = temp_dir("restored");
    let url = format!("sqlite://{}/upstream.db", fresh.display());
    let mut config = Config::for_tests(url.clone());
    config.audit_key = app.config.audit_key.clone();
    let restored = restore(&config, &dest).await.expect("restore");
    assert!(restored.replaced.is_none());
    assert!(restored.check.sound());
    let server = Application::build(&config)
        .await
        .expect("restored app starts");
    let base = format!("http://{}", server.local_addr());
    tokio::spawn(server.run_until_stopped());
    let db = open_database(&url).await.expect("restored database");
    let after = holdings(&db).await;
    if let Err(missing) = holds_all_of(&after, &before) {
        panic!("{missing}");
    }
    let key = keyfile::load_public(&config.audit_key).unwrap();
    let report = check_database(&db, &config.audit_checkpoints, &key)
        .await
        .unwrap();
    assert!(report.intact(), "{:?}", report.findings);

    // People log in to the restored app and find their plan.
    let client = app.client();
    let login = crate::helpers::credentials("lead@example.org", crate::helpers::PASSWORD);
    call_at(&base, &client, login).await.expect("login");
    let plan = call_at(&base, &client, app::plans::api::Plan { plan_id: p.plan })
        .await
        .expect("the plan");
    assert_eq!(plan.sections.len(), overview.sections.len());
    let _ = std::fs::remove_dir_all(&fresh);
}

#[tokio::test]
async fn a_backup_that_does_not_verify_is_named_and_refused_and_so_is_a_restore_under_a_running_server(
) {
    let app = spawn_sqlite_app().await;
    app.led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let dest = app.dir.join("backup.db");
    backup(&app.config, &dest).await.expect("backup");
    let args = [dest.display().to_string()];
    let checked = verify_backup_command(&app.config, &args)
        .await
        .expect("verifies");
    assert!(checked.ends_with("Backup verifies."), "{checked}");

    // Into the running server's own folder: refused, nothing touched.
    let err = restore(&app.config, &dest).await.unwrap_err();
    assert!(
        matches!(&err, CliError::Refused(m) if m.contains("a server is running")),
        "{err}"
    );

    // A backup whose trail was cut short: refused, the previous database left in place.
    let fresh = temp_dir("restored");
    let mut config = Config::for_tests(format!("sqlite://{}/upstream.db", fresh.display()));
    config.audit_key = app.config.audit_key.clone();
    {
        use sqlx::{AnyConnection, Connection};
        let mut conn = AnyConnection::connect(&format!("sqlite://{}", dest.display()))
            .await
            .unwrap();
        sqlx::query("DELETE FROM audit_entries WHERE seq = (SELECT MAX(seq) FROM audit_entries)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    let refused = verify_backup_command(&app.config, &args).await.unwrap_err();
    let refused = refused.to_string();
    assert!(refused.contains("PROBLEM missing tail"), "{refused}");
    assert!(refused.ends_with("Backup does NOT verify."), "{refused}");
    let err = restore(&config, &dest).await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("did not verify, nothing was replaced"),
        "{message}"
    );
    assert!(message.contains("missing tail"), "{message}");
    assert!(!fresh.join("upstream.db").exists());
    assert!(checkpoints_beside(&dest).exists());
    let _ = std::fs::remove_dir_all(&fresh);
}
