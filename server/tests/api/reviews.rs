//! Section review over HTTP: submitting, approval by each kind of organisation under the
//! plan's rule, self-approval refused, approvals reset by an edit, changes requested with a
//! reason, unmeetable rules refused, and the audit entries of each.

use crate::helpers::{error_body, field_message, plain_form_headers, spawn_app, TestApp};
use app::admin::domain::{OrgKind, OrgRole};
use app::auth::domain::PlatformRole;
use reqwest::Client;
use serde_json::Value;

struct Setup {
    lead: Client,
    reviewers: Vec<Client>,
    plan: i64,
    section: i64,
}

async fn setup(app: &TestApp) -> Setup {
    let ministry = app.org("Ministry of Justice", OrgKind::Government).await;
    let (lead, _) = app
        .logged_in(
            "lead@example.org",
            PlatformRole::Member,
            Some((ministry, OrgRole::Member)),
        )
        .await;
    let plan = app
        .create_plan(&lead, ministry, "Prevention plan", true)
        .await;
    let mut reviewers = Vec::new();
    for (email, org, kind) in [
        (
            "gov@example.org",
            "National Human Rights Commission",
            OrgKind::Government,
        ),
        (
            "civil@example.org",
            "Valdoria Women's Network",
            OrgKind::CivilSociety,
        ),
        (
            "donor@example.org",
            "Nordic Development Agency",
            OrgKind::Donor,
        ),
    ] {
        let org = app.org(org, kind).await;
        let (client, _) = app
            .logged_in(email, PlatformRole::Member, Some((org, OrgRole::Member)))
            .await;
        app.grant(&lead, plan, email, "reviewer").await;
        reviewers.push(client);
    }
    let section = app
        .count(&format!(
            "SELECT MIN(id) FROM sections WHERE plan_id = {plan}"
        ))
        .await;
    Setup {
        lead,
        reviewers,
        plan,
        section,
    }
}

