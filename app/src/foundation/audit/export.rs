//! A plan's trail as a file a partner can verify offline, without trusting the server's word
//! (the format is documented in the README, "Verifying a plan's trail").
//!
//! A plan's entries cannot be re-hashed without the entries of other plans between them, and
//! those are not the partner's to read. So the file holds, from the plan's first entry up to a
//! signed checkpoint, every entry of the chain: the plan's own in full, every other one as just
//! its plan and its salted content digest (format 2), from which its link can still be
//! recomputed. Recomputing every link from the start must arrive at the signed head, which
//! proves the plan's entries are unaltered, and that no entry of the plan was left out or
//! passed off as another's (its plan is part of its link). Entries written before format 2
//! can only be given with their stated hash; the verifier counts them.

use serde::{Deserialize, Serialize};

use super::checkpoint::Checkpoint;

/// The `format` every export of this layout carries.
pub const FORMAT: &str = "upstream-audit-export/1";

/// A plan's trail with what proves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditExport {
    /// Always [`FORMAT`].
    pub format: String,
    pub plan: ExportPlan,
    /// When the file was made (unix seconds).
    pub exported_at: i64,
    /// The Ed25519 key that signed the checkpoint (64 hex digits).
    pub public_key: String,
    /// SHA-256 of the key, which the operator publishes.
    pub fingerprint: String,
    /// The signed head the entries lead to.
    pub checkpoint: Checkpoint,
    /// Where the entries start: the first one's position and the hash before it.
    pub start: ExportStart,
    /// Every entry from `start.seq` to `checkpoint.count`, in order.
    pub entries: Vec<ExportEntry>,
}

/// Which plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportPlan {
    pub id: i64,
    /// Its title when exported (not covered by any hash).
    pub title: String,
}

/// Where the entries start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportStart {
    /// The first entry's position: the plan's first entry.
    pub seq: i64,
    /// The hash of the entry before it (the genesis value before entry 1).
    pub prev_hash: String,
}

/// One entry of the chain in an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ExportEntry {
    /// One of the plan's entries, in full.
    Plan {
        /// Position.
        seq: i64,
        /// When (unix seconds).
        at: i64,
        /// Who (person id).
        person: Option<i64>,
        /// Their name when exported (not covered by any hash: a reading aid).
        person_name: Option<String>,
        /// From where.
        ip: Option<String>,
        /// Kind, as stored.
        kind: String,
        plan_id: Option<i64>,
        /// About what.
        subject: String,
        /// Particulars (JSON).
        details: String,
        /// The salt (format 2).
        salt: Option<String>,
        /// The hash of the entry before it, as stored.
        prev_hash: String,
        /// The hash as stored.
        hash: String,
    },
    /// Another plan's or the platform's entry of format 2: its plan and content digest.
    Other {
        /// Position.
        seq: i64,
        /// Its plan, if any.
        plan_id: Option<i64>,
        /// Its salted content digest.
        digest: String,
    },
    /// Another entry written before format 2: only its stated hash.
    OtherV1 {
        /// Position.
        seq: i64,
        /// Its hash as stored.
        hash: String,
    },
}

impl ExportEntry {
    /// Its position.
    pub fn seq(&self) -> i64 {
        match self {
            ExportEntry::Plan { seq, .. }
            | ExportEntry::Other { seq, .. }
            | ExportEntry::OtherV1 { seq, .. } => *seq,
        }
    }
}

#[cfg(feature = "ssr")]
pub use check::{verify_export, ExportFinding, ExportReport};

#[cfg(feature = "ssr")]
mod check {
    use super::*;
    use crate::foundation::audit::chain::{entry_hash, entry_hash_v1, is_v2, link_hash, Content};
    use crate::foundation::audit::checkpoint::{PublicKey, SignatureFault};
    use crate::foundation::audit::domain::seqs;

