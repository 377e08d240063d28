//! Forms posted without JavaScript: a failed one comes back to its page with its messages and
//! what was typed, carried by the session; nothing typed goes into an address, and no address
//! can make the app show a message of someone else's choosing.

use app::auth::api::Login;
use app::comments::api::StartThread;
use app::error::{AppError, FormErrors};
use app::foundation::people::PlatformRole;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;

use crate::helpers::{credentials, section_save, spawn_app, LedPlan, TestApp};

/// The address of `page` carrying `error` for the server function at `path` the way Leptos
/// writes it into a failed form's redirect, so anyone can write it into a link.
fn crafted(app: &TestApp, page: &str, path: &str, error: AppError) -> String {
    let url = ServerFnUrlError::new(path, error)
        .to_url(&format!("{}{page}", app.base))
        .expect("a URL");
    url.as_str().trim_start_matches(&app.base).to_owned()
}

/// Where a response sends the browser.
fn location(res: &reqwest::Response) -> String {
    res.headers()["location"]
        .to_str()
        .expect("a location")
        .to_owned()
}

const FAKE: &str = "Your account is locked: call +1 555 0100 to unlock it";

#[tokio::test]
async fn an_address_carrying_an_error_shows_none_of_its_text() {
    let app = spawn_app().await;
    let mut invalid = FormErrors::default().keep("email", "victim@example.org");
    invalid.add("email", FAKE);
    for error in [AppError::Conflict(FAKE.into()), AppError::Invalid(invalid)] {
        let link = crafted(&app, "/login", Login::PATH, error);
        let (status, html) = app.page(&app.client(), &link).await;
        assert_eq!(status, 200, "{link}");
        assert!(!html.contains("call +1 555"), "{link} shows the text");
        assert!(!html.contains("victim@example.org"), "{link} fills a field");
        assert!(!html.contains("upstream-form-return"), "nor hands it on");
    }
    // On a page with its own forms, for a signed-in reader.
    let LedPlan {
        lead,
        plan,
        section,
        ..
    } = app.led_plan("Ministry", "lead@example.org", "Plan").await;
    let page = format!("/plans/{plan}/sections/{section}");
    let mut invalid = FormErrors::default().keep("body", FAKE);
    invalid.add("body", FAKE);
    let link = crafted(&app, &page, StartThread::PATH, AppError::Invalid(invalid));
    let (status, html) = app.page(&lead, &link).await;
    assert_eq!(status, 200);
    assert!(!html.contains("call +1 555"), "the section page shows it");
}

#[tokio::test]
async fn a_refused_login_without_javascript_comes_back_with_its_message_and_no_text_in_the_address()
{
    let app = spawn_app().await;
    app.person("amina@example.org", PlatformRole::Member, None)
        .await;
    let client = app.client();
    let login = Login {
        next: Some("/account".into()),
        ..credentials("amina@example.org", "wrong password!")
    };
    let res = app.post_form(&client, "/login", login).await;
    assert_eq!(res.status(), 302);
    let back = location(&res);
    assert_eq!(back, format!("{}/login", app.base));
    let (status, html) = app.page(&client, "/login").await;
    assert_eq!(status, 200);
    assert!(html.contains("The email or password is wrong."), "message");
    assert!(html.contains("value=\"amina@example.org\""), "typed email");
    assert!(!html.contains("wrong password!"), "never the password");
    // The browser bundle gets the same error to show once it takes over.
    assert!(html.contains("<meta name=\"upstream-form-return\""));
    // Once: the page opened again is a fresh form.
    let (_, html) = app.page(&client, "/login").await;
    assert!(!html.contains("The email or password is wrong."));
    assert!(!html.contains("upstream-form-return"));
}

#[tokio::test]
async fn a_refused_comment_without_javascript_keeps_its_text_out_of_the_address() {
    let app = spawn_app().await;
    let LedPlan {
        lead,
        plan,
        section,
        ..
    } = app.led_plan("Ministry", "lead@example.org", "Plan").await;
    app.call(&lead, section_save(plan, section, 1, "Early warning."))
        .await
        .expect("saved");
    let page = format!("/plans/{plan}/sections/{section}");
    let comment = StartThread {
        plan_id: plan,
        section_id: section,
        body: "My confidential remark about the minister".into(),
        quote: Some("words that are not there".into()),
        prefix: None,
        suffix: None,
    };
    let res = app.post_form(&lead, &format!("{page}?x=1"), comment).await;
    assert_eq!(res.status(), 302);
    let back = location(&res);
    assert_eq!(
        back,
        format!("{}{page}?x=1", app.base),
        "the page's own query kept"
    );
    let (status, html) = app.page(&lead, &format!("{page}?x=1")).await;
    assert_eq!(status, 200);
    assert!(html.contains("My confidential remark about the minister"));
    assert!(html.contains("words that are not there"));
    // Waiting for that page only: opening another page first drops it.
    let res = app
        .post_form(
            &lead,
            &page,
            StartThread {
                plan_id: plan,
                section_id: section,
                body: "Second remark".into(),
                quote: Some("not there either".into()),
                prefix: None,
                suffix: None,
            },
        )
        .await;
    assert_eq!(res.status(), 302);
    app.page(&lead, &format!("/plans/{plan}")).await;
    let (_, html) = app.page(&lead, &page).await;
    assert!(!html.contains("Second remark"));
}
