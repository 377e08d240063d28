//! Signed checkpoints of the trail: the number of entries and the hash of the last one, at a
//! time, signed with an Ed25519 key that lives outside the database (as a Certificate
//! Transparency log signs its tree heads). Whoever can rewrite the database cannot re-sign a
//! checkpoint, so entries removed from the end, or a rewritten and re-hashed chain, no longer
//! match the heads signed before. (Not SQLite's WAL checkpoints, which are `crate::db`'s.)

use serde::{Deserialize, Serialize};

/// One signed head, as kept one per line (JSON) in the checkpoint file and in exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// How many entries the trail held: the head is entry `count` (0 for an empty trail).
    pub count: i64,
    /// The hash of entry `count` (the genesis value for an empty trail).
    pub head: String,
    /// When it was signed (unix seconds).
    pub at: i64,
    /// The signing key's id (the first 16 hex digits of its fingerprint).
    pub key: String,
    /// The Ed25519 signature of [`statement`], in hex.
    pub sig: String,
}

/// The exact bytes a checkpoint's signature covers: every field but the signature, one per
/// line, under a fixed title (so a signature over anything else never passes for one).
pub fn statement(count: i64, head: &str, at: i64, key: &str) -> String {
    format!("upstream audit checkpoint\ncount {count}\nhead {head}\nat {at}\nkey {key}\n")
}

impl Checkpoint {
    /// What its signature covers.
    pub fn statement(&self) -> String {
        statement(self.count, &self.head, self.at, &self.key)
    }

    /// Its line in the checkpoint file (without the newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A line of the checkpoint file, or what is wrong with it.
    pub fn parse_line(line: &str) -> Result<Checkpoint, String> {
        let c: Checkpoint = serde_json::from_str(line.trim()).map_err(|e| e.to_string())?;
        if c.count < 0 {
            return Err("a negative count".into());
        }
        Ok(c)
    }
}

/// Every line of a checkpoint file, numbered from 1, parsed or with what is wrong with it
/// (blank lines skipped).
pub fn parse_file(text: &str) -> Vec<(usize, Result<Checkpoint, String>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, Checkpoint::parse_line(l)))
        .collect()
}

#[cfg(feature = "ssr")]
pub use keys::{PublicKey, SignatureFault, SigningKey};

#[cfg(feature = "ssr")]
mod keys {
    use ed25519_dalek::{Signer, SIGNATURE_LENGTH};

    use super::{statement, Checkpoint};
    use crate::foundation::audit::chain::{hex, sha256_hex};

    /// The key checkpoints are signed with.
    pub struct SigningKey(ed25519_dalek::SigningKey);

    /// The public half, which checks them.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct PublicKey(ed25519_dalek::VerifyingKey);

