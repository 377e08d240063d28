//! Cross-site requests, oversized bodies, baseline headers, malformed input.

use crate::helpers::spawn_app;
use app::auth::domain::PlatformRole;

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    let (client, _) = app
        .logged_in("admin@example.org", PlatformRole::Admin, None)
        .await;
    let res = client
        .post(format!("{}/api/create_organisation", app.base))
        .header("origin", "http://evil.example")
        .form(&[("name", "Forged"), ("kind", "donor"), ("country", "NO")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = client
        .post(format!("{}/api/create_organisation", app.base))
        .header("sec-fetch-site", "cross-site")
        .form(&[("name", "Forged"), ("kind", "donor"), ("country", "NO")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, 0);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = spawn_app().await;
    let client = app.client();
    let huge = "x".repeat(300 * 1024);
    let res = client
        .post(format!("{}/api/login", app.base))
        .form(&[("email", huge.as_str()), ("password", "whatever at all")])
        .send()
        .await
        .unwrap();
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
    let (client, _) = app
        .logged_in("admin@example.org", PlatformRole::Admin, None)
        .await;
    // Missing fields, wrong types, a header-breaking redirect target.
    for (name, form) in [
        ("create_organisation", vec![("name", "only a name")]),
        ("organisation", vec![("id", "abc")]),
        (
            "set_person_active",
            vec![("person_id", "1"), ("active", "maybe")],
        ),
    ] {
        let res = app.call(&client, name, &form).await;
        assert!(res.status().is_client_error(), "{name}: {}", res.status());
    }
    let res = app
        .call(
            &app.client(),
            "login",
            &[
                ("email", "admin@example.org"),
                ("password", crate::helpers::PASSWORD),
                ("next", "/x\r\nSet-Cookie: a=b"),
            ],
        )
        .await;
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
