//! A one-shot message kept in the session between a form post without JavaScript and the
//! page it redirects to.

use super::views::InvitationCreated;
use crate::auth::session::session;
use crate::error::AppError;

const INVITATION_KEY: &str = "flash_invitation";

fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "session flash failure");
    AppError::Internal
}

/// Keeps `created` for the next page.
pub async fn put_invitation(created: &InvitationCreated) -> Result<(), AppError> {
    session()
        .await?
        .insert(INVITATION_KEY, created)
        .await
        .map_err(internal)
}

/// Takes the kept invitation, if any; it is gone afterwards.
pub async fn take_invitation() -> Result<Option<InvitationCreated>, AppError> {
    session()
        .await?
        .remove(INVITATION_KEY)
        .await
        .map_err(internal)
}
