//! Invitations over HTTP: joining an organisation only by accepting its invitation, open
//! invitations listed and revocable by whoever may make them, and acceptance refused once the
//! inviter may no longer grant what the invitation offers.

use app::access::api::ChangeGrant;
use app::admin::api::{SetMemberRole, SetPersonActive, SetPlatformRole};
use app::foundation::people::{OrgKind, OrgRole, PlatformRole};
use app::invitations::api::joining::{
    AcceptMembership, AddMember, DeclineMembership, MembershipInvitations,
};
use app::invitations::api::pending::{
    OrganisationInvitations, PendingInvitations, PlanInvitations, RevokeInvitation,
    RevokeMembershipInvitation,
};
use app::invitations::api::{AcceptInvitation, Invitation, Invite, InviteToPlan};
use app::invitations::views::{PendingInvitation, PendingKind};
use reqwest::Client;

use crate::helpers::{spawn_app, Failure, TestApp, PASSWORD};

/// `org_admin`'s invitation of the existing account `email` to join `org` as a member.
fn add(org: i64, email: &str) -> AddMember {
    AddMember {
        org_id: org,
        email: email.into(),
        role: "member".into(),
    }
}

/// The id of the one invitation to join waiting for `client`.
async fn waiting(app: &TestApp, client: &Client) -> i64 {
    let offers = app.call(client, MembershipInvitations {}).await.unwrap();
    assert_eq!(offers.len(), 1, "{offers:?}");
    offers[0].id
}

/// The link invitation for `email` into `org`, made by `client`; returns the link's token.
async fn invite_link(app: &TestApp, client: &Client, email: &str, org: i64) -> String {
    let invite = Invite {
        email: email.into(),
        display_name: "Fresh".into(),
        platform_role: None,
        organisation_id: Some(org.to_string()),
        organisation_role: Some("member".into()),
    };
    token(&app.call(client, invite).await.expect("invited").link)
}

/// The open invitation for `email` in `list`.
fn listed<'a>(list: &'a [PendingInvitation], email: &str) -> &'a PendingInvitation {
    list.iter()
        .find(|p| p.email == email)
        .unwrap_or_else(|| panic!("{email} not in {list:?}"))
}

/// The token at the end of an invitation link.
fn token(link: &str) -> String {
    link.rsplit('/').next().unwrap_or_default().to_owned()
}

/// Accepts the invitation `token` as a new visitor, choosing the test password.
async fn accept(app: &TestApp, token: &str) -> Result<(), Failure> {
    let accept = AcceptInvitation {
        token: token.into(),
        display_name: "New Person".into(),
        password: PASSWORD.into(),
        password_confirm: PASSWORD.into(),
    };
    app.call(&app.client(), accept).await
}

/// A logged-in organisation admin of a new civil-society organisation; returns the org too.
async fn org_admin(app: &TestApp) -> (Client, i64, i64) {
    let org = app.org("Civil Voices", OrgKind::CivilSociety).await;
    let (client, id) = app
        .logged_in(
            "orgadmin@example.org",
            PlatformRole::Member,
            Some((org, OrgRole::Admin)),
        )
        .await;
    (client, org, id)
}

