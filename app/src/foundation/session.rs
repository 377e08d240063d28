//! Who is making this request: the session, the person behind it, their client address.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use tower_sessions::Session;

use crate::db::{Db, DbError};
use crate::error::AppError;
use crate::foundation::people::db::{find_person, memberships_of};
use crate::foundation::people::{Membership, Person};

/// The session key holding the logged-in person's id.
pub const PERSON_KEY: &str = "person_id";

fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "session failure");
    AppError::Internal
}

/// The request's session.
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// Facts looked up once per request and shared by every server function the request runs
/// (a page calls several). The server provides a fresh one per request.
#[derive(Clone, Default, Debug)]
pub struct RequestCache {
    person: std::sync::Arc<tokio::sync::OnceCell<Option<Person>>>,
    memberships: std::sync::Arc<tokio::sync::OnceCell<(i64, Vec<Membership>)>>,
}

/// The organisations `person_id` belongs to, looked up at most once per request.
pub async fn memberships(db: &Db, person_id: i64) -> Result<Vec<Membership>, AppError> {
    let load = || async { Ok::<_, AppError>((person_id, memberships_of(db, person_id).await?)) };
    match leptos::prelude::use_context::<RequestCache>() {
        Some(cache) => {
            let (cached_for, list) = cache.memberships.get_or_try_init(load).await?;
            if *cached_for == person_id {
                Ok(list.clone())
            } else {
                Ok(memberships_of(db, person_id).await?)
            }
        }
        None => Ok(load().await?.1),
    }
}

/// The logged-in, active person, if any. A session pointing at a deactivated or deleted
/// account is flushed on the spot, so access ends on the very next request.
pub async fn current_person(db: &Db) -> Result<Option<Person>, AppError> {
    match leptos::prelude::use_context::<RequestCache>() {
        Some(cache) => cache
            .person
            .get_or_try_init(|| load_person(db))
            .await
            .cloned(),
        None => load_person(db).await,
    }
}

async fn load_person(db: &Db) -> Result<Option<Person>, AppError> {
    let session = session().await?;
    let Some(id) = session.get::<i64>(PERSON_KEY).await.map_err(internal)? else {
        return Ok(None);
    };
    match find_person(db, id).await {
        Ok(person) if person.active => Ok(Some(person)),
        Ok(_) | Err(DbError::NotFound) => {
            session.flush().await.map_err(internal)?;
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// The logged-in person, or `Unauthenticated`.
pub async fn require_person(db: &Db) -> Result<Person, AppError> {
    current_person(db).await?.ok_or(AppError::Unauthenticated)
}

/// The logged-in person if they are a platform administrator, else `Forbidden`.
pub async fn require_admin(db: &Db) -> Result<Person, AppError> {
    let person = require_person(db).await?;
    if person.is_admin() {
        Ok(person)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Starts a fresh session for `person_id`: a new id defeats session fixation.
pub async fn log_in(person_id: i64) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(internal)?;
    session
        .insert(PERSON_KEY, person_id)
        .await
        .map_err(internal)
}

/// The client's address as the server saw it.
pub async fn client_address() -> String {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// True when the request is a plain HTML form post (no JavaScript): the response will be a
/// redirect, so results must travel through the session (or, for a success, as a fixed
/// `?done=` key: nothing typed ever goes into an address).
pub fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// After a plain form post succeeds, send the browser back where it came from with
/// `?done=<key>` so the page can confirm what happened (with JavaScript, the action's value
/// does that and no redirect is needed).
pub fn confirm_plain_post(key: &str) {
    if !is_plain_form_post() {
        return;
    }
    let referer = leptos::prelude::use_context::<http::request::Parts>().and_then(|p| {
        p.headers
            .get(http::header::REFERER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    let Some(referer) = referer else { return };
    let base = referer.split('?').next().unwrap_or("/");
    leptos_axum::redirect(&format!("{base}?done={key}"));
}
