//! Comment threads on sections (whole or on a quoted passage) and mentions.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
pub mod mentions;
#[cfg(feature = "ssr")]
pub mod of_section;
pub mod passage;
pub mod ui;
pub mod views;
