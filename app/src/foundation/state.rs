//! What every server function can reach through Leptos context.

use crate::db::Db;
use crate::error::AppError;

/// Shared, cheap-to-clone application state. Settings that belong to one feature (login
/// throttling, invitation links) are provided as contexts of their own by the server.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub db: Db,
}

/// The state, or an internal error if the server forgot to provide it.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// The database from the state: where almost every server function starts.
pub fn db() -> Result<Db, AppError> {
    Ok(app_state()?.db)
}

/// A setting of type `T` the server provided as a context, or an internal error.
pub fn setting<T: Clone + Send + Sync + 'static>() -> Result<T, AppError> {
    leptos::prelude::use_context::<T>().ok_or_else(|| {
        tracing::error!(
            setting = std::any::type_name::<T>(),
            "setting missing from context"
        );
        AppError::Internal
    })
}
