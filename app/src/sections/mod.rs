//! Sections: Markdown bodies with full revision history, merged saves and conflicts.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod diff;
pub mod domain;
pub mod edits;
#[cfg(feature = "ssr")]
pub mod in_lane;
pub mod merge;
#[cfg(feature = "ssr")]
pub mod save;
#[cfg(feature = "ssr")]
pub mod save_queue;
pub mod ui;
pub mod views;
