//! Section review over HTTP: submitting, approval by each kind of organisation under the
//! plan's rule, self-approval refused, approvals reset by an edit, changes requested with a
//! reason, unmeetable rules refused, and the audit entries of each.

use app::access::api::{ChangeGrant, GrantToOrganisation};
use app::foundation::people::OrgKind;
use app::reviews::api::{
    ApprovePlan, ApproveSection, PlanApproval, PlanApprovalView, RequestChanges, ReviewQueue,
    ReviewView, SectionReview, SetApprovalRule, SubmitForReview,
};
use app::reviews::domain::ReviewState;
use reqwest::Client;

use crate::helpers::{section_save, spawn_app, Failure, LedPlan, TestApp};

/// A plan from the template led by a member of the Ministry of Justice, with a reviewer from
/// a government, a civil-society and a donor organisation, in that order.
struct Setup {
    ministry: i64,
    lead: Client,
    reviewers: Vec<Client>,
    plan: i64,
    /// The plan's first section.
    section: i64,
}

async fn setup(app: &TestApp) -> Setup {
    let LedPlan {
        org: ministry,
        lead,
        plan,
        section,
        ..
    } = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
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
        let (client, _) = app.member_of(org, email).await;
        app.grant(&lead, plan, email, "reviewer").await;
        reviewers.push(client);
    }
    Setup {
        ministry,
        lead,
        reviewers,
        plan,
        section,
    }
}

/// Saves `body` as the lead, based on version `base`.
async fn save(app: &TestApp, s: &Setup, base: i64, body: &str) {
    let save = section_save(s.plan, s.section, base, body);
    app.call(&s.lead, save).await.expect("saved");
}

async fn review(app: &TestApp, client: &Client, s: &Setup) -> ReviewView {
    let review = SectionReview {
        plan_id: s.plan,
        section_id: s.section,
    };
    app.call(client, review).await.expect("section review")
}

fn submit(s: &Setup, version: i64) -> SubmitForReview {
    SubmitForReview {
        plan_id: s.plan,
        section_id: s.section,
        version,
    }
}

fn approve(s: &Setup, version: i64) -> ApproveSection {
    ApproveSection {
        plan_id: s.plan,
        section_id: s.section,
        version,
        kind: None,
    }
}

fn request_changes(s: &Setup, version: i64, reason: &str) -> RequestChanges {
    RequestChanges {
        plan_id: s.plan,
        section_id: s.section,
        version,
        reason: reason.into(),
    }
}

fn rule(s: &Setup, government: &str, civil_society: &str, donor: &str) -> SetApprovalRule {
    SetApprovalRule {
        plan_id: s.plan,
        government: government.into(),
        civil_society: civil_society.into(),
        donor: donor.into(),
    }
}

/// Sets the approval rule as the lead.
async fn set_rule(app: &TestApp, s: &Setup, g: &str, c: &str, d: &str) -> Result<(), Failure> {
    app.call(&s.lead, rule(s, g, c, d)).await
}

async fn plan_approval(app: &TestApp, s: &Setup) -> PlanApprovalView {
    let approval = PlanApproval { plan_id: s.plan };
    app.call(&s.lead, approval).await.expect("plan approval")
}

