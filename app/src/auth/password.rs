//! Password hashing with argon2id, always off the async runtime: a hash takes tens of
//! milliseconds of CPU and would stall every other request on the worker.

use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use super::domain::NewPassword;
use crate::error::AppError;

/// A stored argon2id hash in PHC string form. Deliberately neither `Debug`, `Display` nor
/// `Serialize`, so it cannot end up in a log line or a response.
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a hash read from the database.
    pub fn from_stored(phc: String) -> Self {
        PasswordHash(phc)
    }

    /// The PHC string, for storing.
    pub fn as_stored(&self) -> &str {
        &self.0
    }
}

/// OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane), written out so a library default
/// change cannot weaken it silently.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(secret: &str) -> Result<PasswordHash, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| PasswordHash(h.to_string()))
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

/// A hash of a random secret, verified against when the email is unknown so that unknown
/// accounts take as long to refuse as wrong passwords.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let secret: [u8; 16] = rand::random();
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(&secret, &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Hashes a new password.
pub async fn hash_password(password: NewPassword) -> Result<PasswordHash, AppError> {
    tokio::task::spawn_blocking(move || hash_now(password.expose()))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "hashing task failed");
            AppError::Internal
        })?
}

/// Checks `candidate` against `stored`, or against a decoy when there is no account, so both
/// cases cost the same.
pub async fn verify_password(candidate: String, stored: Option<PasswordHash>) -> bool {
    tokio::task::spawn_blocking(move || {
        let phc = stored
            .as_ref()
            .map(|h| h.0.as_str())
            .unwrap_or_else(|| decoy());
        let Ok(parsed) = argon2::PasswordHash::new(phc) else {
            return false;
        };
        let ok = hasher()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok();
        ok && stored.is_some()
    })
    .await
    .unwrap_or(false)
}

/// Computes the decoy hash ahead of the first login, so the first unknown-email attempt is
/// not slower than the rest, and loads the common-password list ahead of the first password
/// set, so no request builds it on an async worker.
pub fn warm_up() {
    let _ = decoy();
    let _ = super::common_passwords::is_common("");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn right_password_verifies_and_wrong_one_does_not() {
        let owner = crate::auth::domain::Owner {
            email: "amina@example.org",
            name: "Amina",
        };
        let pw = NewPassword::parse("correct horse battery", "correct horse battery", &owner)
            .map_err(|_| ())
            .unwrap();
        let hash = hash_password(pw).await.unwrap();
        assert!(hash
            .as_stored()
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let stored = || Some(PasswordHash::from_stored(hash.as_stored().to_owned()));
        assert!(verify_password("correct horse battery".into(), stored()).await);
        assert!(!verify_password("correct horse battery!".into(), stored()).await);
    }

    #[tokio::test]
    async fn unknown_account_never_verifies() {
        assert!(!verify_password("anything at all".into(), None).await);
    }
}
