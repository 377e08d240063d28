//! Administration: organisations, their members, people and invitations.

pub mod api;
pub mod countries;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod invitations;
#[cfg(feature = "ssr")]
pub mod token;
pub mod ui;
pub mod views;
