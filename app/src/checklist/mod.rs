//! The shared checklist: each plan's copy of the template, organised by New Deal goal, R2P
//! pillar and UN Framework risk factor, with statuses, evidence, section links and progress.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
pub mod fields;
pub mod progress;
#[cfg(feature = "ssr")]
pub mod save;
pub mod template_api;
#[cfg(feature = "ssr")]
pub mod template_db;
pub mod ui;
pub mod views;
