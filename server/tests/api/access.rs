//! Plan roles over HTTP: the whole action x role table, grants to organisations and people,
//! revocation, the last lead, and grant ids from other plans.

use app::access::api::{ChangeGrant, GrantToOrganisation, MembersOfPlan};
use app::access::domain::{can, Access, PlanAction, PlanRole, PlanRoles};
use app::comments::api::StartThread;
use app::foundation::people::OrgKind;
use app::foundation::people::PlatformRole;
use app::invitations::api::InviteToPlan;
use app::invitations::api::{AcceptInvitation, Invitation};
use app::plans::api::{Plan, Plans, SetPlanStatus};
use reqwest::Client;

use crate::helpers::{section_save, spawn_app, LedPlan, Status, TestApp, PASSWORD};

async fn fixture(app: &TestApp) -> LedPlan {
    app.led_plan("Lead Ministry", "lead@example.org", "Roles plan")
        .await
}

fn set_status(plan: i64, status: &str) -> SetPlanStatus {
    SetPlanStatus {
        plan_id: plan,
        status: status.into(),
    }
}

fn change_grant(plan: i64, grant: i64, role: &str) -> ChangeGrant {
    ChangeGrant {
        plan_id: plan,
        grant_id: grant,
        role: role.into(),
    }
}

/// The roles `client` has on `plan`, as its overview says.
async fn roles_on(app: &TestApp, client: &Client, plan: i64) -> PlanRoles {
    let overview = app.call(client, Plan { plan_id: plan }).await;
    overview.expect("plan overview").roles
}

async fn state(app: &TestApp, f: &LedPlan) -> (i64, String, i64) {
    let version = app
        .count(&format!(
            "SELECT version FROM sections WHERE id = {}",
            f.section
        ))
        .await;
    let status: String =
        sqlx::query_scalar(&format!("SELECT status FROM plans WHERE id = {}", f.plan))
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    let grants = app
        .count(&format!(
            "SELECT COUNT(*) FROM plan_grants WHERE plan_id = {}",
            f.plan
        ))
        .await;
    (version, status, grants)
}

/// Performs `action` as `client`; Some(status) for actions with an endpoint today.
async fn perform(app: &TestApp, f: &LedPlan, client: &Client, action: PlanAction) -> Option<u16> {
    let status = match action {
        PlanAction::SeeListing => {
            let all = Plans {
                country: None,
                status: None,
                org: None,
            };
            let listed = app
                .call(client, all)
                .await
                .is_ok_and(|list| list.plans.iter().any(|p| p.id == f.plan));
            return Some(if listed { 200 } else { 403 });
        }
        PlanAction::Read => app.call(client, Plan { plan_id: f.plan }).await.status(),
        PlanAction::Edit => {
            let version = app
                .count(&format!(
                    "SELECT version FROM sections WHERE id = {}",
                    f.section
                ))
                .await;
            let body = format!("Edited at version {version}.");
            let save = section_save(f.plan, f.section, version, &body);
            app.call(client, save).await.status()
        }
        PlanAction::Manage => {
            let manage = set_status(f.plan, "in_review");
            app.call(client, manage).await.status()
        }
        PlanAction::Comment => {
            let comment = StartThread {
                plan_id: f.plan,
                section_id: f.section,
                body: "A comment on the whole section.".into(),
                quote: None,
                prefix: None,
                suffix: None,
            };
            app.call(client, comment).await.status()
        }
        // Reviews arrive with their own issue; until then the table's row for them is proved
        // by the unit and property tests of `can`.
        PlanAction::Review => return None,
    };
    Some(status)
}

