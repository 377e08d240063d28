//! Upstream: co-authored country atrocity-prevention plans.
//!
//! Each feature folder splits the same way: `domain` (pure rules and types), `db` (queries,
//! server only), `api` (server functions) and `ui` (components).

#![recursion_limit = "512"]

pub mod admin;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod db;
pub mod error;
pub mod shell;
#[cfg(feature = "ssr")]
pub mod state;
pub mod ui;

pub use shell::{shell, App};
