//! Each person's inbox: mentions of them, replies in threads they are in, and requests for
//! their review, each linking to where it happened.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod ui;
pub mod views;
