//! What the editor's formatting buttons do to the text: pure edits of a text and its selection,
//! so they are tested here and the browser only reads and sets the text box.
//!
//! Positions are in UTF-16 code units, as a `<textarea>`'s `selectionStart` counts them.

/// A formatting button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Heading,
    Bold,
    Italic,
    BulletList,
    NumberedList,
    Link,
    Quote,
}

impl Format {
    /// Every button, in the toolbar's order.
    pub const ALL: [Format; 7] = [
        Format::Heading,
        Format::Bold,
        Format::Italic,
        Format::BulletList,
        Format::NumberedList,
        Format::Link,
        Format::Quote,
    ];

    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            Format::Heading => "Heading",
            Format::Bold => "Bold",
            Format::Italic => "Italic",
            Format::BulletList => "Bulleted list",
            Format::NumberedList => "Numbered list",
            Format::Link => "Link",
            Format::Quote => "Quote",
        }
    }
}

/// The text after a button press, and the selection to leave in it (UTF-16 positions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    pub start: u32,
    pub end: u32,
}

/// Applies `format` to `text` with the selection `start..end`. Bold, italic and links wrap the
/// selection (an empty one gets a placeholder, selected so typing replaces it); headings,
/// lists and quotes mark every line the selection touches.
pub fn apply(format: Format, text: &str, start: u32, end: u32) -> Edited {
    let (a, b) = {
        let (x, y) = (byte_at(text, start), byte_at(text, end));
        (x.min(y), x.max(y))
    };
    match format {
        Format::Bold => wrap(text, a, b, "**", "**", "bold text"),
        Format::Italic => wrap(text, a, b, "_", "_", "italic text"),
        Format::Link => {
            let label = if a == b { "link text" } else { &text[a..b] };
            let before = &text[..a];
            let inserted = format!("[{label}](https://)");
            // The address is what is left to type: select "https://".
            let url_start = units(before) + units(&format!("[{label}]("));
            Edited {
                text: format!("{before}{inserted}{}", &text[b..]),
                start: url_start,
                end: url_start + units("https://"),
            }
        }
        Format::Heading => lines(text, a, b, |_| "## ".to_owned()),
        Format::BulletList => lines(text, a, b, |_| "- ".to_owned()),
        Format::NumberedList => lines(text, a, b, |i| format!("{}. ", i + 1)),
        Format::Quote => lines(text, a, b, |_| "> ".to_owned()),
    }
}

fn wrap(text: &str, a: usize, b: usize, open: &str, close: &str, placeholder: &str) -> Edited {
    let inner = if a == b { placeholder } else { &text[a..b] };
    let before = &text[..a];
    let start = units(before) + units(open);
    Edited {
        text: format!("{before}{open}{inner}{close}{}", &text[b..]),
        start,
        end: start + units(inner),
    }
}

/// Puts `marker(i)` before the i-th line touched by `a..b`, and selects those lines.
fn lines(text: &str, a: usize, b: usize, marker: impl Fn(usize) -> String) -> Edited {
    let first = text[..a].rfind('\n').map_or(0, |i| i + 1);
    let last = text[b..].find('\n').map_or(text.len(), |i| b + i);
    let marked: Vec<String> = text[first..last]
        .split('\n')
        .enumerate()
        .map(|(i, line)| format!("{}{line}", marker(i)))
        .collect();
    let marked = marked.join("\n");
    let before = &text[..first];
    Edited {
        text: format!("{before}{marked}{}", &text[last..]),
        start: units(before),
        end: units(before) + units(&marked),
    }
}

fn units(s: &str) -> u32 {
    u32::try_from(s.encode_utf16().count()).unwrap_or(u32::MAX)
}

/// The byte offset of UTF-16 position `pos` (clamped to the text, and moved back to a
/// character boundary if it falls inside a surrogate pair).
fn byte_at(text: &str, pos: u32) -> usize {
    let mut seen = 0u32;
    for (i, c) in text.char_indices() {
        let next = seen + c.len_utf16() as u32;
        if next > pos {
            return i;
        }
        seen = next;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selected(e: &Edited) -> String {
        let u: Vec<u16> = e.text.encode_utf16().collect();
        String::from_utf16_lossy(&u[e.start as usize..e.end as usize])
    }

    #[test]
    fn bold_wraps_the_selection_and_keeps_it_selected() {
        let e = apply(Format::Bold, "make this strong", 10, 16);
        assert_eq!(e.text, "make this **strong**");
        assert_eq!(selected(&e), "strong");
    }

    #[test]
    fn bold_without_a_selection_inserts_a_selected_placeholder() {
        let e = apply(Format::Bold, "ab", 1, 1);
        assert_eq!(e.text, "a**bold text**b");
        assert_eq!(selected(&e), "bold text");
    }

    #[test]
    fn a_link_selects_the_address_to_type() {
        let e = apply(Format::Link, "see the report", 8, 14);
        assert_eq!(e.text, "see the [report](https://)");
        assert_eq!(selected(&e), "https://");
    }

    #[test]
    fn lists_mark_every_line_the_selection_touches() {
        let text = "intro\none\ntwo\nend";
        let e = apply(Format::NumberedList, text, 7, 11);
        assert_eq!(e.text, "intro\n1. one\n2. two\nend");
        assert_eq!(selected(&e), "1. one\n2. two");
        let e = apply(Format::BulletList, text, 6, 6);
        assert_eq!(e.text, "intro\n- one\ntwo\nend");
    }

    #[test]
    fn headings_and_quotes_mark_the_line_of_the_cursor() {
        assert_eq!(
            apply(Format::Heading, "Title\nbody", 2, 2).text,
            "## Title\nbody"
        );
        assert_eq!(apply(Format::Quote, "a\nsaid", 4, 4).text, "a\n> said");
    }

    #[test]
    fn positions_count_utf16_units_like_the_browser() {
        // "é" is one unit, "𝄞" two: the selection "x" starts at unit 4.
        let e = apply(Format::Italic, "é𝄞 x", 4, 5);
        assert_eq!(e.text, "é𝄞 _x_");
        assert_eq!(selected(&e), "x");
    }

    #[test]
    fn a_selection_past_the_end_or_backwards_is_clamped() {
        assert_eq!(apply(Format::Bold, "ab", 9, 0).text, "**ab**");
    }
}
