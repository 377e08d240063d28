//! Organisations, members, people and invitations: who may do what, and bad input.

use app::admin::api::{
    CreateOrganisation, Organisation, Organisations, People, RemoveMember, SetMemberRole,
    SetPersonActive, SetPlatformRole, UpdateOrganisation,
};
use app::foundation::people::PlatformRole;
use app::foundation::people::{OrgKind, OrgRole};
use app::invitations::api::joining::{AcceptMembership, AddMember, MembershipInvitations};
use app::invitations::api::Invite;
use app::invitations::api::{AcceptInvitation, Invitation};
use reqwest::Client;

use crate::helpers::{spawn_app, Failure, TestApp, PASSWORD};

fn organisation(name: &str, kind: &str, country: &str) -> CreateOrganisation {
    CreateOrganisation {
        name: name.into(),
        kind: kind.into(),
        country: country.into(),
    }
}

/// The invitation form as an administrator fills it in for a member of `org` (or of none).
fn invitation(email: &str, name: &str, org: Option<i64>) -> Invite {
    Invite {
        email: email.into(),
        display_name: name.into(),
        platform_role: None,
        organisation_id: Some(org.map(|o| o.to_string()).unwrap_or_default()),
        organisation_role: Some("member".into()),
    }
}

/// A logged-in administrator of `org`, `orgadmin@example.org`.
async fn admin_of(app: &TestApp, org: i64) -> Client {
    let admin = Some((org, OrgRole::Admin));
    let (client, _) = app
        .logged_in("orgadmin@example.org", PlatformRole::Member, admin)
        .await;
    client
}

/// Creates an invitation as `client` and returns the token from the link.
async fn invite(app: &TestApp, client: &Client, email: &str, org: Option<i64>) -> String {
    let created = app
        .call(client, invitation(email, "New Person", org))
        .await
        .expect("invitation created");
    created.link.rsplit('/').next().unwrap().to_owned()
}

async fn accept(
    app: &TestApp,
    client: &Client,
    token: &str,
    password: &str,
) -> Result<(), Failure> {
    let accept = AcceptInvitation {
        token: token.into(),
        display_name: "New Person".into(),
        password: password.into(),
        password_confirm: password.into(),
    };
    app.call(client, accept).await
}

