//! The one write path: every audited change and its audit entry commit together or not at all.
//! A trigger makes appending to the trail fail inside the change's own transaction, after the
//! change's statements ran: each kind of change is then refused and the database is exactly as
//! it was. Without the trigger, the same call lands with its entry.

use app::access::api::{ChangeGrant, GrantToOrganisation, GrantToPerson};
use app::admin::api::{
    CreateOrganisation, RemoveMember, SetMemberRole, SetPersonActive, SetPlatformRole,
    UpdateOrganisation,
};
use app::checklist::api::{
    AddChecklistItem, AddEvidence, EditChecklistItem, LinkChecklistSection, SetChecklistItemRetired,
};
use app::checklist::template_api::{AddChecklistTemplateItem, UpdateChecklistTemplateItem};
use app::foundation::people::{OrgKind, PlatformRole};
use app::invitations::api::joining::{AcceptMembership, AddMember, MembershipInvitations};
use app::invitations::api::{Invite, InviteToPlan};
use app::plans::api::CreatePlan;
use app::reviews::api::{
    ApprovePlan, ApproveSection, RequestChanges, SetApprovalRule, SubmitForReview,
};
use app::sections::api::{
    AddSection, MoveSection, RenameSection, RestoreRevision, SetSectionRemoved,
};

use crate::helpers::{item_update, section_save, spawn_sqlite_app, TestApp};

/// Every table's rows, as SQL literals, in row order: what "the database is as it was" means.
/// Sessions are left out (a request may touch its own), as is sqlx's migration table.
async fn snapshot(app: &TestApp) -> Vec<(String, Vec<String>)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT IN ('sessions', '_sqlx_migrations') ORDER BY name",
    )
    .fetch_all(app.db.reader())
    .await
    .expect("tables");
    let mut out = Vec::new();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(app.db.reader())
                .await
                .expect("columns");
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT {row} FROM \"{table}\" ORDER BY rowid"))
                .fetch_all(app.db.reader())
                .await
                .expect("rows");
        out.push((table, rows));
    }
    out
}

/// Makes every append to the audit trail fail (`true`) or work again (`false`).
async fn break_the_trail(app: &TestApp, broken: bool) {
    let sql = if broken {
        "CREATE TRIGGER injected_audit_failure BEFORE INSERT ON audit_entries
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
    } else {
        "DROP TRIGGER injected_audit_failure"
    };
    sqlx::query(sql)
        .execute(app.db.write().await.conn())
        .await
        .expect("trigger");
}

/// Runs the change `$call` with the trail broken and checks it was refused and left the
/// database as it was; then runs it again and returns what it returned, checking that it
/// landed with one more audit entry.
macro_rules! audited {
    ($app:expr, $name:expr, $call:expr) => {{
        let app: &TestApp = $app;
        let before = snapshot(app).await;
        break_the_trail(app, true).await;
        let refused = $call.await;
        break_the_trail(app, false).await;
        match &refused {
            Err(f) => assert_eq!(f.status, 500, "{}: {f:?}", $name),
            Ok(_) => panic!("{}: went through without its audit entry", $name),
        }
        assert!(
            snapshot(app).await == before,
            "{}: part of the change landed without its entry",
            $name
        );
        let entries = app.count("SELECT COUNT(*) FROM audit_entries").await;
        let done = $call.await.unwrap_or_else(|f| panic!("{}: {f:?}", $name));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_entries").await,
            entries + 1,
            "{}: one entry with the change",
            $name
        );
        done
    }};
}

