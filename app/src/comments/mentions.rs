//! Mentions: who a comment names, and what the `@` suggestions look for. No leptos, no sqlx.
//!
//! Mentions are written `@` followed by a person's email address (`@grace@example.org`) or
//! their full display name (`@Grace Mbeki`), matched without regard to case, longest name
//! first, and only where the `@` starts a word. An `@` followed by anything else is plain text,
//! except an email address, which must belong to someone on the plan.

/// Someone who could be mentioned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentionable {
    /// Person id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Whether they may read the plan the comment is on.
    pub on_plan: bool,
}

/// The mentions in a comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    /// People on the plan who were mentioned, each once, in order.
    pub people: Vec<i64>,
    /// What was written for mentions of people not on the plan (refused).
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

/// Finds the mentions in `body` among `people` (see the module documentation for the syntax).
pub fn find_mentions(body: &str, people: &[Mentionable]) -> Mentions {
    let mut by_length: Vec<&Mentionable> = people.iter().collect();
    // Longest names first; among namesakes, someone on the plan (the one the writer means).
    by_length.sort_by_key(|p| (std::cmp::Reverse(p.name.chars().count()), !p.on_plan));
    let mut found = Mentions::default();
    let note = |p: &Mentionable, written: &str, found: &mut Mentions| {
        if p.on_plan {
            if !found.people.contains(&p.id) {
                found.people.push(p.id);
            }
        } else if !found.refused.iter().any(|r| r == written) {
            found.refused.push(written.to_owned());
        }
    };
    let mut previous: Option<char> = None;
    for (at, c) in body.char_indices() {
        let starts_word = previous.is_none_or(|p| !p.is_alphanumeric() && p != '@');
        previous = Some(c);
        if c != '@' || !starts_word {
            continue;
        }
        let rest = &body[at + 1..];
        if let Some(email) = email_like(rest) {
            let written = format!("@{email}");
            match people.iter().find(|p| p.email.eq_ignore_ascii_case(email)) {
                Some(p) => note(p, &written, &mut found),
                None if !found.refused.contains(&written) => found.refused.push(written),
                None => {}
            }
            continue;
        }
        let named = by_length.iter().find_map(|p| {
            let len = starts_with_ignoring_case(rest, &p.name)?;
            let ends_word = rest[len..]
                .chars()
                .next()
                .is_none_or(|n| !n.is_alphanumeric());
            (!p.name.is_empty() && ends_word).then(|| (*p, &rest[..len]))
        });
        if let Some((p, text)) = named {
            note(p, &format!("@{text}"), &mut found);
        }
    }
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

    fn person(id: i64, name: &str, email: &str, on_plan: bool) -> Mentionable {
        Mentionable {
            id,
            name: name.into(),
            email: email.into(),
            on_plan,
        }
    }

    #[test]
    fn a_comment_of_chained_at_signs_is_read_once_over() {
        // Each `@` after a dot starts a word; reading to the end of the run from every one of
        // them was quadratic in the comment's length.
        let body = "@a.".repeat(3_300);
        let people = [person(1, "Grace Mbeki", "grace@example.org", true)];
        let found = crate::foundation::testing::finishes_within(
            std::time::Duration::from_secs(20),
            move || find_mentions(&body, &people),
        );
        assert!(found.people.is_empty());
        let near_end = format!("{} @grace@example.org", "@a.".repeat(100));
        let people = [person(1, "Grace Mbeki", "grace@example.org", true)];
        assert_eq!(find_mentions(&near_end, &people).people, vec![1]);
    }

    #[test]
    fn mentions_match_full_names_and_emails_of_people_on_the_plan() {
        let people = [
            person(1, "Grace Mbeki", "grace@example.org", true),
            person(2, "Grace", "other@example.org", true),
            person(3, "Erik Sand", "erik@example.org", false),
        ];
        let m = find_mentions(
            "Thanks @grace mbeki, and @other@example.org. Also @Grace! mail me at me@x.org",
            &people,
        );
        assert_eq!(m.people, vec![1, 2]);
        assert!(m.refused.is_empty());
    }

    #[test]
    fn mentions_of_people_off_the_plan_or_unknown_addresses_are_refused() {
        let people = [person(3, "Erik Sand", "erik@example.org", false)];
        let m = find_mentions("@Erik Sand and @nobody@example.org; @someone else", &people);
        assert!(m.people.is_empty());
        assert_eq!(m.refused, vec!["@Erik Sand", "@nobody@example.org"]);
    }

    #[test]
    fn a_namesake_off_the_plan_does_not_block_a_mention() {
        let people = [
            person(1, "Ana Diaz", "ana@elsewhere.org", false),
            person(2, "Ana Diaz", "ana@example.org", true),
        ];
        let m = find_mentions("@Ana Diaz", &people);
        assert_eq!(m.people, vec![2]);
        assert!(m.refused.is_empty());
    }

    #[test]
    fn a_name_must_end_at_a_word_boundary() {
        let people = [person(1, "Lina", "lina@example.org", true)];
        assert!(find_mentions("@Linaria", &people).people.is_empty());
        assert_eq!(find_mentions("(@lina)", &people).people, vec![1]);
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
