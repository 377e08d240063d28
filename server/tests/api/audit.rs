//! The audit trail over HTTP: entries for logins, failed logins, role, membership and admin
//! changes, section saves and checklist changes; who may read which trail; and the chain
//! verification catching a row altered directly in the database.

use app::access::api::{ChangeGrant, GrantToOrganisation};
use app::admin::api::{CreateOrganisation, UpdateOrganisation};
use app::checklist::api::UpdateChecklistItem;
use app::foundation::people::OrgKind;
use app::foundation::people::PlatformRole;
use app::invitations::api::joining::AddMember;
use app::pages::audit::api::PlatformAudit;
use app::pages::audit::withhold::WITHHELD;
use app::reviews::api::{ApproveSection, RequestChanges, SubmitForReview};
use app::sections::api::{AddSection, MoveSection, RenameSection, SetSectionRemoved};

use crate::helpers::{
    credentials, item_update, section_save, spawn_app, spawn_app_with, LedPlan, TestApp, PASSWORD,
};

async fn kinds(app: &TestApp, sql_where: &str) -> Vec<String> {
    sqlx::query_scalar::<_, String>(&format!(
        "SELECT kind FROM audit_entries WHERE {sql_where} ORDER BY seq"
    ))
    .fetch_all(app.db.reader())
    .await
    .unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_trail_records_the_client_and_not_the_proxy() {
    let app = spawn_app_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    let login = app
        .request(&client, &credentials("amina@example.org", PASSWORD))
        .header("x-forwarded-for", "192.0.2.1, 203.0.113.7")
        .send()
        .await
        .expect("login");
    assert!(login.status().is_success() || login.status().is_redirection());
    let untrusted = spawn_app().await;
    untrusted
        .person("amina@example.org", PlatformRole::Member, None)
        .await;
    untrusted
        .request(&client, &credentials("amina@example.org", PASSWORD))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .expect("login");
    for (app, expected) in [(&app, "203.0.113.7"), (&untrusted, "127.0.0.1")] {
        let ip: Option<String> =
            sqlx::query_scalar("SELECT ip FROM audit_entries WHERE kind = 'login'")
                .fetch_one(app.db.reader())
                .await
                .expect("a login entry");
        assert_eq!(ip.as_deref(), Some(expected));
    }
}

#[tokio::test]
async fn logins_and_failed_logins_are_recorded_with_the_address() {
    let app = spawn_app().await;
    let id = app
        .person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    let wrong = credentials("amina@example.org", "wrong password!!");
    assert_eq!(app.call(&client, wrong).await.unwrap_err().status, 422);
    app.login(&client, "amina@example.org").await;
    let rows: Vec<(String, Option<i64>, Option<String>, String)> =
        sqlx::query_as("SELECT kind, person_id, ip, subject FROM audit_entries ORDER BY seq")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, "login_failed");
    assert_eq!(rows[0].1, Some(id));
    assert_eq!(rows[0].3, "amina@example.org");
    assert_eq!(rows[1].0, "login");
    assert_eq!(rows[1].2.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn role_membership_admin_section_and_checklist_changes_are_recorded() {
    let app = spawn_app().await;
    let org = app.org("Ministry of Justice", OrgKind::Government).await;
    let other = app.org("Civic Forum", OrgKind::CivilSociety).await;
    let admin = app.admin().await;
    let (lead, _) = app.member_of(org, "lead@example.org").await;
    app.person("new@example.org", PlatformRole::Member, None)
        .await;
    // Membership and administration.
    let add = AddMember {
        org_id: other,
        email: "new@example.org".into(),
        role: "member".into(),
    };
    app.call(&admin, add).await.expect("member invited");
    let update = UpdateOrganisation {
        id: other,
        name: "Civic Forum of Valdoria".into(),
        kind: "civil_society".into(),
        country: "SL".into(),
    };
    app.call(&admin, update)
        .await
        .expect("organisation updated");
    // A plan role, a section save, a checklist change.
    let plan = app.create_plan(&lead, org, "Prevention plan", true).await;
    let grant = GrantToOrganisation {
        plan_id: plan,
        organisation_id: other.to_string(),
        role: "reviewer".into(),
    };
    app.call(&lead, grant).await.expect("role granted");
    let section = app
        .count(&format!(
            "SELECT MIN(id) FROM sections WHERE plan_id = {plan}"
        ))
        .await;
    let save = section_save(plan, section, 1, "The early-warning desk meets weekly.");
    app.call(&lead, save).await.expect("section saved");
    let item = app
        .count(&format!(
            "SELECT MIN(id) FROM checklist_items WHERE plan_id = {plan}"
        ))
        .await;
    let update = UpdateChecklistItem {
        status: Some("in_progress".into()),
        ..item_update(plan, item, 1)
    };
    app.call(&lead, update).await.expect("item updated");
    let all = kinds(&app, "1 = 1").await;
    for kind in [
        "login",
        "membership",
        "admin",
        "role_change",
        "section_save",
        "checklist_change",
    ] {
        assert!(all.iter().any(|k| k == kind), "no {kind} entry in {all:?}");
    }
    let on_plan = kinds(&app, &format!("plan_id = {plan}")).await;
    assert_eq!(
        on_plan,
        vec![
            "plan_change",
            "role_change",
            "section_save",
            "checklist_change"
        ]
    );
    let details: String =
        sqlx::query_scalar("SELECT details FROM audit_entries WHERE kind = 'section_save'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    assert!(details.contains("\"version\":2"), "{details}");
    assert_eq!(
        server::cli::verify_audit_chain(&app.db).await.unwrap(),
        all.len()
    );
}

#[tokio::test]
async fn the_verify_command_names_an_entry_altered_in_the_database() {
    let app = spawn_app().await;
    for name in ["a", "b", "c"] {
        let email = format!("{name}@example.org");
        app.person(&email, PlatformRole::Member, None).await;
        let client = app.client();
        app.login(&client, &email).await;
    }
    assert_eq!(server::cli::verify_audit_chain(&app.db).await.unwrap(), 3);
    {
        let mut writer = app.db.write().await;
        sqlx::query("UPDATE audit_entries SET ip = '203.0.113.9' WHERE seq = 2")
            .execute(writer.conn())
            .await
            .unwrap();
    }
    let err = server::cli::verify_audit_chain(&app.db).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "audit trail broken: edited entry: entry 2's content does not match its hash (changed after it was written)"
    );
    // Removing the altered row instead shows as a gap.
    {
        let mut writer = app.db.write().await;
        sqlx::query("DELETE FROM audit_entries WHERE seq = 2")
            .execute(writer.conn())
            .await
            .unwrap();
    }
    let err = server::cli::verify_audit_chain(&app.db).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "audit trail broken: gap: entry 2 missing from the middle of the trail"
    );
}

