//! The hash chain: each entry's hash is SHA-256 over the previous entry's hash and the entry's
//! own content in a canonical form, so changing, removing or inserting a row shows.

use sha2::{Digest, Sha256};

use super::domain::{AuditEntry, ChainBreak};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields an entry's hash covers, apart from the previous hash.
pub struct Content<'a> {
    /// Position.
    pub seq: i64,
    /// Time.
    pub at: i64,
    /// Who.
    pub person: Option<i64>,
    /// From where.
    pub ip: Option<&'a str>,
    /// Kind.
    pub kind: &'a str,
    /// Plan.
    pub plan_id: Option<i64>,
    /// Subject.
    pub subject: &'a str,
    /// Details.
    pub details: &'a str,
}

/// The hash of an entry with `content` following an entry hashed `prev_hash`. The content is
/// serialised as a JSON array, which is unambiguous (a separator inside a field cannot make
/// two different entries hash alike).
pub fn entry_hash(prev_hash: &str, c: &Content<'_>) -> String {
    let canonical =
        serde_json::json!([c.seq, c.at, c.person, c.ip, c.kind, c.plan_id, c.subject, c.details])
            .to_string();
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn content(e: &AuditEntry) -> Content<'_> {
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

/// Walks entries in `seq` order from the first and returns the first break, if any.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a AuditEntry>) -> Result<usize, ChainBreak> {
    let mut prev = GENESIS.to_owned();
    let mut count = 0;
    for (expected_seq, e) in (1..).zip(entries) {
        if e.seq != expected_seq || e.prev_hash != prev {
            return Err(ChainBreak::Unlinked { seq: e.seq });
        }
        if entry_hash(&e.prev_hash, &content(e)) != e.hash {
            return Err(ChainBreak::Altered { seq: e.seq });
        }
        prev = e.hash.clone();
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: 1_700_000_000 + seq,
                    person: Some(seq),
                    ip: Some("192.0.2.1".into()),
                    kind: "login".into(),
                    plan_id: None,
                    subject: format!("person {seq}"),
                    details: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&prev, &content(&e));
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
        assert_eq!(verify(&chain(0)), Ok(0));
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut c = chain(5);
        c[2].subject = "someone else".into();
        assert_eq!(verify(&c), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn a_removed_entry_breaks_the_link_of_the_next() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(&c), Err(ChainBreak::Unlinked { seq: 3 }));
    }

    #[test]
    fn a_rehashed_entry_breaks_the_link_of_the_next() {
        let mut c = chain(4);
        c[1].subject = "forged".into();
        let prev = c[1].prev_hash.clone();
        c[1].hash = entry_hash(&prev, &content(&c[1]));
        assert_eq!(verify(&c), Err(ChainBreak::Unlinked { seq: 3 }));
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
        assert_ne!(entry_hash(GENESIS, &a), entry_hash(GENESIS, &b));
    }
}