#[tokio::test]
async fn a_section_is_approved_once_each_kind_of_organisation_has_approved_it() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    set_rule(&app, &s, "1", "1", "1").await.expect("rule set");
    save(&app, &s, 1, "Early-warning desks in every district.").await;
    assert_eq!(review(&app, &s.lead, &s).await.state, ReviewState::Draft);
    app.call(&s.lead, submit(&s, 2)).await.expect("submitted");
    assert_eq!(review(&app, &s.lead, &s).await.state, ReviewState::InReview);
    // Submitting twice is refused.
    let again = app.call(&s.lead, submit(&s, 2)).await;
    assert_eq!(again.unwrap_err().status, 409);
    for (i, reviewer) in s.reviewers.iter().enumerate() {
        assert_eq!(
            review(&app, reviewer, &s).await.mine,
            None,
            "before approval {i}"
        );
        let state = app.call(reviewer, approve(&s, 2)).await.expect("approved");
        let expected = if i == 2 {
            ReviewState::Approved
        } else {
            ReviewState::InReview
        };
        assert_eq!(state, expected, "after approval {i}");
        if i == 0 {
            let standing = plan_approval(&app, &s).await;
            let this = standing
                .sections
                .iter()
                .find(|x| x.id == s.section)
                .expect("listed");
            assert_eq!(this.needs, "1 civil society and 1 donor approvals");
        }
        // A reviewer who approved sees their approval, not an offer to approve again.
        let mine = review(&app, reviewer, &s).await.mine;
        assert!(mine.is_some(), "reviewer {i} sees their own approval");
    }
    assert_eq!(
        review(&app, &s.reviewers[0], &s).await.mine.as_deref(),
        Some("Government, National Human Rights Commission"),
    );
    let view = review(&app, &s.lead, &s).await;
    assert_eq!(view.approvals.len(), 3);
    assert_eq!(view.approved_version, Some(2));
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
    app.call(&s.lead, submit(&s, 2)).await.expect("submitted");
    let state = app.call(&s.reviewers[0], approve(&s, 2)).await;
    assert_eq!(state, Ok(ReviewState::Approved));
    save(&app, &s, 2, "First text, amended.").await;
    let view = review(&app, &s.lead, &s).await;
    assert_eq!(view.state, ReviewState::Draft);
    assert_eq!(view.approved_version, Some(2));
    assert_eq!(view.current_version, 3);
    let (_, page) = app
        .page(
            &s.lead,
            &format!("/plans/{}/sections/{}", s.plan, s.section),
        )
        .await;
    assert!(page.contains("changed since it was approved"), "{page}");
    assert!(page.contains("history?from=2&amp;to=3") || page.contains("history?from=2&to=3"));
    // Resubmitted, the old approval does not count for the new version.
    app.call(&s.lead, submit(&s, 3)).await.expect("resubmitted");
    let view = review(&app, &s.lead, &s).await;
    assert_eq!(view.state, ReviewState::InReview);
    assert_eq!(view.approvals.len(), 0);
    // Approving the old version is refused.
    let stale = app.call(&s.reviewers[1], approve(&s, 2)).await;
    assert_eq!(stale.unwrap_err().status, 409);
}

#[tokio::test]
async fn nobody_approves_text_they_wrote_since_the_last_approval() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    save(&app, &s, 1, "The lead's own words.").await;
    app.call(&s.lead, submit(&s, 2)).await.expect("submitted");
    let refused = app.call(&s.lead, approve(&s, 2)).await.unwrap_err();
    assert_eq!(refused.status, 409);
    assert!(
        refused
            .conflict()
            .is_some_and(|m| m.contains("You wrote part of this text")),
        "{refused:?}"
    );
    assert_eq!(review(&app, &s.lead, &s).await.approvals.len(), 0);
    // The page knew before the click: the author is told, not offered the button.
    assert!(review(&app, &s.lead, &s).await.wrote);
    assert!(!review(&app, &s.reviewers[0], &s).await.wrote);
}

#[tokio::test]
async fn changes_are_requested_with_a_reason_that_is_stored_and_shown() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    save(&app, &s, 1, "Draft text.").await;
    app.call(&s.lead, submit(&s, 2)).await.expect("submitted");
    let refused = app
        .call(&s.reviewers[1], request_changes(&s, 2, "  "))
        .await
        .unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused.field_message("reason").is_some());
    let request = request_changes(&s, 2, "Name the districts covered.");
    app.call(&s.reviewers[1], request)
        .await
        .expect("changes requested");
    let view = review(&app, &s.lead, &s).await;
    assert_eq!(view.state, ReviewState::ChangesRequested);
    assert_eq!(view.reason, "Name the districts covered.");
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
    let refused = app.call(&s.reviewers[0], submit(&s, 2)).await;
    assert_eq!(refused.unwrap_err().status, 403);
    app.call(&s.lead, submit(&s, 2)).await.expect("resubmitted");
}

