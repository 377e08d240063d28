//! Pages kept between views (memoised reads and rendered pages) never show anything older
//! than the last write, never cross from one viewer to another, and never repeat a nonce.

use app::access::api::ChangeGrant;
use app::access::domain::PlanRole;
use app::foundation::people::OrgKind;

use crate::helpers::{section_save, spawn_sqlite_app, LedPlan};

fn nonce(page: &str) -> Option<String> {
    let start = page.find("nonce=\"")? + "nonce=\"".len();
    let len = page[start..].find('"')?;
    Some(page[start..start + len].to_owned())
}

#[tokio::test]
async fn a_page_seen_before_shows_a_save_made_since_by_someone_else() {
    let app = spawn_sqlite_app().await;
    let LedPlan {
        org,
        lead,
        plan,
        section,
        ..
    } = app.led_plan("Ministry", "lead@example.org", "Plan").await;
    let (other, _) = app.member_of(org, "other@example.org").await;
    let path = format!("/plans/{plan}/sections/{section}");

    let (status, first) = app.page(&lead, &path).await;
    assert_eq!(status, 200);
    let (_, again) = app.page(&lead, &path).await;
    assert!(!first.contains("A sentence written by someone else"));
    assert!(!again.contains("A sentence written by someone else"));

    let save = section_save(plan, section, 1, "A sentence written by someone else.");
    app.call(&other, save).await.expect("saved");

    let (_, after) = app.page(&lead, &path).await;
    assert!(after.contains("A sentence written by someone else"));
}

#[tokio::test]
async fn a_page_kept_for_one_viewer_is_never_shown_to_another() {
    let app = spawn_sqlite_app().await;
    let LedPlan { lead, plan, .. } = app
        .led_plan("Ministry", "lead@example.org", "Plan only members may read")
        .await;
    let path = format!("/plans/{plan}");
    let (status, page) = app.page(&lead, &path).await;
    assert_eq!(status, 200);
    assert!(page.contains("Plan only members may read"));
    let (again_status, _) = app.page(&lead, &path).await;
    assert_eq!(again_status, 200);

    let outsider_org = app.org("Elsewhere", OrgKind::Donor).await;
    let (outsider, _) = app.member_of(outsider_org, "outsider@example.org").await;
    let (status, page) = app.page(&outsider, &path).await;
    assert_eq!(status, 403);
    assert!(
        !page.contains("Plan only members may read"),
        "{}",
        page.find("Plan only members may read")
            .map(|i| &page[i.saturating_sub(300)..(i + 100).min(page.len())])
            .unwrap_or_default()
    );

    let anonymous = app.client();
    let (status, page) = app.page(&anonymous, &path).await;
    assert_ne!(status, 200);
    assert!(!page.contains("Plan only members may read"));
}

#[tokio::test]
async fn a_role_taken_away_takes_effect_on_the_next_view() {
    let app = spawn_sqlite_app().await;
    let org = app.org("Ministry", OrgKind::Government).await;
    let (lead, _) = app.member_of(org, "lead@example.org").await;
    let plan = app.create_plan(&lead, org, "Plan", false).await;
    let (viewer, viewer_id) = app.loner("viewer@example.org").await;
    app.grant(&lead, plan, "viewer@example.org", PlanRole::Viewer.as_str())
        .await;
    let path = format!("/plans/{plan}");
    assert_eq!(app.page(&viewer, &path).await.0, 200);
    assert_eq!(app.page(&viewer, &path).await.0, 200);

    let grant = app.person_grant(plan, viewer_id).await;
    let revoke = ChangeGrant {
        plan_id: plan,
        grant_id: grant,
        role: String::new(),
    };
    app.call(&lead, revoke).await.expect("revoke");
    assert_eq!(app.page(&viewer, &path).await.0, 403);
}

#[tokio::test]
async fn every_view_of_a_kept_page_carries_a_fresh_nonce() {
    let app = spawn_sqlite_app().await;
    let (client, _) = app.loner("someone@example.org").await;
    let mut seen = std::collections::HashSet::new();
    for view in 0..3 {
        let res = client
            .get(format!("{}/plans", app.base))
            .send()
            .await
            .expect("page");
        assert_eq!(res.status(), 200);
        // The first view renders the page; the next ones come from the cache, and say so.
        assert_eq!(
            res.headers().contains_key(server::page_cache::HIT_HEADER),
            view > 0,
            "view {view}"
        );
        let policy = res
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let page = res.text().await.unwrap_or_default();
        let nonce = nonce(&page).expect("a script nonce");
        assert!(
            policy.contains(&format!("'nonce-{nonce}'")),
            "policy matches page"
        );
        assert!(seen.insert(nonce), "nonce repeated");
    }
}
