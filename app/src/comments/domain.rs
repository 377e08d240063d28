//! Comment rules: bodies, passage anchors and finding them again, who may edit or delete, and
//! the open/resolved life of a thread. Mentions are in [`super::mentions`]. No leptos, no sqlx.

use serde::{Deserialize, Serialize};

use crate::foundation::markdown::check_nesting;

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
        check_nesting(text)?;
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

/// How many characters at the end of `a` agree with the end of `want`, counting at most
/// [`CONTEXT_CHARS`]: all the context a thread keeps.
fn common_suffix_len(a: &str, want: &str) -> usize {
    a.chars()
        .rev()
        .zip(want.chars().rev())
        .take(CONTEXT_CHARS)
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many characters at the start of `a` agree with the start of `want`, counting at most
/// [`CONTEXT_CHARS`].
fn common_prefix_len(a: &str, want: &str) -> usize {
    a.chars()
        .zip(want.chars())
        .take(CONTEXT_CHARS)
        .take_while(|(x, y)| x == y)
        .count()
}

/// Finds `passage` in `text` (both whitespace normalised) and returns its byte range. Where
/// the quote occurs several times, the occurrence whose surroundings best match the stored
/// context wins (the first one on a tie); where the context matches nowhere, the quote alone
/// still finds it. `None` when the quote is no longer in the text.
///
/// The work is linear in the text: the search for the quote is (`str::match_indices` is the
/// two-way algorithm), and each occurrence compares at most [`CONTEXT_CHARS`] characters on
/// either side, however long the context given. Comparing the whole context instead made a
/// 20,000-word hint over a text repeating one word take a minute.
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

/// The context hint a browser sent before a quote, cut to the [`CONTEXT_CHARS`] next to it
/// (all [`locate`] compares) before any work is done on it, and whitespace normalised.
pub fn prefix_hint(raw: &str) -> String {
    let near = last_chars(raw, 4 * CONTEXT_CHARS);
    last_chars(&normalise_space(near), CONTEXT_CHARS).to_owned()
}

/// The context hint after a quote, cut like [`prefix_hint`].
pub fn suffix_hint(raw: &str) -> String {
    let near = first_chars(raw, 4 * CONTEXT_CHARS);
    first_chars(&normalise_space(near), CONTEXT_CHARS).to_owned()
}

/// Anchors `quote` in the current `text`, using the context the person's browser saw
/// (`prefix_hint`, `suffix_hint`, possibly empty, of any length) to pick among repeats, and
/// keeps the real surrounding text. `None` when the quote is not in the text.
pub fn anchor_in(text: &str, quote: &str, prefix_hint: &str, suffix_hint: &str) -> Option<Passage> {
    let hint = Passage {
        quote: quote.to_owned(),
        prefix: self::prefix_hint(prefix_hint),
        suffix: self::suffix_hint(suffix_hint),
    };
    let (start, end) = locate(text, &hint)?;
    Some(Passage {
        quote: quote.to_owned(),
        prefix: last_chars(&text[..start], CONTEXT_CHARS).to_owned(),
        suffix: first_chars(&text[end..], CONTEXT_CHARS).to_owned(),
    })
}

/// Only a comment's author may change its text.
pub fn may_edit(author: i64, person: i64) -> bool {
    author == person
}

/// A comment may be deleted by a lead of the plan (moderation), or by its author while their
/// role still lets them comment (someone whose role was lowered cannot delete either).
pub fn may_delete(author: i64, person: i64, is_lead: bool, may_comment: bool) -> bool {
    is_lead || (author == person && may_comment)
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
    fn context_hints_are_cut_to_what_a_thread_keeps() {
        let long = "one two  three ".repeat(1_000);
        let before = prefix_hint(&long);
        assert_eq!(before.chars().count(), CONTEXT_CHARS);
        assert!(normalise_space(&long).ends_with(&before), "{before:?}");
        let after = suffix_hint(&long);
        assert_eq!(after, "one two three one two three one two thre");
        assert_eq!(prefix_hint(" a\n b "), "a b");
    }

    #[test]
    fn a_quote_with_huge_hints_in_a_repetitive_text_is_found_in_linear_time() {
        // The reviewers' input: 20,000 words of context around a word the text repeats
        // 20,000 times. Comparing whole contexts at every repeat took a minute.
        let text = normalise_space(&"word ".repeat(20_000));
        let hint = "word ".repeat(20_000);
        let found = crate::foundation::testing::finishes_within(
            std::time::Duration::from_secs(20),
            move || anchor_in(&text, "word", &hint, &hint),
        );
        let passage = found.expect("the quote is in the text");
        assert_eq!(passage.prefix.chars().count(), CONTEXT_CHARS);
    }

    #[test]
    fn comments_nested_past_the_limit_are_refused_with_a_reason() {
        let message = CommentBody::parse(&"> ".repeat(100)).unwrap_err();
        assert!(message.contains("32 levels"), "{message}");
    }

    #[test]
    fn only_authors_edit_and_authors_or_leads_delete() {
        assert!(may_edit(1, 1));
        assert!(!may_edit(1, 2));
        assert!(may_delete(1, 1, false, true));
        assert!(may_delete(1, 2, true, false));
        assert!(!may_delete(1, 2, false, true));
        // An author who may no longer comment cannot delete either.
        assert!(!may_delete(1, 1, false, false));
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
