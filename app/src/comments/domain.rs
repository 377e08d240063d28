//! Comment rules: bodies, passage anchors and finding them again, mentions, who may edit or
//! delete, and the open/resolved life of a thread. No leptos, no sqlx.
//!
//! Mentions are written `@` followed by a person's email address (`@grace@example.org`) or
//! their full display name (`@Grace Mbeki`), matched without regard to case, longest name
//! first, and only where the `@` starts a word. An `@` followed by anything else is plain text,
//! except an email address, which must belong to someone on the plan.

use serde::{Deserialize, Serialize};

/// Longest comment accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 10_000;
/// Longest quoted passage accepted, in characters.
pub const MAX_QUOTE_CHARS: usize = 2_000;
/// How much text either side of a passage a thread keeps to tell repeated passages apart.
pub const CONTEXT_CHARS: usize = 40;

/// A comment's Markdown source: non-empty, bounded, with normalised line ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    /// Parses a submitted comment.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let text = raw.replace("\r\n", "\n").replace('\r', "\n");
        let text = text.trim();
        if text.is_empty() {
            return Err("Write a comment.");
        }
        if text.chars().count() > MAX_COMMENT_CHARS {
            return Err("Comments can be at most 10,000 characters.");
        }
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err("Comments cannot contain control characters.");
        }
        Ok(CommentBody(text.to_owned()))
    }

    /// The Markdown as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Collapses every run of whitespace to one space and trims the ends: the form in which
/// quotes and section text are compared, since a browser selection and the stored Markdown
/// never agree on line breaks.
pub fn normalise_space(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A quoted passage with the text around it when it was quoted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// The passage, whitespace normalised.
    pub quote: String,
    /// Up to [`CONTEXT_CHARS`] characters just before it.
    pub prefix: String,
    /// Up to [`CONTEXT_CHARS`] characters just after it.
    pub suffix: String,
}

/// What a thread is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Anchor {
    /// The section as a whole.
    Section,
    /// One passage of it.
    Passage(Passage),
}

/// Parses the optional quote of a new thread: empty means the whole section.
pub fn parse_quote(raw: &str) -> Result<Option<String>, &'static str> {
    let quote = normalise_space(raw);
    if quote.is_empty() {
        return Ok(None);
    }
    if quote.chars().count() > MAX_QUOTE_CHARS {
        return Err("Quote at most 2,000 characters; comment on the whole section instead.");
    }
    Ok(Some(quote))
}

fn last_chars(s: &str, n: usize) -> &str {
    let start = s
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    if n == 0 {
        return "";
    }
    &s[start..]
}

