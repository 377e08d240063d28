//! Signed checkpoints of the audit trail: the server signs its head at start-up and while
//! serving, and `verify-audit` names each way the trail can be tampered with outside the app,
//! on a copy of the database taken with `upstream backup`: an entry edited, the last entries
//! deleted, entries deleted from the middle or from one on, and an entry rewritten with every
//! later one re-hashed.

use std::path::PathBuf;
use std::time::Duration;

use app::foundation::audit::chain::recompute;
use app::foundation::audit::checkpointer::read_file;
use app::foundation::audit::domain::{AuditKind, ChainFault, NewEntry};
use app::foundation::audit::keyfile;
use app::foundation::audit::record::{entry_from_row, record_event, COLUMNS};
use app::foundation::audit::verify::Finding;
use app::foundation::people::PlatformRole;
use server::cli::backup::backup;
use server::cli::copy_check::{check_copy, checkpoints_beside};
use server::cli::verify::{check_database, render, verify_audit, Verdict};
use server::config::Config;
use server::startup::open_checkpointer;
use sqlx::{AnyConnection, Connection};

use crate::helpers::{spawn_app, spawn_app_with, spawn_sqlite_app, TestApp};

/// A copy of a test server's database (a SQLite backup: the tampering is done to a file), with its checkpoint file beside it, and the
/// configuration that points `verify-audit` at it (with the server's key).
struct TrailCopy {
    path: PathBuf,
    config: Config,
}

/// Appends `n` entries to `app`'s trail, signing a checkpoint after each count in
/// `checkpoint_at`, then backs it up (which signs one at `n`) into a copy.
async fn trail_copy(app: &TestApp, n: i64, checkpoint_at: &[i64]) -> TrailCopy {
    let checkpointer = open_checkpointer(&app.config, false).expect("the server's key");
    for i in 1..=n {
        record_event(
            &app.db,
            NewEntry::new(AuditKind::Admin, format!("event {i}")),
        )
        .await
        .expect("entry");
        if checkpoint_at.contains(&i) {
            checkpointer.checkpoint(&app.db).await.expect("checkpoint");
        }
    }
    let path = app.dir.join(format!("copy-{}.db", uuid::Uuid::new_v4()));
    let summary = backup(&app.config, &path).await.expect("backup");
    assert!(summary.check.sound(), "{:?}", summary.check);
    let mut config = Config::for_tests(format!("sqlite://{}", path.display()));
    config.audit_key = app.config.audit_key.clone();
    config.audit_checkpoints = checkpoints_beside(&path);
    TrailCopy { path, config }
}

impl TrailCopy {
    /// Runs `sql` on the copy, as someone with the file in hand would.
    async fn tamper(&self, sql: &str) {
        let mut conn = AnyConnection::connect(&format!("sqlite://{}", self.path.display()))
            .await
            .expect("open the copy");
        sqlx::query(sql).execute(&mut conn).await.expect(sql);
        conn.close().await.expect("close");
    }

    /// Rewrites entry `seq`'s subject and re-hashes it and every entry after it.
    async fn rewrite_and_rehash(&self, seq: i64) {
        let mut conn = AnyConnection::connect(&format!("sqlite://{}", self.path.display()))
            .await
            .expect("open the copy");
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM audit_entries ORDER BY seq"))
            .fetch_all(&mut conn)
            .await
            .expect("entries");
        let mut entries: Vec<_> = rows.iter().map(|r| entry_from_row(r).unwrap()).collect();
        for i in 0..entries.len() {
            if entries[i].seq < seq {
                continue;
            }
            if entries[i].seq == seq {
                entries[i].subject = "nothing happened".into();
            }
            let prev = entries[i - 1].hash.clone();
            entries[i].prev_hash = prev.clone();
            entries[i].hash = recompute(&prev, &entries[i]).expect("salted");
            sqlx::query(
                "UPDATE audit_entries SET subject = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
            )
            .bind(&entries[i].subject)
            .bind(&entries[i].prev_hash)
            .bind(&entries[i].hash)
            .bind(entries[i].seq)
            .execute(&mut conn)
            .await
            .expect("rewrite");
        }
        conn.close().await.expect("close");
    }