#[tokio::test]
async fn a_rule_no_eligible_reviewers_can_meet_is_refused() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let refused = set_rule(&app, &s, "1", "1", "2").await.unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused.field_message("donor").is_some(), "{refused:?}");
    // Government counts the lead and the commission's reviewer: two are possible, three not.
    set_rule(&app, &s, "2", "1", "1").await.expect("rule set");
    let refused = set_rule(&app, &s, "3", "0", "0").await;
    assert_eq!(refused.unwrap_err().status, 422);
    // Only leads set the rule.
    let refused = app.call(&s.reviewers[0], rule(&s, "0", "0", "0")).await;
    assert_eq!(refused.unwrap_err().status, 403);
}

#[tokio::test]
async fn approving_the_plan_freezes_a_numbered_version_that_later_edits_do_not_change() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let plan = s.plan;
    let approve_plan = || ApprovePlan { plan_id: plan };
    // Refused while a section is not approved.
    let refused = app.call(&s.lead, approve_plan()).await.unwrap_err();
    assert_eq!(refused.status, 409);
    assert!(
        refused
            .conflict()
            .is_some_and(|m| m.contains("Not yet approved")),
        "{refused:?}"
    );
    let sections: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM sections WHERE plan_id = {plan} AND removed_at IS NULL"
    ))
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    // The panel lists every section as a draft, and does not call the plan ready.
    let standing = plan_approval(&app, &s).await;
    assert_eq!(standing.sections.len(), sections.len());
    assert!(standing
        .sections
        .iter()
        .all(|x| x.state == ReviewState::Draft && x.needs.is_empty()));
    assert!(!standing.ready());
    for &id in &sections {
        let text = format!("Approved text of section {id}.");
        app.call(&s.lead, section_save(plan, id, 1, &text))
            .await
            .expect("saved");
        let on_section = SubmitForReview {
            plan_id: plan,
            section_id: id,
            version: 2,
        };
        app.call(&s.lead, on_section).await.expect("submitted");
        let on_section = ApproveSection {
            plan_id: plan,
            section_id: id,
            version: 2,
            kind: None,
        };
        let in_review = plan_approval(&app, &s).await;
        let this = in_review
            .sections
            .iter()
            .find(|x| x.id == id)
            .expect("listed");
        assert_eq!(this.state, ReviewState::InReview);
        assert_eq!(this.needs, "one approval of any kind");
        let state = app.call(&s.reviewers[2], on_section).await;
        assert_eq!(state, Ok(ReviewState::Approved));
    }
    let standing = plan_approval(&app, &s).await;
    assert!(standing
        .sections
        .iter()
        .all(|x| x.state == ReviewState::Approved));
    assert!(standing.ready());
    // Only leads approve the plan.
    let refused = app.call(&s.reviewers[0], approve_plan()).await;
    assert_eq!(refused.unwrap_err().status, 403);
    assert_eq!(app.call(&s.lead, approve_plan()).await, Ok(1));
    // Work goes on; the version stays as approved.
    let rewrite = section_save(plan, sections[0], 2, "Rewritten after approval.");
    app.call(&s.lead, rewrite).await.expect("saved");
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
    let refused = app.call(&s.lead, approve_plan()).await;
    assert_eq!(refused.unwrap_err().status, 409);
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
    app.call(&s.lead, submit(&s, 2)).await.expect("submitted");
    let queue = app.call(&s.reviewers[0], ReviewQueue {}).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].section_id, s.section);
    let (status, page) = app.page(&s.reviewers[0], "/reviews").await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("/plans/{}/sections/{}", s.plan, s.section)));
    // The author's queue leaves out their own text; an approval takes it off the approver's.
    let queue = app.call(&s.lead, ReviewQueue {}).await.unwrap();
    assert_eq!(queue.len(), 0);
    set_rule(&app, &s, "1", "1", "0").await.expect("rule set");
    app.call(&s.reviewers[0], approve(&s, 2))
        .await
        .expect("approved");
    let queue = app.call(&s.reviewers[0], ReviewQueue {}).await.unwrap();
    assert_eq!(queue.len(), 0);
    let queue = app.call(&s.reviewers[1], ReviewQueue {}).await.unwrap();
    assert_eq!(queue.len(), 1);
    // Someone with no role on the plan sees nothing of it.
    let (outsider, _) = app.loner("out@example.org").await;
    let queue = app.call(&outsider, ReviewQueue {}).await.unwrap();
    assert_eq!(queue.len(), 0);
}

