//! Server functions for logging in and out and changing one's password.

use crate::encoding::Answer;
use leptos::prelude::*;

use crate::error::AppError;

/// Logs in with email and password, then redirects to `next` (a local path) or home.
#[server(prefix = "/api", endpoint = "login", output = Answer)]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::auth::{db, domain::ThrottlePolicy, password::verify_password};
    use crate::db::now;
    use crate::error::FormErrors;
    use crate::foundation::audit::domain::AuditKind;
    use crate::foundation::people::Email;
    use crate::foundation::session;
    let db = crate::foundation::state::db()?;
    let address = session::client_address().await;
    let email = Email::parse(&email).map_err(|m| {
        let mut errors = FormErrors::default().keep("email", &email);
        errors.add("email", m);
        AppError::Invalid(errors)
    })?;
    let now = now();
    let policy = crate::foundation::state::setting::<ThrottlePolicy>()?;
    let since = now - policy.window_secs;
    // The attempt counts as a failure from before its password is checked until it proves
    // right, so a burst of simultaneous guesses cannot all find room under the limit.
    let attempt = db
        .transaction(async |tx| {
            let seen = db::reserve_attempt(tx, email.as_str(), &address, now, since).await?;
            let wait = policy
                .wait(&seen.by_account, policy.per_account, now)
                .into_iter()
                .chain(policy.wait(&seen.by_address, policy.per_address, now))
                .max();
            match wait {
                // Refusing rolls the reservation back: only checked passwords count.
                Some(retry_after_secs) => {
                    tracing::warn!(email = %email, %address, "login throttled");
                    Err(AppError::Throttled { retry_after_secs })
                }
                None => Ok(seen.attempt),
            }
        })
        .await?;
    let record = db::find_login(&db, email.as_str()).await?;
    let (id, active, hash) = match record {
        Some(r) => (Some(r.id), r.active, Some(r.password_hash)),
        None => (None, false, None),
    };
    if !verify_password(password, hash).await {
        tracing::info!(email = %email, %address, "failed login");
        record_login(
            &db,
            AuditKind::LoginFailed,
            id,
            email.as_str(),
            &address,
            "wrong password or unknown account",
        )
        .await?;
        let mut errors = FormErrors::default().keep("email", email.as_str());
        errors.add("password", "The email or password is wrong.");
        return Err(AppError::Invalid(errors));
    }
    let Some(id) = id.filter(|_| active) else {
        // The right password for a deactivated account: not a guess, so it does not count.
        db::release_attempt(&db, attempt).await?;
        record_login(
            &db,
            AuditKind::LoginFailed,
            id,
            email.as_str(),
            &address,
            "account deactivated",
        )
        .await?;
        let mut errors = FormErrors::default().keep("email", email.as_str());
        errors.add(
            "email",
            "This account has been deactivated. Ask an administrator to reactivate it.",
        );
        return Err(AppError::Invalid(errors));
    };
    db::clear_after_login(&db, attempt, email.as_str(), since).await?;
    session::log_in(id).await?;
    tracing::info!(person = id, %address, "login");
    record_login(
        &db,
        AuditKind::Login,
        Some(id),
        email.as_str(),
        &address,
        "",
    )
    .await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Appends a login or failed login to the audit trail.
#[cfg(feature = "ssr")]
async fn record_login(
    db: &crate::db::Db,
    kind: crate::foundation::audit::domain::AuditKind,
    person: Option<i64>,
    email: &str,
    address: &str,
    why: &str,
) -> Result<(), AppError> {
    let mut entry = crate::foundation::audit::domain::NewEntry::new(kind, email)
        .from_ip(address)
        .details(serde_json::json!({ "reason": why }));
    entry.person = person;
    Ok(crate::foundation::audit::record::record_event(db, entry).await?)
}

/// Only local paths of plain visible ASCII are followed after login, so a crafted link can
/// neither send people elsewhere nor smuggle bytes into the `Location` header.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && p.len() <= 512
                && p.chars().all(|c| c.is_ascii_graphic()) =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Ends the session on the server and clears the cookie.
#[server(prefix = "/api", endpoint = "logout", output = Answer)]
pub async fn logout() -> Result<(), AppError> {
    let session = crate::foundation::session::session().await?;
    let person = session
        .get::<i64>(crate::foundation::session::PERSON_KEY)
        .await
        .ok()
        .flatten();
    session.flush().await.map_err(|e| {
        tracing::error!(error = %e, "logout failed");
        AppError::Internal
    })?;
    // Pages still open with this session (other tabs) stop receiving events.
    if let (Some(person), Ok(db)) = (person, crate::foundation::state::db()) {
        crate::foundation::live::publish(
            &db,
            None,
            crate::foundation::live::Change::Access {
                person: Some(person),
            },
        );
    }
    leptos_axum::redirect("/login");
    Ok(())
}

/// Changes the logged-in person's password and ends their other sessions.
#[server(prefix = "/api", endpoint = "change_password", output = Answer)]
pub async fn change_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::auth::{db, domain::NewPassword, domain::Owner, password};
    use crate::foundation::session;
    let db = crate::foundation::state::db()?;
    let person = session::require_person(&db).await?;
    let stored = db::password_hash(&db, person.id).await?;
    if !password::verify_password(current_password, Some(stored)).await {
        return Err(AppError::field(
            "current_password",
            "That is not your current password.",
        ));
    }
    let owner = Owner {
        email: &person.email,
        name: &person.display_name,
    };
    let new = NewPassword::parse(&password, &password_confirm, &owner)
        .map_err(|(f, m)| AppError::field(f, m))?;
    let hash = password::hash_password(new).await?;
    db::set_password(&db, person.id, &hash, crate::db::now()).await?;
    // A new id for this session, then every other session of this person goes.
    session::log_in(person.id).await?;
    let current = session::session().await?.id().map(|id| id.to_string());
    let ended = db
        .transaction(async |tx| {
            crate::foundation::session_store::end_sessions_of(tx, person.id, current.as_deref())
                .await
        })
        .await?;
    tracing::info!(person = person.id, ended, "password changed");
    session::confirm_plain_post("password");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_must_be_a_local_path() {
        assert_eq!(safe_next(Some("/admin/people")), "/admin/people");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x=1")), "/");
        assert_eq!(safe_next(Some("/café")), "/");
    }
}
