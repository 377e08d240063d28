//! Three-way merge of section bodies, paragraph by paragraph (diff3 over Markdown blocks).
//!
//! Two people who changed different paragraphs since the same base both keep their work;
//! two people who changed the same paragraph differently get a conflict, never an overwrite.
//!
//! Each side is compared with the base by Myers' diff, whose time grows with the number of
//! paragraphs times how many changed: a body of thousands of short paragraphs, all rewritten,
//! would keep a core busy for minutes. The comparisons share a deadline; past it, Myers stops
//! looking for paragraphs the two texts share and reports the rest as replaced. That is still a
//! true account of the change, only a coarser one, so the merge stays correct: the coarse
//! change overlaps the other side's and comes back as a conflict showing both, never as text
//! lost.

use std::time::{Duration, Instant};

use similar::DiffOp;

use super::edits::edits;

/// How long a merge may spend comparing paragraphs before settling for coarser changes.
pub const MERGE_TIME: Duration = Duration::from_secs(1);

/// Splits a body into paragraphs: runs of lines separated by blank lines.
pub fn blocks(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n");
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

/// Joins paragraphs back into a body.
pub fn join(blocks: &[String]) -> String {
    blocks.join("\n\n")
}

/// The canonical form every saved body is stored in, so that formatting noise (line endings,
/// extra blank lines, trailing spaces) never shows up as a change.
pub fn normalise(text: &str) -> String {
    join(&blocks(text))
}

/// A stretch of the merge result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    /// Paragraphs both sides agree on (after taking each side's one-sided changes).
    Resolved(Vec<String>),
    /// Paragraphs both sides changed differently.
    Conflict {
        /// What the base had here.
        base: Vec<String>,
        /// What the person saving wrote here.
        mine: Vec<String>,
        /// What the other person saved here.
        theirs: Vec<String>,
    },
}

/// The result of merging two edits of the same base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// The chunks in order.
    pub chunks: Vec<Chunk>,
}

impl Merge {
    /// True when no paragraph conflicts.
    pub fn is_clean(&self) -> bool {
        self.chunks.iter().all(|c| matches!(c, Chunk::Resolved(_)))
    }

    /// The merged body, with each conflict resolved in favour of `mine`: the starting point
    /// offered to the person who must resolve the conflicts.
    pub fn text_preferring_mine(&self) -> String {
        let mut out = Vec::new();
        for chunk in &self.chunks {
            match chunk {
                Chunk::Resolved(b) => out.extend(b.iter().cloned()),
                Chunk::Conflict { mine, .. } => out.extend(mine.iter().cloned()),
            }
        }
        join(&out)
    }

    /// The merged body when clean.
    pub fn clean_text(&self) -> Option<String> {
        self.is_clean().then(|| self.text_preferring_mine())
    }

    /// The conflicting passages.
    pub fn conflicts(&self) -> impl Iterator<Item = (&[String], &[String], &[String])> {
        self.chunks.iter().filter_map(|c| match c {
            Chunk::Conflict { base, mine, theirs } => {
                Some((base.as_slice(), mine.as_slice(), theirs.as_slice()))
            }
            Chunk::Resolved(_) => None,
        })
    }
}

/// One side's change to the base: paragraphs `start..end` replaced by `with`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hunk {
    start: usize,
    end: usize,
    with: Vec<String>,
    mine: bool,
}

fn hunks(base: &[String], other: &[String], mine: bool, deadline: Instant) -> Vec<Hunk> {
    let mut out: Vec<Hunk> = Vec::new();
    for op in edits(base, other, deadline) {
        let (old, new) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index..old_index + old_len, new_index..new_index),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index..old_index, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            ),
        };
        match out.last_mut() {
            // Consecutive edit operations form one change.
            Some(last) if last.end == old.start => {
                last.end = old.end;
                last.with.extend_from_slice(&other[new]);
            }
            _ => out.push(Hunk {
                start: old.start,
                end: old.end,
                with: other[new].to_vec(),
                mine,
            }),
        }
    }
    out
}

/// Whether `h` touches the same base paragraphs as a group spanning `start..end`. Changes to
/// neighbouring paragraphs do not; two insertions at the same place do.
fn touches(start: usize, end: usize, h: &Hunk) -> bool {
    let overlap = h.start < end && start < h.end;
    let inserted_inside = h.start == h.end && start < h.start && h.start < end;
    let same_insertion_point = start == end && h.start == h.end && h.start == start;
    overlap || inserted_inside || same_insertion_point
}

/// The base paragraphs `start..end` with one side's hunks applied.
fn apply(base: &[String], start: usize, end: usize, hunks: &[&Hunk]) -> Vec<String> {
    let mut out = Vec::new();
    let mut pos = start;
    for h in hunks {
        out.extend_from_slice(&base[pos..h.start]);
        out.extend(h.with.iter().cloned());
        pos = h.end;
    }
    out.extend_from_slice(&base[pos..end]);
    out
}