#[tokio::test]
async fn plan_leads_read_their_plans_trail_and_administrators_the_platforms() {
    let app = spawn_app().await;
    let LedPlan { lead, plan, .. } = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let (editor, editor_id) = app.loner("editor@example.org").await;
    app.grant(&lead, plan, "editor@example.org", "editor").await;
    let (status, body) = app.page(&lead, &format!("/plans/{plan}/audit")).await;
    assert_eq!(status, 200);
    assert!(body.contains("Plan role change"), "{body}");
    // "About" names whom the entry is about, not their id.
    assert!(
        body.contains(r#"<td data-label="About">editor@example.org</td>"#),
        "{body}"
    );
    assert!(!body.contains(&format!("person {editor_id}")));
    // A revocation says whose role it was, though the grant is gone.
    let grant = app.person_grant(plan, editor_id).await;
    let revoke = ChangeGrant {
        plan_id: plan,
        grant_id: grant,
        role: String::new(),
    };
    app.call(&lead, revoke).await.expect("revoked");
    let (_, body) = app.page(&lead, &format!("/plans/{plan}/audit")).await;
    assert!(
        body.contains(r#"<td data-label="About">The role of editor@example.org</td>"#),
        "{body}"
    );
    // Filters: a kind with no entries on this plan.
    let (_, body) = app
        .page(&lead, &format!("/plans/{plan}/audit?kind=login"))
        .await;
    assert!(body.contains("No entries match."));
    let (status, _) = app.page(&editor, &format!("/plans/{plan}/audit")).await;
    assert_eq!(status, 403);
    let (status, _) = app.page(&lead, "/admin/audit").await;
    assert_eq!(status, 403);
    let admin = app.admin().await;
    let (status, body) = app
        .page(&admin, "/admin/audit?person=editor%40example&kind=login")
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("editor@example.org"));
    assert!(!body.contains("lead@example.org</td>"));
}

#[tokio::test]
async fn entries_appended_by_another_process_and_by_the_server_form_one_unbroken_chain() {
    // `app.db` is a second handle on the server's database, as the `create-admin` command
    // is: each remembers the trail's head, so each must notice the other's appends.
    let app = spawn_app().await;
    app.person("a@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    app.login(&client, "a@example.org").await;
    use app::foundation::audit::domain::{AuditKind, NewEntry};
    use app::foundation::audit::record::record_event;
    let outside = NewEntry::new(AuditKind::Admin, "from another process");
    let last = "SELECT MAX(seq) FROM audit_entries";
    record_event(&app.db, outside.clone()).await.unwrap();
    assert_eq!(app.count(last).await, 2);
    app.login(&client, "a@example.org").await;
    record_event(&app.db, outside.clone()).await.unwrap();
    assert_eq!(app.count(last).await, 4);
    app.login(&client, "a@example.org").await;
    assert_eq!(server::cli::verify_audit_chain(&app.db).await.unwrap(), 5);
    // A head remembered from a transaction that rolled back is not trusted either.
    {
        let mut writer = app.db.write().await;
        let mut tx = writer.begin().await.unwrap();
        let rolled_back = NewEntry::new(AuditKind::Admin, "never committed");
        app::foundation::audit::record::append(&app.db, &mut tx, &rolled_back)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
    }
    record_event(&app.db, outside).await.unwrap();
    assert_eq!(app.count(last).await, 6);
    assert_eq!(server::cli::verify_audit_chain(&app.db).await.unwrap(), 6);
}

#[tokio::test]
async fn plan_creation_and_every_change_to_its_sections_are_recorded() {
    let app = spawn_app().await;
    let p = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let plan = p.plan;
    let add = AddSection {
        plan_id: plan,
        title: "Early warning".into(),
    };
    let section = app.call(&p.lead, add).await.expect("section added");
    let removed = |remove: bool| SetSectionRemoved {
        plan_id: plan,
        section_id: section,
        remove,
    };
    let rename = |title: &str| RenameSection {
        plan_id: plan,
        section_id: section,
        title: title.into(),
    };
    for (path, status) in [
        app.attempt(&p.lead, rename("Early warning and response"))
            .await,
        app.attempt(
            &p.lead,
            MoveSection {
                plan_id: plan,
                section_id: section,
                direction: "up".into(),
            },
        )
        .await,
        app.attempt(&p.lead, removed(true)).await,
        app.attempt(&p.lead, removed(false)).await,
    ] {
        assert_eq!(status, 200, "{path}");
    }
    let actions: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT details FROM audit_entries WHERE kind = 'plan_change' AND plan_id = {plan} ORDER BY seq"
    ))
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    let actions: Vec<String> = actions
        .iter()
        .map(|d| serde_json::from_str::<serde_json::Value>(d).unwrap()["action"].to_string())
        .collect();
    assert_eq!(
        actions,
        [
            "\"plan created\"",
            "\"section added\"",
            "\"section renamed\"",
            "\"section moved up\"",
            "\"section removed\"",
            "\"section restored\"",
        ]
    );
    let people: i64 = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_entries WHERE kind = 'plan_change' AND person_id = {} AND ip IS NOT NULL",
            p.lead_id
        ))
        .await;
    assert_eq!(people, 6, "each entry names who and from where");
    // A refused change leaves no entry.
    let refused = app.call(&p.lead, rename("")).await;
    assert_eq!(refused.unwrap_err().status, 422);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_entries WHERE kind = 'plan_change'")
            .await,
        6
    );
    assert!(server::cli::verify_audit_chain(&app.db).await.unwrap() > 6);
}