#[tokio::test]
async fn a_rule_that_becomes_unmeetable_is_flagged_on_the_plan() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    set_rule(&app, &s, "0", "0", "1").await.expect("rule set");
    let view = plan_approval(&app, &s).await;
    assert_eq!(view.unmeetable, None);
    // The donor reviewer's grant goes: nobody of that kind can approve any more.
    let grant = app
        .count(&format!(
            "SELECT g.id FROM plan_grants g JOIN people p ON p.id = g.grantee_id
             WHERE g.plan_id = {} AND g.grantee_kind = 'person' AND p.email = 'donor@example.org'",
            s.plan
        ))
        .await;
    let revoke = ChangeGrant {
        plan_id: s.plan,
        grant_id: grant,
        role: String::new(),
    };
    app.call(&s.lead, revoke).await.expect("revoked");
    let view = plan_approval(&app, &s).await;
    assert_eq!(view.unmeetable.as_deref(), Some("Donor"));
    let (_, page) = app.page(&s.lead, &format!("/plans/{}", s.plan)).await;
    assert!(page.contains("The approval rule can no longer be met"));
}

#[tokio::test]
async fn submitting_puts_a_review_request_in_each_reviewers_inbox_only() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (editor, _) = app.member_of(s.ministry, "editor@example.org").await;
    save(&app, &s, 1, "Draft text.").await;
    app.call(&editor, submit(&s, 2)).await.expect("submitted");
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
async fn a_reviewer_whose_organisation_is_granted_editing_still_counts_toward_the_rule_and_is_asked(
) {
    let app = spawn_app().await;
    let s = setup(&app).await;
    set_rule(&app, &s, "0", "0", "1").await.expect("rule set");
    // The donor's organisation becomes an editor of the plan: its reviewer now edits too, and
    // keeps the review her own grant gives her.
    let donor_org: i64 = app
        .count("SELECT id FROM organisations WHERE name = 'Nordic Development Agency'")
        .await;
    let grant = GrantToOrganisation {
        plan_id: s.plan,
        organisation_id: donor_org.to_string(),
        role: "editor".into(),
    };
    app.call(&s.lead, grant).await.expect("granted");
    set_rule(&app, &s, "0", "0", "1")
        .await
        .expect("the donor reviewer still counts");
    let view = plan_approval(&app, &s).await;
    assert_eq!(view.unmeetable, None);
    save(&app, &s, 1, "Draft text.").await;
    app.call(&s.lead, submit(&s, 2)).await.expect("submitted");
    let asked = |email: &str| {
        format!(
            "SELECT COUNT(*) FROM inbox_items i JOIN people p ON p.id = i.person_id
             WHERE i.kind = 'review_request' AND p.email = '{email}'"
        )
    };
    assert_eq!(app.count(&asked("donor@example.org")).await, 1);
    assert_eq!(app.count(&asked("civil@example.org")).await, 1);
    // And the server takes her approval, as the rule check assumed.
    let state = app.call(&s.reviewers[2], approve(&s, 2)).await;
    assert_eq!(state, Ok(ReviewState::Approved));
}

#[tokio::test]
async fn a_refused_rule_posted_without_javascript_comes_back_with_what_was_typed() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let page = format!("/plans/{}", s.plan);
    let res = app
        .post_form(&s.lead, &page, rule(&s, "many", "1", "19"))
        .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        !location.contains("__err"),
        "nothing typed in the address: {location}"
    );
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
    assert_eq!(plan_approval(&app, &s).await.rule.donor, 0);
}

/// Adds `person` to organisation `org` directly in the database, standing for a membership
/// they accepted.
async fn joins(app: &TestApp, person: i64, org: i64) {
    app.db
        .transaction(async |tx| {
            app::admin::db::add_membership(
                tx,
                person,
                org,
                app::foundation::people::OrgRole::Member,
                app::db::now(),
            )
            .await
        })
        .await
        .expect("membership");
}

