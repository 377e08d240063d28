//! Account rules and the types input is parsed into: no leptos, no sqlx.

/// The shortest password accepted (NIST SP 800-63B recommends length over composition rules).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Argon2 has no practical limit, but an unbounded input is a denial-of-service lever.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A password a person chose for themselves, checked against the policy.
/// Deliberately not `Debug`, `Serialize` or `Display`: it must never reach a log.
pub struct NewPassword(String);

impl NewPassword {
    /// Checks a new password and its confirmation.
    pub fn parse(raw: &str, confirmation: &str) -> Result<Self, (&'static str, &'static str)> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err((
                "password",
                "Use at least 12 characters; a few unrelated words make a strong password.",
            ));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(("password", "Use at most 256 characters."));
        }
        if raw != confirmation {
            return Err(("password_confirm", "The two passwords do not match."));
        }
        Ok(NewPassword(raw.to_owned()))
    }

    /// The secret, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// How many failed logins are tolerated, and for how long they count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures per account within the window before it is locked.
    pub per_account: u32,
    /// Failures per client address within the window before it is locked.
    pub per_address: u32,
    /// The sliding window, in seconds.
    pub window_secs: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            per_account: 5,
            per_address: 20,
            window_secs: 15 * 60,
        }
    }
}

impl ThrottlePolicy {
    /// Given the times of recent failures (oldest first) and the limit that applies, how many
    /// seconds the client must wait, or `None` if it may try now.
    pub fn wait(&self, failures_oldest_first: &[i64], limit: u32, now: i64) -> Option<u64> {
        let recent: Vec<i64> = failures_oldest_first
            .iter()
            .copied()
            .filter(|at| now - at < self.window_secs)
            .collect();
        if (recent.len() as u64) < u64::from(limit) {
            return None;
        }
        // Once the oldest counted failure leaves the window, one more attempt is allowed.
        let oldest_counted = recent[recent.len() - limit as usize];
        let wait = oldest_counted + self.window_secs - now;
        Some(wait.max(1) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_under_twelve_characters_is_refused() {
        assert_eq!(
            NewPassword::parse("short-pass1", "short-pass1")
                .err()
                .map(|e| e.0),
            Some("password")
        );
        assert!(NewPassword::parse("long enough pass", "long enough pass").is_ok());
    }

    #[test]
    fn password_counts_characters_not_bytes() {
        // Twelve characters, more than twelve bytes.
        assert!(NewPassword::parse("ééééééééééé", "ééééééééééé").is_err());
        assert!(NewPassword::parse("éééééééééééé", "éééééééééééé").is_ok());
    }

    #[test]
    fn mismatched_confirmation_is_reported_on_the_confirmation_field() {
        assert_eq!(
            NewPassword::parse("a long password", "a long passwore")
                .err()
                .map(|e| e.0),
            Some("password_confirm")
        );
    }

    #[test]
    fn throttle_allows_until_limit_then_waits_for_oldest_to_expire() {
        let policy = ThrottlePolicy {
            per_account: 3,
            per_address: 10,
            window_secs: 100,
        };
        assert_eq!(policy.wait(&[10, 20], 3, 50), None);
        assert_eq!(policy.wait(&[10, 20, 30], 3, 50), Some(60));
        // Failures older than the window no longer count.
        assert_eq!(policy.wait(&[10, 20, 30], 3, 111), None);
    }
}
