//! Two app instances on one PostgreSQL database, as behind a load balancer: whatever one of
//! them writes, the next request on the other sees; writers spread over both lose nothing;
//! the audit trail stays one chain; the login throttle counts attempts on both; a page open on
//! one hears of changes made on the other.
//!
//! These need PostgreSQL (SQLite is served by one process), so on the SQLite run of the suite
//! they say so and pass; `scripts/test` runs the suite again on a PostgreSQL cluster.

use app::access::api::ChangeGrant;
use app::admin::api::SetPersonActive;
use app::auth::api::Logout;
use app::error::AppError;
use app::foundation::live::{Change, LiveEvent};
use app::foundation::people::PlatformRole;
use app::sections::api::Section;
use reqwest::Client;
use server::startup::Application;

use crate::helpers::{
    call_at, credentials, section_save, spawn_app, start_on, test_postgres, write_own_paragraph,
    TestApp,
};
use crate::live::Stream;

/// The first instance (with the handle on the database) and the address of a second one
/// serving the same database, or None when the suite runs on SQLite.
async fn two_instances() -> Option<(TestApp, String)> {
    if test_postgres().is_none() {
        eprintln!("two instances need PostgreSQL: set UPSTREAM_TEST_POSTGRES (scripts/test does)");
        return None;
    }
    let a = spawn_app().await;
    let b = Application::build(&a.config)
        .await
        .expect("a second instance starts on the same database");
    let b_base = format!("http://{}", b.local_addr());
    tokio::spawn(b.run_until_stopped());
    Some((a, b_base))
}

async fn body_on(base: &str, client: &Client, plan: i64, section: i64) -> String {
    let read = Section {
        plan_id: plan,
        section_id: section,
    };
    call_at(base, client, read).await.expect("the section").body
}

#[tokio::test]
async fn a_save_role_change_deactivation_and_logout_on_one_instance_hold_on_the_next_request_to_the_other(
) {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let led = a.led_plan("Ministry", "lead@example.org", "Plan").await;
    // Read on B first, so anything B kept from that read would now be stale.
    let before = body_on(&b, &led.lead, led.plan, led.section).await;
    let path = format!("/plans/{}/sections/{}", led.plan, led.section);
    let page_before = page_on(&b, &led.lead, &path).await;
    assert!(!page_before.contains("Written on instance A."));
    let saved = section_save(led.plan, led.section, 1, "Written on instance A.");
    a.call(&led.lead, saved).await.expect("saved on A");
    assert_ne!(before, "Written on instance A.");
    assert_eq!(
        body_on(&b, &led.lead, led.plan, led.section).await,
        "Written on instance A."
    );
    assert!(page_on(&b, &led.lead, &path)
        .await
        .contains("Written on instance A."));

    // A revoked role on A: B refuses the next read.
    let (viewer, viewer_id) = a.loner("viewer@example.org").await;
    a.grant(&led.lead, led.plan, "viewer@example.org", "viewer")
        .await;
    body_on(&b, &viewer, led.plan, led.section).await;
    let grant = a.person_grant(led.plan, viewer_id).await;
    let revoke = ChangeGrant {
        plan_id: led.plan,
        grant_id: grant,
        role: String::new(),
    };
    a.call(&led.lead, revoke).await.expect("revoked on A");
    let read = Section {
        plan_id: led.plan,
        section_id: led.section,
    };
    let refused = call_at(&b, &viewer, read).await.expect_err("refused on B");
    assert_eq!(refused.status, 403, "{refused:?}");

    // A deactivation on A ends the person's sessions on B.
    let (leaving, leaving_id) = a.loner("leaving@example.org").await;
    assert!(whoami_on(&b, &leaving).await.is_some());
    let admin = a.admin().await;
    let deactivate = SetPersonActive {
        person_id: leaving_id,
        active: false,
    };
    a.call(&admin, deactivate).await.expect("deactivated on A");
    assert_eq!(whoami_on(&b, &leaving).await, None);

    // A logout on A is a logout on B.
    assert!(whoami_on(&b, &viewer).await.is_some());
    a.call(&viewer, Logout {}).await.expect("logged out on A");
    assert_eq!(whoami_on(&b, &viewer).await, None);
}

