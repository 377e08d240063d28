//! The passwords people choose most often: the first an attacker tries, so never accepted
//! (OWASP ASVS 2.1.7). Pure, no leptos, no sqlx; no network.
//!
//! `common-passwords.txt` is the password list of Dropbox's zxcvbn (`data/passwords.txt`, MIT
//! licence, see `common-passwords.LICENSE`): the 47,023 most frequent passwords of the Xato
//! corpus of ten million, most frequent first, in lower case, one a line (frequency counts
//! removed). Entries shorter than the minimum length can never match a password that passes
//! the length rule; they stay so the list is the published one, and so it keeps working if the
//! minimum changes. Only server code calls [`is_common`]: the browser's bundle has no caller
//! of it for the linker to keep the list for.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The list, one password a line.
const LIST: &str = include_str!("common-passwords.txt");

/// The list as a set, made once (at start-up: see `password::warm_up`). Scanning the text
/// would cost about a millisecond a check in an optimised build, five in a debug one; a set
/// lookup costs well under a microsecond, after a build of about 5 ms (70 ms unoptimised).
fn set() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| LIST.lines().collect())
}

/// Whether `password` is on the list, ignoring case and surrounding spaces.
pub fn is_common(password: &str) -> bool {
    set().contains(password.trim().to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_common_passwords_are_found_ignoring_case() {
        for p in [
            "password",
            "123456",
            "password1234",
            "Password1234",
            " qwerty123456 ",
        ] {
            assert!(is_common(p), "{p}");
        }
    }

    #[test]
    fn an_uncommon_passphrase_is_not() {
        assert!(!is_common("river delta lantern 7"));
        assert!(!is_common(""));
    }

    #[test]
    fn the_list_is_the_whole_published_one_in_lower_case() {
        assert_eq!(LIST.lines().count(), 47_023);
        assert!(LIST.lines().all(|l| !l.is_empty() && l == l.to_lowercase()));
    }
}
