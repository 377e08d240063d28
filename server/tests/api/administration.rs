//! Organisations, members, people and invitations: who may do what, and bad input.

use crate::helpers::{error_body, field_message, spawn_app, TestApp, PASSWORD};
use app::admin::domain::{OrgKind, OrgRole};
use app::auth::domain::PlatformRole;
use reqwest::Client;

async fn admin(app: &TestApp) -> Client {
    app.logged_in("admin@example.org", PlatformRole::Admin, None)
        .await
        .0
}

/// Creates an invitation as `client` and returns the token from the link.
async fn invite(app: &TestApp, client: &Client, email: &str, org: Option<i64>) -> String {
    let org = org.map(|o| o.to_string()).unwrap_or_default();
    let res = app
        .call(
            client,
            "invite",
            &[
                ("email", email),
                ("display_name", "New Person"),
                ("organisation_id", &org),
                ("organisation_role", "member"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "invite failed");
    let body: serde_json::Value = res.json().await.unwrap();
    let link = body["link"].as_str().unwrap();
    link.rsplit('/').next().unwrap().to_owned()
}

async fn accept(app: &TestApp, client: &Client, token: &str, password: &str) -> reqwest::Response {
    app.call(
        client,
        "accept_invitation",
        &[
            ("token", token),
            ("display_name", "New Person"),
            ("password", password),
            ("password_confirm", password),
        ],
    )
    .await
}

#[tokio::test]
async fn admin_creates_and_edits_an_organisation() {
    let app = spawn_app().await;
    let client = admin(&app).await;
    let res = app
        .call(
            &client,
            "create_organisation",
            &[
                ("name", "Ministry of Interior"),
                ("kind", "government"),
                ("country", "sl"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    let res = app
        .call(
            &client,
            "update_organisation",
            &[
                ("id", &id.to_string()),
                ("name", "Ministry of the Interior"),
                ("kind", "government"),
                ("country", "LR"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let org = app::admin::db::find_organisation(&app.db, id)
        .await
        .unwrap();
    assert_eq!(
        (org.name.as_str(), org.country.as_str()),
        ("Ministry of the Interior", "LR")
    );
}

#[tokio::test]
async fn organisation_form_reports_each_bad_field_and_writes_nothing() {
    let app = spawn_app().await;
    let client = admin(&app).await;
    app.org("Existing Org", OrgKind::Donor).await;
    let (status, body) = error_body(
        app.call(
            &client,
            "create_organisation",
            &[("name", " "), ("kind", "militia"), ("country", "QQ")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        field_message(&body, "name").as_deref(),
        Some("Enter the organisation's name.")
    );
    assert!(field_message(&body, "kind").is_some());
    assert_eq!(
        field_message(&body, "country").as_deref(),
        Some("Choose a country from the list.")
    );
    let (_, body) = error_body(
        app.call(
            &client,
            "create_organisation",
            &[
                ("name", "existing org"),
                ("kind", "donor"),
                ("country", "NO"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        field_message(&body, "name").as_deref(),
        Some("An organisation with this name already exists.")
    );
    let long = "x".repeat(161);
    let (_, body) = error_body(
        app.call(
            &client,
            "create_organisation",
            &[("name", &long), ("kind", "donor"), ("country", "NO")],
        )
        .await,
    )
    .await;
    assert!(field_message(&body, "name")
        .unwrap()
        .contains("at most 160"));
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, 1);
}

#[tokio::test]
async fn non_admins_are_refused_every_admin_action_and_nothing_changes() {
    let app = spawn_app().await;
    let org = app.org("Civil Voices", OrgKind::CivilSociety).await;
    let other = app.org("Other Org", OrgKind::Donor).await;
    let target = app
        .person(
            "target@example.org",
            PlatformRole::Member,
            Some((other, OrgRole::Member)),
        )
        .await;
    let (member, _) = app
        .logged_in(
            "member@example.org",
            PlatformRole::Member,
            Some((org, OrgRole::Member)),
        )
        .await;
    let (org_admin, _) = app
        .logged_in(
            "orgadmin@example.org",
            PlatformRole::Member,
            Some((org, OrgRole::Admin)),
        )
        .await;
    let (o, t, other_s) = (org.to_string(), target.to_string(), other.to_string());
    let before = app.count("SELECT COUNT(*) FROM organisations").await
        + app.count("SELECT COUNT(*) FROM memberships").await * 100
        + app.count("SELECT COUNT(*) FROM invitations").await * 10_000;
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("organisations", vec![]),
        (
            "create_organisation",
            vec![("name", "Sneaky"), ("kind", "donor"), ("country", "NO")],
        ),
        (
            "update_organisation",
            vec![
                ("id", &o),
                ("name", "Renamed"),
                ("kind", "donor"),
                ("country", "NO"),
            ],
        ),
        ("people", vec![]),
        (
            "set_person_active",
            vec![("person_id", &t), ("active", "false")],
        ),
        (
            "set_platform_role",
            vec![("person_id", &t), ("role", "admin")],
        ),
        (
            "invite",
            vec![
                ("email", "x@example.org"),
                ("display_name", "X"),
                ("organisation_id", ""),
                ("organisation_role", "member"),
            ],
        ),
        (
            "invite",
            vec![
                ("email", "y@example.org"),
                ("display_name", "Y"),
                ("organisation_id", &o),
                ("platform_role", "admin"),
                ("organisation_role", "member"),
            ],
        ),
        (
            "add_member",
            vec![
                ("org_id", &other_s),
                ("email", "member@example.org"),
                ("role", "member"),
            ],
        ),
        (
            "set_member_role",
            vec![("org_id", &other_s), ("person_id", &t), ("role", "admin")],
        ),
        (
            "remove_member",
            vec![("org_id", &other_s), ("person_id", &t)],
        ),
    ];
    for client in [&member, &org_admin] {
        for (name, form) in &calls {
            let res = app.call(client, name, form).await;
            assert_eq!(res.status(), 403, "{name} should be refused");
        }
    }
    // A plain member cannot manage their own organisation either.
    for (name, form) in [
        (
            "add_member",
            vec![
                ("org_id", o.as_str()),
                ("email", "target@example.org"),
                ("role", "member"),
            ],
        ),
        (
            "invite",
            vec![
                ("email", "z@example.org"),
                ("display_name", "Z"),
                ("organisation_id", o.as_str()),
                ("organisation_role", "member"),
            ],
        ),
    ] {
        assert_eq!(app.call(&member, name, &form).await.status(), 403, "{name}");
    }
    let after = app.count("SELECT COUNT(*) FROM organisations").await
        + app.count("SELECT COUNT(*) FROM memberships").await * 100
        + app.count("SELECT COUNT(*) FROM invitations").await * 10_000;
    assert_eq!(before, after);
    let target_row = app::auth::db::find_person(&app.db, target).await.unwrap();
    assert!(target_row.active && target_row.platform_role == PlatformRole::Member);
    // Pages say so with a 403 too.
    let (status, html) = app.page(&member, "/admin/people").await;
    assert_eq!(status, 403);
    assert!(html.contains("Not allowed"));
    let (status, _) = app
        .page(&member, &format!("/admin/organisations/{other}"))
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn organisation_admin_manages_their_own_members() {
    let app = spawn_app().await;
    let org = app.org("Civil Voices", OrgKind::CivilSociety).await;
    let (org_admin, _) = app
        .logged_in(
            "orgadmin@example.org",
            PlatformRole::Member,
            Some((org, OrgRole::Admin)),
        )
        .await;
    let someone = app
        .person("someone@example.org", PlatformRole::Member, None)
        .await;
    let o = org.to_string();
    let res = app
        .call(
            &org_admin,
            "add_member",
            &[
                ("org_id", &o),
                ("email", "someone@example.org"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (status, body) = error_body(
        app.call(
            &org_admin,
            "add_member",
            &[
                ("org_id", &o),
                ("email", "someone@example.org"),
                ("role", "member"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        field_message(&body, "email").as_deref(),
        Some("This person is already a member.")
    );
    let res = app
        .call(
            &org_admin,
            "set_member_role",
            &[
                ("org_id", &o),
                ("person_id", &someone.to_string()),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let token = invite(&app, &org_admin, "fresh@example.org", Some(org)).await;
    assert_eq!(token.len(), 43);
    let res = app
        .call(
            &org_admin,
            "remove_member",
            &[("org_id", &o), ("person_id", &someone.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (status, html) = app
        .page(&org_admin, &format!("/admin/organisations/{org}"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Civil Voices") && html.contains("orgadmin@example.org"));
}

#[tokio::test]
async fn invitation_creates_an_account_once() {
    let app = spawn_app().await;
    let client = admin(&app).await;
    let org = app.org("Civil Voices", OrgKind::CivilSociety).await;
    let token = invite(&app, &client, "New.Person@Example.org", Some(org)).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invitations WHERE token_hash LIKE '%'")
            .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invitations WHERE token_hash = '{token}'"
        ))
        .await,
        0,
        "only the hash is stored"
    );

    let invitee = app.client();
    let preview: serde_json::Value = app
        .call(&invitee, "invitation", &[("token", &token)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(preview["email"], "new.person@example.org");
    assert_eq!(preview["org_name"], "Civil Voices");

    let (status, body) = error_body(accept(&app, &invitee, &token, "too short").await).await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "password")
        .unwrap()
        .contains("12 characters"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people").await,
        1,
        "nothing half-written"
    );

    let res = accept(&app, &invitee, &token, PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.whoami(&invitee).await.as_deref(),
        Some("new.person@example.org")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM memberships").await, 1);

    let again = app.client();
    let (status, body) =
        error_body(accept(&app, &again, &token, "another long password").await).await;
    assert_eq!(status, 409);
    assert!(body["Conflict"]
        .as_str()
        .unwrap()
        .contains("already been used"));
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 2);

    let fresh = app.client();
    app.login(&fresh, "new.person@example.org").await;
}

#[tokio::test]
async fn expired_invitation_is_refused() {
    let app = spawn_app().await;
    let client = admin(&app).await;
    let token = invite(&app, &client, "late@example.org", None).await;
    sqlx::query("UPDATE invitations SET expires_at = 1")
        .execute(app.db.write().await.conn())
        .await
        .unwrap();
    let invitee = app.client();
    let (status, body) = error_body(accept(&app, &invitee, &token, PASSWORD).await).await;
    assert_eq!(status, 409);
    assert!(body["Conflict"].as_str().unwrap().contains("expired"));
    let (status, _) =
        error_body(app.call(&invitee, "invitation", &[("token", &token)]).await).await;
    assert_eq!(status, 409);
    let (status, body) = error_body(accept(&app, &invitee, "made-up-token", PASSWORD).await).await;
    assert_eq!(status, 409);
    assert!(body["Conflict"].as_str().unwrap().contains("not valid"));
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 1);
}

#[tokio::test]
async fn invitation_form_validates_email_name_and_duplicates() {
    let app = spawn_app().await;
    let client = admin(&app).await;
    let (status, body) = error_body(
        app.call(
            &client,
            "invite",
            &[
                ("email", "not-an-email"),
                ("display_name", ""),
                ("organisation_role", "member"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "email")
        .unwrap()
        .contains("name@example.org"));
    assert_eq!(
        field_message(&body, "display_name").as_deref(),
        Some("Enter a name.")
    );
    let (_, body) = error_body(
        app.call(
            &client,
            "invite",
            &[
                ("email", "ADMIN@example.org"),
                ("display_name", "Dup"),
                ("organisation_role", "member"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        field_message(&body, "email").as_deref(),
        Some("Someone already has an account with this email.")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
    // A second invitation to the same email replaces the first link.
    let first = invite(&app, &client, "twice@example.org", None).await;
    let second = invite(&app, &client, "twice@example.org", None).await;
    let invitee = app.client();
    assert_eq!(accept(&app, &invitee, &first, PASSWORD).await.status(), 409);
    assert_eq!(
        accept(&app, &invitee, &second, PASSWORD).await.status(),
        200
    );
}

#[tokio::test]
async fn deactivation_ends_every_session_at_once() {
    let app = spawn_app().await;
    let admin_client = admin(&app).await;
    let (victim, id) = app
        .logged_in("leaving@example.org", PlatformRole::Member, None)
        .await;
    let second = app.client();
    app.login(&second, "leaving@example.org").await;
    let res = app
        .call(
            &admin_client,
            "set_person_active",
            &[("person_id", &id.to_string()), ("active", "false")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.whoami(&victim).await, None);
    assert_eq!(app.whoami(&second).await, None);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE person_id = {id}"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn admins_cannot_deactivate_or_demote_themselves() {
    let app = spawn_app().await;
    let (client, id) = app
        .logged_in("solo@example.org", PlatformRole::Admin, None)
        .await;
    let me = id.to_string();
    assert_eq!(
        app.call(
            &client,
            "set_person_active",
            &[("person_id", &me), ("active", "false")]
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.call(
            &client,
            "set_platform_role",
            &[("person_id", &me), ("role", "member")]
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.whoami(&client).await.as_deref(),
        Some("solo@example.org")
    );
}

#[tokio::test]
async fn unknown_ids_are_not_found_not_errors() {
    let app = spawn_app().await;
    let client = admin(&app).await;
    let (status, _) = error_body(app.call(&client, "organisation", &[("id", "999")]).await).await;
    assert_eq!(status, 404);
    let (status, _) = error_body(
        app.call(
            &client,
            "set_person_active",
            &[("person_id", "999"), ("active", "false")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = app.page(&client, "/admin/organisations/999").await;
    assert_eq!(status, 404);
    let (status, _) = app.page(&client, "/admin/organisations/not-a-number").await;
    assert_eq!(status, 404);
    let (status, _) = app.page(&client, "/no/such/page").await;
    assert_eq!(status, 404);
}
