//! A crash loses no acknowledged save. The real server runs as a process of its own (the
//! `upstream` binary), 32 writers save into the same sections, and the process is killed with
//! SIGKILL in the middle of it. Restarted on the same database, the file is intact, every save
//! that was answered as saved or merged is there with its revision and its audit entry, no save
//! is there without its entry (a group commit lands whole or not at all), and the audit chain
//! verifies.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::auth::domain::{NewPassword, Owner};
use app::db::{now, Db};
use app::foundation::people::{OrgKind, OrgRole, PlatformRole};
use app::sections::api::{SaveSection, Section};
use app::sections::views::SaveOutcome;
use reqwest::Client;
use server::startup::open_database;

use crate::helpers::{answer, credentials, request, PASSWORD};

const WRITERS: usize = 32;
const SECTIONS: usize = 8;

/// The server binary, serving `url` on a free port; returns the process and its address.
pub(crate) fn start(url: &str, dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_upstream"))
        .env("UPSTREAM_DATABASE_URL", url)
        .env("UPSTREAM_ADDR", "127.0.0.1:0")
        .env("UPSTREAM_SITE_ROOT", dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .expect("a line");
        if let Some(url) = line.strip_prefix("Upstream is running at ") {
            break url.trim().to_owned();
        }
    };
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, base)
}

/// A plan of `SECTIONS` empty sections and `WRITERS` editors, written straight into `db`.
async fn seed(db: &Db) -> (i64, Vec<i64>) {
    let t = now();
    let org = db
        .transaction(async |tx| {
            app::admin::db::insert_organisation(tx, "Ministry", OrgKind::Government, "SL", t).await
        })
        .await
        .expect("org");
    let owner = Owner {
        email: "writers@example.org",
        name: "Writers",
    };
    let password = NewPassword::parse(PASSWORD, PASSWORD, &owner)
        .map_err(|_| ())
        .expect("password");
    let hash = app::auth::password::hash_password(password)
        .await
        .expect("hash");
    let mut lead = 0;
    for w in 0..WRITERS {
        let email = format!("writer{w}@example.org");
        let id = app::auth::db::insert_person(db, &email, &email, &hash, PlatformRole::Member, t)
            .await
            .expect("person");
        db.transaction(async |tx| {
            app::admin::db::add_membership(tx, id, org, OrgRole::Member, t).await
        })
        .await
        .expect("member");
        lead = id;
    }
    let plan = app::plans::db::insert_plan(
        db,
        &app::plans::db::NewPlan {
            country: "SL",
            title: "Crash plan",
            summary: "",
            period: app::plans::domain::Period {
                start: 2026,
                end: 2030,
            },
            stage: 2,
            lead_org_id: org,
            created_by: lead,
            creator_org: Some(org),
            from_template: false,
            now: t,
            ip: None,
        },
    )
    .await
    .expect("plan");
    let mut sections = Vec::new();
    for s in 0..SECTIONS {
        let title = format!("Section {s}");
        let id = db
            .transaction(async |tx| {
                app::sections::db::add_section(tx, plan, &title, lead, Some(org), t).await
            })
            .await
            .expect("section");
        sections.push(id);
    }
    (plan, sections)
}

/// The text of `section` with writer `me`'s paragraph set to `mine`: every writer owns one
/// paragraph of the section, so concurrent saves merge.
fn with_my_paragraph(current: &str, me: usize, mine: &str) -> String {
    let per_section = WRITERS / SECTIONS;
    let mut paragraphs: Vec<String> = current
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(str::to_owned)
        .collect();
    paragraphs.resize(per_section, String::new());
    paragraphs[me % per_section] = mine.to_owned();
    for (i, p) in paragraphs.iter_mut().enumerate() {
        if p.is_empty() {
            *p = format!("(paragraph {i} not written yet)");
        }
    }
    paragraphs.join("\n\n")
}

/// `f`'s output, or `None` when the server refused it or could not be reached (it was killed).
async fn try_call<F>(base: &str, client: &Client, f: F) -> Option<F::Output>
where
    F: leptos::server_fn::ServerFn + serde::Serialize,
    F::Output: serde::de::DeserializeOwned,
{
    let res = request(base, client, &f).send().await.ok()?;
    if !res.status().is_success() {
        return None;
    }
    answer(&res.bytes().await.ok()?).ok()
}