/// Grants `role` on `plan` to everyone in `org`, as `lead`.
async fn grant_org(app: &TestApp, lead: &Client, plan: i64, org: i64, role: &str) {
    let grant = GrantToOrganisation {
        plan_id: plan,
        organisation_id: org.to_string(),
        role: role.into(),
    };
    app.call(lead, grant).await.expect("granted");
}

#[tokio::test]
async fn a_reviewer_who_joins_an_editing_organisation_keeps_her_review_and_it_counts_for_her_reviewing_organisation(
) {
    let app = spawn_app().await;
    let f = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let civil = app
        .org("Valdoria Women's Network", OrgKind::CivilSociety)
        .await;
    let donor = app.org("Alpha Donor Fund", OrgKind::Donor).await;
    grant_org(&app, &f.lead, f.plan, civil, "reviewer").await;
    grant_org(&app, &f.lead, f.plan, donor, "editor").await;
    let (reviewer, id) = app.member_of(civil, "civil@example.org").await;
    joins(&app, id, donor).await;
    let save = section_save(f.plan, f.section, 1, "Text to approve.");
    app.call(&f.lead, save).await.expect("saved");
    let submit = SubmitForReview {
        plan_id: f.plan,
        section_id: f.section,
        version: 2,
    };
    app.call(&f.lead, submit).await.expect("submitted");
    let approve = ApproveSection {
        plan_id: f.plan,
        section_id: f.section,
        version: 2,
        kind: None,
    };
    let state = app.call(&reviewer, approve).await;
    assert_eq!(state, Ok(ReviewState::Approved), "her review right stays");
    let kind: String = sqlx::query_scalar("SELECT org_kind FROM section_approvals")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(
        kind, "civil_society",
        "the organisation she reviews through"
    );
    // And she edits too, through the donor organisation's grant.
    let save = section_save(f.plan, f.section, 2, "Text amended by the reviewer.");
    app.call(&reviewer, save).await.expect("she may edit");
}

#[tokio::test]
async fn an_approval_counts_for_the_organisation_the_review_right_comes_through_not_the_first_by_name(
) {
    let app = spawn_app().await;
    let f = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let commission = app.org("Zeta Rights Commission", OrgKind::Government).await;
    let donor = app.org("Alpha Donor Fund", OrgKind::Donor).await;
    grant_org(&app, &f.lead, f.plan, commission, "reviewer").await;
    let (reviewer, id) = app.member_of(commission, "gov@example.org").await;
    joins(&app, id, donor).await;
    let save = section_save(f.plan, f.section, 1, "Text to approve.");
    app.call(&f.lead, save).await.expect("saved");
    let submit = SubmitForReview {
        plan_id: f.plan,
        section_id: f.section,
        version: 2,
    };
    app.call(&f.lead, submit).await.expect("submitted");
    let approve = ApproveSection {
        plan_id: f.plan,
        section_id: f.section,
        version: 2,
        kind: None,
    };
    app.call(&reviewer, approve).await.expect("approved");
    let kind: String = sqlx::query_scalar("SELECT org_kind FROM section_approvals")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(kind, "government");
}

#[tokio::test]
async fn the_rule_counts_a_reviewer_for_every_kind_she_may_approve_for_but_only_once() {
    let app = spawn_app().await;
    let f = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let civic = app.org("Civic Forum", OrgKind::CivilSociety).await;
    let donor = app.org("Nordic Fund", OrgKind::Donor).await;
    let (_, id) = app.member_of(civic, "both@example.org").await;
    joins(&app, id, donor).await;
    app.grant(&f.lead, f.plan, "both@example.org", "reviewer")
        .await;
    let rule = |g: &str, c: &str, d: &str| SetApprovalRule {
        plan_id: f.plan,
        government: g.into(),
        civil_society: c.into(),
        donor: d.into(),
    };
    // Her personal grant lets her approve for either of her organisations.
    app.call(&f.lead, rule("0", "0", "1"))
        .await
        .expect("a donor approval is possible");
    app.call(&f.lead, rule("0", "1", "0"))
        .await
        .expect("a civil-society approval is possible");
    // But she approves once: one of each needs two people.
    let refused = app.call(&f.lead, rule("0", "1", "1")).await.unwrap_err();
    assert_eq!(refused.status, 422, "{refused:?}");
}

