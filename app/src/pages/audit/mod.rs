//! The audit trail's pages: `/plans/:id/audit` for plan leads and `/admin/audit` for
//! administrators, with the queries and filter that read the trail.

pub mod about;
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod filter;
pub mod ui;
pub mod withhold;
