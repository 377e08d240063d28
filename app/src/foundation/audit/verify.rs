//! Verifying the trail against its signed checkpoints: pure, so each way of tampering has a
//! unit test. The chain is walked from its first entry (edits, gaps, broken links), then
//! every checkpoint whose signature holds must match the chain's hash at its count: a
//! checkpoint counting more entries than the trail has means a missing tail, one whose hash
//! differs means a rewritten (and re-hashed) chain. Entries newer than the latest checkpoint
//! hash correctly or not, but removing some from the end would not show yet, so they are
//! counted apart instead of being called verified.

use super::chain::{walk, GENESIS};
use super::checkpoint::{Checkpoint, PublicKey, SignatureFault};
use super::domain::{seqs, AuditEntry, ChainFault};
use crate::foundation::ui::format_time;

/// One thing wrong, in words an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Finding {
    /// Inside the chain: an edited entry, a gap, a broken link.
    #[error("{0}")]
    Chain(ChainFault),
    /// The trail ends before a signed checkpoint's count: entries were removed from the end.
    #[error("missing tail: the checkpoint signed {} counted {count} entries, but the trail ends at entry {last_seq}; {} removed", format_time(*signed_at), were(*last_seq + 1, *count))]
    MissingTail {
        /// The checkpoint's count.
        count: i64,
        /// When it was signed.
        signed_at: i64,
        /// The trail's last entry.
        last_seq: i64,
    },
    /// The chain's hash at a checkpoint's count is not the one signed.
    #[error("re-hashed chain: the trail's hash at entry {count} differs from the one signed {}; entries after {since} up to {count} were rewritten and the chain re-hashed (or removed and replaced){}", format_time(*signed_at), later(*also))]
    Rehashed {
        /// The first checkpoint that does not match.
        count: i64,
        /// When it was signed.
        signed_at: i64,
        /// The count of the last checkpoint before it that still matches (0 if none).
        since: i64,
        /// How many later checkpoints do not match either.
        also: usize,
    },
    /// A checkpoint line whose signature does not hold: forged or altered.
    #[error("bad signature: checkpoint line {line} is not validly signed (forged or altered)")]
    BadSignature {
        /// Its line in the checkpoint file.
        line: usize,
    },
    /// A checkpoint line signed by a key other than the trusted one.
    #[error("unknown key: checkpoint line {line} was signed by key {key}, not by the trusted key")]
    UnknownKey {
        line: usize,
        /// The key id it names.
        key: String,
    },
    /// A line that is not a checkpoint at all.
    #[error(
        "unreadable checkpoint: line {line} of the checkpoint file is not a checkpoint ({reason})"
    )]
    Malformed {
        line: usize,
        /// Why.
        reason: String,
    },
    /// No validly signed checkpoint: nothing binds the trail's length or head.
    #[error("no signed checkpoint: nothing shows whether entries were removed from the end or the chain re-hashed (a server signs one at every start)")]
    NoCheckpoint,
}

fn were(from: i64, to: i64) -> String {
    if from == to {
        format!("entry {from} was")
    } else {
        format!("{} were", seqs(from, to))
    }
}

fn later(also: usize) -> String {
    match also {
        0 => String::new(),
        n => format!(" ({n} later checkpoint(s) do not match either)"),
    }
}

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// How many entries the trail holds.
    pub entries: usize,
    /// Its last entry's position (0 when empty).
    pub last_seq: i64,
    /// How many checkpoints are validly signed by the trusted key.
    pub checkpoints: usize,
    /// The validly signed checkpoint with the highest count.
    pub latest: Option<Checkpoint>,
    /// Everything wrong, chain first.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Nothing wrong.
    pub fn intact(&self) -> bool {
        self.findings.is_empty()
    }

    /// How many entries are newer than the latest checkpoint (not yet covered by one).
    pub fn newer_than_latest(&self) -> i64 {
        let covered = self.latest.as_ref().map_or(0, |c| c.count);
        (self.last_seq - covered).max(0)
    }
}

