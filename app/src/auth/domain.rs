//! Account rules and the types input is parsed into: no leptos, no sqlx.

use serde::{Deserialize, Serialize};

/// The shortest password accepted (NIST SP 800-63B recommends length over composition rules).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Argon2 has no practical limit, but an unbounded input is a denial-of-service lever.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Names longer than this are almost certainly a mistake or an attack.
pub const MAX_NAME_CHARS: usize = 120;

/// A syntactically plausible email address, trimmed and lower-cased so that one person
/// cannot hold two accounts that differ only in case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Parses an email address typed by a person.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter an email address.");
        }
        if email.chars().count() > 254 {
            return Err("That email address is too long.");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("Enter an email address like name@example.org.");
        };
        let valid_domain = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty()
            || !valid_domain
            || email.chars().any(|c| c.is_whitespace() || c.is_control())
            || domain.contains('@')
        {
            return Err("Enter an email address like name@example.org.");
        }
        Ok(Email(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name: trimmed, non-empty, bounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    /// Parses a display name.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter a name.");
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err("Names can be at most 120 characters.");
        }
        if name.chars().any(char::is_control) {
            return Err("Names cannot contain control characters.");
        }
        Ok(PersonName(name.to_owned()))
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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

/// What a person may do across the whole platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlatformRole {
    /// Manages organisations and people.
    Admin,
    /// Everyone else.
    Member,
}

impl PlatformRole {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformRole::Admin => "admin",
            PlatformRole::Member => "member",
        }
    }

    /// Parses the stored or submitted form.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim() {
            "admin" => Ok(PlatformRole::Admin),
            "member" => Ok(PlatformRole::Member),
            _ => Err("Choose administrator or member."),
        }
    }

    /// How the role is shown.
    pub fn label(self) -> &'static str {
        match self {
            PlatformRole::Admin => "Administrator",
            PlatformRole::Member => "Member",
        }
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
    fn email_is_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Amina@Example.ORG ").unwrap().as_str(),
            "amina@example.org"
        );
    }

    #[test]
    fn email_without_at_or_domain_dot_is_refused() {
        for bad in [
            "",
            "amina",
            "amina@",
            "@example.org",
            "amina@example",
            "a b@example.org",
            "a@b@c.org",
            "a@example..org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn name_must_be_present_and_bounded() {
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"x".repeat(121)).is_err());
        assert_eq!(PersonName::parse(" Amina ").unwrap().as_str(), "Amina");
    }

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
    fn role_round_trips() {
        for role in [PlatformRole::Admin, PlatformRole::Member] {
            assert_eq!(PlatformRole::parse(role.as_str()), Ok(role));
        }
        assert!(PlatformRole::parse("root").is_err());
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

/// A person as the rest of the app sees them (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Database id.
    pub id: i64,
    /// Normalised email, used to log in.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// Platform-wide role.
    pub platform_role: PlatformRole,
    /// False once an administrator deactivated the account.
    pub active: bool,
}

impl Person {
    /// True for an active platform administrator.
    pub fn is_admin(&self) -> bool {
        self.active && self.platform_role == PlatformRole::Admin
    }
}
