//! Cross-site requests, oversized bodies, baseline headers, malformed input.

use app::admin::api::{CreateOrganisation, Organisation, SetPersonActive};
use app::auth::api::Login;
use leptos::server_fn::ServerFn;

use crate::helpers::{credentials, spawn_app, PASSWORD};

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
