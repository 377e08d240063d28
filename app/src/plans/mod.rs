//! Country plans: creating them from the template, listing, the overview and coverage matrix.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
pub mod ui;
pub mod views;
