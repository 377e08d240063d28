//! The password policy on every path that sets a password: accepting an invitation, changing
//! one's password and `upstream create-admin`. Common passwords, passwords of only spaces or
//! one repeated character, and passwords containing the account's email, its local part or
//! the person's name are refused with the reason next to the field, and nothing is written.

use std::io::Write;
use std::process::{Command, Stdio};

use app::auth::api::ChangePassword;
use app::foundation::people::PlatformRole;
use app::invitations::api::{AcceptInvitation, Invite};

use crate::helpers::{credentials, spawn_app, PASSWORD};

/// Passwords of at least 12 characters that are refused for Amina Diallo,
/// `amina.diallo@example.org`, with the words the reason must contain.
const REFUSED: [(&str, &str); 6] = [
    ("            ", "one character repeated"),
    ("zzzzzzzzzzzzzz", "one character repeated"),
    ("password1234", "most common passwords"),
    ("amina.diallo@example.org", "email address and your name"),
    ("hello amina.diallo 1", "email address and your name"),
    ("Amina Diallo rocks", "email address and your name"),
];

const EMAIL: &str = "amina.diallo@example.org";
const NAME: &str = "Amina Diallo";

#[tokio::test]
async fn accepting_an_invitation_refuses_a_weak_or_personal_password_next_to_the_field() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let invite = Invite {
        email: EMAIL.into(),
        display_name: NAME.into(),
        platform_role: None,
        organisation_id: Some(String::new()),
        organisation_role: Some("member".into()),
    };
    let created = app.call(&admin, invite).await.expect("invitation created");
    let token = created.link.rsplit('/').next().unwrap().to_owned();
    let invitee = app.client();
    let accept = |password: &str| AcceptInvitation {
        token: token.clone(),
        display_name: NAME.into(),
        password: password.into(),
        password_confirm: password.into(),
    };
    for (password, reason) in REFUSED {
        let refused = app.call(&invitee, accept(password)).await.unwrap_err();
        assert_eq!(refused.status, 422, "{password:?}");
        let message = refused.field_message("password").unwrap_or_default();
        assert!(message.contains(reason), "{password:?}: {message}");
    }
    // The name chosen on the form counts too, not only the one the invitation suggested.
    let renamed = AcceptInvitation {
        display_name: "Zawadi Mwangi".into(),
        ..accept("zawadi mwangi is here")
    };
    let refused = app.call(&invitee, renamed).await.unwrap_err();
    assert!(refused
        .field_message("password")
        .unwrap_or_default()
        .contains("your name"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people").await,
        1,
        "no account was created"
    );
    app.call(&invitee, accept("river delta lantern"))
        .await
        .expect("a good password is accepted");
    assert_eq!(app.whoami(&invitee).await.as_deref(), Some(EMAIL));
}

#[tokio::test]
async fn changing_ones_password_refuses_a_weak_or_personal_one_next_to_the_field() {
    let app = spawn_app().await;
    let id = app.person(EMAIL, PlatformRole::Member, None).await;
    app.rename_person(id, NAME).await;
    let client = app.client();
    app.login(&client, EMAIL).await;
    let change = |password: &str| ChangePassword {
        current_password: PASSWORD.into(),
        password: password.into(),
        password_confirm: password.into(),
    };
    for (password, reason) in REFUSED {
        let refused = app.call(&client, change(password)).await.unwrap_err();
        assert_eq!(refused.status, 422, "{password:?}");
        let message = refused.field_message("password").unwrap_or_default();
        assert!(message.contains(reason), "{password:?}: {message}");
    }
    // The password did not change.
    app.call(&app.client(), credentials(EMAIL, PASSWORD))
        .await
        .expect("the old password still works");
    app.call(&client, change("river delta lantern"))
        .await
        .expect("a good password is accepted");
}

/// Runs `upstream create-admin` against the database at `url`, the password on standard input.
fn create_admin(url: &str, password: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_upstream"))
        .args(["create-admin", "--email", EMAIL, "--name", NAME])
        .env("UPSTREAM_DATABASE_URL", url)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("create-admin starts");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{password}").expect("password written");
    drop(stdin);
    child.wait_with_output().expect("create-admin ends")
}

#[tokio::test]
async fn create_admin_refuses_a_weak_or_personal_password_and_creates_nothing() {
    let dir = std::env::temp_dir().join(format!("upstream-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}/test.db", dir.display());
    for (password, reason) in REFUSED {
        let out = create_admin(&url, password);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{password:?} accepted");
        assert!(stderr.contains(reason), "{password:?}: {stderr}");
    }
    let db = server::startup::open_database(&url)
        .await
        .expect("database");
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(db.reader())
        .await
        .unwrap();
    assert_eq!(people, 0, "no administrator was created");
    let out = create_admin(&url, "river delta lantern");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let admins: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE platform_role = 'admin'")
            .fetch_one(db.reader())
            .await
            .unwrap();
    assert_eq!(admins, 1);
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
