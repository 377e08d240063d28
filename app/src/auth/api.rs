//! Server functions for logging in and out, the current person, passwords and invitations.

use leptos::prelude::*;

use crate::admin::views::{InvitationPreview, Viewer};
use crate::error::AppError;

/// The logged-in person and their organisations, or `None`.
#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<Viewer>, AppError> {
    use crate::{
        auth::session::{current_person, memberships},
        state::app_state,
    };
    let db = app_state()?.db;
    let Some(person) = current_person(&db).await? else {
        return Ok(None);
    };
    let memberships = memberships(&db, person.id).await?;
    Ok(Some(Viewer {
        person,
        memberships,
    }))
}

/// Logs in with email and password, then redirects to `next` (a local path) or home.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::audit::domain::AuditKind;
    use crate::auth::{db, domain::Email, password::verify_password, session};
    use crate::db::now;
    use crate::error::FormErrors;
    let state = crate::state::app_state()?;
    let address = session::client_address().await;
    let email = Email::parse(&email).map_err(|m| {
        let mut errors = FormErrors::default().keep("email", &email);
        errors.add("email", m);
        AppError::Invalid(errors)
    })?;
    let now = now();
    let policy = state.throttle;
    let since = now - policy.window_secs;
    let by_account = db::failures_since(&state.db, "account", email.as_str(), since).await?;
    let by_address = db::failures_since(&state.db, "address", &address, since).await?;
    let wait = policy
        .wait(&by_account, policy.per_account, now)
        .into_iter()
        .chain(policy.wait(&by_address, policy.per_address, now))
        .max();
    if let Some(retry_after_secs) = wait {
        tracing::warn!(email = %email, %address, "login throttled");
        return Err(AppError::Throttled { retry_after_secs });
    }
    let record = db::find_login(&state.db, email.as_str()).await?;
    let (id, active, hash) = match record {
        Some(r) => (Some(r.id), r.active, Some(r.password_hash)),
        None => (None, false, None),
    };
    if !verify_password(password, hash).await {
        db::record_failure(&state.db, "account", email.as_str(), now).await?;
        db::record_failure(&state.db, "address", &address, now).await?;
        tracing::info!(email = %email, %address, "failed login");
        record_login(
            &state.db,
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
        record_login(
            &state.db,
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
    db::clear_failures(&state.db, "account", email.as_str(), since).await?;
    session::log_in(id).await?;
    tracing::info!(person = id, %address, "login");
    record_login(
        &state.db,
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
    kind: crate::audit::domain::AuditKind,
    person: Option<i64>,
    email: &str,
    address: &str,
    why: &str,
) -> Result<(), AppError> {
    let mut entry = crate::audit::domain::NewEntry::new(kind, email)
        .from_ip(address)
        .details(serde_json::json!({ "reason": why }));
    entry.person = person;
    crate::audit::db::record(db, &entry).await?;
    Ok(())
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
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let session = crate::auth::session::session().await?;
    session.flush().await.map_err(|e| {
        tracing::error!(error = %e, "logout failed");
        AppError::Internal
    })?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Changes the logged-in person's password and ends their other sessions.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::auth::{db, domain::NewPassword, password, session};
    let state = crate::state::app_state()?;
    let person = session::require_person(&state.db).await?;
    let stored = db::password_hash(&state.db, person.id).await?;
    if !password::verify_password(current_password, Some(stored)).await {
        return Err(AppError::field(
            "current_password",
            "That is not your current password.",
        ));
    }
    let new =
        NewPassword::parse(&password, &password_confirm).map_err(|(f, m)| AppError::field(f, m))?;
    let hash = password::hash_password(new).await?;
    db::set_password(&state.db, person.id, &hash, crate::db::now()).await?;
    // A new id for this session, then every other session of this person goes.
    session::log_in(person.id).await?;
    let current = session::session().await?.id().map(|id| id.to_string());
    let ended = db::delete_sessions_of(&state.db, person.id, current.as_deref()).await?;
    tracing::info!(person = person.id, ended, "password changed");
    session::confirm_plain_post("password");
    Ok(())
}

/// What an invitation link offers, or why it cannot be used.
#[server(prefix = "/api", endpoint = "invitation")]
pub async fn invitation(token: String) -> Result<InvitationPreview, AppError> {
    use crate::admin::{db, domain::check_invitation, token::hash_token};
    let state = crate::state::app_state()?;
    let inv = db::find_invitation(&state.db, &hash_token(&token))
        .await
        .map_err(|e| match e {
            crate::db::DbError::NotFound => AppError::Conflict(
                "This invitation link is not valid. Check that it was copied whole.".into(),
            ),
            other => other.into(),
        })?;
    check_invitation(inv.expires_at, inv.accepted_at, crate::db::now())
        .map_err(|p| AppError::Conflict(p.message().into()))?;
    Ok(InvitationPreview {
        email: inv.email,
        display_name: inv.display_name,
        org_name: inv.organisation.map(|(_, name, _)| name),
        plan: inv
            .plan
            .map(|(_, title, role)| (title, role.label().to_owned())),
        platform_role: inv.platform_role,
    })
}

/// Accepts an invitation: creates the account with the chosen password and logs it in.
#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    display_name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::admin::{db, domain::check_invitation, token::hash_token};
    use crate::auth::{
        domain::{NewPassword, PersonName},
        password::hash_password,
        session,
    };
    use crate::db::{now, DbError};
    use crate::error::FormErrors;
    let state = crate::state::app_state()?;
    let inv = db::find_invitation(&state.db, &hash_token(&token))
        .await
        .map_err(|e| match e {
            DbError::NotFound => AppError::Conflict("This invitation link is not valid.".into()),
            other => other.into(),
        })?;
    check_invitation(inv.expires_at, inv.accepted_at, now())
        .map_err(|p| AppError::Conflict(p.message().into()))?;
    let mut errors = FormErrors::default().keep("display_name", &display_name);
    let name = PersonName::parse(&display_name)
        .map_err(|m| errors.add("display_name", m))
        .ok();
    let new = NewPassword::parse(&password, &password_confirm)
        .map_err(|(f, m)| errors.add(f, m))
        .ok();
    let (Some(name), Some(new)) = (name, new) else {
        return Err(AppError::Invalid(errors));
    };
    let hash = hash_password(new).await?;
    let person_id = db::accept_invitation(&state.db, &inv, name.as_str(), &hash, now())
        .await
        .map_err(|e| match e {
            DbError::Stale => {
                AppError::Conflict("This invitation has just been used or has expired.".into())
            }
            DbError::Duplicate(_) => AppError::Conflict(
                "An account with this email already exists. Log in instead.".into(),
            ),
            other => other.into(),
        })?;
    session::log_in(person_id).await?;
    tracing::info!(
        person = person_id,
        invitation = inv.id,
        "invitation accepted"
    );
    leptos_axum::redirect("/");
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
