//! Who has which plan open: every open event stream of a plan page is one presence, held for as
//! long as the stream is. When someone arrives or leaves, the plan's readers are told who is
//! there now, at most a few times a second however many come and go (a whole office opening
//! the plan at nine costs one announcement, not one per person times the people present).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::event::Present;
use crate::db::Db;

/// How long changes gather before the plan's readers are told.
const GATHER: Duration = Duration::from_millis(300);

/// The open plan pages of this process.
#[derive(Default)]
pub struct PresenceBoard {
    next: AtomicU64,
    plans: Mutex<HashMap<i64, BTreeMap<u64, Present>>>,
    /// Plans with an announcement already on its way.
    announcing: Mutex<HashSet<i64>>,
}

/// One open page; leaving (dropping it) removes it from the board.
pub struct Presence {
    db: Db,
    plan: i64,
    id: u64,
}

impl Drop for Presence {
    fn drop(&mut self) {
        let board = self.db.shared::<PresenceBoard>();
        let mut plans = board
            .plans
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(open) = plans.get_mut(&self.plan) {
            open.remove(&self.id);
            if open.is_empty() {
                plans.remove(&self.plan);
            }
        }
        drop(plans);
        announce(&self.db, self.plan);
    }
}

/// Records `present` on plan `plan` until the returned [`Presence`] is dropped.
pub fn arrive(db: &Db, plan: i64, present: Present) -> Presence {
    let board = db.shared::<PresenceBoard>();
    let id = board.next.fetch_add(1, Ordering::Relaxed);
    board
        .plans
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(plan)
        .or_default()
        .insert(id, present);
    announce(db, plan);
    Presence {
        db: db.clone(),
        plan,
        id,
    }
}

/// The pages open on plan `plan` on this instance, one entry a page.
fn open_here(db: &Db, plan: i64) -> Vec<Present> {
    let board = db.shared::<PresenceBoard>();
    let plans = board
        .plans
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    plans
        .get(&plan)
        .map(|o| o.values().cloned().collect::<Vec<_>>())
        .unwrap_or_default()
}

/// Who is there, from the open pages: one entry a person and section (a person with the
/// section open in two tabs, one of them editing, is there once, editing), by name.
pub fn gather(open: Vec<Present>) -> Vec<Present> {
    let mut by_place: BTreeMap<(i64, Option<i64>), Present> = BTreeMap::new();
    for p in open {
        by_place
            .entry((p.person_id, p.section_id))
            .and_modify(|known| known.editing |= p.editing)
            .or_insert(p);
    }
    let mut list: Vec<Present> = by_place.into_values().collect();
    list.sort_by(|a, b| {
        (&a.name, a.person_id, a.section_id).cmp(&(&b.name, b.person_id, b.section_id))
    });
    list
}

/// Tells plan `plan`'s readers who is there, once the changes of the next moment have
/// gathered (one announcement in flight a plan).
fn announce(db: &Db, plan: i64) {
    let board = db.shared::<PresenceBoard>();
    let first = board
        .announcing
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(plan);
    if !first {
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let db = db.clone();
    runtime.spawn(async move {
        tokio::time::sleep(GATHER).await;
        let board = db.shared::<PresenceBoard>();
        board
            .announcing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&plan);
        db.events().publish_presence(plan, open_here(&db, plan));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn present(person_id: i64, name: &str, section_id: Option<i64>, editing: bool) -> Present {
        Present {
            person_id,
            name: name.into(),
            organisation: None,
            section_id,
            editing,
        }
    }

    #[test]
    fn a_person_in_several_tabs_is_there_once_a_section_editing_if_any_tab_edits() {
        let list = gather(vec![
            present(2, "Tomas", Some(5), false),
            present(1, "Lina", Some(5), false),
            present(1, "Lina", Some(5), true),
            present(1, "Lina", None, false),
        ]);
        assert_eq!(
            list,
            vec![
                present(1, "Lina", None, false),
                present(1, "Lina", Some(5), true),
                present(2, "Tomas", Some(5), false),
            ]
        );
    }
}
