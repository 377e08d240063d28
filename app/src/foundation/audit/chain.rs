//! The hash chain: each entry's hash covers the previous entry's hash and the entry's own
//! content, so changing, removing or inserting a row shows.
//!
//! Two formats, told apart by the stored hash itself:
//! - format 1 (entries written before salts existed; a plain 64-hex hash): SHA-256 over the
//!   previous hash and the content;
//! - format 2 (every entry written now; the hash starts with `v2:`): the content is first
//!   digested with a random salt of its own, and the link hashes the previous hash, the
//!   position, the plan and that digest. A plan's exported trail can then show every other
//!   entry as just its plan and digest, which the salt keeps from being guessed back, and a
//!   partner can still recompute every link up to the signed head (see `export`).
//!
//! Because the format is part of the hash, a format-2 entry cannot be passed off as a format-1
//! one (whose links an export can only state, not prove) without changing the chain.

use sha2::{Digest, Sha256};

use super::domain::{AuditEntry, ChainFault};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How a format-2 hash starts.
pub const V2_PREFIX: &str = "v2:";

/// The fields an entry's hash covers, apart from the previous hash (and format 2's salt).
pub struct Content<'a> {
    /// Position.
    pub seq: i64,
    /// Time.
    pub at: i64,
    /// Who.
    pub person: Option<i64>,
    /// From where.
    pub ip: Option<&'a str>,
    pub kind: &'a str,
    pub plan_id: Option<i64>,
    pub subject: &'a str,
    pub details: &'a str,
}

/// Lower-case hex, by table: formatting each byte with `format!` cost more than the hashing
/// itself on the save path.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// SHA-256 of `data`, in lower-case hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// The content serialised as a JSON array, which is unambiguous (a separator inside a field
/// cannot make two different entries hash alike).
fn canonical(c: &Content<'_>) -> String {
    serde_json::json!([c.seq, c.at, c.person, c.ip, c.kind, c.plan_id, c.subject, c.details])
        .to_string()
}

/// Format 1: the hash of an entry with `content` following an entry hashed `prev_hash`.
pub fn entry_hash_v1(prev_hash: &str, c: &Content<'_>) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical(c).as_bytes());
    hex(&h.finalize())
}

/// Format 2: the salted digest of an entry's content (what an export shows of entries that
/// are not the plan's).
pub fn content_digest(salt: &str, c: &Content<'_>) -> String {
    let mut h = Sha256::new();
    h.update(b"upstream-audit/2 content\n");
    h.update(salt.as_bytes());
    h.update(b"\n");
    h.update(canonical(c).as_bytes());
    hex(&h.finalize())
}

/// Format 2: the hash linking entry `seq` of plan `plan_id`, whose content digests to
/// `digest`, to the entry hashed `prev_hash`.
pub fn link_hash(prev_hash: &str, seq: i64, plan_id: Option<i64>, digest: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"upstream-audit/2 link\n");
    h.update(
        serde_json::json!([prev_hash, seq, plan_id, digest])
            .to_string()
            .as_bytes(),
    );
    format!("{V2_PREFIX}{}", hex(&h.finalize()))
}

/// The hash of a new entry (format 2) with `content` and `salt` following `prev_hash`.
pub fn entry_hash(prev_hash: &str, salt: &str, c: &Content<'_>) -> String {
    link_hash(prev_hash, c.seq, c.plan_id, &content_digest(salt, c))
}

/// A fresh salt for a new entry: 128 random bits, in hex.
pub fn new_salt() -> String {
    hex(&rand::random::<[u8; 16]>())
}

/// Whether `hash` is of format 2.
pub fn is_v2(hash: &str) -> bool {
    hash.starts_with(V2_PREFIX)
}

/// The fields of a stored entry that its hash covers.
pub fn content(e: &AuditEntry) -> Content<'_> {
    Content {
        seq: e.seq,
        at: e.at,
        person: e.person,
        ip: e.ip.as_deref(),
        kind: &e.kind,
        plan_id: e.plan_id,
        subject: &e.subject,
        details: &e.details,
    }
}

/// The hash `e` should carry after an entry hashed `prev_hash`, in the format its stored hash
/// claims; `None` for a format-2 entry whose salt is gone (which no content can match).
pub fn recompute(prev_hash: &str, e: &AuditEntry) -> Option<String> {
    if is_v2(&e.hash) {
        let salt = e.salt.as_deref()?;
        Some(entry_hash(prev_hash, salt, &content(e)))
    } else {
        Some(entry_hash_v1(prev_hash, &content(e)))
    }
}

