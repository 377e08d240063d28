//! The integration tests, in one binary: each test starts the real server on 127.0.0.1:0 with
//! a fresh SQLite file and drives it over HTTP with a cookie jar (`helpers`). One module per
//! area of the application.

mod helpers;

mod access;
mod accounts;
mod administration;
mod audit;
mod checklist;
mod comments;
mod crash;
mod delivery;
mod page_cache;
mod plans;
mod reviews;
mod security;
mod startup;
mod storage;
mod write_path;
