//! A comparison of two revisions for reading rather than patching: word by word where time
//! allows, changed paragraphs shown whole where it does not.
//!
//! Myers' diff takes time proportional to the texts' length times how much they differ, and
//! two revisions of 15,000 different words took 73 s. So the texts are compared line by line
//! first (a section's paragraphs and list items are its lines), and only the stretches of
//! lines that changed are compared word by word, everything before one deadline. A stretch the
//! deadline leaves (or one that would make the comparison unreadably long) is shown whole,
//! removed then added, and the comparison says it is not word by word. Either way the parts
//! rebuild both texts exactly.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use similar::DiffOp;

use super::edits::edits;

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

/// How long a comparison may take before changed stretches are shown whole: well inside what
/// a reader waits for a page.
pub const DIFF_TIME: Duration = Duration::from_millis(500);

/// The most parts a comparison shows: beyond it, the page would be too long to read (and to
/// send over a slow link), so further changed stretches are shown whole.
pub const MAX_PARTS: usize = 5_000;

/// Two texts compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared {
    /// The runs of text in order, neighbours with the same change merged.
    pub parts: Vec<DiffPart>,
    /// False when some changed stretch is shown whole rather than word by word.
    pub word_by_word: bool,
}

/// Appends `text` with `change`, merged into the last part when that has the same change.
fn push(parts: &mut Vec<DiffPart>, change: Change, text: &str) {
    if text.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some(last) if last.change == change => last.text.push_str(text),
        _ => parts.push(DiffPart {
            change,
            text: text.to_owned(),
        }),
    }
}