#[tokio::test]
async fn every_cell_of_the_action_role_table_is_enforced_over_http() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let mut cases: Vec<(String, Option<PlanRole>, bool)> = PlanRole::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), Some(*r), true))
        .collect();
    cases.push(("no role".into(), None, true));
    cases.push(("deactivated editor".into(), Some(PlanRole::Editor), false));
    for (label, role, active) in cases {
        let email = format!("role-{}@example.org", label.replace(' ', "-"));
        let id = app.person(&email, PlatformRole::Member, None).await;
        if let Some(role) = role {
            app.grant(&f.lead, f.plan, &email, role.as_str()).await;
        }
        let client = app.client();
        app.login(&client, &email).await;
        if !active {
            app.db
                .transaction(async |tx| app::admin::db::set_active(tx, id, false).await)
                .await
                .unwrap();
        }
        for action in PlanAction::ALL {
            let allowed = can(
                Access {
                    roles: role.into(),
                    platform_admin: false,
                    active,
                },
                action,
            );
            let before = state(&app, &f).await;
            let Some(status) = perform(&app, &f, &client, action).await else {
                continue;
            };
            if allowed {
                assert_eq!(status, 200, "{label} should be allowed to {action:?}");
            } else {
                assert!(
                    matches!(status, 401 | 403),
                    "{label} should be refused {action:?}, got {status}"
                );
                assert_eq!(
                    state(&app, &f).await,
                    before,
                    "{label}: refused {action:?} changed something"
                );
            }
        }
        // Put the plan back for the next row.
        app.call(&f.lead, set_status(f.plan, "draft"))
            .await
            .expect("back to draft");
    }
}

#[tokio::test]
async fn an_organisation_grant_reaches_its_members_now_and_later() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let partner = app.org("Partner NGO", OrgKind::CivilSociety).await;
    let (early, _) = app.member_of(partner, "early@example.org").await;
    let grant = |org: i64, role: &str| GrantToOrganisation {
        plan_id: f.plan,
        organisation_id: org.to_string(),
        role: role.into(),
    };
    app.call(&f.lead, grant(partner, "editor"))
        .await
        .expect("granted");
    let (late, _) = app.member_of(partner, "late@example.org").await;
    for client in [&early, &late] {
        assert_eq!(
            roles_on(&app, client, f.plan).await,
            Some(PlanRole::Editor).into()
        );
    }
    // A person grant adds to the organisation's.
    app.grant(&f.lead, f.plan, "late@example.org", "lead").await;
    let roles = roles_on(&app, &late, f.plan).await;
    assert!(roles.contains(PlanRole::Lead) && roles.contains(PlanRole::Editor));
    // The lead organisation (editor by default) and duplicates.
    let again = app.call(&f.lead, grant(f.org, "viewer")).await;
    assert_eq!(
        again.unwrap_err().status,
        422,
        "a second grant to the same organisation is refused"
    );
}

#[tokio::test]
async fn revoking_a_role_takes_effect_on_the_next_request() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (editor, _) = app.loner("editor@example.org").await;
    app.grant(&f.lead, f.plan, "editor@example.org", "editor")
        .await;
    assert_eq!(
        perform(&app, &f, &editor, PlanAction::Edit).await,
        Some(200)
    );
    let members = app
        .call(&f.lead, MembersOfPlan { plan_id: f.plan })
        .await
        .unwrap()
        .members;
    let grant = members
        .iter()
        .find(|m| m.detail == "editor@example.org")
        .unwrap()
        .grant_id;
    app.call(&f.lead, change_grant(f.plan, grant, "viewer"))
        .await
        .expect("changed to viewer");
    assert_eq!(
        perform(&app, &f, &editor, PlanAction::Edit).await,
        Some(403)
    );
    assert_eq!(
        perform(&app, &f, &editor, PlanAction::Read).await,
        Some(200)
    );
    app.call(&f.lead, change_grant(f.plan, grant, ""))
        .await
        .expect("revoked");
    assert_eq!(
        perform(&app, &f, &editor, PlanAction::Read).await,
        Some(403)
    );
}

