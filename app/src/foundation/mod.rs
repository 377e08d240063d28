//! The foundation floor: what every feature shares, and nothing that belongs to one feature.
//! Modules here import only each other, [`crate::db`] and [`crate::error`]; features import
//! them, never the reverse (a test in `app/tests/floors.rs` checks it).

pub mod audit;
pub mod calendar;
pub mod countries;
#[cfg(feature = "ssr")]
pub mod cpu;
pub mod drafts;
#[cfg(feature = "ssr")]
pub mod flash;
pub mod form_return;
pub mod frameworks;
pub mod live;
pub mod loaded;
pub mod markdown;
pub mod people;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod session_store;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(test)]
pub mod testing;
pub mod text;
pub mod ui;
pub mod viewer;
pub mod when;