/// `text` cut into words and the runs of whitespace between them.
fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut space = None;
    for (at, c) in text.char_indices() {
        let here = Some(c.is_whitespace());
        if space.is_some() && here != space {
            out.push(&text[start..at]);
            start = at;
        }
        space = here;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The parts turning the tokens `old` into `new`, by the script [`edits`] finds.
fn marked(old: &[&str], new: &[&str], deadline: Instant) -> Vec<DiffPart> {
    let mut parts = Vec::new();
    for op in edits(old, new, deadline) {
        let (from, to) = (op.old_range(), op.new_range());
        match op {
            DiffOp::Equal { .. } => push(&mut parts, Change::Same, &old[from].concat()),
            _ => {
                push(&mut parts, Change::Removed, &old[from].concat());
                push(&mut parts, Change::Added, &new[to].concat());
            }
        }
    }
    parts
}

/// Compares `old` and `new`: line by line, then the changed stretches word by word, all
/// before `deadline` (see the module documentation).
pub fn diff_revisions(old: &str, new: &str, deadline: Instant) -> Compared {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let mut out = Compared {
        parts: Vec::new(),
        word_by_word: true,
    };
    for op in edits(&old_lines, &new_lines, deadline) {
        let (from, to) = (op.old_range(), op.new_range());
        let (removed, added) = (old_lines[from].concat(), new_lines[to].concat());
        match op {
            DiffOp::Equal { .. } => push(&mut out.parts, Change::Same, &removed),
            // Only removed or only added: shown whole, which is exact.
            DiffOp::Delete { .. } | DiffOp::Insert { .. } => {
                push(&mut out.parts, Change::Removed, &removed);
                push(&mut out.parts, Change::Added, &added);
            }
            DiffOp::Replace { .. } => {
                // Myers gives up at the deadline, reporting the rest as replaced: correct, but
                // not the word-by-word comparison it would claim to be.
                let by_word = (Instant::now() < deadline)
                    .then(|| marked(&words(&removed), &words(&added), deadline))
                    .filter(|parts| {
                        Instant::now() < deadline && out.parts.len() + parts.len() <= MAX_PARTS
                    });
                match by_word {
                    Some(parts) => {
                        for p in parts {
                            push(&mut out.parts, p.change, &p.text);
                        }
                    }
                    None => {
                        out.word_by_word = false;
                        push(&mut out.parts, Change::Removed, &removed);
                        push(&mut out.parts, Change::Added, &added);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::testing::finishes_within;
    use proptest::prelude::*;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    fn rebuilt(parts: &[DiffPart], skip: Change) -> String {
        parts
            .iter()
            .filter(|p| p.change != skip)
            .map(|p| p.text.as_str())
            .collect()
    }

    fn only(parts: &[DiffPart], change: Change) -> String {
        parts
            .iter()
            .filter(|p| p.change == change)
            .map(|p| p.text.as_str())
            .collect()
    }

    /// Deterministic prose of `words` words from a small vocabulary, a paragraph every 120.
    fn prose(seed: u64, words: usize) -> String {
        const VOCAB: [&str; 12] = [
            "civilian",
            "oversight",
            "security",
            "reform",
            "justice",
            "police",
            "the",
            "of",
            "and",
            "to",
            "plan",
            "risk",
        ];
        let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        let mut out = String::new();
        for i in 0..words {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out.push_str(VOCAB[(x % VOCAB.len() as u64) as usize]);
            out.push_str(if i % 120 == 119 { ".\n\n" } else { " " });
        }
        out
    }

    #[test]
    fn marks_changed_words_only() {
        let c = diff_revisions(
            "civilian oversight of the police",
            "civilian oversight of the army and police",
            soon(),
        );
        assert!(c.word_by_word);
        assert_eq!(only(&c.parts, Change::Added).trim(), "army and");
        assert!(c.parts.iter().all(|p| p.change != Change::Removed));
        assert_eq!(
            rebuilt(&c.parts, Change::Removed),
            "civilian oversight of the army and police"
        );
    }

    #[test]
    fn identical_texts_are_one_same_run() {
        assert_eq!(
            diff_revisions("a b", "a b", soon()).parts,
            vec![DiffPart {
                change: Change::Same,
                text: "a b".into()
            }]
        );
    }

    #[test]
    fn text_is_cut_into_words_and_the_space_between() {
        assert_eq!(
            words(" two  words\n"),
            vec![" ", "two", "  ", "words", "\n"]
        );
        assert!(words("").is_empty());
    }

    #[test]
    fn unchanged_paragraphs_stay_whole_and_changed_ones_are_compared_by_word() {
        let old = "Intro stays.\n\nSecurity sector reform first.\n\nJustice stays.";
        let new = "Intro stays.\n\nSecurity sector vetting first.\n\nJustice stays.";
        let c = diff_revisions(old, new, soon());
        assert!(c.word_by_word);
        assert_eq!(only(&c.parts, Change::Removed), "reform");
        assert_eq!(only(&c.parts, Change::Added), "vetting");
        assert_eq!(rebuilt(&c.parts, Change::Removed), new);
    }

    #[test]
    fn very_different_revisions_are_shown_by_paragraph_when_time_runs_out() {
        let (old, new) = (prose(1, 15_000), prose(2, 15_000));
        let c = finishes_within(Duration::from_secs(20), {
            let (old, new) = (old.clone(), new.clone());
            move || diff_revisions(&old, &new, Instant::now() + Duration::from_millis(100))
        });
        assert!(!c.word_by_word);
        assert_eq!(rebuilt(&c.parts, Change::Added), old);
        assert_eq!(rebuilt(&c.parts, Change::Removed), new);
    }

    #[test]
    fn a_comparison_too_long_to_read_shows_the_rest_whole() {
        // Every other word changed: word by word this would be ~6,000 parts.
        let old: String = (0..3_000).map(|i| format!("same{i} old{i} ")).collect();
        let new: String = (0..3_000).map(|i| format!("same{i} new{i} ")).collect();
        let c = diff_revisions(&old, &new, Instant::now() + Duration::from_secs(30));
        assert!(c.parts.len() <= MAX_PARTS);
        assert!(!c.word_by_word);
        assert_eq!(rebuilt(&c.parts, Change::Added), old);
    }

    proptest! {
        #[test]
        fn the_parts_rebuild_both_texts_with_or_without_time(
            old in "([ab ]{0,6}\n{0,2}){0,8}",
            new in "([ab ]{0,6}\n{0,2}){0,8}",
            expired: bool,
        ) {
            let deadline = if expired { Instant::now() } else { soon() };
            let c = diff_revisions(&old, &new, deadline);
            prop_assert_eq!(rebuilt(&c.parts, Change::Added), old);
            prop_assert_eq!(rebuilt(&c.parts, Change::Removed), new);
        }
    }
}