/// Merges `mine` and `theirs`, two edits of `base`, comparing paragraphs until `deadline`
/// (see the module documentation for what happens after it).
pub fn merge3(base: &str, mine: &str, theirs: &str, deadline: Instant) -> Merge {
    let (base, mine, theirs) = (blocks(base), blocks(mine), blocks(theirs));
    let mut all = hunks(&base, &mine, true, deadline);
    all.extend(hunks(&base, &theirs, false, deadline));
    // Insertions at a point sort before a replacement starting there, as they are emitted.
    all.sort_by_key(|h| (h.start, h.end, !h.mine));

    // Group changes that touch the same paragraphs.
    let mut groups: Vec<(usize, usize, Vec<&Hunk>)> = Vec::new();
    for h in &all {
        match groups.last_mut() {
            Some((start, end, members)) if touches(*start, *end, h) => {
                *start = (*start).min(h.start);
                *end = (*end).max(h.end);
                members.push(h);
            }
            _ => groups.push((h.start, h.end, vec![h])),
        }
    }

    let mut chunks: Vec<Chunk> = Vec::new();
    let push_resolved = |chunks: &mut Vec<Chunk>, blocks: Vec<String>| {
        if blocks.is_empty() {
            return;
        }
        if let Some(Chunk::Resolved(last)) = chunks.last_mut() {
            last.extend(blocks);
        } else {
            chunks.push(Chunk::Resolved(blocks));
        }
    };
    let mut pos = 0;
    for (start, end, members) in &groups {
        push_resolved(&mut chunks, base[pos..*start].to_vec());
        let mine_hunks: Vec<&Hunk> = members.iter().copied().filter(|h| h.mine).collect();
        let their_hunks: Vec<&Hunk> = members.iter().copied().filter(|h| !h.mine).collect();
        let mine_text = apply(&base, *start, *end, &mine_hunks);
        let their_text = apply(&base, *start, *end, &their_hunks);
        if mine_hunks.is_empty() || their_hunks.is_empty() || mine_text == their_text {
            let text = if mine_hunks.is_empty() {
                their_text
            } else {
                mine_text
            };
            push_resolved(&mut chunks, text);
        } else {
            chunks.push(Chunk::Conflict {
                base: base[*start..*end].to_vec(),
                mine: mine_text,
                theirs: their_text,
            });
        }
        pos = *end;
    }
    push_resolved(&mut chunks, base[pos..].to_vec());
    Merge { chunks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::testing::finishes_within;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    const BASE: &str = "Intro paragraph.\n\nSecurity paragraph.\n\nJustice paragraph.";

    #[test]
    fn changes_to_different_paragraphs_merge_cleanly() {
        let mine = "Intro paragraph, revised by the ministry.\n\nSecurity paragraph.\n\nJustice paragraph.";
        let theirs = "Intro paragraph.\n\nSecurity paragraph.\n\nJustice paragraph, revised by civil society.";
        let m = merge3(BASE, mine, theirs, soon());
        assert_eq!(
            m.clean_text().as_deref(),
            Some("Intro paragraph, revised by the ministry.\n\nSecurity paragraph.\n\nJustice paragraph, revised by civil society.")
        );
    }

    #[test]
    fn overlapping_changes_conflict_and_keep_both_versions() {
        let mine = "Intro paragraph.\n\nSecurity: civilian oversight first.\n\nJustice paragraph.";
        let theirs = "Intro paragraph.\n\nSecurity: vetting first.\n\nJustice paragraph.";
        let m = merge3(BASE, mine, theirs, soon());
        assert!(!m.is_clean());
        let conflicts: Vec<_> = m.conflicts().collect();
        assert_eq!(conflicts.len(), 1);
        let (base, mine_part, theirs_part) = conflicts[0];
        assert_eq!(base, ["Security paragraph."]);
        assert_eq!(mine_part, ["Security: civilian oversight first."]);
        assert_eq!(theirs_part, ["Security: vetting first."]);
        assert_eq!(m.text_preferring_mine(), mine);
    }

    #[test]
    fn identical_edits_merge_to_one_copy() {
        let both = "Intro paragraph.\n\nSecurity paragraph, same fix.\n\nJustice paragraph.";
        assert_eq!(
            merge3(BASE, both, both, soon()).clean_text().as_deref(),
            Some(both)
        );
    }

    #[test]
    fn empty_base_with_one_side_writing_takes_that_side() {
        assert_eq!(
            merge3("", "First draft.", "", soon())
                .clean_text()
                .as_deref(),
            Some("First draft.")
        );
        assert_eq!(
            merge3("", "", "Their draft.", soon())
                .clean_text()
                .as_deref(),
            Some("Their draft.")
        );
    }

    #[test]
    fn empty_base_with_both_sides_writing_differently_conflicts() {
        let m = merge3("", "My draft.", "Their draft.", soon());
        assert!(!m.is_clean());
    }

    #[test]
    fn insertions_at_different_places_both_survive() {
        let mine = "New opening.\n\nIntro paragraph.\n\nSecurity paragraph.\n\nJustice paragraph.";
        let theirs =
            "Intro paragraph.\n\nSecurity paragraph.\n\nJustice paragraph.\n\nNew closing.";
        assert_eq!(
            merge3(BASE, mine, theirs, soon()).clean_text().as_deref(),
            Some("New opening.\n\nIntro paragraph.\n\nSecurity paragraph.\n\nJustice paragraph.\n\nNew closing.")
        );
    }

    #[test]
    fn deletion_and_edit_of_another_paragraph_merge() {
        let mine = "Intro paragraph.\n\nJustice paragraph.";
        let theirs = "Intro paragraph, edited.\n\nSecurity paragraph.\n\nJustice paragraph.";
        assert_eq!(
            merge3(BASE, mine, theirs, soon()).clean_text().as_deref(),
            Some("Intro paragraph, edited.\n\nJustice paragraph.")
        );
    }

    #[test]
    fn deleting_a_paragraph_the_other_edited_conflicts() {
        let mine = "Intro paragraph.\n\nJustice paragraph.";
        let theirs = "Intro paragraph.\n\nSecurity paragraph, expanded.\n\nJustice paragraph.";
        assert!(!merge3(BASE, mine, theirs, soon()).is_clean());
    }

    #[test]
    fn changes_to_neighbouring_paragraphs_merge() {
        let m = merge3("p1\n\np2", "p1\n\np2 mine", "p1 theirs\n\np2", soon());
        assert_eq!(m.clean_text().as_deref(), Some("p1 theirs\n\np2 mine"));
    }

    #[test]
    fn two_insertions_at_the_same_place_conflict() {
        assert!(!merge3("a\n\nb", "a\n\nmine\n\nb", "a\n\ntheirs\n\nb", soon()).is_clean());
    }

    #[test]
    fn normalising_ignores_line_endings_and_extra_blank_lines() {
        assert_eq!(normalise("a  \r\n\r\n\r\n\r\nb\n"), "a\n\nb");
    }

    #[test]
    fn a_merge_of_thousands_of_rewritten_paragraphs_stops_at_its_deadline_and_keeps_both() {
        let side = |tag: &str| {
            (0..40_000)
                .map(|i| format!("{tag}{i}"))
                .collect::<Vec<_>>()
                .join("\n\n")
        };
        let (base, mine, theirs) = (side("base"), side("mine"), side("theirs"));
        let m = finishes_within(Duration::from_secs(20), {
            let (mine, theirs) = (mine.clone(), theirs.clone());
            move || {
                merge3(
                    &base,
                    &mine,
                    &theirs,
                    Instant::now() + Duration::from_millis(100),
                )
            }
        });
        assert!(!m.is_clean());
        assert_eq!(m.text_preferring_mine(), mine);
        let shown_theirs: Vec<String> = m.conflicts().flat_map(|(_, _, t)| t.to_vec()).collect();
        assert_eq!(join(&shown_theirs), theirs);
    }

    /// Bodies of a few paragraphs from a small stock, so that sides share, repeat and move them.
    fn body() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(vec!["a", "b", "c", "d", "e"]), 0..8)
            .prop_map(|paragraphs| paragraphs.join("\n\n"))
    }

    /// The paragraphs of `side` that `base` does not have: what its author wrote.
    fn written(side: &str, base: &str) -> Vec<String> {
        let before: HashSet<String> = blocks(base).into_iter().collect();
        blocks(side)
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect()
    }

    fn deadline(expired: bool) -> Instant {
        if expired {
            Instant::now()
        } else {
            soon()
        }
    }

    proptest! {
        #[test]
        fn a_merge_never_loses_a_paragraph_either_side_wrote(
            base in body(), mine in body(), theirs in body(), expired: bool,
        ) {
            let m = merge3(&base, &mine, &theirs, deadline(expired));
            // Mine: in the text offered to the person saving.
            let offered: HashSet<String> = blocks(&m.text_preferring_mine()).into_iter().collect();
            for p in written(&mine, &base) {
                prop_assert!(offered.contains(&p), "{p:?} of mine lost");
            }
            // Theirs: merged in, or shown in a conflict.
            let mut shown: HashSet<String> = HashSet::new();
            for chunk in &m.chunks {
                match chunk {
                    Chunk::Resolved(b) => shown.extend(b.iter().cloned()),
                    Chunk::Conflict { theirs, .. } => shown.extend(theirs.iter().cloned()),
                }
            }
            for p in written(&theirs, &base) {
                prop_assert!(shown.contains(&p), "{p:?} of theirs lost");
            }
        }

        #[test]
        fn a_change_on_one_side_only_merges_to_that_side(
            base in body(), other in body(), expired: bool,
        ) {
            let expected = Some(normalise(&other));
            prop_assert_eq!(merge3(&base, &other, &base, deadline(expired)).clean_text(), expected.clone());
            prop_assert_eq!(merge3(&base, &base, &other, deadline(expired)).clean_text(), expected);
        }
    }
}
