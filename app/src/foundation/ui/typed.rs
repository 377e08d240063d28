//! Text areas that keep what the person typed before the page was hydrated.
//!
//! On a slow link the server-rendered page is usable for seconds before the WebAssembly bundle
//! arrives, and people start typing. Two things would then lose their text: the `input`
//! listener is not attached yet, so the signal never hears those keystrokes; and a reactive
//! `prop:value` writes the signal's (server-rendered) value into the field as it hydrates,
//! erasing what was typed. So these fields bind through [`keep_typed`] instead of `prop:value`.

use leptos::prelude::*;

thread_local! {
    /// Set once the bundle has hydrated the page (see [`page_hydrated`]). A signal, so code
    /// that must wait for it and reads it in a reactive scope runs again then.
    static HYDRATED: ArcRwSignal<bool> = ArcRwSignal::new(false);
}

/// Called by the bundle once it has hydrated the page. Fields created after that are built by
/// the browser (a refreshed list of threads, say), and Leptos may rebuild one in place on an
/// element that still holds the text of the field it replaces: that text is not typing.
pub fn page_hydrated() {
    HYDRATED.with(|hydrated| hydrated.set(true));
}

/// Whether the bundle has hydrated the page, tracked. The page's own module loads while the
/// frame around it hydrates, and effects of the frame run meanwhile: one that changed what the
/// page shows before the page was hydrated would make the page differ from the server's copy.
pub fn is_page_hydrated() -> bool {
    HYDRATED.with(|hydrated| hydrated.get())
}

/// Whether `shown` (what the field holds) is still `rendered` (the text the page was rendered
/// with). Browsers report a textarea's line breaks as `\n` and drop a line break right after
/// the opening tag, so those differences are not typing.
pub fn still_rendered(shown: &str, rendered: &str) -> bool {
    let norm = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n");
    let (shown, rendered) = (norm(shown), norm(rendered));
    shown == rendered || rendered.strip_prefix('\n') == Some(shown.as_str())
}

/// Binds the textarea behind `field` (give it `node_ref=field` and no `prop:value`) to
/// `text`, whose value when this is called is the text the field was rendered with.
///
/// Once the field is hydrated, its current value is read: if the person typed before the page
/// was ready, that text is adopted as `text` and `on_start(Some(typed))` runs so the caller
/// can keep it as a draft; otherwise (and always for a field built after hydration)
/// `on_start(None)` runs, where the caller may bring back a draft by setting `text`. From then
/// on, whenever `text` changes (a merge, a restored draft, a chosen mention, a form cleared
/// after posting), the field shows it; the field's own `on:input` keeps `text` up to date with
/// typing.
pub fn keep_typed(
    field: NodeRef<leptos::html::Textarea>,
    text: RwSignal<String>,
    on_start: impl FnOnce(Option<String>) + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        let rendered = text.get_untracked();
        // Only a field that is part of the page being hydrated can hold typing of its own.
        let hydrating = !HYDRATED.with(|hydrated| hydrated.get_untracked());
        let mut on_start = Some(on_start);
        // An effect runs in the browser only, just after the page is hydrated. Keystrokes from
        // hydration on reach `on:input` as well, so adopting what the field shows loses none.
        Effect::new(move |_| {
            let Some(el) = field.get() else {
                return;
            };
            if let Some(start) = on_start.take() {
                let shown = el.value();
                if !hydrating || still_rendered(&shown, &rendered) {
                    start(None);
                } else {
                    text.set(shown.clone());
                    start(Some(shown));
                }
            }
            let wanted = text.get();
            // Writing an unchanged value would still move the caret to the end.
            if el.value() != wanted {
                el.set_value(&wanted);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (field, text, on_start);
    }
}

#[cfg(test)]
mod tests {
    use super::still_rendered;

    #[test]
    fn the_rendered_text_is_not_typing() {
        assert!(still_rendered("a\nb", "a\nb"));
        assert!(still_rendered("", ""));
    }

    #[test]
    fn line_breaks_the_browser_rewrote_are_not_typing() {
        assert!(still_rendered("a\nb", "a\r\nb"));
        assert!(still_rendered("a\nb", "a\rb"));
        // The HTML parser drops one line break right after `<textarea>`.
        assert!(still_rendered("a", "\na"));
    }

    #[test]
    fn anything_else_is_what_the_person_typed() {
        assert!(!still_rendered("a\nb typed", "a\nb"));
        assert!(!still_rendered("", "a"));
        assert!(!still_rendered("typed", ""));
        assert!(!still_rendered("\na", "a"));
    }
}
