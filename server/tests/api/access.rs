//! Plan roles over HTTP: the whole action x role table, grants to organisations and people,
//! revocation, the last lead, and grant ids from other plans.

use crate::helpers::{spawn_app, LedPlan, TestApp, PASSWORD};
use app::access::domain::{can, Access, PlanAction, PlanRole};
use app::admin::domain::{OrgKind, OrgRole};
use app::auth::domain::PlatformRole;
use reqwest::Client;
use serde_json::Value;

struct Fixture {
    plan: i64,
    section: i64,
    lead: Client,
    org: i64,
}

async fn fixture(app: &TestApp) -> Fixture {
    let LedPlan {
        org, lead, plan, ..
    } = app
        .led_plan("Lead Ministry", "lead@example.org", "Roles plan")
        .await;
    let o: Value = app
        .call(&lead, "plan", &[("plan_id", &plan.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let section = o["sections"][0]["id"].as_i64().unwrap();
    Fixture {
        plan,
        section,
        lead,
        org,
    }
}

async fn grant_person(app: &TestApp, f: &Fixture, email: &str, role: &str) -> reqwest::Response {
    app.call(
        &f.lead,
        "grant_to_person",
        &[
            ("plan_id", &f.plan.to_string()),
            ("email", email),
            ("role", role),
        ],
    )
    .await
}

async fn state(app: &TestApp, f: &Fixture) -> (i64, String, i64) {
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
async fn perform(app: &TestApp, f: &Fixture, client: &Client, action: PlanAction) -> Option<u16> {
    let p = f.plan.to_string();
    let res = match action {
        PlanAction::SeeListing => {
            let list: Value = app
                .call(client, "plans", &[])
                .await
                .json()
                .await
                .unwrap_or(Value::Null);
            let listed = list["plans"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["id"] == f.plan));
            return Some(if listed { 200 } else { 403 });
        }
        PlanAction::Read => app.call(client, "plan", &[("plan_id", &p)]).await,
        PlanAction::Edit => {
            let version = app
                .count(&format!(
                    "SELECT version FROM sections WHERE id = {}",
                    f.section
                ))
                .await
                .to_string();
            let body = format!("Edited at version {version}.");
            app.call(
                client,
                "save_section",
                &[
                    ("plan_id", &p),
                    ("section_id", &f.section.to_string()),
                    ("base_version", &version),
                    ("body", &body),
                ],
            )
            .await
        }
        PlanAction::Manage => {
            app.call(
                client,
                "set_plan_status",
                &[("plan_id", &p), ("status", "in_review")],
            )
            .await
        }
        PlanAction::Comment => {
            app.call(
                client,
                "start_thread",
                &[
                    ("plan_id", &p),
                    ("section_id", &f.section.to_string()),
                    ("body", "A comment on the whole section."),
                ],
            )
            .await
        }
        // Reviews arrive with their own issue; until then the table's row for them is proved
        // by the unit and property tests of `can`.
        PlanAction::Review => return None,
    };
    Some(res.status().as_u16())
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
            assert_eq!(
                grant_person(&app, &f, &email, role.as_str()).await.status(),
                200,
                "grant {label}"
            );
        }
        let client = app.client();
        app.login(&client, &email).await;
        if !active {
            app::admin::db::set_active(&app.db, id, false)
                .await
                .unwrap();
        }
        for action in PlanAction::ALL {
            let allowed = can(
                Access {
                    role,
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
        app.call(
            &f.lead,
            "set_plan_status",
            &[("plan_id", &f.plan.to_string()), ("status", "draft")],
        )
        .await;
    }
}

#[tokio::test]
async fn an_organisation_grant_reaches_its_members_now_and_later() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let partner = app.org("Partner NGO", OrgKind::CivilSociety).await;
    let (early, _) = app
        .logged_in(
            "early@example.org",
            PlatformRole::Member,
            Some((partner, OrgRole::Member)),
        )
        .await;
    let res = app
        .call(
            &f.lead,
            "grant_to_organisation",
            &[
                ("plan_id", &f.plan.to_string()),
                ("organisation_id", &partner.to_string()),
                ("role", "editor"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (late, _) = app
        .logged_in(
            "late@example.org",
            PlatformRole::Member,
            Some((partner, OrgRole::Member)),
        )
        .await;
    for client in [&early, &late] {
        let o: Value = app
            .call(client, "plan", &[("plan_id", &f.plan.to_string())])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(o["role"], "Editor");
    }
    // A person grant higher than the organisation's wins.
    grant_person(&app, &f, "late@example.org", "lead").await;
    let o: Value = app
        .call(&late, "plan", &[("plan_id", &f.plan.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(o["role"], "Lead");
    // The lead organisation (editor by default) and duplicates.
    let res = app
        .call(
            &f.lead,
            "grant_to_organisation",
            &[
                ("plan_id", &f.plan.to_string()),
                ("organisation_id", &f.org.to_string()),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        422,
        "a second grant to the same organisation is refused"
    );
}

#[tokio::test]
async fn revoking_a_role_takes_effect_on_the_next_request() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (editor, _) = app
        .logged_in("editor@example.org", PlatformRole::Member, None)
        .await;
    grant_person(&app, &f, "editor@example.org", "editor").await;
    assert_eq!(
        perform(&app, &f, &editor, PlanAction::Edit).await,
        Some(200)
    );
    let members: Value = app
        .call(&f.lead, "plan_members", &[("plan_id", &f.plan.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let grant = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["detail"] == "editor@example.org")
        .unwrap()["grant_id"]
        .as_i64()
        .unwrap();
    let res = app
        .call(
            &f.lead,
            "change_grant",
            &[
                ("plan_id", &f.plan.to_string()),
                ("grant_id", &grant.to_string()),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        perform(&app, &f, &editor, PlanAction::Edit).await,
        Some(403)
    );
    assert_eq!(
        perform(&app, &f, &editor, PlanAction::Read).await,
        Some(200)
    );
    app.call(
        &f.lead,
        "change_grant",
        &[
            ("plan_id", &f.plan.to_string()),
            ("grant_id", &grant.to_string()),
            ("role", ""),
        ],
    )
    .await;
    assert_eq!(
        perform(&app, &f, &editor, PlanAction::Read).await,
        Some(403)
    );
}

#[tokio::test]
async fn a_plan_always_keeps_a_lead() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let members: Value = app
        .call(&f.lead, "plan_members", &[("plan_id", &f.plan.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let lead_grant = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "Lead")
        .unwrap()["grant_id"]
        .as_i64()
        .unwrap();
    for role in ["editor", ""] {
        let res = app
            .call(
                &f.lead,
                "change_grant",
                &[
                    ("plan_id", &f.plan.to_string()),
                    ("grant_id", &lead_grant.to_string()),
                    ("role", role),
                ],
            )
            .await;
        assert_eq!(res.status(), 409, "demoting the only lead to {role:?}");
    }
    // With a second lead, the first may step down.
    app.person("second@example.org", PlatformRole::Member, None)
        .await;
    grant_person(&app, &f, "second@example.org", "lead").await;
    let res = app
        .call(
            &f.lead,
            "change_grant",
            &[
                ("plan_id", &f.plan.to_string()),
                ("grant_id", &lead_grant.to_string()),
                ("role", "editor"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn grant_ids_from_another_plan_are_not_found() {
    let app = spawn_app().await;
    let a = fixture(&app).await;
    let org_b = app.org("Other Ministry", OrgKind::Government).await;
    let (lead_b, _) = app
        .logged_in(
            "leadb@example.org",
            PlatformRole::Member,
            Some((org_b, OrgRole::Member)),
        )
        .await;
    let plan_b = app.create_plan(&lead_b, org_b, "Plan B", false).await;
    let members: Value = app
        .call(&lead_b, "plan_members", &[("plan_id", &plan_b.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let grant_b = members["members"][0]["grant_id"]
        .as_i64()
        .unwrap()
        .to_string();
    // Lead of plan A names plan A with plan B's grant.
    for role in ["viewer", ""] {
        let res = app
            .call(
                &a.lead,
                "change_grant",
                &[
                    ("plan_id", &a.plan.to_string()),
                    ("grant_id", &grant_b),
                    ("role", role),
                ],
            )
            .await;
        assert_eq!(res.status(), 404);
    }
    assert_eq!(
        app.call(&a.lead, "plan_members", &[("plan_id", &plan_b.to_string())])
            .await
            .status(),
        403
    );
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
    let res = app
        .call(
            &f.lead,
            "invite_to_plan",
            &[
                ("plan_id", &f.plan.to_string()),
                ("email", "newcomer@example.org"),
                ("display_name", "Newcomer"),
                ("role", "reviewer"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let link: Value = res.json().await.unwrap();
    let token = link["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let invitee = app.client();
    let preview: Value = app
        .call(&invitee, "invitation", &[("token", &token)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(preview["plan"][0], "Roles plan");
    let res = app
        .call(
            &invitee,
            "accept_invitation",
            &[
                ("token", &token),
                ("display_name", "Newcomer"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let o: Value = app
        .call(&invitee, "plan", &[("plan_id", &f.plan.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(o["role"], "Reviewer");
    // Only leads invite.
    let res = app
        .call(
            &invitee,
            "invite_to_plan",
            &[
                ("plan_id", &f.plan.to_string()),
                ("email", "x@example.org"),
                ("display_name", "X"),
                ("role", "lead"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
}
