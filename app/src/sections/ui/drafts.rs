//! A section's text being typed, kept in the browser (per person, see
//! [`crate::foundation::drafts`]) until the server confirms the save, with the version it was
//! typed on so a later save can merge it with what others saved meanwhile.

use crate::foundation::drafts::{self, DraftKey};

/// A draft: the version it was based on, and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The section version the text was typed on top of.
    pub base_version: i64,
    /// The text.
    pub body: String,
}

impl Draft {
    fn encode(&self) -> String {
        format!("{}\n{}", self.base_version, self.body)
    }

    fn decode(raw: &str) -> Option<Self> {
        let (version, body) = raw.split_once('\n')?;
        Some(Self {
            base_version: version.parse().ok()?,
            body: body.to_owned(),
        })
    }
}

/// Where `person`'s draft of section `section` is kept.
pub fn key(person: i64, section: i64) -> DraftKey {
    DraftKey::new(person, format!("section-{section}"))
}

/// A draft set aside until the person decides what to do with it (it was typed on an older
/// version, or they typed something else before the page was ready), so typing meanwhile,
/// which replaces the draft under [`key`], cannot silently overwrite it.
fn aside(key: &DraftKey) -> DraftKey {
    key.with_suffix("set-aside")
}

/// The draft under `key`, if any.
pub fn load(key: &DraftKey) -> Option<Draft> {
    Draft::decode(&drafts::load(key)?)
}

/// Keeps `draft` under `key`.
pub fn save(key: &DraftKey, draft: &Draft) {
    drafts::save(key, &draft.encode());
}

/// Forgets the draft under `key` (the set-aside one stays until decided on).
pub fn clear(key: &DraftKey) {
    drafts::clear(key);
}

/// The draft set aside for a decision, if any.
pub fn load_aside(key: &DraftKey) -> Option<Draft> {
    Draft::decode(&drafts::load(&aside(key))?)
}

/// Sets `draft` aside for a decision.
pub fn set_aside(key: &DraftKey, draft: &Draft) {
    drafts::save(&aside(key), &draft.encode());
}

/// Forgets the set-aside draft (restored or discarded).
pub fn clear_aside(key: &DraftKey) {
    drafts::clear(&aside(key));
}

/// What to do at start-up with the draft kept in this browser, `kept`, for a section now
/// saved at `version` with text `saved`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnOpen {
    /// Nothing worth bringing back (no draft, or it is the saved text): forget it.
    Forget,
    /// Typed on the version shown: bring it back into the editor.
    Restore(Draft),
    /// Typed on an older version: the saved text changed meanwhile, so ask first.
    Ask(Draft),
}

/// Decides [`OnOpen`] for the draft `kept` when the page holds `saved` at `version`.
pub fn on_open(kept: Option<Draft>, saved: &str, version: i64) -> OnOpen {
    match kept {
        None => OnOpen::Forget,
        Some(d) if d.body == saved => OnOpen::Forget,
        Some(d) if d.base_version == version => OnOpen::Restore(d),
        Some(d) => OnOpen::Ask(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(base_version: i64, body: &str) -> Draft {
        Draft {
            base_version,
            body: body.to_owned(),
        }
    }

    #[test]
    fn a_draft_reads_back_as_written() {
        let d = draft(4, "first line\n\nsecond paragraph");
        assert_eq!(Draft::decode(&d.encode()), Some(d));
        assert_eq!(Draft::decode("not a draft"), None);
    }

    #[test]
    fn a_draft_on_the_version_shown_comes_back_without_asking() {
        assert_eq!(
            on_open(Some(draft(3, "mine")), "saved", 3),
            OnOpen::Restore(draft(3, "mine"))
        );
    }

    #[test]
    fn a_draft_on_an_older_version_asks_first() {
        assert_eq!(
            on_open(Some(draft(2, "mine")), "saved", 5),
            OnOpen::Ask(draft(2, "mine"))
        );
    }

    #[test]
    fn a_draft_that_is_the_saved_text_is_forgotten() {
        assert_eq!(on_open(Some(draft(2, "saved")), "saved", 5), OnOpen::Forget);
        assert_eq!(on_open(None, "saved", 5), OnOpen::Forget);
    }
}