/// Checks `entries` (the whole trail, in `seq` order) against the checkpoint file's `lines`
/// (as [`super::checkpoint::parse_file`] reads them), trusting checkpoints signed by `key`.
pub fn verify(
    entries: &[AuditEntry],
    lines: &[(usize, Result<Checkpoint, String>)],
    key: &PublicKey,
) -> Report {
    let mut findings: Vec<Finding> = walk(1, GENESIS, entries)
        .into_iter()
        .map(Finding::Chain)
        .collect();
    let last_seq = entries.last().map_or(0, |e| e.seq);

    let mut valid = Vec::new();
    for (line, parsed) in lines {
        match parsed {
            Err(reason) => findings.push(Finding::Malformed {
                line: *line,
                reason: reason.clone(),
            }),
            Ok(c) => match key.check(c) {
                Ok(()) => valid.push(c.clone()),
                Err(SignatureFault::Bad) => findings.push(Finding::BadSignature { line: *line }),
                Err(SignatureFault::UnknownKey(k)) => findings.push(Finding::UnknownKey {
                    line: *line,
                    key: k,
                }),
            },
        }
    }
    valid.sort_by_key(|c| (c.count, c.at));

    // The hash at each checkpoint's count, from the entries as stored.
    let hash_at = |count: i64| -> Option<&str> {
        if count == 0 {
            return Some(GENESIS);
        }
        entries
            .binary_search_by_key(&count, |e| e.seq)
            .ok()
            .map(|i| entries[i].hash.as_str())
    };
    let mut since = 0;
    let mut first_mismatch: Option<&Checkpoint> = None;
    let mut also = 0;
    for c in valid.iter().filter(|c| c.count <= last_seq) {
        match hash_at(c.count) {
            // A removed entry at exactly this count is reported as a gap already.
            None => {}
            Some(h) if h == c.head && first_mismatch.is_none() => since = c.count,
            Some(h) if h == c.head => {}
            Some(_) => match first_mismatch {
                None => first_mismatch = Some(c),
                Some(_) => also += 1,
            },
        }
    }
    if let Some(c) = first_mismatch {
        findings.push(Finding::Rehashed {
            count: c.count,
            signed_at: c.at,
            since,
            also,
        });
    }
    if let Some(c) = valid.iter().rev().find(|c| c.count > last_seq) {
        findings.push(Finding::MissingTail {
            count: c.count,
            signed_at: c.at,
            last_seq,
        });
    }
    if valid.is_empty() {
        findings.push(Finding::NoCheckpoint);
    }
    Report {
        entries: entries.len(),
        last_seq,
        checkpoints: valid.len(),
        latest: valid.last().cloned(),
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::audit::chain::tests::{chain, rehash_from};
    use crate::foundation::audit::checkpoint::SigningKey;

    struct Setup {
        key: SigningKey,
        entries: Vec<AuditEntry>,
        lines: Vec<(usize, Result<Checkpoint, String>)>,
    }

    /// A trail of `n` entries with checkpoints signed at each of `counts`.
    fn setup(n: i64, counts: &[i64]) -> Setup {
        let key = SigningKey::generate();
        let entries = chain(n);
        let lines = counts
            .iter()
            .enumerate()
            .map(|(i, &count)| {
                let head = if count == 0 {
                    GENESIS.to_owned()
                } else {
                    entries[count as usize - 1].hash.clone()
                };
                (i + 1, Ok(key.sign(count, &head, 1_700_000_000 + count)))
            })
            .collect();
        Setup {
            key,
            entries,
            lines,
        }
    }

    impl Setup {
        fn verify(&self) -> Report {
            verify(&self.entries, &self.lines, &self.key.public())
        }
    }

    #[test]
    fn a_clean_trail_verifies_and_counts_entries_newer_than_the_latest_checkpoint() {
        let s = setup(10, &[0, 4, 8]);
        let r = s.verify();
        assert_eq!(r.findings, vec![]);
        assert!(r.intact());
        assert_eq!((r.entries, r.last_seq, r.checkpoints), (10, 10, 3));
        assert_eq!(r.latest.as_ref().map(|c| c.count), Some(8));
        assert_eq!(r.newer_than_latest(), 2);
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut s = setup(10, &[8]);
        s.entries[2].ip = Some("203.0.113.9".into());
        assert_eq!(
            s.verify().findings,
            vec![Finding::Chain(ChainFault::Edited { seq: 3 })]
        );
    }

    #[test]
    fn deleting_the_last_entries_is_a_missing_tail() {
        let mut s = setup(10, &[4, 8]);
        s.entries.truncate(6);
        let r = s.verify();
        assert_eq!(
            r.findings,
            vec![Finding::MissingTail {
                count: 8,
                signed_at: 1_700_000_008,
                last_seq: 6
            }]
        );
        assert!(
            r.findings[0]
                .to_string()
                .contains("entries 7-8 were removed"),
            "{}",
            r.findings[0]
        );
    }

    #[test]
    fn deleting_entries_newer_than_the_latest_checkpoint_cannot_show() {
        // The limit of any checkpoint: hence checkpoints every few minutes.
        let mut s = setup(10, &[8]);
        s.entries.truncate(9);
        let r = s.verify();
        assert!(r.intact());
        assert_eq!(r.newer_than_latest(), 1);
    }

    #[test]
    fn deleting_a_middle_entry_is_a_gap() {
        let mut s = setup(10, &[8]);
        s.entries.remove(4);
        s.entries.remove(4);
        assert_eq!(
            s.verify().findings,
            vec![Finding::Chain(ChainFault::Gap { from: 5, to: 6 })]
        );
    }

    #[test]
    fn deleting_from_an_entry_on_is_a_missing_tail_at_the_latest_checkpoint() {
        let mut s = setup(10, &[2, 5, 9]);
        s.entries.truncate(3);
        let f = s.verify().findings;
        assert_eq!(
            f,
            vec![Finding::MissingTail {
                count: 9,
                signed_at: 1_700_000_009,
                last_seq: 3
            }]
        );
    }

    #[test]
    fn a_rewritten_and_rehashed_chain_is_named_with_the_last_checkpoint_that_matches() {
        let mut s = setup(10, &[2, 5, 7, 9]);
        s.entries[5].subject = "forged".into();
        rehash_from(&mut s.entries, 5);
        assert_eq!(
            s.verify().findings,
            vec![Finding::Rehashed {
                count: 7,
                signed_at: 1_700_000_007,
                since: 5,
                also: 1
            }]
        );
    }

    #[test]
    fn a_tail_removed_and_written_again_is_a_rewritten_chain() {
        let mut s = setup(6, &[5]);
        s.entries.truncate(3);
        let mut more = chain(6);
        // Different entries 4-6 on top of the first three.
        more[3].subject = "new".into();
        s.entries.extend(more.drain(3..));
        rehash_from(&mut s.entries, 3);
        assert!(matches!(
            s.verify().findings[..],
            [Finding::Rehashed {
                count: 5,
                since: 0,
                ..
            }]
        ));
    }

    #[test]
    fn bad_signatures_unknown_keys_and_unreadable_lines_are_named() {
        let mut s = setup(4, &[2, 4]);
        if let Ok(c) = &mut s.lines[0].1 {
            c.count = 3;
            c.head = s.entries[2].hash.clone();
        }
        let stranger = SigningKey::generate().sign(4, &s.entries[3].hash, 1);
        s.lines.push((3, Ok(stranger.clone())));
        s.lines.push((4, Err("expected value".into())));
        let r = s.verify();
        assert_eq!(
            r.findings,
            vec![
                Finding::BadSignature { line: 1 },
                Finding::UnknownKey {
                    line: 3,
                    key: stranger.key
                },
                Finding::Malformed {
                    line: 4,
                    reason: "expected value".into()
                },
            ]
        );
        assert_eq!(r.checkpoints, 1);
    }

    #[test]
    fn a_trail_without_any_signed_checkpoint_is_not_intact() {
        let s = setup(3, &[]);
        assert_eq!(s.verify().findings, vec![Finding::NoCheckpoint]);
    }

    #[test]
    fn an_empty_trail_with_its_checkpoint_verifies() {
        let s = setup(0, &[0]);
        let r = s.verify();
        assert!(r.intact(), "{:?}", r.findings);
        assert_eq!(r.newer_than_latest(), 0);
    }
}