#[tokio::test]
async fn a_reviewer_who_may_approve_for_two_kinds_chooses_which_even_without_javascript() {
    let app = spawn_app().await;
    let f = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let civic = app.org("Civic Forum", OrgKind::CivilSociety).await;
    let donor = app.org("Nordic Fund", OrgKind::Donor).await;
    let (reviewer, id) = app.member_of(civic, "both@example.org").await;
    joins(&app, id, donor).await;
    app.grant(&f.lead, f.plan, "both@example.org", "reviewer")
        .await;
    let save = section_save(f.plan, f.section, 1, "Text to approve.");
    app.call(&f.lead, save).await.expect("saved");
    let submit = SubmitForReview {
        plan_id: f.plan,
        section_id: f.section,
        version: 2,
    };
    app.call(&f.lead, submit).await.expect("submitted");
    let review = SectionReview {
        plan_id: f.plan,
        section_id: f.section,
    };
    let offered: Vec<String> = app
        .call(&reviewer, review)
        .await
        .expect("review")
        .approve_for
        .into_iter()
        .map(|(kind, _)| kind)
        .collect();
    assert_eq!(offered, vec!["civil_society", "donor"]);
    let approve = |kind: Option<&str>| ApproveSection {
        plan_id: f.plan,
        section_id: f.section,
        version: 2,
        kind: kind.map(str::to_owned),
    };
    let refused = app.call(&reviewer, approve(None)).await.unwrap_err();
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.field_message("kind"),
        Some("Choose which kind of organisation your approval counts for.")
    );
    let refused = app
        .call(&reviewer, approve(Some("government")))
        .await
        .unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused.field_message("kind").is_some(), "{refused:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM section_approvals").await, 0);
    // The page offers both kinds, and the form works as a plain post.
    let page = format!("/plans/{}/sections/{}", f.plan, f.section);
    let (_, html) = app.page(&reviewer, &page).await;
    assert!(html.contains("Your approval counts for"), "{html}");
    assert!(
        html.contains("value=\"civil_society\"") && html.contains("value=\"donor\""),
        "{html}"
    );
    let res = app
        .post_form(&reviewer, &page, approve(Some("donor")))
        .await;
    assert_eq!(res.status(), 302);
    let (kind, org): (String, i64) =
        sqlx::query_as("SELECT org_kind, organisation_id FROM section_approvals")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    assert_eq!((kind.as_str(), org), ("donor", donor));
    let view = app
        .call(
            &f.lead,
            SectionReview {
                plan_id: f.plan,
                section_id: f.section,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        view.approvals,
        vec![(
            "both@example.org".to_owned(),
            "Donor, Nordic Fund".to_owned()
        )]
    );
}

#[tokio::test]
async fn a_reviewer_in_no_organisation_is_neither_asked_nor_queued_but_may_request_changes() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (expert, _) = app.loner("expert@example.org").await;
    app.grant(&s.lead, s.plan, "expert@example.org", "reviewer")
        .await;
    save(&app, &s, 1, "Draft text.").await;
    app.call(&s.lead, submit(&s, 2)).await.expect("submitted");
    let asked = "SELECT COUNT(*) FROM inbox_items i JOIN people p ON p.id = i.person_id
                 WHERE i.kind = 'review_request' AND p.email = 'expert@example.org'";
    assert_eq!(
        app.count(asked).await,
        0,
        "their approval could count for nothing"
    );
    let queue = app.call(&expert, ReviewQueue {}).await.unwrap();
    assert!(queue.is_empty(), "{queue:?}");
    let view = review(&app, &expert, &s).await;
    assert!(view.can_review && view.approve_for.is_empty());
    let refused = app.call(&expert, approve(&s, 2)).await.unwrap_err();
    assert!(
        refused
            .conflict()
            .is_some_and(|m| m.contains("Only members of an organisation")),
        "{refused:?}"
    );
    app.call(&expert, request_changes(&s, 2, "Cite the census."))
        .await
        .expect("changes requested");
}
