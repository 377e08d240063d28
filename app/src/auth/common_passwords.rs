//! The passwords people choose most often: the first an attacker tries, so never accepted
//! (OWASP ASVS 2.1.7). Pure, no leptos, no sqlx; no network.
//!
//! `common-passwords.txt` is the password list of Dropbox's zxcvbn (`data/passwords.txt`, MIT
//! licence, see `common-passwords.LICENSE`): the 47,023 most frequent passwords of the Xato
//! corpus of ten million, most frequent first, in lower case, one a line (frequency counts
//! removed). Entries shorter than the minimum length can never match a password that passes
//! the length rule; they stay so the list is the published one, and so it keeps working if the
//! minimum changes. Only server code calls [`is_common`], so the list is left out of the
//! browser's bundle.

/// The list, one password a line.
const LIST: &str = include_str!("common-passwords.txt");

/// Whether `password` is on the list, ignoring case and surrounding spaces. A linear scan of
/// a few hundred kilobytes: well under a millisecond, and only when a password is set.
pub fn is_common(password: &str) -> bool {
    let password = password.trim().to_lowercase();
    LIST.lines().any(|common| common == password)
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
