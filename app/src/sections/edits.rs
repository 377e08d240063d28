//! Edit scripts between two sequences (paragraphs, lines, words): Myers' diff, stopped at a
//! deadline, and nothing else.
//!
//! similar 2's ready-made diffs (`capture_diff_slices`, `TextDiff`) also "compact" the script,
//! and that step can emit operations whose positions contradict their order (similar issues
//! #78 and #95, fixed in similar 3.1.1): a merge placing paragraphs by those positions put text
//! in the wrong place, or panicked. Myers' own script comes in order with consistent positions,
//! which is all the merge and the comparison of revisions need.
//!
//! Past the deadline Myers stops looking for what the sequences share and reports what is left
//! as replaced: still a true script from one to the other, only a coarser one.

use std::time::Instant;

use similar::algorithms::{myers, Capture, Replace};
use similar::DiffOp;

/// The operations turning `old` into `new`, in order: each `Equal`, `Delete`, `Insert` or
/// `Replace` starts where the one before it ended, in both sequences.
pub fn edits<T: PartialEq>(old: &[T], new: &[T], deadline: Instant) -> Vec<DiffOp> {
    let mut script = Replace::new(Capture::new());
    let done = myers::diff_deadline(
        &mut script,
        old,
        0..old.len(),
        new,
        0..new.len(),
        Some(deadline),
    );
    // Capturing operations cannot fail.
    if let Err(never) = done {
        match never {}
    }
    script.into_inner().into_ops()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::Duration;

    /// `old` with the script applied by the positions it names.
    fn apply<T: Clone>(old: &[T], new: &[T], script: &[DiffOp]) -> Vec<T> {
        let (mut out, mut at, mut new_at) = (Vec::new(), 0, 0);
        for op in script {
            let (from, to) = (op.old_range(), op.new_range());
            assert_eq!((from.start, to.start), (at, new_at), "{script:?}");
            match op {
                DiffOp::Equal { .. } => out.extend_from_slice(&old[from.clone()]),
                _ => out.extend_from_slice(&new[to.clone()]),
            }
            (at, new_at) = (from.end, to.end);
        }
        assert_eq!((at, new_at), (old.len(), new.len()));
        out
    }

    #[test]
    fn positions_follow_the_order_where_compaction_broke_them() {
        // similar 2.7's capture_diff_slices reports the insertion of "b", "d" at position 1,
        // before the "d" its previous operation kept.
        let (old, new) = (["a", "d"], ["d", "b", "d"]);
        let script = edits(&old, &new, Instant::now() + Duration::from_secs(5));
        assert_eq!(apply(&old, &new, &script), new);
    }

    proptest! {
        #[test]
        fn a_script_turns_old_into_new_with_or_without_time(
            old in prop::collection::vec(0u8..4, 0..12),
            new in prop::collection::vec(0u8..4, 0..12),
            expired: bool,
        ) {
            let deadline = if expired { Instant::now() } else { Instant::now() + Duration::from_secs(5) };
            let script = edits(&old, &new, deadline);
            prop_assert_eq!(apply(&old, &new, &script), new);
        }
    }
}