fn first_chars(s: &str, n: usize) -> &str {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// How many characters at the end of `a` agree with the end of `want`.
fn common_suffix_len(a: &str, want: &str) -> usize {
    a.chars()
        .rev()
        .zip(want.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many characters at the start of `a` agree with the start of `want`.
fn common_prefix_len(a: &str, want: &str) -> usize {
    a.chars()
        .zip(want.chars())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Finds `passage` in `text` (both whitespace normalised) and returns its byte range. Where
/// the quote occurs several times, the occurrence whose surroundings best match the stored
/// context wins (the first one on a tie); where the context matches nowhere, the quote alone
/// still finds it. `None` when the quote is no longer in the text.
pub fn locate(text: &str, passage: &Passage) -> Option<(usize, usize)> {
    if passage.quote.is_empty() {
        return None;
    }
    let mut best: Option<((usize, usize), usize)> = None;
    for (start, _) in text.match_indices(passage.quote.as_str()) {
        let end = start + passage.quote.len();
        let score = common_suffix_len(text[..start].trim_end(), passage.prefix.trim_end())
            + common_prefix_len(text[end..].trim_start(), passage.suffix.trim_start());
        if best.is_none_or(|(_, s)| score > s) {
            best = Some(((start, end), score));
        }
    }
    best.map(|(range, _)| range)
}

/// Anchors `quote` in the current `text`, using the context the person's browser saw
/// (`prefix_hint`, `suffix_hint`, possibly empty) to pick among repeats, and keeps the real
/// surrounding text. `None` when the quote is not in the text.
pub fn anchor_in(text: &str, quote: &str, prefix_hint: &str, suffix_hint: &str) -> Option<Passage> {
    let hint = Passage {
        quote: quote.to_owned(),
        prefix: normalise_space(prefix_hint),
        suffix: normalise_space(suffix_hint),
    };
    let (start, end) = locate(text, &hint)?;
    Some(Passage {
        quote: quote.to_owned(),
        prefix: last_chars(&text[..start], CONTEXT_CHARS).to_owned(),
        suffix: first_chars(&text[end..], CONTEXT_CHARS).to_owned(),
    })
}

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

fn email_like(s: &str) -> Option<&str> {
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || "._%+-@".contains(*c)))
        .map_or(s.len(), |(i, _)| i);
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

/// The start of a Markdown comment as one line of plain text, for inbox listings.
pub fn excerpt(markdown: &str, max_chars: usize) -> String {
    let flat = normalise_space(
        &markdown
            .chars()
            .filter(|c| !"*_`#>[]".contains(*c))
            .collect::<String>(),
    );
    if flat.chars().count() <= max_chars {
        return flat;
    }
    let cut: String = flat.chars().take(max_chars).collect();
    format!("{}…", cut.trim_end())
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

/// Only a comment's author may change its text.
pub fn may_edit(author: i64, person: i64) -> bool {
    author == person
}

/// A comment may be deleted by its author or by a lead of the plan (moderation).
pub fn may_delete(author: i64, person: i64, is_lead: bool) -> bool {
    author == person || is_lead
}

/// Whether a thread still needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThreadState {
    /// Under discussion.
    Open,
    /// Settled; folded away but still readable.
    Resolved,
}

impl ThreadState {
    /// Resolving settles an open thread.
    pub fn resolve(self) -> Result<ThreadState, &'static str> {
        match self {
            ThreadState::Open => Ok(ThreadState::Resolved),
            ThreadState::Resolved => Err("This thread is already resolved."),
        }
    }

    /// Reopening brings a resolved thread back.
    pub fn reopen(self) -> Result<ThreadState, &'static str> {
        match self {
            ThreadState::Resolved => Ok(ThreadState::Open),
            ThreadState::Open => Err("This thread is already open."),
        }
    }

    /// Replies go to open threads; a resolved one must be reopened first.
    pub fn accepts_replies(self) -> Result<(), &'static str> {
        match self {
            ThreadState::Open => Ok(()),
            ThreadState::Resolved => Err("This thread is resolved: reopen it to reply."),
        }
    }
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
    fn comment_bodies_must_have_text_and_a_bounded_length() {
        assert!(CommentBody::parse("  \n ").is_err());
        assert!(CommentBody::parse(&"x".repeat(MAX_COMMENT_CHARS + 1)).is_err());
        assert!(CommentBody::parse("a\u{7}b").is_err());
        assert_eq!(CommentBody::parse(" a\r\nb ").unwrap().as_str(), "a\nb");
    }

    #[test]
    fn an_empty_quote_means_the_whole_section() {
        assert_eq!(parse_quote("  \n"), Ok(None));
        assert_eq!(parse_quote(" two\n words "), Ok(Some("two words".into())));
        assert!(parse_quote(&"q".repeat(MAX_QUOTE_CHARS + 1)).is_err());
    }

    #[test]
    fn a_quote_is_anchored_with_the_text_around_it() {
        let text = "Alpha beta gamma delta.";
        let p = anchor_in(text, "gamma", "", "").unwrap();
        assert_eq!(p.prefix, "Alpha beta ");
        assert_eq!(p.suffix, " delta.");
        assert_eq!(anchor_in(text, "omega", "", ""), None);
    }

    #[test]
    fn the_context_picks_the_right_one_of_repeated_passages() {
        let text = "North: vetting of personnel. South: vetting of personnel.";
        let second = anchor_in(text, "vetting of personnel", "South: ", "").unwrap();
        assert_eq!(second.prefix, "North: vetting of personnel. South: ");
        assert_eq!(locate(text, &second), Some((36, 56)));
        let first = anchor_in(text, "vetting of personnel", "", "").unwrap();
        assert_eq!(locate(text, &first), Some((7, 27)));
    }

    #[test]
    fn a_passage_is_found_by_its_quote_alone_when_the_context_changed() {
        let p = Passage {
            quote: "vetting".into(),
            prefix: "something else entirely ".into(),
            suffix: " and more".into(),
        };
        assert_eq!(locate("Priorities: vetting of staff.", &p), Some((12, 19)));
    }

    #[test]
    fn a_passage_edited_away_is_not_found() {
        let p = anchor_in("Keep the vetting clause.", "vetting clause", "", "").unwrap();
        assert_eq!(locate("Keep the screening rule.", &p), None);
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
    fn excerpts_are_short_plain_lines() {
        assert_eq!(excerpt("**Bold** point\n\nnext", 100), "Bold point next");
        assert_eq!(excerpt("abcdef", 3), "abc…");
    }

    #[test]
    fn the_name_after_an_at_sign_is_what_suggestions_look_for() {
        assert_eq!(mention_query("Thanks @Edna Ed"), Some("Edna Ed"));
        assert_eq!(mention_query("@"), Some(""));
        assert_eq!(mention_query("mail me@home"), None);
        assert_eq!(mention_query("@Edna\nnext line"), None);
        assert_eq!(mention_query("no mention"), None);
    }

    #[test]
    fn only_authors_edit_and_authors_or_leads_delete() {
        assert!(may_edit(1, 1));
        assert!(!may_edit(1, 2));
        assert!(may_delete(1, 1, false));
        assert!(may_delete(1, 2, true));
        assert!(!may_delete(1, 2, false));
    }

    #[test]
    fn threads_resolve_and_reopen_once_each() {
        let open = ThreadState::Open;
        assert_eq!(open.resolve(), Ok(ThreadState::Resolved));
        assert!(open.reopen().is_err());
        assert!(ThreadState::Resolved.resolve().is_err());
        assert_eq!(ThreadState::Resolved.reopen(), Ok(ThreadState::Open));
        assert!(ThreadState::Resolved.accepts_replies().is_err());
        assert!(open.accepts_replies().is_ok());
    }
}