    /// Why a checkpoint's signature does not hold.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum SignatureFault {
        /// Signed by another key than the one trusted.
        UnknownKey(String),
        /// The signature does not match the statement.
        Bad,
    }

    fn unhex<const N: usize>(raw: &str) -> Option<[u8; N]> {
        let raw = raw.trim();
        if raw.len() != N * 2 || !raw.is_ascii() {
            return None;
        }
        let mut out = [0u8; N];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&raw[i * 2..i * 2 + 2], 16).ok()?;
        }
        Some(out)
    }

    impl SigningKey {
        /// A new random key.
        pub fn generate() -> SigningKey {
            SigningKey(ed25519_dalek::SigningKey::from_bytes(&rand::random()))
        }

        /// The key whose 32-byte secret is `seed_hex`.
        pub fn from_hex(seed_hex: &str) -> Option<SigningKey> {
            unhex::<32>(seed_hex)
                .map(|seed| SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed)))
        }

        /// The 32-byte secret, in hex (what the key file holds).
        pub fn to_hex(&self) -> String {
            hex(self.0.as_bytes())
        }

        /// The public half.
        pub fn public(&self) -> PublicKey {
            PublicKey(self.0.verifying_key())
        }

        /// A checkpoint of a trail of `count` entries ending with `head`, signed at `at`.
        pub fn sign(&self, count: i64, head: &str, at: i64) -> Checkpoint {
            let key = self.public().key_id();
            let sig = self.0.sign(statement(count, head, at, &key).as_bytes());
            Checkpoint {
                count,
                head: head.to_owned(),
                at,
                key,
                sig: hex(&sig.to_bytes()),
            }
        }
    }

    impl PublicKey {
        /// The key written as 64 hex digits.
        pub fn from_hex(raw: &str) -> Option<PublicKey> {
            ed25519_dalek::VerifyingKey::from_bytes(&unhex::<32>(raw)?)
                .ok()
                .map(PublicKey)
        }

        /// The key as 64 hex digits (as exports carry it).
        pub fn to_hex(&self) -> String {
            hex(self.0.as_bytes())
        }

        /// SHA-256 of the key's 32 bytes, in hex: what the operator publishes, so that anyone
        /// holding an export can tell the key in it is the server's.
        pub fn fingerprint(&self) -> String {
            sha256_hex(self.0.as_bytes())
        }

        /// The id checkpoints name their key by.
        pub fn key_id(&self) -> String {
            self.fingerprint()[..16].to_owned()
        }

        /// Whether `c` was signed by this key, as it stands.
        pub fn check(&self, c: &Checkpoint) -> Result<(), SignatureFault> {
            if c.key != self.key_id() {
                return Err(SignatureFault::UnknownKey(c.key.clone()));
            }
            let sig = unhex::<SIGNATURE_LENGTH>(&c.sig).ok_or(SignatureFault::Bad)?;
            self.0
                .verify_strict(
                    c.statement().as_bytes(),
                    &ed25519_dalek::Signature::from_bytes(&sig),
                )
                .map_err(|_| SignatureFault::Bad)
        }
    }

    /// Spaced in groups of four for reading aloud or comparing by eye.
    pub fn grouped(fingerprint: &str) -> String {
        fingerprint
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_signed_checkpoint_checks_and_any_change_to_it_does_not() {
            let key = SigningKey::generate();
            let public = key.public();
            let c = key.sign(12, "v2:abc", 1_700_000_000);
            assert_eq!(public.check(&c), Ok(()));
            let changed = [
                Checkpoint {
                    count: 11,
                    ..c.clone()
                },
                Checkpoint {
                    head: "v2:abd".into(),
                    ..c.clone()
                },
                Checkpoint {
                    at: 1_700_000_001,
                    ..c.clone()
                },
                Checkpoint {
                    sig: "00".repeat(64),
                    ..c.clone()
                },
                Checkpoint {
                    sig: "not hex".into(),
                    ..c.clone()
                },
            ];
            for bad in changed {
                assert_eq!(public.check(&bad), Err(SignatureFault::Bad), "{bad:?}");
            }
            let other = SigningKey::generate().sign(12, "v2:abc", 1_700_000_000);
            assert_eq!(
                public.check(&other),
                Err(SignatureFault::UnknownKey(other.key.clone()))
            );
        }

        #[test]
        fn keys_round_trip_through_their_hex_forms() {
            let key = SigningKey::generate();
            let again = SigningKey::from_hex(&key.to_hex()).unwrap();
            assert_eq!(again.public(), key.public());
            assert_eq!(
                PublicKey::from_hex(&key.public().to_hex()),
                Some(key.public())
            );
            assert!(SigningKey::from_hex("abc").is_none());
            assert!(PublicKey::from_hex(&"zz".repeat(32)).is_none());
            assert_eq!(key.public().fingerprint().len(), 64);
            assert_eq!(grouped("abcdefgh"), "abcd efgh");
        }

        #[test]
        fn lines_round_trip_and_bad_lines_are_named() {
            let c = SigningKey::generate().sign(3, "v2:abc", 5);
            let text = format!("{}\n\nnot json\n{{\"count\":-1,\"head\":\"x\",\"at\":1,\"key\":\"k\",\"sig\":\"s\"}}\n", c.to_line());
            let parsed = super::super::parse_file(&text);
            assert_eq!(parsed.len(), 3);
            assert_eq!(parsed[0], (1, Ok(c)));
            assert_eq!(parsed[1].0, 3);
            assert!(parsed[1].1.is_err());
            assert_eq!(parsed[2].1, Err("a negative count".into()));
        }
    }
}

#[cfg(feature = "ssr")]
pub use keys::grouped;
