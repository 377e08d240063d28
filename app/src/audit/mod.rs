//! The audit trail: an append-only, hash-chained record of every change that matters (who,
//! when, from where, what), readable by plan leads for their plan and by administrators for
//! the platform, and verifiable with `upstream verify-audit`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod chain;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
pub mod ui;
