//! Invitations: one-time, expiring links that bring someone onto the platform, into an
//! organisation or onto a plan. Created by administrators, organisation admins and plan leads,
//! accepted by the person invited.

pub mod api;
#[cfg(feature = "ssr")]
pub mod create;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod token;
pub mod ui;
pub mod views;
