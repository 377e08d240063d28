//! Account rules and the types input is parsed into: no leptos, no sqlx.

/// The shortest password accepted (NIST SP 800-63B recommends length over composition rules).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Argon2 has no practical limit, but an unbounded input is a denial-of-service lever.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Whose password it is: what a password must not contain, because it is the first thing an
/// attacker who knows the account tries.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    /// The account's email address.
    pub email: &'a str,
    /// The person's display name.
    pub name: &'a str,
}

/// A password a person chose for themselves, checked against the policy.
/// Deliberately not `Debug`, `Serialize` or `Display`: it must never reach a log.
pub struct NewPassword(String);

impl NewPassword {
    /// Checks a new password for `owner` and its confirmation: its length, that it is not
    /// trivially guessable (only spaces, one repeated character, on the common-password list)
    /// and that it does not contain the owner's email address, its local part or their name
    /// (OWASP ASVS 2.1.7, NIST SP 800-63B 5.1.1.2). The error names the field and says why.
    pub fn parse(
        raw: &str,
        confirmation: &str,
        owner: &Owner<'_>,
    ) -> Result<Self, (&'static str, &'static str)> {
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
        if only_spaces_or_one_character(raw) {
            return Err((
                "password",
                "A password of only spaces or of one character repeated is guessed at once; a few unrelated words make a strong one.",
            ));
        }
        if super::common_passwords::is_common(raw) {
            return Err((
                "password",
                "This is one of the most common passwords, among the first an attacker tries; a few unrelated words make a strong one.",
            ));
        }
        if contains_owner(raw, owner) {
            return Err((
                "password",
                "Leave your email address and your name out of your password: they are the first things an attacker tries.",
            ));
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

/// Whether `raw` is only whitespace, or one character over and over.
fn only_spaces_or_one_character(raw: &str) -> bool {
    let mut chars = raw.chars();
    let first = chars.next();
    raw.chars().all(char::is_whitespace) || chars.all(|c| Some(c) == first)
}

/// Fragments of the owner's identity shorter than this are left out: two letters turn up in
/// too many words to refuse every password that contains them.
const MIN_CONTEXT_CHARS: usize = 3;

/// Lower-case letters and digits only, so `Grace Mbeki`, `grace.mbeki` and `GRACE-MBEKI` all
/// read `gracembeki`.
fn folded(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `raw` contains, ignoring case, spaces and punctuation, the owner's email address,
/// its local part or their name.
fn contains_owner(raw: &str, owner: &Owner<'_>) -> bool {
    let password = folded(raw);
    let local = owner.email.split('@').next().unwrap_or_default();
    [owner.email, local, owner.name]
        .into_iter()
        .map(folded)
        .any(|part| part.chars().count() >= MIN_CONTEXT_CHARS && password.contains(&part))
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

    const OWNER: Owner<'static> = Owner {
        email: "grace.mbeki@committee.example",
        name: "Grace Mbeki",
    };

    /// The field and message a password for [`OWNER`] is refused with, or `None` if accepted.
    fn refusal(raw: &str) -> Option<(&'static str, &'static str)> {
        NewPassword::parse(raw, raw, &OWNER).err()
    }

    #[test]
    fn password_under_twelve_characters_is_refused() {
        assert_eq!(refusal("short-pass1").map(|e| e.0), Some("password"));
        assert_eq!(refusal("long enough pass"), None);
    }

    #[test]
    fn password_counts_characters_not_bytes() {
        // Eleven characters, more than twelve bytes; then twelve.
        assert!(refusal("ééééééééééè").is_some());
        assert!(refusal("éééééééééééè").is_none());
    }

    #[test]
    fn mismatched_confirmation_is_reported_on_the_confirmation_field() {
        let refused = NewPassword::parse("a long password", "a long passwore", &OWNER);
        assert_eq!(refused.err().map(|e| e.0), Some("password_confirm"));
    }

    #[test]
    fn only_spaces_or_one_repeated_character_is_refused() {
        for raw in [
            "            ",
            " \t \t \t \t \t \t ",
            "aaaaaaaaaaaa",
            "000000000000000",
            "éééééééééééé",
        ] {
            let (field, message) = refusal(raw).unwrap_or_else(|| panic!("{raw:?} accepted"));
            assert_eq!(field, "password");
            assert!(message.contains("one character repeated"), "{message}");
        }
        assert_eq!(refusal("aaaaaaaaaaab"), None);
    }

    #[test]
    fn a_common_password_is_refused_whatever_its_case() {
        for raw in [
            "password1234",
            "PASSWORD1234",
            "qwerty123456",
            "1q2w3e4r5t6y",
        ] {
            let (field, message) = refusal(raw).unwrap_or_else(|| panic!("{raw:?} accepted"));
            assert_eq!(field, "password");
            assert!(message.contains("most common passwords"), "{message}");
        }
    }

    #[test]
    fn the_owners_email_its_local_part_or_name_inside_a_password_is_refused() {
        for raw in [
            "grace.mbeki@committee.example",
            "my address is Grace.Mbeki@Committee.Example!",
            "grace.mbeki-2026",
            "GraceMbeki is me",
            "grace mbeki 2026",
            "i am grace_mbeki",
        ] {
            let (field, message) = refusal(raw).unwrap_or_else(|| panic!("{raw:?} accepted"));
            assert_eq!(field, "password");
            assert!(message.contains("email address and your name"), "{message}");
        }
        // Part of the name alone is not the name.
        assert_eq!(refusal("amazing grace sings"), None);
    }

    #[test]
    fn a_very_short_local_part_or_name_does_not_refuse_every_password_containing_it() {
        let owner = Owner {
            email: "al@example.org",
            name: "Al",
        };
        assert!(NewPassword::parse("always a long walk", "always a long walk", &owner).is_ok());
        let refused = NewPassword::parse("al@example.org 2026", "al@example.org 2026", &owner);
        assert!(refused.is_err(), "the whole address still counts");
    }

    #[test]
    fn length_is_checked_before_content_and_content_before_the_confirmation() {
        assert!(refusal("aaaa").unwrap().1.contains("12 characters"));
        let refused = NewPassword::parse("password1234", "something else", &OWNER);
        assert_eq!(refused.err().map(|e| e.0), Some("password"));
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