#[tokio::test]
async fn the_platform_trail_withholds_plan_content_from_an_administrator_without_a_role() {
    let app = spawn_app().await;
    let p = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    // A section title and a change-request reason: plan content, in the trail.
    let title = "Militia recruitment in the northern districts";
    let reason = "Name the informants who reported the militia";
    let add = AddSection {
        plan_id: p.plan,
        title: title.into(),
    };
    app.call(&p.lead, add).await.expect("section added");
    let submit = SubmitForReview {
        plan_id: p.plan,
        section_id: p.section,
        version: 1,
    };
    app.call(&p.lead, submit).await.expect("submitted");
    let changes = RequestChanges {
        plan_id: p.plan,
        section_id: p.section,
        version: 1,
        reason: reason.into(),
    };
    app.call(&p.lead, changes).await.expect("changes requested");
    let shows_content = |body: &str| body.contains(title) && body.contains(reason);

    let (status, body) = app.page(&p.lead, &format!("/plans/{}/audit", p.plan)).await;
    assert_eq!(status, 200);
    assert!(
        shows_content(&body),
        "the lead reads the plan's trail in full"
    );

    let admin = app.admin().await;
    let (status, body) = app.page(&admin, "/admin/audit").await;
    assert_eq!(status, 200);
    assert!(!body.contains(title) && !body.contains(reason), "{body}");
    assert!(body.contains(WITHHELD));
    assert!(body.contains("Review decision"), "the kind still shows");
    let trail = PlatformAudit {
        person: String::new(),
        kind: String::new(),
        from: String::new(),
        until: String::new(),
    };
    let page = app
        .call(&admin, trail.clone())
        .await
        .expect("platform trail");
    let about_plan: Vec<_> = page
        .lines
        .iter()
        .filter(|l| l.plan_id == Some(p.plan))
        .collect();
    assert!(
        about_plan.len() >= 4,
        "creation, section, submission, request"
    );
    for line in about_plan {
        assert!(line.withheld, "{line:?}");
        assert_eq!(line.subject, format!("plan {}", p.plan));
        assert_eq!(line.details, WITHHELD);
        assert_eq!(line.person.as_deref(), Some("lead@example.org"));
        assert_eq!(line.ip.as_deref(), Some("127.0.0.1"));
    }
    // Entries about no plan still show in full: the administrator's own login.
    assert!(page
        .lines
        .iter()
        .any(|l| l.plan_id.is_none() && l.subject == "admin@example.org" && !l.withheld));

    // Given a role on the plan, the administrator reads its entries like anyone on it.
    app.grant(&p.lead, p.plan, "admin@example.org", "viewer")
        .await;
    let (_, body) = app.page(&admin, "/admin/audit").await;
    assert!(
        shows_content(&body),
        "an administrator with a role reads it"
    );
    let page = app.call(&admin, trail).await.expect("platform trail");
    assert!(page.lines.iter().all(|l| !l.withheld));
}

