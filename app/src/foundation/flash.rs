//! One-shot values kept in the session between a form post without JavaScript and the page it
//! redirects back to (with JavaScript, the server function's return value does this job).

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::session::{is_plain_form_post, session};
use crate::error::AppError;

fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "session flash failure");
    AppError::Internal
}

/// Keeps `value` under `key` for the next page, but only for plain form posts.
pub async fn put_for_plain_post<T: Serialize>(key: &str, value: &T) -> Result<(), AppError> {
    if !is_plain_form_post() {
        return Ok(());
    }
    session().await?.insert(key, value).await.map_err(internal)
}

/// Takes the value kept under `key`, if any; it is gone afterwards.
pub async fn take<T: DeserializeOwned>(key: &str) -> Result<Option<T>, AppError> {
    let session = session().await?;
    // Looking first: removing an absent key would still mark the session changed and cost a
    // database write on every page view.
    if session.get_value(key).await.map_err(internal)?.is_none() {
        return Ok(None);
    }
    session.remove(key).await.map_err(internal)
}
