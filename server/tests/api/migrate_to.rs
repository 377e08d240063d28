//! `upstream migrate-to`: a SQLite database moved to PostgreSQL keeps everything (people and
//! their passwords, plans, every revision, comments, the audit chain) and goes on working.
//! Needs PostgreSQL: on the SQLite run of the suite it says so and passes.

use app::comments::api::StartThread;
use server::cli::backup::backup;
use server::cli::migrate_to::migrate_to;
use server::cli::CliError;
use server::config::Config;

use crate::helpers::{
    call_at, credentials, fresh_database_url, section_save, spawn_sqlite_app, start_on, temp_dir,
    test_postgres, PASSWORD,
};

#[tokio::test]
async fn a_sqlite_database_moved_to_postgresql_keeps_everything_and_goes_on_working() {
    if test_postgres().is_none() {
        eprintln!("migrate-to needs PostgreSQL: set UPSTREAM_TEST_POSTGRES (scripts/test does)");
        return;
    }
    let app = spawn_sqlite_app().await;
    let led = app
        .led_plan("Ministry", "lead@example.org", "Prevention plan")
        .await;
    for (base, text) in [
        (1, "First text."),
        (2, "Second text, with “quotes” and ünïcode."),
    ] {
        let save = section_save(led.plan, led.section, base, text);
        app.call(&led.lead, save).await.expect("saved");
    }
    let thread = StartThread {
        plan_id: led.plan,
        section_id: led.section,
        quote: None,
        prefix: None,
        suffix: None,
        body: "A comment to carry over.".into(),
    };
    app.call(&led.lead, thread).await.expect("commented");

    // While its server runs on the file: refused.
    let destination = fresh_database_url(&app.dir).await;
    let err = migrate_to(&app.config, &destination).await.unwrap_err();
    assert!(
        matches!(&err, CliError::Refused(m) if m.contains("a server is running")),
        "{err}"
    );

    // From a copy no server runs on, as after stopping it.
    let copy_dir = temp_dir("move");
    let copy = copy_dir.join("upstream.db");
    backup(&app.config, &copy).await.expect("backup");
    let mut from = Config::for_tests(format!("sqlite://{}", copy.display()));
    from.audit_key = app.config.audit_key.clone();
    let moved = migrate_to(&from, &destination).await.expect("moved");
    let entries = app.count("SELECT COUNT(*) FROM audit_entries").await as usize;
    assert_eq!(moved.audit_entries, entries);
    assert_eq!(
        moved.rows.get("revisions").copied(),
        Some(app.count("SELECT COUNT(*) FROM revisions").await as usize)
    );

    // Into a database that already holds it: refused.
    let again = migrate_to(&from, &destination).await.unwrap_err();
    assert!(
        matches!(&again, CliError::Refused(m) if m.contains("already holds")),
        "{again}"
    );

    // A server on the destination: the same login, the same text, and new rows get new ids.
    let moved_app = start_on(copy_dir, destination, |_| {}).await;
    let base = moved_app.base.clone();
    let client = app.client();
    call_at(&base, &client, credentials("lead@example.org", PASSWORD))
        .await
        .expect("the same password logs in");
    let read = app::sections::api::Section {
        plan_id: led.plan,
        section_id: led.section,
    };
    let detail = call_at(&base, &client, read).await.expect("the section");
    assert_eq!(detail.body, "Second text, with “quotes” and ünïcode.");
    assert_eq!(detail.version, 3);
    let threads = app::comments::api::SectionThreads {
        plan_id: led.plan,
        section_id: led.section,
        editing: false,
    };
    let comments = call_at(&base, &client, threads).await.expect("threads");
    assert!(format!("{comments:?}").contains("A comment to carry over."));
    let plan = app::plans::api::CreatePlan {
        country: "SL".into(),
        title: "A plan made after the move".into(),
        summary: String::new(),
        period_start: "2026".into(),
        period_end: "2030".into(),
        fragility_stage: "2".into(),
        lead_org_id: led.org.to_string(),
        use_template: Some("yes".into()),
    };
    let new_plan = call_at(&base, &client, plan).await.expect("a new plan");
    assert!(new_plan > led.plan, "a fresh id, not one already used");
}