/// The text of every "Details" cell of an audit page (the page also carries its data as JSON
/// for hydration, so only the cells tell what a reader sees).
fn details_cells(body: &str) -> Vec<&str> {
    body.split(r#"<td data-label="Details">"#)
        .skip(1)
        .filter_map(|cell| cell.split("</td>").next())
        .collect()
}

#[tokio::test]
async fn audit_pages_show_particulars_as_words_and_kinds_of_organisation_as_words() {
    let app = spawn_app().await;
    let p = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let admin = app.admin().await;
    let create = CreateOrganisation {
        name: "Civic Forum".into(),
        kind: "civil_society".into(),
        country: "SL".into(),
    };
    let forum = app
        .call(&admin, create)
        .await
        .expect("organisation created");
    let (reviewer, _) = app.member_of(forum, "reviewer@example.org").await;
    app.grant(&p.lead, p.plan, "reviewer@example.org", "reviewer")
        .await;
    let submit = SubmitForReview {
        plan_id: p.plan,
        section_id: p.section,
        version: 1,
    };
    app.call(&p.lead, submit).await.expect("submitted");
    let approve = ApproveSection {
        plan_id: p.plan,
        section_id: p.section,
        version: 1,
        kind: None,
    };
    app.call(&reviewer, approve).await.expect("approved");

    let (status, body) = app.page(&p.lead, &format!("/plans/{}/audit", p.plan)).await;
    assert_eq!(status, 200);
    let cells = details_cells(&body);
    assert!(!cells.is_empty(), "{body}");
    for cell in &cells {
        assert!(
            !cell.contains("{&quot;") && !cell.contains(r#"{""#),
            "{cell}"
        );
        assert!(!cell.contains("civil_society"), "{cell}");
    }
    assert!(
        cells
            .iter()
            .any(|c| c.contains("Approved version 1 for civil society (Civic Forum)")),
        "{cells:?}"
    );
    assert!(
        cells.iter().any(|c| c.contains("Role: Reviewer")),
        "{cells:?}"
    );

    let (status, body) = app.page(&admin, "/admin/audit").await;
    assert_eq!(status, 200);
    let cells = details_cells(&body);
    for cell in &cells {
        assert!(
            !cell.contains("{&quot;") && !cell.contains(r#"{""#),
            "{cell}"
        );
        assert!(!cell.contains("civil_society"), "{cell}");
    }
    assert!(
        cells.iter().any(|c| c.contains("Kind: civil society")),
        "{cells:?}"
    );
    // The administrator has no role on the plan: its entries' particulars stay withheld.
    assert!(cells.iter().any(|c| c.contains(WITHHELD)), "{cells:?}");
    assert!(
        !cells.iter().any(|c| c.contains("Approved version")),
        "{cells:?}"
    );
    // The export keeps the particulars as recorded.
    let stored: String = sqlx::query_scalar(
        "SELECT details FROM audit_entries WHERE kind = 'review' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert!(stored.contains(r#""kind":"civil_society""#), "{stored}");
}
