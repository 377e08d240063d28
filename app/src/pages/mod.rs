//! The top floor: the site header and navigation, and the pages that compose several
//! features. Nothing below imports from here.

pub mod audit;
pub mod header;
pub mod home;
#[cfg(feature = "ssr")]
pub mod live;
pub mod members;
pub mod organisation;
pub mod people;
pub mod plan;
pub mod routes;
pub mod section;
