//! Section review and the plan's approval rule: editors submit a section, reviewers from the
//! plan's organisations approve the exact version under review or request changes, and a
//! section is approved once the rule (minimum approvals per kind of organisation) is met.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod version_db;
pub mod views;