/// Walks `entries` (in `seq` order) expecting the first to be entry `first_seq` following an
/// entry hashed `prev_hash`, and returns everything wrong, in order: entries missing, edited,
/// or not following the entry before them. Empty when the stretch holds.
pub fn walk<'a>(
    first_seq: i64,
    prev_hash: &str,
    entries: impl IntoIterator<Item = &'a AuditEntry>,
) -> Vec<ChainFault> {
    let mut faults = Vec::new();
    let mut prev = prev_hash.to_owned();
    let mut expected = first_seq;
    for e in entries {
        if e.seq > expected {
            // A gap explains this entry's broken link; it is not reported twice.
            faults.push(ChainFault::Gap {
                from: expected,
                to: e.seq - 1,
            });
        } else if e.prev_hash != prev {
            faults.push(ChainFault::Unlinked { seq: e.seq });
        }
        if recompute(&e.prev_hash, e).as_deref() != Some(e.hash.as_str()) {
            faults.push(ChainFault::Edited { seq: e.seq });
        }
        prev = e.hash.clone();
        expected = e.seq + 1;
    }
    faults
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `n` entries of format 2, chained from the genesis; entries of plan 7 every third.
    pub(crate) fn chain(n: i64) -> Vec<AuditEntry> {
        let mut out = Vec::new();
        let mut prev = GENESIS.to_owned();
        for seq in 1..=n {
            let e = entry(seq, &prev, true);
            prev = e.hash.clone();
            out.push(e);
        }
        out
    }

    /// Entry `seq` following `prev`, in format 2 (`v2`) or 1.
    pub(crate) fn entry(seq: i64, prev: &str, v2: bool) -> AuditEntry {
        let mut e = AuditEntry {
            seq,
            at: 1_700_000_000 + seq,
            person: Some(seq),
            ip: Some("192.0.2.1".into()),
            kind: "login".into(),
            plan_id: (seq % 3 == 0).then_some(7),
            subject: format!("person {seq}"),
            details: "{}".into(),
            prev_hash: prev.to_owned(),
            hash: String::new(),
            salt: v2.then(new_salt),
        };
        e.hash = match &e.salt {
            Some(salt) => entry_hash(prev, salt, &content(&e)),
            None => entry_hash_v1(prev, &content(&e)),
        };
        e
    }

    /// Re-hashes every entry from index `from` on, as someone rewriting the trail would.
    pub(crate) fn rehash_from(c: &mut [AuditEntry], from: usize) {
        for i in from..c.len() {
            let prev = if i == 0 {
                GENESIS.to_owned()
            } else {
                c[i - 1].hash.clone()
            };
            c[i].prev_hash = prev.clone();
            c[i].hash = recompute(&prev, &c[i]).unwrap();
        }
    }

    #[test]
    fn an_untouched_chain_holds() {
        assert_eq!(walk(1, GENESIS, &chain(5)), vec![]);
        assert_eq!(walk(1, GENESIS, &chain(0)), vec![]);
    }

    #[test]
    fn format_one_entries_followed_by_format_two_hold() {
        let mut c = Vec::new();
        let mut prev = GENESIS.to_owned();
        for seq in 1..=6 {
            let e = entry(seq, &prev, seq > 3);
            prev = e.hash.clone();
            c.push(e);
        }
        assert!(!is_v2(&c[2].hash) && is_v2(&c[3].hash));
        assert_eq!(walk(1, GENESIS, &c), vec![]);
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut c = chain(5);
        c[2].subject = "someone else".into();
        assert_eq!(walk(1, GENESIS, &c), vec![ChainFault::Edited { seq: 3 }]);
    }

    #[test]
    fn a_removed_salt_is_an_edit() {
        let mut c = chain(2);
        c[1].salt = None;
        assert_eq!(walk(1, GENESIS, &c), vec![ChainFault::Edited { seq: 2 }]);
    }

    #[test]
    fn a_removed_entry_is_a_gap() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            walk(1, GENESIS, &c),
            vec![ChainFault::Gap { from: 2, to: 2 }]
        );
        let mut c = chain(5);
        c.remove(0);
        assert_eq!(
            walk(1, GENESIS, &c),
            vec![ChainFault::Gap { from: 1, to: 1 }]
        );
    }

    #[test]
    fn an_entry_rewritten_with_its_own_hash_breaks_the_link_of_the_next() {
        let mut c = chain(4);
        c[1].subject = "forged".into();
        c[1].hash = recompute(&c[1].prev_hash.clone(), &c[1]).unwrap();
        assert_eq!(walk(1, GENESIS, &c), vec![ChainFault::Unlinked { seq: 3 }]);
    }

    #[test]
    fn a_chain_rehashed_after_a_rewrite_holds_on_its_own() {
        // Which is why the head must be signed somewhere the database cannot reach.
        let mut c = chain(4);
        let before = c[3].hash.clone();
        c[1].subject = "forged".into();
        rehash_from(&mut c, 1);
        assert_eq!(walk(1, GENESIS, &c), vec![]);
        assert_ne!(c[3].hash, before);
    }

    #[test]
    fn a_stretch_is_walked_from_a_known_head() {
        let c = chain(6);
        assert_eq!(walk(4, &c[2].hash, &c[3..]), vec![]);
        assert_eq!(
            walk(4, GENESIS, &c[3..]),
            vec![ChainFault::Unlinked { seq: 4 }]
        );
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        let a = Content {
            seq: 1,
            at: 1,
            person: None,
            ip: None,
            kind: "a",
            plan_id: None,
            subject: "b,c",
            details: "",
        };
        let b = Content {
            subject: "b",
            details: ",c",
            ..a
        };
        assert_ne!(entry_hash_v1(GENESIS, &a), entry_hash_v1(GENESIS, &b));
        assert_ne!(entry_hash(GENESIS, "s", &a), entry_hash(GENESIS, "s", &b));
    }

    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_salt_changes_the_digest() {
        let c = &chain(1)[0];
        assert_ne!(
            content_digest("a", &content(c)),
            content_digest("b", &content(c))
        );
    }
}
