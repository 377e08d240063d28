//! Text typed in this browser and not yet confirmed by the server, kept in local storage so a
//! reload, a dropped connection or a crashed tab loses nothing.
//!
//! Computers are shared in ministries and NGO offices, so a draft belongs to a person: every
//! key carries the person's id and a page only ever reads the keys of the person viewing it.
//! Logging out removes every draft in the browser (before the logout form is sent), and a page
//! viewed by someone signed in removes every draft that is not theirs, so a logout that ran
//! without JavaScript (or a session that simply expired) leaves nothing readable for the next
//! person past their first page.

/// Every draft's storage key starts with this (drafts from before they were kept per person
/// started with it too, so clearing by prefix removes those as well).
const PREFIX: &str = "upstream.draft.";

/// Where one draft is kept: whose it is and which field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftKey {
    person: i64,
    place: String,
}

impl DraftKey {
    /// The draft of `person` for the field named `place` (`section-12`, `reply-7`, ...).
    pub fn new(person: i64, place: impl Into<String>) -> Self {
        Self {
            person,
            place: place.into(),
        }
    }

    /// The same person's draft for another field (a companion slot of this one).
    pub fn with_suffix(&self, suffix: &str) -> Self {
        Self::new(self.person, format!("{}.{suffix}", self.place))
    }

    /// The local-storage key.
    pub fn storage_key(&self) -> String {
        format!("{}{}", person_prefix(self.person), self.place)
    }
}

/// What every storage key of `person`'s drafts starts with. The trailing dot keeps person 1's
/// prefix from matching person 12's keys.
fn person_prefix(person: i64) -> String {
    format!("{PREFIX}person-{person}.")
}

/// Whether the storage key `key` holds a draft that must go when `person` is the one signed
/// in: any draft that is not theirs (another person's, or one from before drafts had owners).
pub fn belongs_to_someone_else(key: &str, person: i64) -> bool {
    key.starts_with(PREFIX) && !key.starts_with(&person_prefix(person))
}

/// Whether the storage key `key` holds a draft at all.
pub fn is_draft(key: &str) -> bool {
    key.starts_with(PREFIX)
}

#[cfg(feature = "hydrate")]
mod storage {
    use super::DraftKey;

    fn store() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn load(key: &DraftKey) -> Option<String> {
        store()?.get_item(&key.storage_key()).ok()?
    }

    pub fn save(key: &DraftKey, text: &str) {
        if let Some(s) = store() {
            // A full storage quota is not worth interrupting the person for; the text is
            // still in the page.
            let _ = s.set_item(&key.storage_key(), text);
        }
    }

    pub fn clear(key: &DraftKey) {
        if let Some(s) = store() {
            let _ = s.remove_item(&key.storage_key());
        }
    }

    /// Removes every draft whose storage key `doomed` picks.
    pub fn remove_where(doomed: impl Fn(&str) -> bool) {
        let Some(s) = store() else {
            return;
        };
        let len = s.length().unwrap_or(0);
        // Collect first: removing while walking the indices would skip keys.
        let keys: Vec<String> = (0..len)
            .filter_map(|i| s.key(i).ok().flatten())
            .filter(|k| doomed(k))
            .collect();
        for k in keys {
            let _ = s.remove_item(&k);
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod storage {
    use super::DraftKey;

    pub fn load(_key: &DraftKey) -> Option<String> {
        None
    }
    pub fn save(_key: &DraftKey, _text: &str) {}
    pub fn clear(_key: &DraftKey) {}
    pub fn remove_where(_doomed: impl Fn(&str) -> bool) {}
}

pub use storage::{clear, load, save};

/// Removes every draft in this browser, whoever's: at logout, nothing typed here may stay
/// behind for the next person.
pub fn clear_all() {
    storage::remove_where(is_draft);
}

/// Removes every draft that is not `person`'s: run on each page a signed-in person views, so
/// drafts left by someone whose logout ran without JavaScript go at the next person's login.
pub fn keep_only(person: i64) {
    storage::remove_where(|k| belongs_to_someone_else(k, person));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_key_names_its_person_and_field() {
        assert_eq!(
            DraftKey::new(7, "section-12").storage_key(),
            "upstream.draft.person-7.section-12"
        );
        assert_eq!(
            DraftKey::new(7, "section-12")
                .with_suffix("older")
                .storage_key(),
            "upstream.draft.person-7.section-12.older"
        );
    }

    #[test]
    fn only_the_signed_in_persons_drafts_are_kept() {
        let mine = DraftKey::new(1, "section-3").storage_key();
        let theirs = DraftKey::new(12, "section-3").storage_key();
        assert!(!belongs_to_someone_else(&mine, 1));
        assert!(belongs_to_someone_else(&theirs, 1));
        // Person 1's prefix must not cover person 12's keys, nor 12's cover 1's.
        assert!(belongs_to_someone_else(&mine, 12));
        // Drafts from before they had owners (keyed by section alone) belong to no one.
        assert!(belongs_to_someone_else("upstream.draft.3", 1));
        // Other things in local storage are left alone.
        assert!(!belongs_to_someone_else("theme", 1));
        assert!(!is_draft("theme"));
        assert!(is_draft("upstream.draft.3"));
    }
}