#[tokio::test]
async fn admin_creates_and_edits_an_organisation() {
    let app = spawn_app().await;
    let client = app.admin().await;
    let id = app
        .call(
            &client,
            organisation("Ministry of Interior", "government", "sl"),
        )
        .await
        .expect("created");
    let update = UpdateOrganisation {
        id,
        name: "Ministry of the Interior".into(),
        kind: "government".into(),
        country: "LR".into(),
    };
    app.call(&client, update).await.expect("updated");
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
    let client = app.admin().await;
    app.org("Existing Org", OrgKind::Donor).await;
    let refused = app
        .call(&client, organisation(" ", "militia", "QQ"))
        .await
        .unwrap_err();
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.field_message("name"),
        Some("Enter the organisation's name.")
    );
    assert!(refused.field_message("kind").is_some());
    assert_eq!(
        refused.field_message("country"),
        Some("Choose a country from the list.")
    );
    let refused = app
        .call(&client, organisation("existing org", "donor", "NO"))
        .await
        .unwrap_err();
    assert_eq!(
        refused.field_message("name"),
        Some("An organisation with this name already exists.")
    );
    let long = "x".repeat(161);
    let refused = app
        .call(&client, organisation(&long, "donor", "NO"))
        .await
        .unwrap_err();
    assert!(refused
        .field_message("name")
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
    let (member, _) = app.member_of(org, "member@example.org").await;
    let org_admin = admin_of(&app, org).await;
    let before = app.count("SELECT COUNT(*) FROM organisations").await
        + app.count("SELECT COUNT(*) FROM memberships").await * 100
        + app.count("SELECT COUNT(*) FROM invitations").await * 10_000;
    for client in [&member, &org_admin] {
        let attempts = [
            app.attempt(client, Organisations {}).await,
            app.attempt(client, organisation("Sneaky", "donor", "NO"))
                .await,
            app.attempt(
                client,
                UpdateOrganisation {
                    id: org,
                    name: "Renamed".into(),
                    kind: "donor".into(),
                    country: "NO".into(),
                },
            )
            .await,
            app.attempt(client, People {}).await,
            app.attempt(
                client,
                SetPersonActive {
                    person_id: target,
                    active: false,
                },
            )
            .await,
            app.attempt(
                client,
                SetPlatformRole {
                    person_id: target,
                    role: "admin".into(),
                },
            )
            .await,
            app.attempt(client, invitation("x@example.org", "X", None))
                .await,
            app.attempt(
                client,
                Invite {
                    platform_role: Some("admin".into()),
                    ..invitation("y@example.org", "Y", Some(org))
                },
            )
            .await,
            app.attempt(
                client,
                AddMember {
                    org_id: other,
                    email: "member@example.org".into(),
                    role: "member".into(),
                },
            )
            .await,
            app.attempt(
                client,
                SetMemberRole {
                    org_id: other,
                    person_id: target,
                    role: "admin".into(),
                },
            )
            .await,
            app.attempt(
                client,
                RemoveMember {
                    org_id: other,
                    person_id: target,
                },
            )
            .await,
        ];
        for (path, status) in attempts {
            assert_eq!(status, 403, "{path} should be refused");
        }
    }
    // A plain member cannot manage their own organisation either.
    let add = AddMember {
        org_id: org,
        email: "target@example.org".into(),
        role: "member".into(),
    };
    for (path, status) in [
        app.attempt(&member, add).await,
        app.attempt(&member, invitation("z@example.org", "Z", Some(org)))
            .await,
    ] {
        assert_eq!(status, 403, "{path}");
    }
    let after = app.count("SELECT COUNT(*) FROM organisations").await
        + app.count("SELECT COUNT(*) FROM memberships").await * 100
        + app.count("SELECT COUNT(*) FROM invitations").await * 10_000;
    assert_eq!(before, after);
    let target_row = app::foundation::people::db::find_person(&app.db, target)
        .await
        .unwrap();
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
    let org_admin = admin_of(&app, org).await;
    let (someone_client, someone) = app.loner("someone@example.org").await;
    let add = || AddMember {
        org_id: org,
        email: "someone@example.org".into(),
        role: "member".into(),
    };
    app.call(&org_admin, add()).await.expect("invited");
    let refused = app.call(&org_admin, add()).await.unwrap_err();
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.field_message("email"),
        Some("This person has already been invited; the invitation waits for their answer.")
    );
    let offers = app
        .call(&someone_client, MembershipInvitations {})
        .await
        .unwrap();
    let accept = AcceptMembership {
        invitation_id: offers[0].id,
    };
    app.call(&someone_client, accept).await.expect("joined");
    let refused = app.call(&org_admin, add()).await.unwrap_err();
    assert_eq!(
        refused.field_message("email"),
        Some("This person is already a member.")
    );
    let promote = SetMemberRole {
        org_id: org,
        person_id: someone,
        role: "admin".into(),
    };
    app.call(&org_admin, promote).await.expect("role set");
    let token = invite(&app, &org_admin, "fresh@example.org", Some(org)).await;
    assert_eq!(token.len(), 43);
    let remove = RemoveMember {
        org_id: org,
        person_id: someone,
    };
    app.call(&org_admin, remove).await.expect("removed");
    let (status, html) = app
        .page(&org_admin, &format!("/admin/organisations/{org}"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Civil Voices") && html.contains("orgadmin@example.org"));
}

#[tokio::test]
async fn invitation_creates_an_account_once() {
    let app = spawn_app().await;
    let client = app.admin().await;
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
    let preview = app
        .call(
            &invitee,
            Invitation {
                token: token.clone(),
            },
        )
        .await
        .expect("preview");
    assert_eq!(preview.email, "new.person@example.org");
    assert_eq!(preview.org_name.as_deref(), Some("Civil Voices"));

    let refused = accept(&app, &invitee, &token, "too short")
        .await
        .unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused
        .field_message("password")
        .unwrap()
        .contains("12 characters"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people").await,
        1,
        "nothing half-written"
    );

    accept(&app, &invitee, &token, PASSWORD)
        .await
        .expect("accepted");
    assert_eq!(
        app.whoami(&invitee).await.as_deref(),
        Some("new.person@example.org")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM memberships").await, 1);

    let again = app.client();
    let refused = accept(&app, &again, &token, "another long password")
        .await
        .unwrap_err();
    assert_eq!(refused.status, 409);
    assert!(refused.conflict().unwrap().contains("already been used"));
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 2);

    let fresh = app.client();
    app.login(&fresh, "new.person@example.org").await;
}

#[tokio::test]
async fn expired_invitation_is_refused() {
    let app = spawn_app().await;
    let client = app.admin().await;
    let token = invite(&app, &client, "late@example.org", None).await;
    sqlx::query("UPDATE invitations SET expires_at = 1")
        .execute(app.db.write().await.conn())
        .await
        .unwrap();
    let invitee = app.client();
    let refused = accept(&app, &invitee, &token, PASSWORD).await.unwrap_err();
    assert_eq!(refused.status, 409);
    assert!(refused.conflict().unwrap().contains("expired"));
    let preview = app.call(&invitee, Invitation { token }).await;
    assert_eq!(preview.unwrap_err().status, 409);
    let refused = accept(&app, &invitee, "made-up-token", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(refused.status, 409);
    assert!(refused.conflict().unwrap().contains("not valid"));
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 1);
}

#[tokio::test]
async fn invitation_form_validates_email_name_and_duplicates() {
    let app = spawn_app().await;
    let client = app.admin().await;
    // The form as sent without choosing an organisation at all.
    let no_organisation = |email: &str, name: &str| Invite {
        organisation_id: None,
        ..invitation(email, name, None)
    };
    let refused = app
        .call(&client, no_organisation("not-an-email", ""))
        .await
        .unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused
        .field_message("email")
        .unwrap()
        .contains("name@example.org"));
    assert_eq!(refused.field_message("display_name"), Some("Enter a name."));
    let refused = app
        .call(&client, no_organisation("ADMIN@example.org", "Dup"))
        .await
        .unwrap_err();
    assert_eq!(
        refused.field_message("email"),
        Some("Someone already has an account with this email.")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
    // A second invitation to the same email replaces the first link.
    let first = invite(&app, &client, "twice@example.org", None).await;
    let second = invite(&app, &client, "twice@example.org", None).await;
    let invitee = app.client();
    let refused = accept(&app, &invitee, &first, PASSWORD).await;
    assert_eq!(refused.unwrap_err().status, 409);
    accept(&app, &invitee, &second, PASSWORD)
        .await
        .expect("the second link works");
}

#[tokio::test]
async fn deactivation_ends_every_session_at_once() {
    let app = spawn_app().await;
    let admin_client = app.admin().await;
    let (victim, id) = app.loner("leaving@example.org").await;
    let second = app.client();
    app.login(&second, "leaving@example.org").await;
    let deactivate = SetPersonActive {
        person_id: id,
        active: false,
    };
    app.call(&admin_client, deactivate)
        .await
        .expect("deactivated");
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
    let (client, me) = app
        .logged_in("solo@example.org", PlatformRole::Admin, None)
        .await;
    let deactivate = SetPersonActive {
        person_id: me,
        active: false,
    };
    assert_eq!(app.call(&client, deactivate).await.unwrap_err().status, 403);
    let demote = SetPlatformRole {
        person_id: me,
        role: "member".into(),
    };
    assert_eq!(app.call(&client, demote).await.unwrap_err().status, 403);
    assert_eq!(
        app.whoami(&client).await.as_deref(),
        Some("solo@example.org")
    );
}

#[tokio::test]
async fn unknown_ids_are_not_found_not_errors() {
    let app = spawn_app().await;
    let client = app.admin().await;
    let unknown = app.call(&client, Organisation { id: 999 }).await;
    assert_eq!(unknown.unwrap_err().status, 404);
    let deactivate = SetPersonActive {
        person_id: 999,
        active: false,
    };
    let unknown = app.call(&client, deactivate).await;
    assert_eq!(unknown.unwrap_err().status, 404);
    let (status, _) = app.page(&client, "/admin/organisations/999").await;
    assert_eq!(status, 404);
    let (status, _) = app.page(&client, "/admin/organisations/not-a-number").await;
    assert_eq!(status, 404);
    let (status, _) = app.page(&client, "/no/such/page").await;
    assert_eq!(status, 404);
}
