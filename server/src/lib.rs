//! The Upstream server: configuration, start-up, middleware and operator commands.

#![recursion_limit = "512"]

pub mod assets;
pub mod cli;
pub mod config;
pub mod demo;
pub mod form_return;
pub mod forwarded;
pub mod page_cache;
pub mod page_compression;
pub mod security;
pub mod serving_lock;
pub mod startup;
pub mod telemetry;