    /// Something wrong with an export.
    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    pub enum ExportFinding {
        /// Not an export of this format.
        #[error("not an Upstream audit export of format {FORMAT} (found {0:?})")]
        Format(String),
        /// The public key cannot be read, or its stated fingerprint is not its own.
        #[error(
            "the export's public key is unreadable or does not have the fingerprint it states"
        )]
        KeyMismatch,
        /// The key is not the one whose fingerprint the verifier was given.
        #[error("the export was signed with key {found}, not with the published key {expected}")]
        NotPublished {
            /// The fingerprint given.
            expected: String,
            /// The export's.
            found: String,
        },
        /// The checkpoint is not signed by the export's key.
        #[error("bad signature: the checkpoint is not validly signed by the export's key")]
        BadSignature,
        /// Entries missing from the export.
        #[error("{} missing from the export", seqs(*from, *to))]
        Missing {
            /// First.
            from: i64,
            /// Last.
            to: i64,
        },
        /// An entry out of order, repeated, or beyond the checkpoint.
        #[error("entry {seq} is out of order, repeated, or beyond the checkpoint")]
        Misplaced {
            /// The entry.
            seq: i64,
        },
        /// One of the plan's entries does not follow from the entries before it.
        #[error("broken link: entry {seq} does not follow from the entries before it (one of them was changed, removed or passed off as another plan's)")]
        Unlinked {
            /// The entry.
            seq: i64,
        },
        /// One of the plan's entries does not hash to the hash it states.
        #[error("edited entry: entry {seq} does not hash to its stated hash (changed after it was written)")]
        Edited {
            /// The entry.
            seq: i64,
        },
        /// An entry given in full that is not the plan's.
        #[error("entry {seq} is given in full but is not this plan's")]
        Foreign {
            /// The entry.
            seq: i64,
        },
        /// An entry of the plan given only as a digest.
        #[error("hidden entry: entry {seq} belongs to this plan but its content was left out")]
        Hidden {
            /// The entry.
            seq: i64,
        },
        /// A format-1 entry after format-2 ones, which the server never writes.
        #[error("entry {seq} claims the old format after entries of the new one")]
        FormatRegressed {
            /// The entry.
            seq: i64,
        },
        /// The recomputed chain does not end at the signed head.
        #[error("the entries do not lead to the signed head: some were changed, removed or passed off as others")]
        HeadMismatch,
    }

    /// What verifying an export found.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ExportReport {
        pub plan: ExportPlan,
        /// The fingerprint of the key in the export.
        pub fingerprint: String,
        /// The checkpoint's count.
        pub count: i64,
        /// When it was signed.
        pub signed_at: i64,
        /// The first entry covered.
        pub first_seq: i64,
        /// How many of the plan's entries it holds.
        pub plan_entries: usize,
        /// Entries before format 2 whose links could only be taken as stated.
        pub stated_links: usize,
        /// Whether it starts with the plan's creation.
        pub starts_at_creation: bool,
        /// Whether the key was checked against a published fingerprint.
        pub published_checked: bool,
        /// Everything wrong.
        pub findings: Vec<ExportFinding>,
    }

    impl ExportReport {
        /// Nothing wrong.
        pub fn intact(&self) -> bool {
            self.findings.is_empty()
        }
    }

    /// Verifies `export` on its own: its key against its fingerprint (and against `published`,
    /// the fingerprint the operator published, when given), the checkpoint's signature, and
    /// every link from its first entry to the signed head.
    pub fn verify_export(export: &AuditExport, published: Option<&str>) -> ExportReport {
        let mut findings = Vec::new();
        if export.format != FORMAT {
            findings.push(ExportFinding::Format(export.format.clone()));
        }
        let key = PublicKey::from_hex(&export.public_key)
            .filter(|k| k.fingerprint() == export.fingerprint);
        match &key {
            None => findings.push(ExportFinding::KeyMismatch),
            Some(key) => match key.check(&export.checkpoint) {
                Ok(()) => {}
                Err(SignatureFault::Bad | SignatureFault::UnknownKey(_)) => {
                    findings.push(ExportFinding::BadSignature)
                }
            },
        }
        if let Some(expected) = published {
            let expected: String = expected.chars().filter(|c| c.is_ascii_hexdigit()).collect();
            if !expected.eq_ignore_ascii_case(&export.fingerprint) {
                findings.push(ExportFinding::NotPublished {
                    expected,
                    found: export.fingerprint.clone(),
                });
            }
        }

        let plan_id = export.plan.id;
        let count = export.checkpoint.count;
        let mut prev = export.start.prev_hash.clone();
        let mut expected = export.start.seq;
        let mut seen_v2 = false;
        let mut plan_entries = 0;
        let mut stated_links = 0;
        for e in &export.entries {
            let seq = e.seq();
            if seq > expected && seq <= count {
                findings.push(ExportFinding::Missing {
                    from: expected,
                    to: seq - 1,
                });
            } else if seq != expected || seq > count {
                findings.push(ExportFinding::Misplaced { seq });
            }
            match e {
                ExportEntry::Plan {
                    seq,
                    at,
                    person,
                    ip,
                    kind,
                    plan_id: of,
                    subject,
                    details,
                    salt,
                    prev_hash,
                    hash,
                    ..
                } => {
                    plan_entries += 1;
                    if *of != Some(plan_id) {
                        findings.push(ExportFinding::Foreign { seq: *seq });
                    }
                    let content = Content {
                        seq: *seq,
                        at: *at,
                        person: *person,
                        ip: ip.as_deref(),
                        kind,
                        plan_id: *of,
                        subject,
                        details,
                    };
                    if *prev_hash != prev {
                        findings.push(ExportFinding::Unlinked { seq: *seq });
                    }
                    let computed = if is_v2(hash) {
                        seen_v2 = true;
                        salt.as_deref().map(|s| entry_hash(prev_hash, s, &content))
                    } else {
                        if seen_v2 {
                            findings.push(ExportFinding::FormatRegressed { seq: *seq });
                        }
                        Some(entry_hash_v1(prev_hash, &content))
                    };
                    if computed.as_deref() != Some(hash.as_str()) {
                        findings.push(ExportFinding::Edited { seq: *seq });
                    }
                    // Carry on from the stated hash, so one break is named once (the signed
                    // head still binds the stated hashes: see the final check).
                    prev = hash.clone();
                }
                ExportEntry::Other {
                    seq,
                    plan_id: of,
                    digest,
                } => {
                    if *of == Some(plan_id) {
                        findings.push(ExportFinding::Hidden { seq: *seq });
                    }
                    seen_v2 = true;
                    prev = link_hash(&prev, *seq, *of, digest);
                }
                ExportEntry::OtherV1 { seq, hash } => {
                    if seen_v2 || is_v2(hash) {
                        findings.push(ExportFinding::FormatRegressed { seq: *seq });
                    }
                    stated_links += 1;
                    prev = hash.clone();
                }
            }
            expected = seq + 1;
        }
        if expected <= count {
            findings.push(ExportFinding::Missing {
                from: expected,
                to: count,
            });
        }
        if prev != export.checkpoint.head {
            findings.push(ExportFinding::HeadMismatch);
        }
        let starts_at_creation = matches!(
            export.entries.first(),
            Some(ExportEntry::Plan { kind, details, .. })
                if kind == "plan_change" && details.contains("plan created")
        );
        ExportReport {
            plan: export.plan.clone(),
            fingerprint: export.fingerprint.clone(),
            count,
            signed_at: export.checkpoint.at,
            first_seq: export.start.seq,
            plan_entries,
            stated_links,
            starts_at_creation,
            published_checked: published.is_some(),
            findings,
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::foundation::audit::chain::tests::{chain, entry, rehash_from};
    use crate::foundation::audit::chain::{content, content_digest, GENESIS};
    use crate::foundation::audit::checkpoint::SigningKey;
    use crate::foundation::audit::domain::AuditEntry;

    /// Plan 7's export of `entries` (every third entry is plan 7's), signed at the last.
    fn export_of(entries: &[AuditEntry], key: &SigningKey) -> AuditExport {
        let first = entries.iter().position(|e| e.plan_id == Some(7)).unwrap();
        let last = entries.last().unwrap();
        AuditExport {
            format: FORMAT.into(),
            plan: ExportPlan {
                id: 7,
                title: "Plan".into(),
            },
            exported_at: 1,
            public_key: key.public().to_hex(),
            fingerprint: key.public().fingerprint(),
            checkpoint: key.sign(last.seq, &last.hash, 2),
            start: ExportStart {
                seq: entries[first].seq,
                prev_hash: entries[first].prev_hash.clone(),
            },
            entries: entries[first..].iter().map(export_entry).collect(),
        }
    }

    fn export_entry(e: &AuditEntry) -> ExportEntry {
        if e.plan_id == Some(7) {
            ExportEntry::Plan {
                seq: e.seq,
                at: e.at,
                person: e.person,
                person_name: None,
                ip: e.ip.clone(),
                kind: e.kind.clone(),
                plan_id: e.plan_id,
                subject: e.subject.clone(),
                details: e.details.clone(),
                salt: e.salt.clone(),
                prev_hash: e.prev_hash.clone(),
                hash: e.hash.clone(),
            }
        } else if let Some(salt) = &e.salt {
            ExportEntry::Other {
                seq: e.seq,
                plan_id: e.plan_id,
                digest: content_digest(salt, &content(e)),
            }
        } else {
            ExportEntry::OtherV1 {
                seq: e.seq,
                hash: e.hash.clone(),
            }
        }
    }

    fn findings(export: &AuditExport) -> Vec<ExportFinding> {
        verify_export(export, None).findings
    }

    #[test]
    fn an_honest_export_verifies() {
        let key = SigningKey::generate();
        let export = export_of(&chain(10), &key);
        let r = verify_export(&export, Some(&key.public().fingerprint().to_uppercase()));
        assert_eq!(r.findings, vec![]);
        assert_eq!(
            (r.first_seq, r.count, r.plan_entries, r.stated_links),
            (3, 10, 3, 0)
        );
    }

    #[test]
    fn an_export_survives_a_round_trip_through_json() {
        let key = SigningKey::generate();
        let export = export_of(&chain(4), &key);
        let text = serde_json::to_string(&export).unwrap();
        assert!(text.contains("\"type\":\"other\""), "{text}");
        assert_eq!(serde_json::from_str::<AuditExport>(&text).unwrap(), export);
    }

    #[test]
    fn an_edited_plan_entry_is_named() {
        let key = SigningKey::generate();
        let mut export = export_of(&chain(10), &key);
        if let ExportEntry::Plan { subject, .. } = &mut export.entries[3] {
            *subject = "forged".into();
        }
        assert_eq!(findings(&export), vec![ExportFinding::Edited { seq: 6 }]);
    }

    #[test]
    fn a_plan_entry_left_out_or_passed_off_as_anothers_shows() {
        let key = SigningKey::generate();
        let entries = chain(10);
        let mut export = export_of(&entries, &key);
        // Sealed but honest about its plan: named as hidden.
        export.entries[3] = ExportEntry::Other {
            seq: 6,
            plan_id: Some(7),
            digest: content_digest(entries[5].salt.as_deref().unwrap(), &content(&entries[5])),
        };
        assert_eq!(findings(&export), vec![ExportFinding::Hidden { seq: 6 }]);
        // Sealed and claimed for another plan: the chain no longer reaches the signed head.
        if let ExportEntry::Other { plan_id, .. } = &mut export.entries[3] {
            *plan_id = Some(8);
        }
        assert_eq!(findings(&export), vec![ExportFinding::Unlinked { seq: 9 }]);
        // Left out altogether.
        let mut export = export_of(&entries, &key);
        export.entries.remove(3);
        assert_eq!(
            findings(&export),
            vec![
                ExportFinding::Missing { from: 6, to: 6 },
                ExportFinding::Unlinked { seq: 9 }
            ]
        );
        // Left out at the end, with the stated hashes made to agree: the head gives it away.
        let mut export = export_of(&entries, &key);
        export.entries.pop();
        if let Some(ExportEntry::Plan { hash, .. }) = export.entries.last() {
            export.checkpoint.head = hash.clone();
        }
        assert!(findings(&export).contains(&ExportFinding::BadSignature));
    }

    #[test]
    fn a_cut_short_export_and_a_rehashed_chain_do_not_reach_the_signed_head() {
        let key = SigningKey::generate();
        let mut export = export_of(&chain(10), &key);
        export.entries.truncate(5);
        assert_eq!(
            findings(&export),
            vec![
                ExportFinding::Missing { from: 8, to: 10 },
                ExportFinding::HeadMismatch
            ]
        );
        let mut entries = chain(10);
        let signed = export_of(&entries, &key).checkpoint;
        entries[5].subject = "forged".into();
        rehash_from(&mut entries, 5);
        let mut export = export_of(&entries, &key);
        export.checkpoint = signed;
        assert_eq!(findings(&export), vec![ExportFinding::HeadMismatch]);
    }

    #[test]
    fn a_forged_checkpoint_or_an_unpublished_key_is_named() {
        let key = SigningKey::generate();
        let mut export = export_of(&chain(4), &key);
        export.checkpoint.at += 1;
        assert_eq!(findings(&export), vec![ExportFinding::BadSignature]);
        let stranger = SigningKey::generate();
        let export = export_of(&chain(4), &stranger);
        let r = verify_export(&export, Some(&key.public().fingerprint()));
        assert!(matches!(
            r.findings[..],
            [ExportFinding::NotPublished { .. }]
        ));
        let mut export = export_of(&chain(4), &key);
        export.fingerprint = stranger.public().fingerprint();
        assert_eq!(findings(&export), vec![ExportFinding::KeyMismatch]);
    }

    #[test]
    fn entries_before_format_two_are_counted_as_stated_links() {
        let mut entries = Vec::new();
        let mut prev = GENESIS.to_owned();
        for seq in 1..=8 {
            let e = entry(seq, &prev, seq > 4);
            prev = e.hash.clone();
            entries.push(e);
        }
        let key = SigningKey::generate();
        let export = export_of(&entries, &key);
        let r = verify_export(&export, None);
        assert_eq!(r.findings, vec![]);
        // Entries 4 (old format, not the plan's) is the one link taken as stated.
        assert_eq!(r.stated_links, 1);
        // A new-format entry cannot be passed off as an old one.
        let mut export = export_of(&entries, &key);
        export.entries[3] = ExportEntry::OtherV1 {
            seq: 6,
            hash: entries[5].hash.clone(),
        };
        assert!(findings(&export).contains(&ExportFinding::FormatRegressed { seq: 6 }));
    }
}
