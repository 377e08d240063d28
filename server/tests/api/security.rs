//! Cross-site requests, oversized bodies, baseline headers, malformed input.

use app::admin::api::{CreateOrganisation, Organisation, SetPersonActive};
use app::auth::api::Login;
use leptos::server_fn::ServerFn;

use app::foundation::viewer::Whoami;
use app::invitations::api::Invite;
use app::invitations::views::InvitationCreated;

use crate::helpers::{answer, credentials, spawn_app, spawn_app_with, PASSWORD};

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    let client = app.admin().await;
    let forged = CreateOrganisation {
        name: "Forged".into(),
        kind: "donor".into(),
        country: "NO".into(),
    };
    for (header, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let res = app
            .request(&client, &forged)
            .header(header, value)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{header}: {value}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, 0);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = spawn_app().await;
    let client = app.client();
    let huge = "x".repeat(300 * 1024);
    let res = app
        .call_raw(&client, credentials(&huge, "whatever at all"))
        .await;
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_and_baseline_headers() {
    let app = spawn_app().await;
    let res = app
        .client()
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    let body = res.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap()
        .to_owned();
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry the nonce"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    assert!(h.contains_key("x-request-id"));
    // A second page gets a different nonce.
    let again = app
        .client()
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert!(!again.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains(&nonce));
}

#[tokio::test]
async fn malformed_input_gets_a_client_error_not_a_crash() {
    let app = spawn_app().await;
    let client = app.admin().await;
    // Missing fields, wrong types (bodies no typed call can send), a header-breaking
    // redirect target.
    for (path, form) in [
        (CreateOrganisation::PATH, vec![("name", "only a name")]),
        (Organisation::PATH, vec![("id", "abc")]),
        (
            SetPersonActive::PATH,
            vec![("person_id", "1"), ("active", "maybe")],
        ),
    ] {
        let res = client
            .post(format!("{}{path}", app.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error(), "{path}: {}", res.status());
    }
    let login = Login {
        next: Some("/x\r\nSet-Cookie: a=b".into()),
        ..credentials("admin@example.org", PASSWORD)
    };
    let res = app.call_raw(&app.client(), login).await;
    assert!(res.status().is_success());
    assert_eq!(res.headers()["location"], "/");
    let res = app
        .client()
        .get(format!("{}/health", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "server still up");
}

#[tokio::test]
async fn pages_and_answers_are_not_stored_but_static_files_keep_their_caching() {
    let site = std::env::temp_dir().join(format!("upstream-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/upstream.css"), "body{}").unwrap();
    let root = site.clone();
    let app = spawn_app_with(move |c| c.site_root = root).await;
    let admin = app.admin().await;
    let get = |client: &reqwest::Client, path: &str| {
        client
            .get(format!("{}{path}", app.base))
            .header("accept", "text/html")
            .send()
    };
    for path in ["/admin/people", "/account", "/"] {
        // Twice: the second copy comes from the page cache.
        for _ in 0..2 {
            let res = get(&admin, path).await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
        }
    }
    let res = get(&app.client(), "/login").await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store", "login page");
    let res = app.call_raw(&admin, Organisation { id: 1 }).await;
    assert_eq!(res.headers()["cache-control"], "no-store", "an answer");
    let res = app.call_raw(&admin, Whoami {}).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store", "an answer");
    // A built file whose name carries no content hash is revalidated, never kept blindly.
    let res = get(&admin, "/pkg/upstream.css").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(
        !res.headers().contains_key("strict-transport-security"),
        "no HSTS over plain HTTP"
    );
    let _ = std::fs::remove_dir_all(site);
}

#[tokio::test]
async fn with_secure_cookies_every_response_asks_for_https_from_then_on() {
    let app = spawn_app_with(|c| {
        c.secure_cookies = true;
        c.public_url = Some("https://upstream.example.org".into());
    })
    .await;
    for path in ["/login", "/health", "/pkg/missing.js"] {
        let res = app
            .client()
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers()["strict-transport-security"],
            "max-age=31536000",
            "{path}"
        );
    }
}

#[tokio::test]
async fn invitation_links_use_the_configured_address_never_the_host_header() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let invite = |email: &str| Invite {
        email: email.into(),
        display_name: "Nadia".into(),
        platform_role: None,
        organisation_id: None,
        organisation_role: None,
    };
    let res = app
        .request(&admin, &invite("nadia@example.org"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let created: InvitationCreated = answer(&res.bytes().await.unwrap()).unwrap();
    assert!(
        created.link.starts_with(&format!("{}/invite/", app.base)),
        "the listening address: {}",
        created.link
    );

    let app = spawn_app_with(|c| c.public_url = Some("https://upstream.example.org".into())).await;
    let admin = app.admin().await;
    let res = app
        .request(&admin, &invite("omar@example.org"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    let created: InvitationCreated = answer(&res.bytes().await.unwrap()).unwrap();
    assert!(
        created
            .link
            .starts_with("https://upstream.example.org/invite/"),
        "{}",
        created.link
    );
}
