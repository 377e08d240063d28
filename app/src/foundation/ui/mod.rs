//! The component kit every feature shares: form fields with their errors, error pages, and
//! how times and typed text are shown.

pub mod address;
#[cfg(feature = "hydrate")]
pub mod before_hydration;
pub mod confirm;
pub mod errors;
pub mod fields;
pub mod form_action;
pub mod reclick;
pub mod tags;
pub mod timestamp;
pub mod typed;

/// A Unix time as `2026-11-22 14:05 UTC`.
pub fn format_time(unix: i64) -> String {
    crate::foundation::calendar::Moment::utc(unix)
        .map(|m| format!("{} {} UTC", m.date(), m.hour_minute()))
        .unwrap_or_else(|| "unknown time".to_owned())
}

/// Escapes text for the places where what is written on the server goes into the document as
/// it is: leptos_meta writes the `<title>` unescaped and Leptos writes `<textarea>` children
/// unescaped, so typed text containing `</title>` or `</textarea>` would otherwise end the
/// element and inject markup. Browsers decode the entities back, so the person sees exactly
/// what was typed.
pub fn escape_text(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text placed inside a `<textarea>`, escaped on the server (see [`escape_text`]).
///
/// In the browser the text becomes a text node's data, which is never parsed: escaping it
/// there would show the entities themselves in a textarea built after a refresh (and
/// [`typed::keep_typed`] would take them for typing).
pub fn textarea_text(raw: &str) -> String {
    if cfg!(feature = "ssr") {
        escape_text(raw)
    } else {
        raw.to_owned()
    }
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
