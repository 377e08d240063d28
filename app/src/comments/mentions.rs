//! Mentions: who a comment names, and what the `@` suggestions look for. No leptos, no sqlx.
//!
//! Mentions are written `@` followed by a person's email address (`@grace@example.org`) or
//! their full display name (`@Grace Mbeki`), matched without regard to case, longest name
//! first, and only where the `@` starts a word. Only the plan's members are looked at, so a
//! mention tells the writer nothing about anyone else: an `@` followed by any other name is
//! plain text, and an email address that is no member's is refused, whether or not an account
//! has it.

/// A member of the plan, who may be mentioned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentionable {
    /// Person id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
}

/// The mentions in a comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    /// Members who were mentioned, each once, in order.
    pub people: Vec<i64>,
    /// Email addresses written as mentions that are no member's (refused).
    pub refused: Vec<String>,
}

/// The byte length of the start of `hay` that equals `needle` ignoring case, if it does.
fn starts_with_ignoring_case(hay: &str, needle: &str) -> Option<usize> {
    let mut hay_chars = hay.char_indices();
    for n in needle.chars() {
        let (_, h) = hay_chars.next()?;
        if !h.to_lowercase().eq(n.to_lowercase()) {
            return None;
        }
    }
    Some(hay_chars.next().map_or(hay.len(), |(i, _)| i))
}

/// The longest email address there is (RFC 5321), so the longest run worth reading after an
/// `@`: a comment of `@a.@a.@a.`... would otherwise be read to its end from every `@`.
const MAX_EMAIL_CHARS: usize = 254;

fn email_like(s: &str) -> Option<&str> {
    let end = match s
        .char_indices()
        .take(MAX_EMAIL_CHARS + 1)
        .find(|(_, c)| !(c.is_alphanumeric() || "._%+-@".contains(*c)))
    {
        Some((i, _)) => i,
        None if s.chars().nth(MAX_EMAIL_CHARS).is_none() => s.len(),
        // A longer run is no address.
        None => return None,
    };
    let token = s[..end].trim_end_matches(['.', '-']);
    let (local, domain) = token.split_once('@')?;
    (!local.is_empty() && domain.contains('.') && !domain.contains('@')).then_some(token)
}

/// Finds the mentions in `body` of the plan's `members` (see the module documentation).
pub fn find_mentions(body: &str, members: &[Mentionable]) -> Mentions {
    let mut by_length: Vec<&Mentionable> = members.iter().collect();
    by_length.sort_by_key(|p| std::cmp::Reverse(p.name.chars().count()));
    let mut found = Mentions::default();
    let mut note = |p: &Mentionable| {
        if !found.people.contains(&p.id) {
            found.people.push(p.id);
        }
    };
    let mut refused = Vec::new();
    let mut previous: Option<char> = None;
    for (at, c) in body.char_indices() {
        let starts_word = previous.is_none_or(|p| !p.is_alphanumeric() && p != '@');
        previous = Some(c);
        if c != '@' || !starts_word {
            continue;
        }
        let rest = &body[at + 1..];
        if let Some(email) = email_like(rest) {
            match members.iter().find(|p| p.email.eq_ignore_ascii_case(email)) {
                Some(p) => note(p),
                None => {
                    let written = format!("@{email}");
                    if !refused.contains(&written) {
                        refused.push(written);
                    }
                }
            }
            continue;
        }
        let named = by_length.iter().find(|p| {
            starts_with_ignoring_case(rest, &p.name).is_some_and(|len| {
                let ends_word = rest[len..]
                    .chars()
                    .next()
                    .is_none_or(|n| !n.is_alphanumeric());
                !p.name.is_empty() && ends_word
            })
        });
        if let Some(p) = named {
            note(p);
        }
    }
    found.refused = refused;
    found
}

/// The name being typed after an `@` at the end of `before_caret`, for suggestions: `None`
/// when the caret is not in a mention (no `@` starting a word, a line break, or too long).
pub fn mention_query(before_caret: &str) -> Option<&str> {
    let at = before_caret.rfind('@')?;
    let starts_word = before_caret[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric() && c != '@');
    let query = &before_caret[at + 1..];
    (starts_word && !query.contains('\n') && query.chars().count() <= 40).then_some(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: i64, name: &str, email: &str) -> Mentionable {
        Mentionable {
            id,
            name: name.into(),
            email: email.into(),
        }
    }

    #[test]
    fn a_comment_of_chained_at_signs_is_read_once_over() {
        // Each `@` after a dot starts a word; reading to the end of the run from every one of
        // them was quadratic in the comment's length.
        let body = "@a.".repeat(3_300);
        let members = [member(1, "Grace Mbeki", "grace@example.org")];
        let found = crate::foundation::testing::finishes_within(
            std::time::Duration::from_secs(20),
            move || find_mentions(&body, &members),
        );
        assert!(found.people.is_empty());
        let near_end = format!("{} @grace@example.org", "@a.".repeat(100));
        let members = [member(1, "Grace Mbeki", "grace@example.org")];
        assert_eq!(find_mentions(&near_end, &members).people, vec![1]);
    }

    #[test]
    fn mentions_match_full_names_and_emails_of_members() {
        let members = [
            member(1, "Grace Mbeki", "grace@example.org"),
            member(2, "Grace", "other@example.org"),
        ];
        let m = find_mentions(
            "Thanks @grace mbeki, and @other@example.org. Also @Grace! mail me at me@x.org",
            &members,
        );
        assert_eq!(m.people, vec![1, 2]);
        assert!(m.refused.is_empty());
    }

    #[test]
    fn a_name_that_is_no_members_is_plain_text_and_an_address_is_refused() {
        let members = [member(1, "Grace Mbeki", "grace@example.org")];
        let m = find_mentions(
            "@Erik Sand and @nobody@example.org, @NOBODY@example.org; @someone else",
            &members,
        );
        assert!(m.people.is_empty());
        assert_eq!(
            m.refused,
            vec!["@nobody@example.org", "@NOBODY@example.org"]
        );
    }

    #[test]
    fn only_members_are_looked_at_so_no_one_else_changes_the_answer() {
        // Whatever accounts exist elsewhere, the answer depends only on the members.
        let members = [member(2, "Ana Diaz", "ana@example.org")];
        let m = find_mentions("@Ana Diaz, @Ana Diez and @erik@example.org", &members);
        assert_eq!(m.people, vec![2]);
        assert_eq!(m.refused, vec!["@erik@example.org"]);
    }

    #[test]
    fn a_name_must_end_at_a_word_boundary() {
        let members = [member(1, "Lina", "lina@example.org")];
        assert!(find_mentions("@Linaria", &members).people.is_empty());
        assert_eq!(find_mentions("(@lina)", &members).people, vec![1]);
    }

    #[test]
    fn the_name_after_an_at_sign_is_what_suggestions_look_for() {
        assert_eq!(mention_query("Thanks @Edna Ed"), Some("Edna Ed"));
        assert_eq!(mention_query("@"), Some(""));
        assert_eq!(mention_query("mail me@home"), None);
        assert_eq!(mention_query("@Edna\nnext line"), None);
        assert_eq!(mention_query("no mention"), None);
    }
}
