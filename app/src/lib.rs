//! Upstream: co-authored country atrocity-prevention plans.
//!
//! Three floors, each importing only from the floors below it (`app/tests/floors.rs` checks):
//! - the foundation: [`db`], [`error`], [`encoding`] and [`foundation`] (the signed-in person, the frameworks
//!   vocabulary, the audit trail's recording, the component kit);
//! - features, each split the same way: `domain` (pure rules and types), `db` (queries, server
//!   only), `api` (server functions) and `ui` (components); a feature imports only the features
//!   it composes, listed in `app/tests/floors.rs`;
//! - the top floor: [`shell`] and [`pages`] (the header, and pages that compose features).

#![recursion_limit = "512"]

// The server's pages and the browser's bundle must build views the same way or hydration fails
// on every page; .cargo/config.toml sets the cfg for native builds and scripts/build for the
// bundle. A RUSTFLAGS variable in the environment replaces the former, hence the check.
#[cfg(not(erase_components))]
compile_error!(
    "build with `--cfg erase_components` (set in .cargo/config.toml; a RUSTFLAGS or \
     RUSTDOCFLAGS variable replaces it, so add it there): pages built without it do not hydrate"
);

#[cfg(feature = "ssr")]
pub mod db;
pub mod encoding;
pub mod error;
pub mod foundation;

pub mod access;
pub mod admin;
pub mod auth;
pub mod checklist;
pub mod comments;
pub mod inbox;
pub mod invitations;
pub mod plans;
pub mod reviews;
pub mod sections;

pub mod pages;
pub mod shell;

pub use shell::{shell, App};
