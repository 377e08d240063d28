//! A section's text as a reader sees it (rendered, whitespace normalised), and the rendered
//! section with commented passages wrapped in `<mark>`. Quotes come from what readers select
//! in the rendered page, so they are matched against the rendered text, not the Markdown.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::domain::normalise_space;
use crate::foundation::markdown::safe_events;

/// Where one text event's characters landed in the normalised text.
struct Run {
    /// Index of the event.
    event: usize,
    /// `(byte in the normalised text, byte in the event's text, char length)` for every kept
    /// character.
    chars: Vec<(usize, usize, usize)>,
}

struct Flattened<'a> {
    events: Vec<Event<'a>>,
    text: String,
    runs: Vec<Run>,
}

/// Events that separate words as far as a reader can tell.
fn breaks_words(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::SoftBreak
            | Event::HardBreak
            | Event::Rule
            | Event::Start(Tag::Item | Tag::TableCell)
            | Event::End(
                TagEnd::Paragraph
                    | TagEnd::Heading(_)
                    | TagEnd::Item
                    | TagEnd::TableCell
                    | TagEnd::CodeBlock
                    | TagEnd::BlockQuote(_)
            )
    )
}

fn flatten(markdown: &str) -> Flattened<'_> {
    let events: Vec<Event<'_>> = safe_events(markdown).collect();
    let mut text = String::new();
    let mut runs = Vec::new();
    let mut after_space = true;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Text(t) | Event::Code(t) => {
                let mut run = Run {
                    event: i,
                    chars: Vec::new(),
                };
                for (at, c) in t.char_indices() {
                    if c.is_whitespace() {
                        if !after_space {
                            run.chars.push((text.len(), at, c.len_utf8()));
                            text.push(' ');
                            after_space = true;
                        }
                    } else {
                        run.chars.push((text.len(), at, c.len_utf8()));
                        text.push(c);
                        after_space = false;
                    }
                }
                runs.push(run);
            }
            e if breaks_words(e) && !after_space => {
                text.push(' ');
                after_space = true;
            }
            _ => {}
        }
    }
    Flattened { events, text, runs }
}

/// The section's rendered text with whitespace normalised: what quotes are matched against.
pub fn plain_text(markdown: &str) -> String {
    normalise_space(&flatten(markdown).text)
}

/// Renders `markdown` with each `(thread, start, end)` byte range of [`plain_text`] wrapped
/// in `<mark class="passage" data-thread="N">`, one mark per text piece so the marks always
/// nest inside the surrounding elements. The caller must sanitise the result.
pub fn highlighted_html(markdown: &str, marks: &[(i64, usize, usize)]) -> String {
    let Flattened { events, text, runs } = flatten(markdown);
    // plain_text trims leading space; flatten never emits one, so offsets agree.
    debug_assert!(!text.starts_with(' '));
    let mut pieces: Vec<Vec<Event<'_>>> = events.into_iter().map(|e| vec![e]).collect();
    // Which mark (if any) covers each byte of the text, the first listed winning where
    // passages overlap: painted once, so the work grows with the text and the passages'
    // lengths, not their product. Indexes into `marks` keep the table at 4 bytes a byte.
    const UNMARKED: u32 = u32::MAX;
    let mut owners: Vec<u32> = Vec::new();
    if !marks.is_empty() {
        owners.resize(text.len(), UNMARKED);
        for (i, (_, start, end)) in marks.iter().enumerate().rev() {
            if let (Some(span), Ok(i)) = (
                owners.get_mut(*start..(*end).min(text.len())),
                u32::try_from(i),
            ) {
                span.fill(i);
            }
        }
    }
    let owner = |pos: usize| {
        let i = *owners.get(pos)?;
        marks
            .get(usize::try_from(i).ok()?)
            .map(|(thread, ..)| *thread)
    };
    for run in &runs {
        let Some(original) = pieces.get(run.event).and_then(|p| p.first()).cloned() else {
            continue;
        };
        if !run.chars.iter().any(|(pos, ..)| owner(*pos).is_some()) {
            continue;
        }
        let open = |t: i64| {
            Event::InlineHtml(format!("<mark class=\"passage\" data-thread=\"{t}\">").into())
        };
        let close = || Event::InlineHtml(CowStr::Borrowed("</mark>"));
        let replaced = match &original {
            Event::Code(_) => {
                let t = run
                    .chars
                    .iter()
                    .find_map(|(pos, ..)| owner(*pos))
                    .unwrap_or_default();
                vec![open(t), original.clone(), close()]
            }
            Event::Text(source) => {
                // Split the event's text into runs of the same owner.
                let mut out = Vec::new();
                let mut segment_start = 0;
                let mut current: Option<i64> = None;
                let emit = |from: usize, to: usize, who: Option<i64>, out: &mut Vec<Event<'_>>| {
                    if from >= to {
                        return;
                    }
                    let piece = Event::Text(source[from..to].to_owned().into());
                    match who {
                        Some(t) => out.extend([open(t), piece, close()]),
                        None => out.push(piece),
                    }
                };
                for (pos, at, _) in &run.chars {
                    let who = owner(*pos);
                    if who != current {
                        emit(segment_start, *at, current, &mut out);
                        segment_start = *at;
                        current = who;
                    }
                }
                emit(segment_start, source.len(), current, &mut out);
                out
            }
            _ => continue,
        };
        if let Some(slot) = pieces.get_mut(run.event) {
            *slot = replaced;
        }
    }
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut out, pieces.into_iter().flatten());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_what_a_reader_sees() {
        assert_eq!(
            plain_text("# Title\n\nSome **bold**\ntext and `code`.\n\n- one\n- two"),
            "Title Some bold text and code. one two"
        );
    }

    #[test]
    fn a_passage_across_formatting_is_marked_piece_by_piece() {
        let md = "Plain and **bold words** here.";
        let text = plain_text(md);
        let start = text.find("and bold").unwrap();
        let html = highlighted_html(md, &[(7, start, start + "and bold".len())]);
        assert_eq!(
            html,
            "<p>Plain <mark class=\"passage\" data-thread=\"7\">and </mark><strong><mark class=\"passage\" data-thread=\"7\">bold</mark> words</strong> here.</p>\n"
        );
    }

    #[test]
    fn raw_html_in_the_source_stays_text_when_marked() {
        let md = "Before <script>alert(1)</script> after";
        let text = plain_text(md);
        let start = text.find("<script>").unwrap();
        let html = highlighted_html(md, &[(1, start, start + 8)]);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn where_passages_overlap_the_first_thread_marks_the_overlap() {
        let md = "alpha beta gamma";
        let html = highlighted_html(md, &[(1, 0, 10), (2, 6, 16)]);
        assert_eq!(
            html,
            "<p><mark class=\"passage\" data-thread=\"1\">alpha beta</mark><mark class=\"passage\" data-thread=\"2\"> gamma</mark></p>\n"
        );
    }

    #[test]
    fn no_marks_render_like_the_section() {
        let md = "A [link](https://example.org) and *more*.";
        assert_eq!(
            highlighted_html(md, &[]),
            crate::foundation::markdown::to_html(md)
        );
    }
}
