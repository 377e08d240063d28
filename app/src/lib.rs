//! Upstream: co-authored country atrocity-prevention plans.
//!
//! Each feature folder splits the same way: `domain` (pure rules and types), `db` (queries,
//! server only), `api` (server functions) and `ui` (components).

#![recursion_limit = "512"]

pub mod access;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod checklist;
pub mod comments;
#[cfg(feature = "ssr")]
pub mod db;
pub mod error;
#[cfg(feature = "ssr")]
pub mod flash;
pub mod plans;
pub mod reviews;
pub mod sections;
pub mod shell;
#[cfg(feature = "ssr")]
pub mod state;
pub mod ui;

pub use shell::{shell, App};
