//! Live: what changed, told to the pages that show it as it happens.
//!
//! Features announce a change after it has committed ([`publish`]); the bus ([`bus`]) hands
//! every announcement to the open event streams, which pass on only what their reader may see
//! ([`event::reaches`]); in the browser, [`client`] turns what arrives into signals that the
//! pages' resources follow. The bus is the one place events pass through, so an instance of
//! the app that learns of changes from the database (several instances over PostgreSQL) only
//! needs another implementation of [`bus::EventBus`].

#[cfg(feature = "ssr")]
pub mod bus;
pub mod client;
pub mod event;
#[cfg(feature = "ssr")]
pub mod pg_bus;
#[cfg(feature = "ssr")]
pub mod presence;

pub use event::{Change, LiveEvent, Present};

/// Announces `change` to plan `plan_id`'s readers (or, without a plan, to the people it
/// names). Call it after the change has committed: a page that refetches on the event must
/// find the change there.
#[cfg(feature = "ssr")]
pub fn publish(db: &crate::db::Db, plan_id: Option<i64>, change: Change) {
    db.events().publish(LiveEvent { plan_id, change });
}
