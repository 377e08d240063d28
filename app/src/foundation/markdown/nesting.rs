//! How deeply Markdown nests (lists in lists, quotes in quotes, emphasis in emphasis), and the
//! cap that keeps rendering it proportional to its length.
//!
//! Parsing and writing HTML are linear, but the sanitiser is not: html5ever's tree builder
//! looks through the stack of open elements for each element it opens, so its work grows with
//! depth times length. A 120 KB section of nested list markers (`- - - - ...`, 60,000 levels)
//! kept a worker busy for minutes. New text deeper than [`MAX_NESTING`] is refused where it
//! comes in ([`check_nesting`]); text stored before that limit existed is still rendered,
//! with everything below the cap flattened ([`capped`]), so nothing is lost and no reader waits.

use pulldown_cmark::{Event, Parser, TagEnd};

/// The deepest nesting of Markdown elements kept. Real writing stays far below it: a list ten
/// levels deep with a bold link in it is 23.
pub const MAX_NESTING: usize = 32;

/// The deepest nesting of elements in `markdown` (0 for an empty text). Linear in its length.
pub fn nesting_depth(markdown: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for event in Parser::new_ext(markdown, super::options()) {
        match event {
            Event::Start(_) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Refuses text nested deeper than [`MAX_NESTING`], with a message the writer can act on.
pub fn check_nesting(markdown: &str) -> Result<(), &'static str> {
    if nesting_depth(markdown) > MAX_NESTING {
        return Err("This text nests lists, quotes or formatting more than 32 levels deep. Flatten the deepest part (fewer list markers or > signs in a row).");
    }
    Ok(())
}

/// Ends of elements that lay out as blocks: when one is flattened away, a line break keeps its
/// words apart from the next block's.
fn ends_block(end: TagEnd) -> bool {
    !matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// `events` with every element deeper than [`MAX_NESTING`] dropped and its content kept.
/// Parser events always nest properly, so once the cap is reached every further start lies
/// inside the deepest kept element, and counting the dropped ones is enough to pair their ends.
pub(super) fn capped<'a>(
    events: impl Iterator<Item = Event<'a>>,
) -> impl Iterator<Item = Event<'a>> {
    let (mut depth, mut dropped) = (0usize, 0usize);
    events.filter_map(move |event| match event {
        Event::Start(_) if depth >= MAX_NESTING => {
            dropped += 1;
            None
        }
        Event::Start(tag) => {
            depth += 1;
            Some(Event::Start(tag))
        }
        Event::End(end) if dropped > 0 => {
            dropped -= 1;
            ends_block(end).then_some(Event::SoftBreak)
        }
        Event::End(end) => {
            depth = depth.saturating_sub(1);
            Some(Event::End(end))
        }
        other => Some(other),
    })
}

#[cfg(test)]
mod tests {
    use super::super::to_html;
    use super::*;

    /// How deeply the elements of rendered HTML nest (void elements aside).
    fn html_depth(html: &str) -> usize {
        let (mut depth, mut deepest) = (0usize, 0usize);
        for tag in html.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or("");
            if tag.starts_with('/') {
                depth = depth.saturating_sub(1);
            } else if !tag.ends_with('/') && !tag.starts_with("br") && !tag.starts_with("hr") {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        deepest
    }

    #[test]
    fn ordinary_nesting_is_measured_and_accepted() {
        assert_eq!(nesting_depth(""), 0);
        assert_eq!(nesting_depth("plain"), 1);
        assert_eq!(nesting_depth("- a\n  - **b**"), 5);
        let ten_levels: String = (0..10)
            .map(|i| format!("{}- level [**{i}**](https://example.org)\n", "  ".repeat(i)))
            .collect();
        assert!(check_nesting(&ten_levels).is_ok());
    }

    #[test]
    fn text_nested_past_the_limit_is_refused_with_a_reason() {
        let deep = format!("{}deep", "- ".repeat(MAX_NESTING));
        let message = check_nesting(&deep).unwrap_err();
        assert!(message.contains("32 levels"), "{message}");
        assert!(check_nesting(&"> ".repeat(40)).is_err());
    }

    #[test]
    fn nested_list_markers_render_flattened_below_the_cap() {
        // The reviewers' input: 120 KB of list markers, 60,000 levels deep.
        let hostile = format!("{}deep", "- ".repeat(60_000));
        let html = to_html(&hostile);
        assert!(html_depth(&html) <= MAX_NESTING, "{}", html_depth(&html));
        assert!(html.contains("deep"));
    }

    #[test]
    fn flattened_blocks_keep_their_words_apart() {
        let quotes = format!("{}first\n\nsecond", "> ".repeat(MAX_NESTING + 3));
        let html = to_html(&quotes);
        assert!(html_depth(&html) <= MAX_NESTING);
        assert!(html.contains("first") && html.contains("second"), "{html}");
        assert!(!html.contains("firstsecond"), "{html}");
    }

    #[test]
    fn text_within_the_limit_renders_untouched() {
        let md = "- a\n  - b\n    - *c* and **d**\n\n> quoted [link](https://example.org)";
        let capped: String = {
            let mut out = String::new();
            pulldown_cmark::html::push_html(
                &mut out,
                capped(Parser::new_ext(md, super::super::options())),
            );
            out
        };
        let mut plain = String::new();
        pulldown_cmark::html::push_html(&mut plain, Parser::new_ext(md, super::super::options()));
        assert_eq!(capped, plain);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn hostile_nesting_is_sanitised_whole() {
        let hostile = format!("{}deep", "- ".repeat(60_000));
        let html = super::super::to_safe_html(&hostile);
        assert!(html.contains("deep"));
        assert!(html_depth(&html) <= MAX_NESTING + 1);
    }
}