#[tokio::test]
async fn adding_an_existing_account_to_an_organisation_waits_for_their_consent() {
    let app = spawn_app().await;
    let (admin, org, _) = org_admin(&app).await;
    let (person, id) = app.loner("someone@example.org").await;
    app.call(&admin, add(org, "someone@example.org"))
        .await
        .expect("invited");
    let memberships = format!("SELECT COUNT(*) FROM memberships WHERE person_id = {id}");
    assert_eq!(app.count(&memberships).await, 0, "nothing done to them yet");
    let (_, home) = app.page(&person, "/").await;
    assert!(home.contains("Invitations to join"), "{home}");
    assert!(home.contains("Join Civil Voices"), "{home}");
    let invitation = waiting(&app, &person).await;
    // Nobody else answers it for them.
    let (other, _) = app.loner("other@example.org").await;
    let stolen = app
        .call(
            &other,
            AcceptMembership {
                invitation_id: invitation,
            },
        )
        .await;
    assert_eq!(stolen.unwrap_err().status, 404);
    // Accepted as a plain form post from the home page, it lands back home.
    let res = app
        .post_form(
            &person,
            "/",
            AcceptMembership {
                invitation_id: invitation,
            },
        )
        .await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/?done=joined");
    assert_eq!(app.count(&memberships).await, 1);
    let (_, home) = app.page(&person, "/?done=joined").await;
    assert!(!home.contains("Join Civil Voices"), "answered: {home}");
    let actions: Vec<String> = app
        .audit_details()
        .await
        .into_iter()
        .filter(|(kind, _, _)| kind == "membership")
        .map(|(_, _, details)| details["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(actions, vec!["invited", "joined"]);
    // Answered once.
    let again = app
        .call(
            &person,
            AcceptMembership {
                invitation_id: invitation,
            },
        )
        .await;
    assert_eq!(again.unwrap_err().status, 409);
}

#[tokio::test]
async fn a_declined_invitation_to_join_adds_nobody_and_leaves_the_lists() {
    let app = spawn_app().await;
    let (admin, org, _) = org_admin(&app).await;
    let (person, id) = app.loner("someone@example.org").await;
    app.call(&admin, add(org, "someone@example.org"))
        .await
        .expect("invited");
    let open = app
        .call(&admin, OrganisationInvitations { org_id: org })
        .await
        .unwrap();
    assert_eq!(
        listed(&open, "someone@example.org").kind,
        PendingKind::Membership
    );
    let invitation = waiting(&app, &person).await;
    app.call(
        &person,
        DeclineMembership {
            invitation_id: invitation,
        },
    )
    .await
    .expect("declined");
    let memberships = format!("SELECT COUNT(*) FROM memberships WHERE person_id = {id}");
    assert_eq!(app.count(&memberships).await, 0);
    let offers = app.call(&person, MembershipInvitations {}).await.unwrap();
    assert!(offers.is_empty());
    let open = app
        .call(&admin, OrganisationInvitations { org_id: org })
        .await
        .unwrap();
    assert!(open.is_empty(), "{open:?}");
    let accept = app
        .call(
            &person,
            AcceptMembership {
                invitation_id: invitation,
            },
        )
        .await
        .unwrap_err();
    assert!(accept.conflict().is_some_and(|m| m.contains("declined")));
    // The organisation may ask again.
    app.call(&admin, add(org, "someone@example.org"))
        .await
        .expect("invited again");
}

#[tokio::test]
async fn an_invitation_to_join_dies_when_its_inviter_is_no_longer_the_organisations_admin() {
    let app = spawn_app().await;
    let (admin, org, admin_id) = org_admin(&app).await;
    let (person, id) = app.loner("someone@example.org").await;
    app.call(&admin, add(org, "someone@example.org"))
        .await
        .expect("invited");
    let platform = app.admin().await;
    let demote = SetMemberRole {
        org_id: org,
        person_id: admin_id,
        role: "member".into(),
    };
    app.call(&platform, demote).await.expect("demoted");
    let invitation = waiting(&app, &person).await;
    let refused = app
        .call(
            &person,
            AcceptMembership {
                invitation_id: invitation,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.status, 409);
    assert!(
        refused
            .conflict()
            .is_some_and(|m| m.contains("can no longer")),
        "{refused:?}"
    );
    let memberships = format!("SELECT COUNT(*) FROM memberships WHERE person_id = {id}");
    assert_eq!(app.count(&memberships).await, 0);
}

#[tokio::test]
async fn an_organisations_open_invitations_are_listed_and_withdrawn_by_its_admins_only() {
    let app = spawn_app().await;
    let (admin, org, _) = org_admin(&app).await;
    let (person, _) = app.loner("someone@example.org").await;
    app.call(&admin, add(org, "someone@example.org"))
        .await
        .expect("invited");
    let token = invite_link(&app, &admin, "fresh@example.org", org).await;
    let open = app
        .call(&admin, OrganisationInvitations { org_id: org })
        .await
        .unwrap();
    assert_eq!(open.len(), 2);
    let link = listed(&open, "fresh@example.org").clone();
    let membership = listed(&open, "someone@example.org").clone();
    assert!(link.can_revoke && membership.can_revoke);
    assert_eq!(link.offer, "Member of Civil Voices");
    assert_eq!(link.invited_by, "orgadmin@example.org");
    let (_, page) = app
        .page(&admin, &format!("/admin/organisations/{org}"))
        .await;
    assert!(page.contains("Open invitations") && page.contains("fresh@example.org"));
    assert!(page.contains("Withdraw the invitation of someone@example.org"));
    // Members, and admins of another organisation, neither see nor withdraw them.
    let (member, _) = app.member_of(org, "member@example.org").await;
    let other = app.org("Other Org", OrgKind::Donor).await;
    let (stranger, _) = app
        .logged_in(
            "otheradmin@example.org",
            PlatformRole::Member,
            Some((other, OrgRole::Admin)),
        )
        .await;
    for client in [&member, &stranger] {
        let list = app
            .call(client, OrganisationInvitations { org_id: org })
            .await;
        assert_eq!(list.unwrap_err().status, 403);
        let revoke = RevokeInvitation {
            invitation_id: link.id,
        };
        assert_eq!(app.call(client, revoke).await.unwrap_err().status, 403);
        let revoke = RevokeMembershipInvitation {
            invitation_id: membership.id,
        };
        assert_eq!(app.call(client, revoke).await.unwrap_err().status, 403);
    }
    // The admin withdraws both; neither can be accepted any more.
    let revoke = RevokeInvitation {
        invitation_id: link.id,
    };
    app.call(&admin, revoke).await.expect("withdrawn");
    let revoke = RevokeMembershipInvitation {
        invitation_id: membership.id,
    };
    let res = app
        .post_form(&admin, &format!("/admin/organisations/{org}"), revoke)
        .await;
    assert_eq!(res.status(), 302, "withdrawn without JavaScript");
    let refused = accept(&app, &token).await.unwrap_err();
    assert!(
        refused.conflict().is_some_and(|m| m.contains("withdrawn")),
        "{refused:?}"
    );
    let preview = app.call(&app.client(), Invitation { token }).await;
    assert_eq!(preview.unwrap_err().status, 409);
    let refused = app
        .call(
            &person,
            AcceptMembership {
                invitation_id: membership.id,
            },
        )
        .await
        .unwrap_err();
    assert!(refused.conflict().is_some_and(|m| m.contains("withdrawn")));
    assert!(app
        .call(&admin, OrganisationInvitations { org_id: org })
        .await
        .unwrap()
        .is_empty());
    // Withdrawn once, recorded once each.
    let again = app
        .call(
            &admin,
            RevokeInvitation {
                invitation_id: link.id,
            },
        )
        .await;
    assert_eq!(again.unwrap_err().status, 409);
    let revoked = app.audited_actions("invitation revoked").await.len();
    assert_eq!(revoked, 2);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people WHERE email = 'fresh@example.org'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_plans_open_invitations_are_listed_and_withdrawn_by_its_leads_only() {
    let app = spawn_app().await;
    let f = app
        .led_plan("Lead Ministry", "lead@example.org", "Roles plan")
        .await;
    let invite = InviteToPlan {
        plan_id: f.plan,
        email: "newcomer@example.org".into(),
        display_name: "Newcomer".into(),
        role: "reviewer".into(),
    };
    let link = app.call(&f.lead, invite).await.expect("invited").link;
    let open = app
        .call(&f.lead, PlanInvitations { plan_id: f.plan })
        .await
        .unwrap();
    let pending = listed(&open, "newcomer@example.org").clone();
    assert_eq!(pending.offer, "Reviewer on Roles plan");
    assert!(pending.can_revoke);
    let (_, page) = app
        .page(&f.lead, &format!("/plans/{}/members", f.plan))
        .await;
    assert!(
        page.contains("Withdraw the invitation of newcomer@example.org"),
        "{page}"
    );
    // An editor of the plan neither lists nor withdraws it; a platform administrator sees it
    // on the people page but may not withdraw what they could not have made.
    let (editor, _) = app.member_of(f.org, "editor@example.org").await;
    let list = app.call(&editor, PlanInvitations { plan_id: f.plan }).await;
    assert_eq!(list.unwrap_err().status, 403);
    let revoke = || RevokeInvitation {
        invitation_id: pending.id,
    };
    assert_eq!(app.call(&editor, revoke()).await.unwrap_err().status, 403);
    let admin = app.admin().await;
    let everything = app.call(&admin, PendingInvitations {}).await.unwrap();
    assert!(!listed(&everything, "newcomer@example.org").can_revoke);
    assert_eq!(app.call(&admin, revoke()).await.unwrap_err().status, 403);
    app.call(&f.lead, revoke()).await.expect("withdrawn");
    let refused = accept(&app, &token(&link)).await.unwrap_err();
    assert_eq!(refused.status, 409);
    let on_plan = app.audited_actions("invitation revoked").await;
    assert_eq!(on_plan, vec![Some(f.plan)], "recorded on the plan's trail");
}

#[tokio::test]
async fn the_people_page_lists_every_open_invitation_for_administrators_to_withdraw() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let org = app.org("Civil Voices", OrgKind::CivilSociety).await;
    app.loner("someone@example.org").await;
    app.call(&admin, add(org, "someone@example.org"))
        .await
        .expect("invited");
    invite_link(&app, &admin, "fresh@example.org", org).await;
    let open = app.call(&admin, PendingInvitations {}).await.unwrap();
    assert_eq!(open.len(), 2);
    assert!(open.iter().all(|p| p.can_revoke), "{open:?}");
    let (_, page) = app.page(&admin, "/admin/people").await;
    assert!(page.contains("Withdraw the invitation of fresh@example.org"));
    assert!(page.contains("Withdraw the invitation of someone@example.org"));
    let membership = listed(&open, "someone@example.org").id;
    app.call(
        &admin,
        RevokeMembershipInvitation {
            invitation_id: membership,
        },
    )
    .await
    .expect("withdrawn");
    let open = app.call(&admin, PendingInvitations {}).await.unwrap();
    assert_eq!(open.len(), 1);
}

#[tokio::test]
async fn an_invitation_onto_a_plan_dies_with_its_inviters_right_to_lead() {
    let app = spawn_app().await;
    let f = app
        .led_plan("Lead Ministry", "lead@example.org", "Roles plan")
        .await;
    let invite = InviteToPlan {
        plan_id: f.plan,
        email: "newcomer@example.org".into(),
        display_name: "Newcomer".into(),
        role: "lead".into(),
    };
    let link = app.call(&f.lead, invite).await.expect("invited").link;
    let admin = app.admin().await;
    let deactivate = SetPersonActive {
        person_id: f.lead_id,
        active: false,
    };
    app.call(&admin, deactivate).await.expect("deactivated");
    // The link says so as soon as it is opened, before a password is chosen.
    let preview = Invitation {
        token: token(&link),
    };
    let refused = app.call(&app.client(), preview).await.unwrap_err();
    assert!(
        refused
            .conflict()
            .is_some_and(|m| m.contains("can no longer")),
        "{refused:?}"
    );
    let refused = accept(&app, &token(&link)).await.unwrap_err();
    assert_eq!(refused.status, 409, "{refused:?}");
    assert!(
        refused
            .conflict()
            .is_some_and(|m| m.contains("can no longer")),
        "{refused:?}"
    );
    let people = "SELECT COUNT(*) FROM people WHERE email = 'newcomer@example.org'";
    assert_eq!(app.count(people).await, 0, "no account made");
}

#[tokio::test]
async fn an_invitation_dies_when_its_inviter_stops_leading_the_plan() {
    let app = spawn_app().await;
    let f = app
        .led_plan("Lead Ministry", "lead@example.org", "Roles plan")
        .await;
    app.person("second@example.org", PlatformRole::Member, None)
        .await;
    app.grant(&f.lead, f.plan, "second@example.org", "lead")
        .await;
    let invite = InviteToPlan {
        plan_id: f.plan,
        email: "newcomer@example.org".into(),
        display_name: "Newcomer".into(),
        role: "editor".into(),
    };
    let link = app.call(&f.lead, invite).await.expect("invited").link;
    // The inviter steps down to viewer (the lead organisation's editor grant still reaches
    // them, which gives no right to manage).
    let grant = app.person_grant(f.plan, f.lead_id).await;
    let step_down = ChangeGrant {
        plan_id: f.plan,
        grant_id: grant,
        role: "viewer".into(),
    };
    app.call(&f.lead, step_down).await.expect("stepped down");
    let refused = accept(&app, &token(&link)).await.unwrap_err();
    assert_eq!(refused.status, 409, "{refused:?}");
}

#[tokio::test]
async fn an_organisation_invitation_dies_when_its_inviter_is_no_longer_its_admin() {
    let app = spawn_app().await;
    let (admin, org, admin_id) = org_admin(&app).await;
    let invite = Invite {
        email: "fresh@example.org".into(),
        display_name: "Fresh".into(),
        platform_role: None,
        organisation_id: Some(org.to_string()),
        organisation_role: Some("admin".into()),
    };
    let link = app.call(&admin, invite).await.expect("invited").link;
    let platform = app.admin().await;
    let demote = SetMemberRole {
        org_id: org,
        person_id: admin_id,
        role: "member".into(),
    };
    app.call(&platform, demote).await.expect("demoted");
    let refused = accept(&app, &token(&link)).await.unwrap_err();
    assert_eq!(refused.status, 409, "{refused:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM memberships WHERE role = 'admin'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_administrator_invitation_dies_when_its_inviter_is_no_longer_an_administrator() {
    let app = spawn_app().await;
    let (first, first_id) = app
        .logged_in("first@example.org", PlatformRole::Admin, None)
        .await;
    let second = app.admin().await;
    let invite = Invite {
        email: "root@example.org".into(),
        display_name: "Root".into(),
        platform_role: Some("admin".into()),
        organisation_id: None,
        organisation_role: None,
    };
    let link = app.call(&first, invite).await.expect("invited").link;
    let demote = SetPlatformRole {
        person_id: first_id,
        role: "member".into(),
    };
    app.call(&second, demote).await.expect("demoted");
    let refused = accept(&app, &token(&link)).await.unwrap_err();
    assert_eq!(refused.status, 409, "{refused:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people WHERE platform_role = 'admin'")
            .await,
        1
    );
}
