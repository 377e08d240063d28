//! What every server function can reach through Leptos context.

use crate::auth::domain::ThrottlePolicy;
use crate::db::Db;

/// Shared, cheap-to-clone application state.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Failed-login limits.
    pub throttle: ThrottlePolicy,
    /// How long an invitation link stays valid, in seconds.
    pub invitation_ttl_secs: i64,
    /// The externally visible base URL (for invitation links), when configured.
    pub public_url: Option<String>,
}

/// The state, or an internal error if the server forgot to provide it.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        crate::error::AppError::Internal
    })
}
