//! The editor's preview: the text rendered as the person types.
//!
//! The Markdown renderer (the parser and its table of HTML entities, about a tenth of a
//! section page's module) is a module of its own in the browser
//! ([`crate::foundation::markdown::preview_html`]): fetched when an editor first needs it,
//! never by someone who only reads. Each rendering is asked for in turn and waits for that
//! module, so an answer is shown only if no newer text was asked for meanwhile.

use leptos::prelude::*;

/// The preview of `text`: `first` (the server's rendering of `text` as it is now) until the
/// text changes, then the browser's rendering of it, following every change.
pub fn preview_of(text: RwSignal<String>, first: String) -> RwSignal<String> {
    let html = RwSignal::new(first);
    // Hydration keeps the server's rendering of the text the page came with; an editor opened
    // without a reload has none, and renders its text at once.
    let unchanged =
        (!untrack(crate::foundation::ui::typed::is_page_hydrated)).then(|| text.get_untracked());
    let asked = StoredValue::new(0u64);
    // Effects run in the browser only.
    Effect::new(move |ran: Option<()>| {
        let markdown = text.get();
        if ran.is_none() && unchanged.as_ref() == Some(&markdown) {
            return;
        }
        let Some(n) = asked.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let rendered = crate::foundation::markdown::preview_html(markdown).await;
            if asked.try_get_value() == Some(n) {
                html.try_set(rendered);
            }
        });
    });
    html
}
