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

/// The most the values in the table may weigh together (as their callers weigh them), and the
/// most one may weigh to be kept at all: a section with a great many comments is read again
/// rather than allowed to crowd out everyone else's memos.
const BUDGET_BYTES: usize = 64 << 20;
const MAX_ENTRY_BYTES: usize = 1 << 20;

/// `(generation, taken at, weight in bytes, value)`.
type Entry = (u64, Instant, usize, Arc<dyn Any + Send + Sync>);

/// The memo table and the write generation it is checked against.
#[derive(Default)]
pub struct Memos {
    generation: AtomicU64,
    entries: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    map: HashMap<(&'static str, String), Entry>,
    bytes: usize,
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
        let (generation, at, _, value) = entries.map.get(&(space, key.to_owned()))?;
        if *generation != current || at.elapsed() > MEMO_TTL {
            return None;
        }
        value.downcast_ref::<V>().cloned()
    }

    /// Memoises `value`, read from the database at `generation` and weighing `bytes` (a value
    /// heavier than [`MAX_ENTRY_BYTES`] is not kept).
    pub fn put<V: Send + Sync + 'static>(
        &self,
        space: &'static str,
        key: String,
        generation: u64,
        value: V,
        bytes: usize,
    ) {
        if generation != self.generation() || bytes > MAX_ENTRY_BYTES {
            return;
        }
        let Ok(mut table) = self.entries.lock() else {
            return;
        };
        if table.map.len() >= CAPACITY || table.bytes + bytes > BUDGET_BYTES {
            table
                .map
                .retain(|_, (g, at, _, _)| *g == generation && at.elapsed() <= MEMO_TTL);
            table.bytes = table.map.values().map(|(_, _, b, _)| b).sum();
            if table.map.len() >= CAPACITY || table.bytes + bytes > BUDGET_BYTES {
                table.map.clear();
                table.bytes = 0;
            }
        }
        let entry = (generation, Instant::now(), bytes, Arc::new(value) as Arc<_>);
        if let Some((_, _, replaced, _)) = table.map.insert((space, key), entry) {
            table.bytes -= replaced;
        }
        table.bytes += bytes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_is_served_until_a_write_happens() {
        let memos = Memos::default();
        let g = memos.generation();
        memos.put("space", "k".into(), g, 7_i64, 8);
        assert_eq!(memos.get::<i64>("space", "k"), Some(7));
        memos.changed();
        assert_eq!(memos.get::<i64>("space", "k"), None);
    }

    #[test]
    fn a_result_read_before_a_write_is_not_memoised() {
        let memos = Memos::default();
        let read_at = memos.generation();
        memos.changed();
        memos.put("space", "k".into(), read_at, 7_i64, 8);
        assert_eq!(memos.get::<i64>("space", "k"), None);
    }

    #[test]
    fn spaces_and_types_do_not_mix() {
        let memos = Memos::default();
        let g = memos.generation();
        memos.put("a", "k".into(), g, 7_i64, 8);
        assert_eq!(memos.get::<i64>("b", "k"), None);
        assert_eq!(memos.get::<String>("a", "k"), None);
    }

    #[test]
    fn the_table_stays_bounded() {
        let memos = Memos::default();
        let g = memos.generation();
        for i in 0..(CAPACITY * 2) {
            memos.put("space", i.to_string(), g, i, 8);
        }
        let len = memos
            .entries
            .lock()
            .map(|e| e.map.len())
            .unwrap_or(usize::MAX);
        assert!(len <= CAPACITY);
    }

    #[test]
    fn the_table_stays_within_its_byte_budget() {
        let memos = Memos::default();
        let g = memos.generation();
        for i in 0..200 {
            memos.put("space", i.to_string(), g, i, MAX_ENTRY_BYTES);
        }
        let bytes = memos.entries.lock().map(|e| e.bytes).unwrap_or(usize::MAX);
        assert!(bytes <= BUDGET_BYTES, "{bytes}");
        assert_eq!(memos.get::<i32>("space", "199"), Some(199));
    }

    #[test]
    fn a_value_too_heavy_to_keep_is_read_again() {
        let memos = Memos::default();
        let g = memos.generation();
        memos.put("space", "k".into(), g, 7_i64, MAX_ENTRY_BYTES + 1);
        assert_eq!(memos.get::<i64>("space", "k"), None);
    }
}
