//! Plan roles and the one permission function every plan read and write goes through.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod views;
