//! A word-level comparison of two revisions, for reading rather than patching.

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};

/// Whether a run of text is in both revisions, only the newer, or only the older.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// In both.
    Same,
    /// Added in the newer revision.
    Added,
    /// Removed from the older revision.
    Removed,
}

/// A run of text with one [`Change`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffPart {
    /// What happened to it.
    pub change: Change,
    /// The text, whitespace included.
    pub text: String,
}

/// Compares `old` and `new` word by word, merging neighbouring words with the same change.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffPart> {
    let diff = TextDiff::from_words(old, new);
    let mut parts: Vec<DiffPart> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => Change::Same,
            ChangeTag::Insert => Change::Added,
            ChangeTag::Delete => Change::Removed,
        };
        match parts.last_mut() {
            Some(last) if last.change == kind => last.text.push_str(change.value()),
            _ => parts.push(DiffPart {
                change: kind,
                text: change.value().to_owned(),
            }),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_changed_words_only() {
        let parts = word_diff(
            "civilian oversight of the police",
            "civilian oversight of the army and police",
        );
        let added: String = parts
            .iter()
            .filter(|p| p.change == Change::Added)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(added.trim(), "army and");
        assert!(parts.iter().all(|p| p.change != Change::Removed));
        let rebuilt_new: String = parts
            .iter()
            .filter(|p| p.change != Change::Removed)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(rebuilt_new, "civilian oversight of the army and police");
    }

    #[test]
    fn identical_texts_are_one_same_run() {
        assert_eq!(
            word_diff("a b", "a b"),
            vec![DiffPart {
                change: Change::Same,
                text: "a b".into()
            }]
        );
    }
}
