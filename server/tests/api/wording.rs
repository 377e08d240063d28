//! Words people understand, on the pages as served: error pages with a title, a reason and a way
//! on; the navigation marking the current page; organisation kinds in words; framework tags
//! that say what they mean; the plan's audit trail one link away for its leads.

use app::access::api::GrantToOrganisation;
use app::foundation::people::OrgKind;

use crate::helpers::spawn_app;

#[tokio::test]
async fn error_pages_have_a_title_say_why_and_offer_a_way_on() {
    let app = spawn_app().await;
    let p = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let (stranger, _) = app.loner("stranger@example.org").await;
    for (path, status, title) in [
        ("/no/such/page".to_owned(), 404, "Not found"),
        (format!("/plans/{}", p.plan + 1000), 404, "Not found"),
        ("/admin/people".to_owned(), 403, "Not allowed"),
    ] {
        let (got, html) = app.page(&stranger, &path).await;
        assert_eq!(got, status, "{path}");
        assert!(
            html.contains(&format!("<title>{title} · Upstream</title>")),
            "{path}: {html}"
        );
        assert!(html.contains("href=\"/plans\""), "{path}: a way on");
    }
}

#[tokio::test]
async fn the_navigation_marks_the_current_page() {
    let app = spawn_app().await;
    let (client, _) = app.loner("someone@example.org").await;
    let (_, html) = app.page(&client, "/plans").await;
    let nav = html.split("main-nav").nth(1).expect("the navigation");
    let current: Vec<&str> = nav
        .split("<a ")
        .filter(|a| a.contains("aria-current=\"page\""))
        .collect();
    assert_eq!(current.len(), 1, "{nav}");
    assert!(current[0].contains("href=\"/plans\""));
}

#[tokio::test]
async fn kinds_and_tags_are_shown_in_words_and_leads_find_the_audit_trail() {
    let app = spawn_app().await;
    let p = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let civil = app
        .org("Women's Peace Network", OrgKind::CivilSociety)
        .await;
    let grant = GrantToOrganisation {
        plan_id: p.plan,
        organisation_id: civil.to_string(),
        role: "commenter".into(),
    };
    app.call(&p.lead, grant).await.expect("granted");
    let (_, members) = app
        .page(&p.lead, &format!("/plans/{}/members", p.plan))
        .await;
    assert!(members.contains("Civil society"), "{members}");
    assert!(!members.contains("civil_society<"), "no stored form shown");

    let (_, checklist) = app
        .page(&p.lead, &format!("/plans/{}/checklist", p.plan))
        .await;
    assert!(checklist.contains("What the tags mean"));
    assert!(checklist.contains("UN Framework risk factor: Armed conflict or instability"));
    // Each tag carries its name, and tags are apart in the text.
    assert!(checklist.contains("<span class=\"visually-hidden\"> (Security)</span></span> "));

    let (_, overview) = app.page(&p.lead, &format!("/plans/{}", p.plan)).await;
    assert!(overview.contains(&format!("href=\"/plans/{}/audit\"", p.plan)));
    // The overview lists sections with their tags, and says what the tags mean.
    assert!(overview.contains("What the tags mean"));
    assert!(overview.contains("R2P pillar: "));
    let (editor, _) = app.member_of(p.org, "editor@example.org").await;
    let (_, theirs) = app.page(&editor, &format!("/plans/{}", p.plan)).await;
    assert!(!theirs.contains(&format!("href=\"/plans/{}/audit\"", p.plan)));
}
