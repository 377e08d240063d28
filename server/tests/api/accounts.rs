//! Logging in and out, sessions, passwords, throttling.

use crate::helpers::{error_body, field_message, plain_form_headers, spawn_app, PASSWORD};
use app::auth::domain::PlatformRole;

#[tokio::test]
async fn login_with_right_password_starts_a_session() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    assert_eq!(app.whoami(&client).await, None);
    // The email is matched case-insensitively and trimmed.
    let res = app
        .call(
            &client,
            "login",
            &[("email", " Amina@Example.org "), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 200);
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert_eq!(
        app.whoami(&client).await.as_deref(),
        Some("amina@example.org")
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_message() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    let wrong = app
        .call(
            &client,
            "login",
            &[
                ("email", "amina@example.org"),
                ("password", "not the password"),
            ],
        )
        .await;
    let (status, wrong) = error_body(wrong).await;
    assert_eq!(status, 422);
    let unknown = app
        .call(
            &client,
            "login",
            &[
                ("email", "nobody@example.org"),
                ("password", "not the password"),
            ],
        )
        .await;
    let (_, unknown) = error_body(unknown).await;
    assert_eq!(
        field_message(&wrong, "password").as_deref(),
        Some("The email or password is wrong.")
    );
    assert_eq!(
        field_message(&wrong, "password"),
        field_message(&unknown, "password")
    );
    assert_eq!(app.whoami(&client).await, None);
}

#[tokio::test]
async fn deactivated_account_cannot_log_in() {
    let app = spawn_app().await;
    let id = app
        .person("gone@example.org", PlatformRole::Member, None)
        .await;
    app::admin::db::set_active(&app.db, id, false)
        .await
        .unwrap();
    let client = app.client();
    let (status, body) = error_body(
        app.call(
            &client,
            "login",
            &[("email", "gone@example.org"), ("password", PASSWORD)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "email")
        .unwrap()
        .contains("deactivated"));
    assert_eq!(app.whoami(&client).await, None);
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    let res = app
        .call(
            &client,
            "login",
            &[("email", "amina@example.org"), ("password", PASSWORD)],
        )
        .await;
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE person_id IS NOT NULL")
            .await,
        1
    );
    let res = app.call(&client, "logout", &[]).await;
    assert!(res.status().is_success());
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    // Replaying the old cookie from another client gets nobody.
    let replay = app.client();
    let res = replay
        .post(format!("{}/api/whoami", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), "null");
}

#[tokio::test]
async fn session_id_changes_at_login() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    // An anonymous session exists first (a failed login does not create one, so force one
    // by logging in twice and comparing).
    let first = app
        .call(
            &client,
            "login",
            &[("email", "amina@example.org"), ("password", PASSWORD)],
        )
        .await;
    let first = first
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let second = app
        .call(
            &client,
            "login",
            &[("email", "amina@example.org"), ("password", PASSWORD)],
        )
        .await;
    let second = second
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(first.split(';').next(), second.split(';').next());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions").await,
        1,
        "the old session id is gone"
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_a_time_to_wait() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    for _ in 0..5 {
        let res = app
            .call(
                &client,
                "login",
                &[
                    ("email", "amina@example.org"),
                    ("password", "wrong password!"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
    }
    // Even the right password is refused while the account is throttled.
    let (status, body) = error_body(
        app.call(
            &client,
            "login",
            &[("email", "amina@example.org"), ("password", PASSWORD)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 429);
    let secs = body["Throttled"]["retry_after_secs"].as_u64().unwrap();
    assert!(secs > 0 && secs <= 15 * 60, "{secs}");
    assert_eq!(app.whoami(&client).await, None);
}

#[tokio::test]
async fn changing_password_ends_other_sessions_and_checks_the_old_one() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let (laptop, phone) = (app.client(), app.client());
    app.login(&laptop, "amina@example.org").await;
    app.login(&phone, "amina@example.org").await;

    let (status, body) = error_body(
        app.call(
            &laptop,
            "change_password",
            &[
                ("current_password", "wrong one entirely"),
                ("password", "a brand new password"),
                ("password_confirm", "a brand new password"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "current_password").is_some());

    let (status, body) = error_body(
        app.call(
            &laptop,
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "password")
        .unwrap()
        .contains("12 characters"));

    let res = app
        .call(
            &laptop,
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("password", "a brand new password"),
                ("password_confirm", "a brand new password"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        app.whoami(&laptop).await.as_deref(),
        Some("amina@example.org")
    );
    assert_eq!(app.whoami(&phone).await, None, "the other session ended");

    let fresh = app.client();
    let res = app
        .call(
            &fresh,
            "login",
            &[
                ("email", "amina@example.org"),
                ("password", "a brand new password"),
            ],
        )
        .await;
    assert!(res.status().is_success());
}

#[tokio::test]
async fn plain_form_login_redirects_home_or_back_with_the_error() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    let res = client
        .post(format!("{}/api/login", app.base))
        .headers(plain_form_headers(&app.base, "/login"))
        .form(&[
            ("email", "amina@example.org"),
            ("password", "wrong password!"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("/login?") && location.contains("__err="),
        "{location}"
    );
    // The login page rendered at that address shows the message next to the field.
    let path = location.trim_start_matches(&app.base);
    let (status, html) = app.page(&client, path).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("The email or password is wrong."),
        "message missing"
    );
    assert!(
        html.contains("value=\"amina@example.org\""),
        "typed email kept"
    );

    let res = client
        .post(format!("{}/api/login", app.base))
        .headers(plain_form_headers(&app.base, "/login"))
        .form(&[
            ("email", "amina@example.org"),
            ("password", PASSWORD),
            ("next", "/account"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/account");
    let (status, html) = app.page(&client, "/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("amina@example.org"));
}

#[tokio::test]
async fn pages_need_a_session() {
    let app = spawn_app().await;
    let client = app.client();
    let (status, _) = app.page(&client, "/").await;
    assert_eq!(status, 302);
    let res = client
        .get(format!("{}/account", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/login?next=/account");
    let (status, html) = app.page(&client, "/login").await;
    assert_eq!(status, 200);
    assert!(html.contains("<form"));
}