    /// What `verify-audit` finds on the copy, what it prints, and its verdict.
    async fn verify(&self) -> (Vec<Finding>, String, Verdict) {
        let key = keyfile::load_public(&self.config.audit_key).expect("key");
        let check = check_copy(&self.path, &self.config.audit_checkpoints, &key)
            .await
            .expect("check");
        let text = render(&check.report, &self.config.audit_checkpoints, &key);
        let (verdict, printed) = verify_audit(&self.config, &[]).await.expect("verify-audit");
        assert_eq!(printed, text);
        (check.report.findings, text, verdict)
    }
}

#[tokio::test]
async fn a_clean_trail_verifies_and_says_how_many_entries_are_newer_than_the_latest_checkpoint() {
    let app = spawn_sqlite_app().await;
    for i in 0..3 {
        record_event(
            &app.db,
            NewEntry::new(AuditKind::Admin, format!("event {i}")),
        )
        .await
        .unwrap();
    }
    // The server signed the empty trail at start-up; the three entries came after.
    let key = keyfile::load_public(&app.config.audit_key).unwrap();
    let report = check_database(&app.db, &app.config.audit_checkpoints, &key)
        .await
        .unwrap();
    assert!(report.intact(), "{:?}", report.findings);
    assert_eq!(report.newer_than_latest(), 3);
    let text = render(&report, &app.config.audit_checkpoints, &key);
    assert!(
        text.contains("Not yet covered: 3 entries (1-3) are newer than the latest checkpoint"),
        "{text}"
    );
    assert!(text.ends_with("Audit trail intact."), "{text}");
    let (verdict, printed) = verify_audit(&app.config, &[]).await.unwrap();
    assert_eq!((verdict, printed), (Verdict::Intact, text));

    let copy = trail_copy(&app, 2, &[]).await;
    let (findings, text, verdict) = copy.verify().await;
    assert_eq!(findings, vec![]);
    assert_eq!(verdict, Verdict::Intact);
    assert!(
        text.contains(
            "Verified: entries 1-5 hash correctly, link, and match every signed checkpoint."
        ),
        "{text}"
    );
    assert!(
        text.contains("Every entry is covered by the latest checkpoint."),
        "{text}"
    );
}

#[tokio::test]
async fn an_entry_edited_in_a_copy_is_named() {
    let app = spawn_sqlite_app().await;
    let copy = trail_copy(&app, 5, &[]).await;
    copy.tamper("UPDATE audit_entries SET ip = '203.0.113.9' WHERE seq = 2")
        .await;
    let (findings, text, verdict) = copy.verify().await;
    assert_eq!(
        findings,
        vec![Finding::Chain(ChainFault::Edited { seq: 2 })]
    );
    assert_eq!(verdict, Verdict::Tampered);
    assert!(
        text.contains("PROBLEM edited entry: entry 2's content does not match its hash"),
        "{text}"
    );
    assert!(
        text.contains("Audit trail NOT intact: 1 problem(s)."),
        "{text}"
    );
}

#[tokio::test]
async fn the_last_entries_deleted_from_a_copy_are_a_missing_tail() {
    let app = spawn_sqlite_app().await;
    let copy = trail_copy(&app, 6, &[]).await;
    copy.tamper("DELETE FROM audit_entries WHERE seq > 4").await;
    let (findings, text, verdict) = copy.verify().await;
    assert!(
        matches!(
            findings[..],
            [Finding::MissingTail {
                count: 6,
                last_seq: 4,
                ..
            }]
        ),
        "{findings:?}"
    );
    assert_eq!(verdict, Verdict::Tampered);
    assert!(
        text.contains("PROBLEM missing tail: the checkpoint signed"),
        "{text}"
    );
    assert!(
        text.contains("counted 6 entries, but the trail ends at entry 4; entries 5-6 were removed"),
        "{text}"
    );
}

#[tokio::test]
async fn entries_deleted_from_the_middle_or_from_one_on_are_named() {
    let app = spawn_sqlite_app().await;
    let copy = trail_copy(&app, 6, &[]).await;
    copy.tamper("DELETE FROM audit_entries WHERE seq = 3").await;
    let (findings, text, verdict) = copy.verify().await;
    assert_eq!(
        findings,
        vec![Finding::Chain(ChainFault::Gap { from: 3, to: 3 })]
    );
    assert_eq!(verdict, Verdict::Tampered);
    assert!(
        text.contains("PROBLEM gap: entry 3 missing from the middle of the trail"),
        "{text}"
    );

    let copy = trail_copy(&app, 2, &[]).await;
    // This copy holds the first trail's 6 entries and 2 more: delete from entry 3 on.
    copy.tamper("DELETE FROM audit_entries WHERE seq >= 3")
        .await;
    let (findings, text, _) = copy.verify().await;
    assert!(
        matches!(
            findings[..],
            [Finding::MissingTail {
                count: 8,
                last_seq: 2,
                ..
            }]
        ),
        "{findings:?}"
    );
    assert!(text.contains("entries 3-8 were removed"), "{text}");
}