#[tokio::test]
async fn every_kind_of_audited_change_lands_with_its_entry_or_not_at_all() {
    let app = spawn_sqlite_app().await;
    let admin = app.admin().await;

    // Administration: organisations, members, people, invitations, the checklist template.
    let org = audited!(
        &app,
        "create an organisation",
        app.call(
            &admin,
            CreateOrganisation {
                name: "Ministry of Justice".into(),
                kind: "government".into(),
                country: "SL".into(),
            }
        )
    );
    audited!(
        &app,
        "update an organisation",
        app.call(
            &admin,
            UpdateOrganisation {
                id: org,
                name: "Ministry of Justice and Human Rights".into(),
                kind: "government".into(),
                country: "SL".into(),
            }
        )
    );
    let (member_client, member) = app.loner("member@example.org").await;
    let add = || AddMember {
        org_id: org,
        email: "member@example.org".into(),
        role: "member".into(),
    };
    audited!(&app, "invite a person to join", app.call(&admin, add()));
    let offers = app
        .call(&member_client, MembershipInvitations {})
        .await
        .expect("invitations");
    let accept = || AcceptMembership {
        invitation_id: offers[0].id,
    };
    audited!(
        &app,
        "join an organisation",
        app.call(&member_client, accept())
    );
    audited!(
        &app,
        "change a member's role",
        app.call(
            &admin,
            SetMemberRole {
                org_id: org,
                person_id: member,
                role: "admin".into(),
            }
        )
    );
    audited!(
        &app,
        "remove a member",
        app.call(
            &admin,
            RemoveMember {
                org_id: org,
                person_id: member,
            }
        )
    );
    audited!(
        &app,
        "invite someone",
        app.call(
            &admin,
            Invite {
                email: "new@example.org".into(),
                display_name: "New Person".into(),
                platform_role: None,
                organisation_id: Some(org.to_string()),
                organisation_role: None,
            }
        )
    );
    audited!(
        &app,
        "change a platform role",
        app.call(
            &admin,
            SetPlatformRole {
                person_id: member,
                role: "admin".into(),
            }
        )
    );
    audited!(
        &app,
        "deactivate a person",
        app.call(
            &admin,
            SetPersonActive {
                person_id: member,
                active: false,
            }
        )
    );
    let template_item = audited!(
        &app,
        "add a checklist template item",
        app.call(
            &admin,
            AddChecklistTemplateItem {
                text: "Early-warning indicators are reviewed every quarter".into(),
                psg: "2".into(),
                pillar: "1".into(),
                risk_factors: "1, 8".into(),
            }
        )
    );
    audited!(
        &app,
        "change a checklist template item",
        app.call(
            &admin,
            UpdateChecklistTemplateItem {
                id: template_item,
                text: "Early-warning indicators are reviewed every month".into(),
                psg: "2".into(),
                pillar: "1".into(),
                risk_factors: "1, 8".into(),
                retired: None,
            }
        )
    );

    // A plan and its members.
    let (lead, _) = app.member_of(org, "lead@example.org").await;
    let create = || CreatePlan {
        country: "SL".into(),
        title: "National prevention plan".into(),
        summary: String::new(),
        period_start: "2026".into(),
        period_end: "2030".into(),
        fragility_stage: "2".into(),
        lead_org_id: org.to_string(),
        use_template: Some("yes".into()),
    };
    let plan = audited!(&app, "create a plan", app.call(&lead, create()));
    let civil = app
        .org("Women's Peace Network", OrgKind::CivilSociety)
        .await;
    audited!(
        &app,
        "grant a role to an organisation",
        app.call(
            &lead,
            GrantToOrganisation {
                plan_id: plan,
                organisation_id: civil.to_string(),
                role: "commenter".into(),
            }
        )
    );
    let (reviewer, _) = app.member_of(civil, "reviewer@example.org").await;
    let (_, _) = app
        .logged_in("donor@example.org", PlatformRole::Member, None)
        .await;
    audited!(
        &app,
        "grant a role to a person",
        app.call(
            &lead,
            GrantToPerson {
                plan_id: plan,
                email: "donor@example.org".into(),
                role: "viewer".into(),
            }
        )
    );
    let grant = app
        .count(&format!(
            "SELECT id FROM plan_grants WHERE plan_id = {plan} AND grantee_kind = 'organisation' AND grantee_id = {civil}"
        ))
        .await;
    audited!(
        &app,
        "change a grant",
        app.call(
            &lead,
            ChangeGrant {
                plan_id: plan,
                grant_id: grant,
                role: "reviewer".into(),
            }
        )
    );
    audited!(
        &app,
        "invite someone onto the plan",
        app.call(
            &lead,
            InviteToPlan {
                plan_id: plan,
                email: "guest@example.org".into(),
                display_name: "Guest".into(),
                role: "commenter".into(),
            }
        )
    );

    // Sections: the table of contents and the text.
    let section = audited!(
        &app,
        "add a section",
        app.call(
            &lead,
            AddSection {
                plan_id: plan,
                title: "Early warning".into(),
            }
        )
    );
    audited!(
        &app,
        "rename a section",
        app.call(
            &lead,
            RenameSection {
                plan_id: plan,
                section_id: section,
                title: "Early warning and response".into(),
            }
        )
    );
    audited!(
        &app,
        "move a section",
        app.call(
            &lead,
            MoveSection {
                plan_id: plan,
                section_id: section,
                direction: "up".into(),
            }
        )
    );
    audited!(
        &app,
        "save a section",
        app.call(&lead, section_save(plan, section, 1, "Monthly monitoring."))
    );
    audited!(
        &app,
        "restore a revision",
        app.call(
            &lead,
            RestoreRevision {
                plan_id: plan,
                section_id: section,
                number: 1,
            }
        )
    );

    // The checklist.
    let item = app
        .count(&format!(
            "SELECT MIN(id) FROM checklist_items WHERE plan_id = {plan}"
        ))
        .await;
    let mut update = item_update(plan, item, 1);
    update.status = Some("in_progress".into());
    audited!(
        &app,
        "update a checklist item",
        app.call(&lead, update.clone())
    );
    audited!(
        &app,
        "reword a checklist item",
        app.call(
            &lead,
            EditChecklistItem {
                plan_id: plan,
                item_id: item,
                base_version: 2,
                text: "Reworded by the lead".into(),
                psg: "1".into(),
                pillar: "1".into(),
                risk_factors: "2".into(),
            }
        )
    );
    let added = audited!(
        &app,
        "add a checklist item",
        app.call(
            &lead,
            AddChecklistItem {
                plan_id: plan,
                text: "A plan-specific item".into(),
                psg: "3".into(),
                pillar: "2".into(),
                risk_factors: "4".into(),
            }
        )
    );
    audited!(
        &app,
        "retire a checklist item",
        app.call(
            &lead,
            SetChecklistItemRetired {
                plan_id: plan,
                item_id: added,
                retired: true,
            }
        )
    );
    audited!(
        &app,
        "add evidence",
        app.call(
            &lead,
            AddEvidence {
                plan_id: plan,
                item_id: item,
                note: "Minutes of the first meeting".into(),
                url: "https://example.org/minutes".into(),
            }
        )
    );
    audited!(
        &app,
        "link a section to a checklist item",
        app.call(
            &lead,
            LinkChecklistSection {
                plan_id: plan,
                item_id: item,
                section_id: section.to_string(),
                link: true,
            }
        )
    );

    // Review and approval, on a plan of two sections: one approved, one sent back and then
    // removed, so that the plan can be approved.
    let small = app.create_plan(&lead, org, "Short plan", false).await;
    app.call(
        &lead,
        GrantToOrganisation {
            plan_id: small,
            organisation_id: civil.to_string(),
            role: "reviewer".into(),
        },
    )
    .await
    .expect("reviewers");
    audited!(
        &app,
        "set the approval rule",
        app.call(
            &lead,
            SetApprovalRule {
                plan_id: small,
                government: "0".into(),
                civil_society: "1".into(),
                donor: "0".into(),
            }
        )
    );
    let add = |title: &str| AddSection {
        plan_id: small,
        title: title.into(),
    };
    let approved = app.call(&lead, add("Approved")).await.expect("section");
    let returned = app.call(&lead, add("Sent back")).await.expect("section");
    for s in [approved, returned] {
        app.call(&lead, section_save(small, s, 1, "Text to review."))
            .await
            .expect("saved");
        audited!(
            &app,
            "submit a section for review",
            app.call(
                &lead,
                SubmitForReview {
                    plan_id: small,
                    section_id: s,
                    version: 2,
                }
            )
        );
    }
    audited!(
        &app,
        "approve a section",
        app.call(
            &reviewer,
            ApproveSection {
                plan_id: small,
                section_id: approved,
                version: 2,
                kind: None,
            }
        )
    );
    audited!(
        &app,
        "request changes",
        app.call(
            &reviewer,
            RequestChanges {
                plan_id: small,
                section_id: returned,
                version: 2,
                reason: "Name who monitors.".into(),
            }
        )
    );
    audited!(
        &app,
        "remove a section",
        app.call(
            &lead,
            SetSectionRemoved {
                plan_id: small,
                section_id: returned,
                remove: true,
            }
        )
    );
    let version = audited!(
        &app,
        "approve the plan",
        app.call(&lead, ApprovePlan { plan_id: small })
    );
    assert_eq!(version, 1);
    assert_eq!(
        server::cli::verify_audit_chain(&app.db).await.ok(),
        Some(app.count("SELECT COUNT(*) FROM audit_entries").await as usize),
        "the trail is one unbroken chain after every refused append"
    );
}
