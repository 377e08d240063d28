//! The integration tests, in one binary: each test starts the real server on 127.0.0.1:0 with
//! a fresh SQLite file and drives it over HTTP with a cookie jar (`helpers`). One module per
//! area of the application.

mod helpers;

mod access;
mod accounts;
mod administration;
mod audit;
mod audit_checkpoints;
mod audit_export;
mod backups;
mod checklist;
mod comments;
mod content_bounds;
mod crash;
mod delivery;
mod forms;
mod home;
mod hostile_text;
mod instances;
mod invitations;
mod live;
mod migrate_to;
mod page_cache;
mod passwords;
mod plans;
mod reviews;
mod security;
mod startup;
mod storage;
mod wording;
mod write_path;
