//! Logging in and out, sessions, passwords, throttling.

use app::auth::api::{ChangePassword, Login, Logout};
use app::error::AppError;
use app::foundation::people::PlatformRole;
use app::foundation::people::Viewer;
use app::foundation::viewer::Whoami;

use crate::helpers::{answer, call_at, credentials, spawn_app, Status, PASSWORD};

/// The `Set-Cookie` header of a response, or "".
fn set_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

fn change_password(current: &str, new: &str) -> ChangePassword {
    ChangePassword {
        current_password: current.into(),
        password: new.into(),
        password_confirm: new.into(),
    }
}

#[tokio::test]
async fn login_with_right_password_starts_a_session() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    assert_eq!(app.whoami(&client).await, None);
    // The email is matched case-insensitively and trimmed.
    let res = app
        .call_raw(&client, credentials(" Amina@Example.org ", PASSWORD))
        .await;
    assert_eq!(res.status(), 200);
    let cookie = set_cookie(&res);
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
            credentials("amina@example.org", "not the password"),
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.status, 422);
    let unknown = app
        .call(
            &client,
            credentials("nobody@example.org", "not the password"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        wrong.field_message("password"),
        Some("The email or password is wrong.")
    );
    assert_eq!(
        wrong.field_message("password"),
        unknown.field_message("password")
    );
    assert_eq!(app.whoami(&client).await, None);
}

#[tokio::test]
async fn deactivated_account_cannot_log_in() {
    let app = spawn_app().await;
    let id = app
        .person("gone@example.org", PlatformRole::Member, None)
        .await;
    app.db
        .transaction(async |tx| app::admin::db::set_active(tx, id, false).await)
        .await
        .unwrap();
    let client = app.client();
    let refused = app
        .call(&client, credentials("gone@example.org", PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused
        .field_message("email")
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
        .call_raw(&client, credentials("amina@example.org", PASSWORD))
        .await;
    let cookie = set_cookie(&res).split(';').next().unwrap().to_owned();
    assert!(!cookie.is_empty(), "a session cookie is set");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE person_id IS NOT NULL")
            .await,
        1
    );
    app.call(&client, Logout {}).await.expect("logged out");
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    // Replaying the old cookie from another client gets nobody.
    let res = app
        .request(&app.client(), &Whoami {})
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer::<Option<Viewer>>(&res.bytes().await.unwrap()).unwrap(),
        None
    );
}

#[tokio::test]
async fn session_id_changes_at_login() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    // An anonymous session exists first (a failed login does not create one, so force one
    // by logging in twice and comparing).
    let login = || credentials("amina@example.org", PASSWORD);
    let first = set_cookie(&app.call_raw(&client, login()).await);
    let second = set_cookie(&app.call_raw(&client, login()).await);
    assert!(!first.is_empty() && !second.is_empty(), "both set a cookie");
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
        let wrong = credentials("amina@example.org", "wrong password!");
        assert_eq!(app.call(&client, wrong).await.unwrap_err().status, 422);
    }
    // Even the right password is refused while the account is throttled.
    let refused = app
        .call(&client, credentials("amina@example.org", PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(refused.status, 429);
    let AppError::Throttled {
        retry_after_secs: secs,
    } = refused.error
    else {
        panic!("not throttled: {refused:?}");
    };
    assert!(secs > 0 && secs <= 15 * 60, "{secs}");
    assert_eq!(app.whoami(&client).await, None);
}

#[tokio::test]
async fn concurrent_wrong_passwords_reach_argon2_no_more_than_the_limit() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    // 64 wrong passwords at once, each from its own client: every attempt that gets past the
    // throttle is verified with argon2 and leaves a failure row and a failed-login entry.
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let (base, client) = (app.base.clone(), app.client());
        tasks.push(tokio::spawn(async move {
            let wrong = credentials("amina@example.org", "wrong password!");
            call_at(&base, &client, wrong).await.status()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("login task"));
    }
    let verified = statuses.iter().filter(|s| **s == 422).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((verified, throttled), (5, 59), "{statuses:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM login_failures WHERE scope = 'account'")
            .await,
        5,
        "one failure kept per password verified"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_entries WHERE kind = 'login_failed'")
            .await,
        5,
        "one failed login recorded per password verified"
    );
}

#[tokio::test]
async fn a_right_password_is_not_counted_against_the_account_or_the_address() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let gone = app
        .person("gone@example.org", PlatformRole::Member, None)
        .await;
    app.db
        .transaction(async |tx| app::admin::db::set_active(tx, gone, false).await)
        .await
        .unwrap();
    let client = app.client();
    let counted = "SELECT COUNT(*) FROM login_failures";
    let wrong = credentials("amina@example.org", "wrong password!");
    assert_eq!(app.call(&client, wrong).await.unwrap_err().status, 422);
    assert_eq!(app.count(counted).await, 2, "the account and the address");
    // A login forgets the account's failures and its own attempt; the address keeps the
    // wrong guess, so an office sharing one address is not locked out by its own logins.
    app.login(&client, "amina@example.org").await;
    assert_eq!(app.count(counted).await, 1);
    let refused = app
        .call(&client, credentials("gone@example.org", PASSWORD))
        .await;
    assert_eq!(refused.unwrap_err().status, 422, "deactivated");
    assert_eq!(app.count(counted).await, 1, "a right password is no guess");
}

#[tokio::test]
async fn changing_password_ends_other_sessions_and_checks_the_old_one() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let (laptop, phone) = (app.client(), app.client());
    app.login(&laptop, "amina@example.org").await;
    app.login(&phone, "amina@example.org").await;

    let refused = app
        .call(
            &laptop,
            change_password("wrong one entirely", "a brand new password"),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused.field_message("current_password").is_some());

    let refused = app
        .call(&laptop, change_password(PASSWORD, "short"))
        .await
        .unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused
        .field_message("password")
        .unwrap()
        .contains("12 characters"));

    app.call(&laptop, change_password(PASSWORD, "a brand new password"))
        .await
        .expect("password changed");
    assert_eq!(
        app.whoami(&laptop).await.as_deref(),
        Some("amina@example.org")
    );
    assert_eq!(app.whoami(&phone).await, None, "the other session ended");

    let fresh = app.client();
    app.call(
        &fresh,
        credentials("amina@example.org", "a brand new password"),
    )
    .await
    .expect("login with the new password");
}

#[tokio::test]
async fn plain_form_login_redirects_to_next_or_back_with_the_error() {
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    let login = |password: &str, next: &str| Login {
        next: Some(next.into()),
        ..credentials("amina@example.org", password)
    };
    let res = app
        .post_form(&client, "/login", login("wrong password!", "/"))
        .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("{}/login", app.base),
        "nothing typed in the address"
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

    let res = app
        .post_form(&client, "/login", login(PASSWORD, "/account"))
        .await;
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