async fn save(app: &TestApp, s: &Setup, base: i64, body: &str) {
    let res = app
        .call_by_name(
            &s.lead,
            "save_section",
            &[
                ("plan_id", &s.plan.to_string()),
                ("section_id", &s.section.to_string()),
                ("base_version", &base.to_string()),
                ("body", body),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
}

async fn review(app: &TestApp, client: &Client, s: &Setup) -> Value {
    let res = app
        .call_by_name(
            client,
            "section_review",
            &[
                ("plan_id", &s.plan.to_string()),
                ("section_id", &s.section.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn act(
    app: &TestApp,
    client: &Client,
    s: &Setup,
    name: &str,
    version: i64,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let (plan, section, version) = (
        s.plan.to_string(),
        s.section.to_string(),
        version.to_string(),
    );
    let mut form = vec![
        ("plan_id", plan.as_str()),
        ("section_id", section.as_str()),
        ("version", version.as_str()),
    ];
    form.extend_from_slice(extra);
    app.call_by_name(client, name, &form).await
}

async fn set_rule(app: &TestApp, s: &Setup, g: &str, c: &str, d: &str) -> reqwest::Response {
    app.call_by_name(
        &s.lead,
        "set_approval_rule",
        &[
            ("plan_id", &s.plan.to_string()),
            ("government", g),
            ("civil_society", c),
            ("donor", d),
        ],
    )
    .await
}

async fn plan_approval(app: &TestApp, s: &Setup) -> Value {
    let res = app
        .call_by_name(
            &s.lead,
            "plan_approval",
            &[("plan_id", &s.plan.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_section_is_approved_once_each_kind_of_organisation_has_approved_it() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    assert_eq!(set_rule(&app, &s, "1", "1", "1").await.status(), 200);
    save(&app, &s, 1, "Early-warning desks in every district.").await;
    assert_eq!(review(&app, &s.lead, &s).await["state"], "Draft");
    assert_eq!(
        act(&app, &s.lead, &s, "submit_for_review", 2, &[])
            .await
            .status(),
        200
    );
    assert_eq!(review(&app, &s.lead, &s).await["state"], "InReview");
    // Submitting twice is refused.
    assert_eq!(
        act(&app, &s.lead, &s, "submit_for_review", 2, &[])
            .await
            .status(),
        409
    );
    for (i, reviewer) in s.reviewers.iter().enumerate() {
        let res = act(&app, reviewer, &s, "approve_section", 2, &[]).await;
        assert_eq!(res.status(), 200);
        let state: Value = res.json().await.unwrap();
        let expected = if i == 2 { "Approved" } else { "InReview" };
        assert_eq!(state, expected, "after approval {i}");
    }
    let view = review(&app, &s.lead, &s).await;
    assert_eq!(view["approvals"].as_array().unwrap().len(), 3);
    assert_eq!(view["approved_version"], 2);
    let entries = app
        .count("SELECT COUNT(*) FROM audit_entries WHERE kind = 'review'")
        .await;
    assert_eq!(entries, 4);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_entries WHERE kind = 'rule_change'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_edit_after_approval_resets_the_section_to_draft_and_its_approvals() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    save(&app, &s, 1, "First text.").await;
    act(&app, &s.lead, &s, "submit_for_review", 2, &[]).await;
    let res = act(&app, &s.reviewers[0], &s, "approve_section", 2, &[]).await;
    assert_eq!(res.json::<Value>().await.unwrap(), "Approved");
    save(&app, &s, 2, "First text, amended.").await;
    let view = review(&app, &s.lead, &s).await;
    assert_eq!(view["state"], "Draft");
    assert_eq!(view["approved_version"], 2);
    assert_eq!(view["current_version"], 3);
    let (_, page) = app
        .page(
            &s.lead,
            &format!("/plans/{}/sections/{}", s.plan, s.section),
        )
        .await;
    assert!(page.contains("changed since it was approved"), "{page}");
    assert!(page.contains("history?from=2&amp;to=3") || page.contains("history?from=2&to=3"));
    // Resubmitted, the old approval does not count for the new version.
    act(&app, &s.lead, &s, "submit_for_review", 3, &[]).await;
    let view = review(&app, &s.lead, &s).await;
    assert_eq!(view["state"], "InReview");
    assert_eq!(view["approvals"].as_array().unwrap().len(), 0);
    // Approving the old version is refused.
    assert_eq!(
        act(&app, &s.reviewers[1], &s, "approve_section", 2, &[])
            .await
            .status(),
        409
    );
}

#[tokio::test]
async fn nobody_approves_text_they_wrote_since_the_last_approval() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    save(&app, &s, 1, "The lead's own words.").await;
    act(&app, &s.lead, &s, "submit_for_review", 2, &[]).await;
    let res = act(&app, &s.lead, &s, "approve_section", 2, &[]).await;
    let (status, body) = error_body(res).await;
    assert_eq!(status, 409);
    assert!(
        body.to_string().contains("You wrote part of this text"),
        "{body}"
    );
    assert_eq!(
        review(&app, &s.lead, &s).await["approvals"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn changes_are_requested_with_a_reason_that_is_stored_and_shown() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    save(&app, &s, 1, "Draft text.").await;
    act(&app, &s.lead, &s, "submit_for_review", 2, &[]).await;
    let res = act(
        &app,
        &s.reviewers[1],
        &s,
        "request_changes",
        2,
        &[("reason", "  ")],
    )
    .await;
    let (status, body) = error_body(res).await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "reason").is_some());
    let res = act(
        &app,
        &s.reviewers[1],
        &s,
        "request_changes",
        2,
        &[("reason", "Name the districts covered.")],
    )
    .await;
    assert_eq!(res.status(), 200);
    let view = review(&app, &s.lead, &s).await;
    assert_eq!(view["state"], "ChangesRequested");
    assert_eq!(view["reason"], "Name the districts covered.");
    let (_, page) = app
        .page(
            &s.lead,
            &format!("/plans/{}/sections/{}", s.plan, s.section),
        )
        .await;
    assert!(page.contains("Name the districts covered."));
    // The reason also opens a thread on the section, by the reviewer, to discuss it there.
    let thread_body: String = sqlx::query_scalar(&format!(
        "SELECT c.body FROM comment_threads t JOIN comments c ON c.thread_id = t.id
         JOIN people p ON p.id = c.author_id
         WHERE t.section_id = {} AND p.email = 'civil@example.org'",
        s.section
    ))
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert!(thread_body.contains("Changes requested"), "{thread_body}");
    assert!(thread_body.contains("Name the districts covered."));
    assert!(
        page.contains("Changes requested</strong> on version 2"),
        "thread shown on the page"
    );
    // A reviewer cannot submit; the section can be resubmitted by an editor.
    assert_eq!(
        act(&app, &s.reviewers[0], &s, "submit_for_review", 2, &[])
            .await
            .status(),
        403
    );
    assert_eq!(
        act(&app, &s.lead, &s, "submit_for_review", 2, &[])
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_rule_no_eligible_reviewers_can_meet_is_refused() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let res = set_rule(&app, &s, "1", "1", "2").await;
    let (status, body) = error_body(res).await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "donor").is_some(), "{body}");
    // Government counts the lead and the commission's reviewer: two are possible, three not.
    assert_eq!(set_rule(&app, &s, "2", "1", "1").await.status(), 200);
    assert_eq!(set_rule(&app, &s, "3", "0", "0").await.status(), 422);
    // Only leads set the rule.
    let res = app
        .call_by_name(
            &s.reviewers[0],
            "set_approval_rule",
            &[
                ("plan_id", &s.plan.to_string()),
                ("government", "0"),
                ("civil_society", "0"),
                ("donor", "0"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn approving_the_plan_freezes_a_numbered_version_that_later_edits_do_not_change() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let plan = s.plan.to_string();
    // Refused while a section is not approved.
    let res = app
        .call_by_name(&s.lead, "approve_plan", &[("plan_id", &plan)])
        .await;
    let (status, body) = error_body(res).await;
    assert_eq!(status, 409);
    assert!(body.to_string().contains("Not yet approved"), "{body}");
    let sections: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM sections WHERE plan_id = {plan} AND removed_at IS NULL"
    ))
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    for id in &sections {
        let sid = id.to_string();
        let res = app
            .call_by_name(
                &s.lead,
                "save_section",
                &[
                    ("plan_id", &plan),
                    ("section_id", &sid),
                    ("base_version", "1"),
                    ("body", &format!("Approved text of section {id}.")),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        let res = app
            .call_by_name(
                &s.lead,
                "submit_for_review",
                &[("plan_id", &plan), ("section_id", &sid), ("version", "2")],
            )
            .await;
        assert_eq!(res.status(), 200);
        let res = app
            .call_by_name(
                &s.reviewers[2],
                "approve_section",
                &[("plan_id", &plan), ("section_id", &sid), ("version", "2")],
            )
            .await;
        assert_eq!(res.json::<Value>().await.unwrap(), "Approved");
    }
    // Only leads approve the plan.
    let res = app
        .call_by_name(&s.reviewers[0], "approve_plan", &[("plan_id", &plan)])
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .call_by_name(&s.lead, "approve_plan", &[("plan_id", &plan)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), 1);
    // Work goes on; the version stays as approved.
    let first = sections[0].to_string();
    let res = app
        .call_by_name(
            &s.lead,
            "save_section",
            &[
                ("plan_id", &plan),
                ("section_id", &first),
                ("base_version", "2"),
                ("body", "Rewritten after approval."),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (status, page) = app
        .page(&s.lead, &format!("/plans/{plan}/versions/1"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("Approved text of section {}.", sections[0])));
    assert!(!page.contains("Rewritten after approval."));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM plan_version_checklist WHERE plan_id = {plan} AND number = 1"
        ))
        .await,
        app.count(&format!(
            "SELECT COUNT(*) FROM checklist_items WHERE plan_id = {plan} AND retired = 0"
        ))
        .await
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_entries WHERE kind = 'plan_approval'")
            .await,
        1
    );
    // A second approval is refused now that a section changed.
    let res = app
        .call_by_name(&s.lead, "approve_plan", &[("plan_id", &plan)])
        .await;
    assert_eq!(res.status(), 409);
    let (status, _) = app
        .page(&s.lead, &format!("/plans/{plan}/versions/2"))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_review_queue_lists_what_waits_for_the_viewers_approval() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    save(&app, &s, 1, "Text for the queue.").await;
    let (_, empty) = app.page(&s.reviewers[0], "/reviews").await;
    assert!(empty.contains("Nothing waits for your review."));
    act(&app, &s.lead, &s, "submit_for_review", 2, &[]).await;
    let queue: Value = app
        .call_by_name(&s.reviewers[0], "review_queue", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 1);
    assert_eq!(queue[0]["section_id"], s.section);
    let (status, page) = app.page(&s.reviewers[0], "/reviews").await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("/plans/{}/sections/{}", s.plan, s.section)));
    // The author's queue leaves out their own text; an approval takes it off the approver's.
    let queue: Value = app
        .call_by_name(&s.lead, "review_queue", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 0);
    set_rule(&app, &s, "1", "1", "0").await;
    act(&app, &s.reviewers[0], &s, "approve_section", 2, &[]).await;
    let queue: Value = app
        .call_by_name(&s.reviewers[0], "review_queue", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 0);
    let queue: Value = app
        .call_by_name(&s.reviewers[1], "review_queue", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 1);
    // Someone with no role on the plan sees nothing of it.
    let (outsider, _) = app
        .logged_in("out@example.org", PlatformRole::Member, None)
        .await;
    let queue: Value = app
        .call_by_name(&outsider, "review_queue", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_rule_that_becomes_unmeetable_is_flagged_on_the_plan() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    assert_eq!(set_rule(&app, &s, "0", "0", "1").await.status(), 200);
    let flag = |v: &Value| v["unmeetable"].clone();
    let view = plan_approval(&app, &s).await;
    assert_eq!(flag(&view), Value::Null);
    // The donor reviewer's grant goes: nobody of that kind can approve any more.
    let grant = app
        .count(&format!(
            "SELECT g.id FROM plan_grants g JOIN people p ON p.id = g.grantee_id
             WHERE g.plan_id = {} AND g.grantee_kind = 'person' AND p.email = 'donor@example.org'",
            s.plan
        ))
        .await;
    let res = app
        .call_by_name(
            &s.lead,
            "change_grant",
            &[
                ("plan_id", &s.plan.to_string()),
                ("grant_id", &grant.to_string()),
                ("role", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let view = plan_approval(&app, &s).await;
    assert_eq!(flag(&view), "Donor");
    let (_, page) = app.page(&s.lead, &format!("/plans/{}", s.plan)).await;
    assert!(page.contains("The approval rule can no longer be met"));
}

#[tokio::test]
async fn submitting_puts_a_review_request_in_each_reviewers_inbox_only() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let ministry: i64 = app
        .count("SELECT id FROM organisations WHERE name = 'Ministry of Justice'")
        .await;
    let (editor, _) = app
        .logged_in(
            "editor@example.org",
            PlatformRole::Member,
            Some((ministry, OrgRole::Member)),
        )
        .await;
    save(&app, &s, 1, "Draft text.").await;
    assert_eq!(
        act(&app, &editor, &s, "submit_for_review", 2, &[])
            .await
            .status(),
        200
    );
    let requests = |email: &str| {
        format!(
            "SELECT COUNT(*) FROM inbox_items i JOIN people p ON p.id = i.person_id
             WHERE i.kind = 'review_request' AND i.section_id = {} AND p.email = '{email}'",
            s.section
        )
    };
    for email in ["gov@example.org", "civil@example.org", "donor@example.org"] {
        assert_eq!(app.count(&requests(email)).await, 1, "{email}");
    }
    // The plan lead may review too; the editor who asked and plain editors are not asked.
    assert_eq!(app.count(&requests("lead@example.org")).await, 1);
    assert_eq!(app.count(&requests("editor@example.org")).await, 0);
    let (status, inbox) = app.page(&s.reviewers[2], "/inbox").await;
    assert_eq!(status, 200);
    assert!(inbox.contains("asked for your review"), "{inbox}");
    assert!(inbox.contains("review queue"));
}

#[tokio::test]
async fn a_reviewer_whose_organisation_is_granted_editing_neither_counts_toward_the_rule_nor_is_asked(
) {
    let app = spawn_app().await;
    let s = setup(&app).await;
    assert_eq!(set_rule(&app, &s, "0", "0", "1").await.status(), 200);
    // The donor's organisation becomes an editor of the plan: its reviewer's effective role
    // is now editor, and editors do not review.
    let donor_org: i64 = app
        .count("SELECT id FROM organisations WHERE name = 'Nordic Development Agency'")
        .await;
    let res = app
        .call_by_name(
            &s.lead,
            "grant_to_organisation",
            &[
                ("plan_id", &s.plan.to_string()),
                ("organisation_id", &donor_org.to_string()),
                ("role", "editor"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (status, body) = error_body(set_rule(&app, &s, "0", "0", "1").await).await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "donor").is_some(), "{body}");
    let view = plan_approval(&app, &s).await;
    assert_eq!(view["unmeetable"], "Donor");
    save(&app, &s, 1, "Draft text.").await;
    assert_eq!(
        act(&app, &s.lead, &s, "submit_for_review", 2, &[])
            .await
            .status(),
        200
    );
    let asked = |email: &str| {
        format!(
            "SELECT COUNT(*) FROM inbox_items i JOIN people p ON p.id = i.person_id
             WHERE i.kind = 'review_request' AND p.email = '{email}'"
        )
    };
    assert_eq!(app.count(&asked("donor@example.org")).await, 0);
    assert_eq!(app.count(&asked("civil@example.org")).await, 1);
    // And the server refuses their approval, as the rule check assumed.
    let res = act(&app, &s.reviewers[2], &s, "approve_section", 2, &[]).await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn a_refused_rule_posted_without_javascript_comes_back_with_what_was_typed() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let page = format!("/plans/{}", s.plan);
    let res = s
        .lead
        .post(format!("{}/api/set_approval_rule", app.base))
        .headers(plain_form_headers(&app.base, &page))
        .form(&[
            ("plan_id", s.plan.to_string().as_str()),
            ("government", "many"),
            ("civil_society", "1"),
            ("donor", "19"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let (status, html) = app
        .page(&s.lead, location.trim_start_matches(&app.base))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Enter a whole number from 0 to 20."),
        "message shown"
    );
    assert!(
        html.contains("value=\"many\""),
        "typed government value kept"
    );
    assert!(html.contains("value=\"19\""), "typed donor value kept");
    // Nothing was saved.
    let view = app
        .call_by_name(
            &s.lead,
            "plan_approval",
            &[("plan_id", &s.plan.to_string())],
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(view["rule"]["donor"], 0);
}
