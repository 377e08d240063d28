//! The rule every name and title people type follows (people, organisations, plans, sections,
//! checklist items, template titles, email addresses): one line of visible text. No leptos,
//! no sqlx.

/// Unicode's explicit bidirectional formatting characters: the embeddings and overrides
/// (U+202A-U+202E) and the isolates (U+2066-U+2069). Invisible, they reorder the letters
/// around them on screen, so `Justice Ministry\u{202E}yrtsiniM` can pose as another
/// organisation, and a title can read differently from what is stored, audited and searched
/// ("Trojan Source"). A name needs none of them: browsers lay out right-to-left and mixed text
/// by themselves.
///
/// The marks U+200E, U+200F and U+061C (left-to-right, right-to-left and Arabic letter mark)
/// are let through: they reorder no letters (they only settle which way punctuation and
/// digits next to them run), and they come with Arabic, Hebrew and Persian text pasted from
/// documents, which people here write their names in. Refusing them would stop someone from
/// entering their own name with a message about characters they cannot see.
pub const DIRECTION_CONTROLS: [char; 9] = [
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

/// What is said when a name or title holds a direction control.
pub const DIRECTION_CONTROL_MESSAGE: &str = "This contains invisible characters that change the \
     direction text is shown in (Unicode bidirectional controls, U+202A-U+202E or \
     U+2066-U+2069), so it could read differently from what was typed. Type it again rather \
     than pasting it.";

/// What is said when a name or title holds a line break, a tab or another control character.
pub const CONTROL_MESSAGE: &str =
    "Use one line of text, without line breaks, tabs or other control characters.";

/// Checks a one-line name or title (already trimmed by its parser, which also bounds its
/// length): refuses control characters and bidirectional controls, with a message saying
/// which. Every name and title parser calls this.
pub fn check_line(text: &str) -> Result<(), &'static str> {
    if text.chars().any(|c| DIRECTION_CONTROLS.contains(&c)) {
        Err(DIRECTION_CONTROL_MESSAGE)
    } else if text.chars().any(char::is_control) {
        Err(CONTROL_MESSAGE)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_names_in_any_script_pass() {
        for name in [
            "Grace Mbeki",
            "وزارة العدل وحقوق الإنسان",
            "משרד המשפטים",
            "Lina Osei (\u{200F}شبكة\u{200F})",
            "Ministère de la Justice",
        ] {
            assert_eq!(check_line(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn direction_controls_and_control_characters_are_refused_with_their_own_message() {
        assert_eq!(
            check_line("Justice Ministry\u{202E}yrtsiniM"),
            Err(DIRECTION_CONTROL_MESSAGE)
        );
        assert_eq!(
            check_line("a\u{2066}b\u{2069}"),
            Err(DIRECTION_CONTROL_MESSAGE)
        );
        assert_eq!(check_line("two\nlines"), Err(CONTROL_MESSAGE));
        assert_eq!(check_line("tab\there"), Err(CONTROL_MESSAGE));
    }

    proptest! {
        #[test]
        fn any_direction_control_anywhere_is_refused(
            before in "\\PC{0,20}",
            after in "\\PC{0,20}",
            which in 0..DIRECTION_CONTROLS.len(),
        ) {
            let text = format!("{before}{}{after}", DIRECTION_CONTROLS[which]);
            prop_assert_eq!(check_line(&text), Err(DIRECTION_CONTROL_MESSAGE));
        }
    }
}
