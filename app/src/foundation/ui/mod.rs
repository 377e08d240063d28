//! The component kit every feature shares: form fields with their errors, error pages, and
//! how times and typed text are shown.

pub mod errors;
pub mod fields;

/// A Unix time as `2026-11-22 14:05 UTC`.
pub fn format_time(unix: i64) -> String {
    use time::macros::format_description;
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| "unknown time".to_owned())
}

/// Escapes text for the places where what is written on the server goes into the document as
/// it is: Leptos writes `<textarea>` children unescaped (the element's content is raw text to
/// the parser) and leptos_meta writes the `<title>` unescaped, so typed text containing
/// `</textarea>` or `</title>` would otherwise end the element and inject markup. Browsers
/// decode the entities back, so the person sees exactly what was typed.
pub fn escape_text(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text placed inside a `<textarea>` (see [`escape_text`]).
pub fn textarea_text(raw: &str) -> String {
    escape_text(raw)
}

#[cfg(test)]
mod tests {
    #[test]
    fn textarea_text_cannot_close_the_element() {
        assert_eq!(
            super::textarea_text("a</textarea><b>&"),
            "a&lt;/textarea&gt;&lt;b&gt;&amp;"
        );
    }

    #[test]
    fn formats_unix_time_in_utc() {
        assert_eq!(super::format_time(0), "1970-01-01 00:00 UTC");
    }
}