#[tokio::test]
async fn a_plan_always_keeps_a_lead() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let members = app
        .call(&f.lead, MembersOfPlan { plan_id: f.plan })
        .await
        .unwrap()
        .members;
    let lead_grant = members
        .iter()
        .find(|m| m.role == PlanRole::Lead)
        .unwrap()
        .grant_id;
    for role in ["editor", ""] {
        let demote = app
            .call(&f.lead, change_grant(f.plan, lead_grant, role))
            .await;
        assert_eq!(
            demote.unwrap_err().status,
            409,
            "demoting the only lead to {role:?}"
        );
    }
    // With a second lead, the first may step down.
    app.person("second@example.org", PlatformRole::Member, None)
        .await;
    app.grant(&f.lead, f.plan, "second@example.org", "lead")
        .await;
    app.call(&f.lead, change_grant(f.plan, lead_grant, "editor"))
        .await
        .expect("stepped down");
}

#[tokio::test]
async fn grant_ids_from_another_plan_are_not_found() {
    let app = spawn_app().await;
    let a = fixture(&app).await;
    let org_b = app.org("Other Ministry", OrgKind::Government).await;
    let (lead_b, _) = app.member_of(org_b, "leadb@example.org").await;
    let plan_b = app.create_plan(&lead_b, org_b, "Plan B", false).await;
    let members = app
        .call(&lead_b, MembersOfPlan { plan_id: plan_b })
        .await
        .unwrap()
        .members;
    let grant_b = members[0].grant_id;
    // Lead of plan A names plan A with plan B's grant.
    for role in ["viewer", ""] {
        let res = app.call(&a.lead, change_grant(a.plan, grant_b, role)).await;
        assert_eq!(res.unwrap_err().status, 404);
    }
    let foreign = app.call(&a.lead, MembersOfPlan { plan_id: plan_b }).await;
    assert_eq!(foreign.unwrap_err().status, 403);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM plan_grants WHERE plan_id = {plan_b}"
        ))
        .await,
        2
    );
}

#[tokio::test]
async fn inviting_someone_to_a_plan_creates_the_account_with_that_role() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let invite = |email: &str, name: &str, role: &str| InviteToPlan {
        plan_id: f.plan,
        email: email.into(),
        display_name: name.into(),
        role: role.into(),
    };
    let link = app
        .call(
            &f.lead,
            invite("newcomer@example.org", "Newcomer", "reviewer"),
        )
        .await
        .expect("invited")
        .link;
    let token = link.rsplit('/').next().unwrap().to_owned();
    let invitee = app.client();
    let preview = app
        .call(
            &invitee,
            Invitation {
                token: token.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(preview.plan.unwrap().0, "Roles plan");
    let accept = AcceptInvitation {
        token,
        display_name: "Newcomer".into(),
        password: PASSWORD.into(),
        password_confirm: PASSWORD.into(),
    };
    app.call(&invitee, accept).await.expect("accepted");
    assert_eq!(
        roles_on(&app, &invitee, f.plan).await,
        Some(PlanRole::Reviewer).into()
    );
    // Only leads invite.
    let refused = app
        .call(&invitee, invite("x@example.org", "X", "lead"))
        .await;
    assert_eq!(refused.unwrap_err().status, 403);
}

#[tokio::test]
async fn the_plan_overview_shows_every_role_a_person_holds() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let partner = app.org("Partner NGO", OrgKind::CivilSociety).await;
    let (member, _) = app.member_of(partner, "member@example.org").await;
    let grant = GrantToOrganisation {
        plan_id: f.plan,
        organisation_id: partner.to_string(),
        role: "editor".into(),
    };
    app.call(&f.lead, grant).await.expect("granted");
    app.grant(&f.lead, f.plan, "member@example.org", "reviewer")
        .await;
    let (_, page) = app.page(&member, &format!("/plans/{}", f.plan)).await;
    assert!(page.contains("Your roles: Editor, Reviewer"), "{page}");
    // The lead also edits through the lead organisation, which leading already includes.
    let (_, page) = app.page(&f.lead, &format!("/plans/{}", f.plan)).await;
    assert!(page.contains("Your role: Lead ·"), "{page}");
}
