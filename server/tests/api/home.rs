//! Home: what waits for each person. A reviewer sees the section submitted to them; a writer
//! sees the mention of them, the checklist item their organisation owns that is due, the
//! section sent back to them, and what the others saved; someone with no plan sees empty lists.

use app::comments::api::StartThread;
use app::pages::home::api::MyWork;
use app::reviews::api::{RequestChanges, SubmitForReview};

use crate::helpers::{item_update, section_save, spawn_app};

#[tokio::test]
async fn home_lists_what_waits_for_each_person_and_nothing_for_someone_without_a_plan() {
    let app = spawn_app().await;
    let p = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let (reviewer, _) = app.member_of(p.org, "reviewer@example.org").await;
    // The lead organisation edits; a reviewer of the same organisation is granted reviewer
    // in person, which the organisation's editor grant would outrank, so use another one.
    let other = app
        .org(
            "Peace Network",
            app::foundation::people::OrgKind::CivilSociety,
        )
        .await;
    let (critic, _) = app.member_of(other, "critic@example.org").await;
    app.grant(&p.lead, p.plan, "critic@example.org", "reviewer")
        .await;
    let (colleague, _) = app.member_of(p.org, "colleague@example.org").await;

    // The lead writes the first section and submits it; the critic sends it back.
    app.call(
        &p.lead,
        section_save(p.plan, p.section, 1, "Early warning."),
    )
    .await
    .expect("saved");
    let submit = SubmitForReview {
        plan_id: p.plan,
        section_id: p.section,
        version: 2,
    };
    app.call(&p.lead, submit).await.expect("submitted");
    let critic_home = app.call(&critic, MyWork {}).await.expect("home");
    assert_eq!(critic_home.to_review.len(), 1, "{critic_home:?}");
    assert!(critic_home.to_review[0]
        .link
        .ends_with(&format!("/plans/{}/sections/{}", p.plan, p.section)));
    let back = RequestChanges {
        plan_id: p.plan,
        section_id: p.section,
        version: 2,
        reason: "Name who monitors.".into(),
    };
    app.call(&critic, back).await.expect("sent back");

    // A colleague mentions the lead and saves another section.
    let mention = StartThread {
        plan_id: p.plan,
        section_id: p.section,
        body: "@lead@example.org please look at the indicators.".into(),
        quote: None,
        prefix: None,
        suffix: None,
    };
    app.call(&colleague, mention).await.expect("mentioned");
    let second = app
        .count(&format!(
            "SELECT id FROM sections WHERE plan_id = {} ORDER BY position LIMIT 1 OFFSET 1",
            p.plan
        ))
        .await;
    app.call(&colleague, section_save(p.plan, second, 1, "Justice text."))
        .await
        .expect("saved");
    // And a third, dated an hour earlier: newest first must then put it after the second
    // (saves in one second would otherwise tie, and ties go to the later section).
    let third = app
        .count(&format!(
            "SELECT id FROM sections WHERE plan_id = {} ORDER BY position LIMIT 1 OFFSET 2",
            p.plan
        ))
        .await;
    app.call(&colleague, section_save(p.plan, third, 1, "Economy text."))
        .await
        .expect("saved");
    sqlx::query("UPDATE revisions SET created_at = created_at - 3600 WHERE section_id = $1")
        .bind(third)
        .execute(app.db.write().await.conn())
        .await
        .unwrap();

    // A checklist item the lead's organisation owns, overdue.
    let item = app
        .count(&format!(
            "SELECT MIN(id) FROM checklist_items WHERE plan_id = {}",
            p.plan
        ))
        .await;
    let mut owned = item_update(p.plan, item, 1);
    owned.responsible_org_id = Some(p.org.to_string());
    owned.due_date = Some("2020-01-31".into());
    app.call(&p.lead, owned).await.expect("owned");

    let home = app.call(&p.lead, MyWork {}).await.expect("home");
    assert_eq!(home.plans.len(), 1);
    assert_eq!(home.plans[0].role, "Lead");
    // Where the plan stands, in words.
    assert_eq!(home.plans[0].status, "Draft");
    assert!(
        home.to_review.is_empty(),
        "the author is not asked to review"
    );
    assert_eq!(home.unread.len(), 1, "{home:?}");
    assert!(home.unread[0].title.contains("mentioned you"));
    assert_eq!(home.due.len(), 1, "{home:?}");
    assert!(home.due[0].overdue);
    assert_eq!(home.sent_back.len(), 1, "{home:?}");
    assert_eq!(
        home.sent_back[0].note.as_deref(),
        Some("Name who monitors.")
    );
    assert!(home
        .recent
        .iter()
        .any(|r| r.title.starts_with("colleague@example.org saved")));
    assert!(home.recent.iter().all(|r| !r.title.starts_with("lead@")));
    // Newest first: the second section's save, then the third's (an hour older).
    let links: Vec<&str> = home.recent.iter().map(|r| r.link.as_str()).collect();
    assert_eq!(
        links,
        vec![
            format!("/plans/{}/sections/{second}/history", p.plan),
            format!("/plans/{}/sections/{third}/history", p.plan),
        ],
        "{home:?}"
    );
    for list in [&home.to_review, &home.unread, &home.sent_back, &home.recent] {
        assert!(list.windows(2).all(|w| w[0].at >= w[1].at), "{list:?}");
    }
    let (_, html) = app.page(&p.lead, "/").await;
    assert!(
        html.contains(r#"<span class="muted">Draft</span>"#),
        "the plan's state shows on the page"
    );

    // The reviewer of the same organisation shares the item through it; someone with no
    // plan has nothing, and a page that says what to do.
    let reviewer_home = app.call(&reviewer, MyWork {}).await.expect("home");
    assert_eq!(reviewer_home.due.len(), 1);
    let (stranger, _) = app.loner("stranger@example.org").await;
    let empty = app.call(&stranger, MyWork {}).await.expect("home");
    assert!(empty.plans.is_empty() && empty.to_review.is_empty() && empty.recent.is_empty());
    let (status, html) = app.page(&stranger, "/").await;
    assert_eq!(status, 200);
    assert!(html.contains("You have no role on a plan yet"));
}
