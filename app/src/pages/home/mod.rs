//! Home: what waits for the signed-in person across their plans.

pub mod api;
mod page;

pub use page::HomePage;