/// A page as a browser asks for it (the kind the page cache keeps), from the server at `base`.
async fn page_on(base: &str, client: &Client, path: &str) -> String {
    let res = client
        .get(format!("{base}{path}"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("the page");
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("its text")
}

async fn whoami_on(base: &str, client: &Client) -> Option<String> {
    call_at(base, client, app::foundation::viewer::Whoami {})
        .await
        .expect("whoami")
        .map(|v| v.person.email)
}

#[tokio::test]
async fn thirty_two_writers_split_over_two_instances_lose_nothing_and_leave_one_audit_chain() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let (writers, rounds) = (32, 3);
    let led = a.led_plan("Ministry", "lead@example.org", "Plan").await;
    let base: Vec<String> = (0..writers).map(|i| format!("Paragraph {i}.")).collect();
    let first = section_save(led.plan, led.section, 1, &base.join("\n\n"));
    a.call(&led.lead, first).await.expect("saved");
    let mut tasks = Vec::new();
    for i in 0..writers {
        let (client, _) = a.member_of(led.org, &format!("w{i}@example.org")).await;
        // Even writers on A, odd ones on B.
        let url = if i % 2 == 0 {
            a.base.clone()
        } else {
            b.clone()
        };
        tasks.push(tokio::spawn(write_own_paragraph(
            url,
            client,
            led.plan,
            led.section,
            2,
            base.clone(),
            i,
            rounds,
        )));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    let last = body_on(&b, &led.lead, led.plan, led.section).await;
    for i in 0..writers {
        let edit = format!("Paragraph {i}, edit {} by writer {i}.", rounds - 1);
        assert!(last.contains(&edit), "writer {i}'s last edit is missing");
    }
    let versions = a
        .count(&format!(
            "SELECT version FROM sections WHERE id = {}",
            led.section
        ))
        .await;
    assert_eq!(versions, 2 + (writers * rounds) as i64, "a save was lost");
    assert_eq!(
        server::cli::verify_audit_chain(&a.db)
            .await
            .expect("one chain"),
        a.count("SELECT COUNT(*) FROM audit_entries").await as usize
    );
}

#[tokio::test]
async fn the_login_throttle_counts_failures_on_both_instances() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    a.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = a.client();
    // Five wrong passwords, alternating between the instances.
    for n in 0..5 {
        let url = if n % 2 == 0 { &a.base } else { &b };
        let wrong = credentials("amina@example.org", "wrong password!");
        let failed = call_at(url, &client, wrong).await.expect_err("refused");
        assert_eq!(failed.status, 422, "attempt {n}: {failed:?}");
    }
    for url in [&a.base, &b] {
        let right = credentials("amina@example.org", crate::helpers::PASSWORD);
        let refused = call_at(url, &client, right).await.expect_err("throttled");
        assert!(
            matches!(refused.error, AppError::Throttled { .. }),
            "{url}: {refused:?}"
        );
    }
}

#[tokio::test]
async fn a_page_open_on_one_instance_hears_of_a_save_made_on_the_other() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let led = a.led_plan("Ministry", "lead@example.org", "Plan").await;
    let (reader, _) = a.member_of(led.org, "reader@example.org").await;
    let query = format!("plan={}&section={}", led.plan, led.section);
    let mut on_b = Stream::open_at(&b, &reader, &query, None)
        .await
        .expect("a stream on B");
    let save = section_save(led.plan, led.section, 1, "Saved on A.");
    a.call(&led.lead, save).await.expect("saved on A");
    let (_, event) = on_b.next_change().await.expect("B's page hears of it");
    assert_eq!(
        event,
        LiveEvent {
            plan_id: Some(led.plan),
            change: Change::SectionSaved {
                section_id: led.section,
                version: 2,
                by: led.lead_id,
            },
        }
    );
}

#[tokio::test]
async fn an_event_from_another_instance_that_cannot_be_read_makes_open_pages_read_again() {
    if test_postgres().is_none() {
        eprintln!("events between instances need PostgreSQL: set UPSTREAM_TEST_POSTGRES");
        return;
    }
    let a = spawn_app().await;
    let led = a.led_plan("Ministry", "lead@example.org", "Plan").await;
    let query = format!("plan={}&section={}", led.plan, led.section);
    let mut page = Stream::open_at(&a.base, &led.lead, &query, None)
        .await
        .expect("a stream");
    // As an instance of the previous version wrote a save (the change tagged inside).
    let old = format!(
        r#"{{"plan_id":{},"change":{{"kind":"section_saved","section_id":{},"version":2,"by":1}}}}"#,
        led.plan, led.section
    );
    let sent = a
        .count(&format!(
            "SELECT COUNT(*) FROM (SELECT pg_notify('upstream_live', '{old}')) AS n"
        ))
        .await;
    assert_eq!(sent, 1);
    let (_, event) = page.next_change().await.expect("the page hears something");
    assert_eq!(event.change, Change::Missed);
}

/// Whether a presence list naming `person` (and only if `there`) arrives on `stream` in time.
async fn hears_presence(stream: &mut Stream, person: i64, there: bool) -> bool {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while tokio::time::Instant::now() < deadline {
        let Some(sse) = stream.next(std::time::Duration::from_secs(10)).await else {
            return false;
        };
        let Some(event) = LiveEvent::from_wire(&sse.data) else {
            continue;
        };
        if let Change::Presence { present } = event.change {
            if present.iter().any(|p| p.person_id == person) == there {
                return true;
            }
        }
    }
    false
}

#[tokio::test]
async fn people_with_the_plan_open_on_either_instance_are_shown_on_both() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let led = a.led_plan("Ministry", "lead@example.org", "Plan").await;
    let (reader, reader_id) = a.member_of(led.org, "reader@example.org").await;
    let mut lead_on_b = Stream::open_at(&b, &led.lead, &format!("plan={}", led.plan), None)
        .await
        .expect("the lead's overview on B");
    let section = format!("plan={}&section={}", led.plan, led.section);
    let reader_on_a = Stream::open_at(&a.base, &reader, &section, None)
        .await
        .expect("the reader's section on A");
    assert!(
        hears_presence(&mut lead_on_b, reader_id, true).await,
        "B shows who has the plan open on A"
    );
    drop(reader_on_a);
    assert!(
        hears_presence(&mut lead_on_b, reader_id, false).await,
        "and that they left"
    );
}

#[tokio::test]
async fn with_sslmode_require_the_app_talks_to_postgresql_over_tls() {
    if test_postgres().is_none() {
        eprintln!("needs PostgreSQL: set UPSTREAM_TEST_POSTGRES (scripts/test does)");
        return;
    }
    let dir = crate::helpers::temp_dir("tls");
    let url = crate::helpers::fresh_database_url(&dir).await;
    let separator = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{separator}sslmode=require");
    let app = start_on(dir, url, |_| {}).await;
    let health = reqwest::get(format!("{}/health", app.base))
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
    // The test's own handle on the database is opened with the same URL.
    let encrypted: bool =
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(app.db.reader())
            .await
            .expect("the connection's TLS state");
    assert!(encrypted, "the connection is encrypted");
}
