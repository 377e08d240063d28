//! Accounts: logging in and out, passwords and login throttling.

pub mod api;
pub mod common_passwords;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod password;
pub mod ui;
