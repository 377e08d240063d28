//! The editor's preview: the text rendered as the person types.
//!
//! The Markdown renderer (the parser and its table of HTML entities, about a tenth of a
//! section page's module) is a module of its own in the browser
//! ([`crate::foundation::markdown::preview_html`]): fetched when an editor first needs it,
//! never by someone who only reads. Each rendering is asked for in turn and waits for that
//! module, so an answer is shown only if no newer text was asked for meanwhile.

use leptos::prelude::*;

/// The preview's HTML and how many renderings were asked for.
#[derive(Clone, Copy)]
pub struct Preview {
    pub html: RwSignal<String>,
    asked: StoredValue<u64>,
}

impl Preview {
    /// A preview showing `html` (the server's rendering, or nothing until the first arrives).
    pub fn new(html: String) -> Self {
        Self {
            html: RwSignal::new(html),
            asked: StoredValue::new(0),
        }
    }

    /// Renders `markdown` into the preview, unless newer text is asked for before it is done
    /// (or the editor is gone). In the browser only: the server renders its own preview.
    pub fn show(self, markdown: String) {
        let Some(asked) = self.asked.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let html = crate::foundation::markdown::preview_html(markdown).await;
            if self.asked.try_get_value() == Some(asked) {
                self.html.try_set(html);
            }
        });
    }
}
