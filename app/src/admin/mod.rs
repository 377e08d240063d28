//! Administration: organisations, their members, and people.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod ui;
pub mod views;