#[tokio::test]
async fn an_entry_rewritten_with_every_later_one_rehashed_is_named() {
    let app = spawn_sqlite_app().await;
    let copy = trail_copy(&app, 6, &[3]).await;
    copy.rewrite_and_rehash(5).await;
    // The chain holds on its own: only the signed heads give it away.
    let key = keyfile::load_public(&copy.config.audit_key).unwrap();
    let (findings, text, verdict) = copy.verify().await;
    assert_eq!(verdict, Verdict::Tampered);
    assert!(
        matches!(
            findings[..],
            [Finding::Rehashed {
                count: 6,
                since: 3,
                also: 0,
                ..
            }]
        ),
        "{findings:?}"
    );
    assert!(
        text.contains(
            "PROBLEM re-hashed chain: the trail's hash at entry 6 differs from the one signed"
        ),
        "{text}"
    );
    assert!(
        text.contains("entries after 3 up to 6 were rewritten"),
        "{text}"
    );
    // And a forged checkpoint line appended to the copy's file is named too.
    let mut lines = std::fs::read_to_string(&copy.config.audit_checkpoints).unwrap();
    let forged = lines
        .lines()
        .last()
        .unwrap()
        .replace("\"count\":6", "\"count\":7");
    lines.push_str(&forged);
    lines.push('\n');
    std::fs::write(&copy.config.audit_checkpoints, lines).unwrap();
    let check = check_copy(&copy.path, &copy.config.audit_checkpoints, &key)
        .await
        .unwrap();
    assert!(
        check
            .report
            .findings
            .iter()
            .any(|f| matches!(f, Finding::BadSignature { .. })),
        "{:?}",
        check.report.findings
    );
}

#[tokio::test]
async fn the_server_signs_the_head_at_start_with_a_key_only_its_owner_can_read() {
    let app = spawn_app().await;
    let lines = read_file(&app.config.audit_checkpoints).unwrap();
    let key = keyfile::load_public(&app.config.audit_key).unwrap();
    assert_eq!(lines.len(), 1);
    let first = lines[0].1.as_ref().unwrap();
    assert_eq!((first.count, key.check(first)), (0, Ok(())));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&app.config.audit_key)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn the_server_signs_new_entries_while_serving_without_anyone_asking() {
    let app = spawn_app_with(|c| c.audit_checkpoint_secs = 1).await;
    app.person("a@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    app.login(&client, "a@example.org").await;
    let mut latest = 0;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        latest = read_file(&app.config.audit_checkpoints)
            .unwrap()
            .iter()
            .filter_map(|(_, c)| c.as_ref().ok().map(|c| c.count))
            .max()
            .unwrap_or(0);
        if latest >= 1 {
            break;
        }
    }
    assert_eq!(latest, 1, "the login was not checkpointed");
}

#[tokio::test]
async fn no_checkpoint_is_signed_over_a_trail_that_no_longer_extends_the_last_one() {
    let app = spawn_app().await;
    let checkpointer = open_checkpointer(&app.config, false).unwrap();
    for i in 0..4 {
        record_event(
            &app.db,
            NewEntry::new(AuditKind::Admin, format!("event {i}")),
        )
        .await
        .unwrap();
    }
    checkpointer.checkpoint(&app.db).await.unwrap();
    {
        let mut writer = app.db.write().await;
        sqlx::query("DELETE FROM audit_entries WHERE seq >= 3")
            .execute(writer.conn())
            .await
            .unwrap();
    }
    // The app appends again on top of the cut trail; signing that would bless the cut.
    record_event(&app.db, NewEntry::new(AuditKind::Admin, "after the cut"))
        .await
        .unwrap();
    let err = checkpointer.checkpoint(&app.db).await.unwrap_err();
    assert!(err.to_string().contains("no longer extends"), "{err}");
    let counts: Vec<i64> = read_file(&app.config.audit_checkpoints)
        .unwrap()
        .into_iter()
        .filter_map(|(_, c)| c.ok().map(|c| c.count))
        .collect();
    assert_eq!(counts, vec![0, 4]);
}
