//! Memos of read queries, so that a page view does not cost a round trip to the database for
//! facts that have not changed since the last view (who the session belongs to, their role on
//! the plan, the section's text and its rendering).
//!
//! Correctness rests on one rule: every write goes through [`super::Db::write`], and when the
//! write lane is released the generation moves on, which makes every memo taken before it
//! stale. A memo is stamped with the generation read *before* its query ran, so a write that
//! lands while the query is in flight also makes that result stale. Writes from another
//! process (the `create-admin` command; several servers over PostgreSQL) do not move this
//! process's generation, so memos also expire after [`MEMO_TTL`].

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a memo may be served without this process having seen a write: the bound on how
/// stale a read can be when another process wrote.
pub const MEMO_TTL: Duration = Duration::from_secs(5);

/// Beyond this many entries the memo table is emptied rather than grown: memory stays bounded
/// and the next views simply fill it again.
const CAPACITY: usize = 4096;

type Entry = (u64, Instant, Arc<dyn Any + Send + Sync>);

/// The memo table and the write generation it is checked against.
#[derive(Default)]
pub struct Memos {
    generation: AtomicU64,
    entries: Mutex<HashMap<(&'static str, String), Entry>>,
}

impl std::fmt::Debug for Memos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memos")
            .field("generation", &self.generation.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Memos {
    /// The current write generation.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Marks everything memoised so far as stale.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The value memoised under `(space, key)` if it is still fresh.
    pub fn get<V: Clone + Send + Sync + 'static>(
        &self,
        space: &'static str,
        key: &str,
    ) -> Option<V> {
        let current = self.generation();
        let entries = self.entries.lock().ok()?;
        let (generation, at, value) = entries.get(&(space, key.to_owned()))?;
        if *generation != current || at.elapsed() > MEMO_TTL {
            return None;
        }
        value.downcast_ref::<V>().cloned()
    }

    /// Memoises `value`, read from the database at `generation`.
    pub fn put<V: Send + Sync + 'static>(
        &self,
        space: &'static str,
        key: String,
        generation: u64,
        value: V,
    ) {
        if generation != self.generation() {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY {
            entries.retain(|_, (g, at, _)| *g == generation && at.elapsed() <= MEMO_TTL);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert((space, key), (generation, Instant::now(), Arc::new(value)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_is_served_until_a_write_happens() {
        let memos = Memos::default();
        let g = memos.generation();
        memos.put("space", "k".into(), g, 7_i64);
        assert_eq!(memos.get::<i64>("space", "k"), Some(7));
        memos.changed();
        assert_eq!(memos.get::<i64>("space", "k"), None);
    }

    #[test]
    fn a_result_read_before_a_write_is_not_memoised() {
        let memos = Memos::default();
        let read_at = memos.generation();
        memos.changed();
        memos.put("space", "k".into(), read_at, 7_i64);
        assert_eq!(memos.get::<i64>("space", "k"), None);
    }

    #[test]
    fn spaces_and_types_do_not_mix() {
        let memos = Memos::default();
        let g = memos.generation();
        memos.put("a", "k".into(), g, 7_i64);
        assert_eq!(memos.get::<i64>("b", "k"), None);
        assert_eq!(memos.get::<String>("a", "k"), None);
    }

    #[test]
    fn the_table_stays_bounded() {
        let memos = Memos::default();
        let g = memos.generation();
        for i in 0..(CAPACITY * 2) {
            memos.put("space", i.to_string(), g, i);
        }
        let len = memos.entries.lock().map(|e| e.len()).unwrap_or(usize::MAX);
        assert!(len <= CAPACITY);
    }
}