/// What a writer was told landed: (section, version) -> the paragraph it wrote there.
type Acknowledged = Arc<Mutex<BTreeMap<(i64, i64), String>>>;

async fn write_until_killed(base: String, plan: i64, section: i64, me: usize, told: Acknowledged) {
    let client = Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let email = format!("writer{me}@example.org");
    if try_call(&base, &client, credentials(&email, PASSWORD))
        .await
        .is_none()
    {
        return;
    }
    for n in 0.. {
        let read = Section {
            plan_id: plan,
            section_id: section,
        };
        let Some(current) = try_call(&base, &client, read).await else {
            return;
        };
        let mine = format!("Writer {me} says {n}.");
        let save = SaveSection {
            plan_id: plan,
            section_id: section,
            base_version: current.version,
            body: with_my_paragraph(&current.body, me, &mine),
        };
        match try_call(&base, &client, save).await {
            Some(SaveOutcome::Saved { version }) | Some(SaveOutcome::Merged { version, .. }) => {
                told.lock()
                    .expect("acknowledged")
                    .insert((section, version), mine);
            }
            Some(_) => {}
            // The server is gone (or refused): nothing more was acknowledged.
            None => return,
        }
    }
}

#[tokio::test]
async fn a_killed_server_loses_no_acknowledged_save_and_no_half_written_batch() {
    let dir = std::env::temp_dir().join(format!("upstream-crash-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}/crash.db", dir.display());
    let (plan, sections) = {
        let db = open_database(&url).await.expect("database");
        let seeded = seed(&db).await;
        db.close().await;
        seeded
    };

    let (mut server, base) = start(&url, &dir);
    let told: Acknowledged = Default::default();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            tokio::spawn(write_until_killed(
                base.clone(),
                plan,
                sections[w % SECTIONS],
                w,
                told.clone(),
            ))
        })
        .collect();
    // Kill it once a good number of saves landed, in the middle of the traffic.
    let started = Instant::now();
    while told.lock().expect("acknowledged").len() < 200
        && started.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    for w in writers {
        w.await.expect("writer");
    }
    let told = told.lock().expect("acknowledged").clone();
    assert!(
        told.len() >= 200,
        "saves were acknowledged before the kill: {}",
        told.len()
    );

    // Started again on the same file, it recovers and serves.
    let (mut again, base) = start(&url, &dir);
    let health = reqwest::get(format!("{base}/health"))
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
    let db = open_database(&url).await.expect("database");
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(db.reader())
        .await
        .expect("integrity check");
    assert_eq!(integrity, "ok");
    for ((section, version), mine) in &told {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM revisions WHERE section_id = $1 AND number = $2")
                .bind(section)
                .bind(version)
                .fetch_optional(db.reader())
                .await
                .expect("revision");
        let body = body.unwrap_or_else(|| panic!("acknowledged save {section}@{version} is gone"));
        assert!(
            body.contains(mine.as_str()),
            "{section}@{version} holds {mine}"
        );
    }
    // Every revision after the first has its audit entry and every save entry its revision:
    // the saves of one transaction landed together with their entries, or not at all.
    let saves_without_entry: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM revisions r WHERE r.number > 1 AND NOT EXISTS (
             SELECT 1 FROM audit_entries a WHERE a.kind = 'section_save'
             AND a.subject = 'section ' || r.section_id
             AND json_extract(a.details, '$.version') = r.number)",
    )
    .fetch_one(db.reader())
    .await
    .expect("count");
    assert_eq!(saves_without_entry, 0);
    let entries_without_save: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_entries a WHERE a.kind = 'section_save' AND NOT EXISTS (
             SELECT 1 FROM revisions r WHERE 'section ' || r.section_id = a.subject
             AND r.number = json_extract(a.details, '$.version'))",
    )
    .fetch_one(db.reader())
    .await
    .expect("count");
    assert_eq!(entries_without_save, 0);
    let behind: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sections s WHERE s.version <> (SELECT MAX(number) FROM revisions r WHERE r.section_id = s.id)",
    )
    .fetch_one(db.reader())
    .await
    .expect("count");
    assert_eq!(behind, 0, "every section's version is its latest revision");
    let entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_entries")
        .fetch_one(db.reader())
        .await
        .expect("count");
    assert_eq!(
        server::cli::verify_audit_chain(&db).await.ok(),
        Some(entries as usize)
    );
    again.kill().expect("stopped");
    let _ = again.wait();
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
