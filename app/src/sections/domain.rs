//! Section rules: titles, bodies, and what a save does given what happened since it was based.

use std::time::Instant;

use super::merge::{merge3, normalise, Merge};
use crate::foundation::markdown::check_nesting;

/// Longest body accepted, in characters (a long section is ~10,000).
pub const MAX_BODY_CHARS: usize = 200_000;

/// Parses a section title: 1 to 160 characters.
pub fn parse_title(raw: &str) -> Result<String, &'static str> {
    let t = raw.trim();
    match t.chars().count() {
        0 => Err("Give the section a title."),
        n if n > 160 => Err("Section titles can be at most 160 characters."),
        _ => {
            crate::foundation::text::check_line(t)?;
            Ok(t.to_owned())
        }
    }
}

/// Parses a submitted body into its stored form: bounded in length and in nesting depth, so
/// that every reader's rendering of it stays cheap.
pub fn parse_body(raw: &str) -> Result<String, &'static str> {
    if raw.chars().count() > MAX_BODY_CHARS {
        return Err(
            "This section is longer than 200,000 characters; split it into several sections.",
        );
    }
    let body = normalise(raw);
    check_nesting(&body)?;
    Ok(body)
}

/// What a save must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavePlan {
    /// Nothing changed: the text saved is already the current text.
    NoChange,
    /// Write this body as the next version.
    Write {
        /// The body to store.
        body: String,
        /// Whether it merges someone else's changes.
        merged: bool,
    },
    /// Overlapping changes: write nothing, show both.
    Conflict(Merge),
}

/// Decides a save of `mine`, based on version `base` whose body was `base_body`, when the
/// section is now at `current` with `current_body`. A merge compares paragraphs until
/// `deadline` (see [`merge3`]).
pub fn plan_save(
    base: i64,
    base_body: &str,
    current: i64,
    current_body: &str,
    mine: &str,
    deadline: Instant,
) -> SavePlan {
    if base == current {
        return if mine == current_body {
            SavePlan::NoChange
        } else {
            SavePlan::Write {
                body: mine.to_owned(),
                merged: false,
            }
        };
    }
    let merge = merge3(base_body, mine, current_body, deadline);
    match merge.clean_text() {
        Some(text) if text == current_body => SavePlan::NoChange,
        Some(text) => SavePlan::Write {
            body: text,
            merged: true,
        },
        None => SavePlan::Conflict(merge),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn section_and_template_titles_refuse_direction_controls() {
        assert_eq!(
            parse_title("Early warning\u{202D}"),
            Err(crate::foundation::text::DIRECTION_CONTROL_MESSAGE)
        );
    }

    use super::*;
    use std::time::Duration;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[test]
    fn save_on_the_current_version_writes_directly() {
        assert_eq!(
            plan_save(3, "a", 3, "a", "b", soon()),
            SavePlan::Write {
                body: "b".into(),
                merged: false
            }
        );
        assert_eq!(plan_save(3, "a", 3, "a", "a", soon()), SavePlan::NoChange);
    }

    #[test]
    fn stale_save_of_another_paragraph_merges() {
        let plan = plan_save(1, "p1\n\np2", 2, "p1 theirs\n\np2", "p1\n\np2 mine", soon());
        assert_eq!(
            plan,
            SavePlan::Write {
                body: "p1 theirs\n\np2 mine".into(),
                merged: true
            }
        );
    }

    #[test]
    fn stale_save_repeating_what_is_saved_changes_nothing() {
        assert_eq!(
            plan_save(1, "p1", 2, "p1 fixed", "p1 fixed", soon()),
            SavePlan::NoChange
        );
    }

    #[test]
    fn stale_save_of_the_same_paragraph_conflicts() {
        assert!(matches!(
            plan_save(1, "p1", 2, "p1 theirs", "p1 mine", soon()),
            SavePlan::Conflict(_)
        ));
    }

    #[test]
    fn titles_and_bodies_are_checked() {
        assert!(parse_title(" ").is_err());
        assert!(parse_title(&"t".repeat(161)).is_err());
        assert_eq!(parse_body("a\r\n\r\n\r\nb  ").unwrap(), "a\n\nb");
        assert!(parse_body(&"x".repeat(MAX_BODY_CHARS + 1)).is_err());
    }

    #[test]
    fn bodies_nested_past_the_limit_are_refused_with_a_reason() {
        let nested = format!("{}deep", "- ".repeat(60_000));
        let message = parse_body(&nested).unwrap_err();
        assert!(message.contains("32 levels"), "{message}");
        assert!(parse_body("- a\n  - b\n    - c").is_ok());
    }
}
