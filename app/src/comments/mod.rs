//! Comment threads on sections (whole or on a quoted passage), mentions, and each person's
//! inbox of mentions and replies.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
pub mod passage;
pub mod ui;
pub mod views;
