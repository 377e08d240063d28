//! The editor's formatting buttons and its Markdown help. The buttons edit the text box's
//! selection, so they appear once the page has hydrated (without the bundle they could do
//! nothing); the help is plain markup and is there with or without it.

use leptos::prelude::*;

use crate::foundation::markdown::toolbar::Format;

/// Buttons for the Markdown most people need. `on_edit` gets the text after a press (the text
/// box itself is already updated, selection included).
#[component]
pub fn FormatBar(
    field: NodeRef<leptos::html::Textarea>,
    on_edit: Callback<String>,
) -> impl IntoView {
    // Rendered after hydration only: the server's markup and the first browser rendering
    // agree on "no buttons".
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let press = move |format: Format| {
        #[cfg(feature = "hydrate")]
        if let Some(t) = field.get_untracked() {
            let start = t.selection_start().ok().flatten().unwrap_or(0);
            let end = t.selection_end().ok().flatten().unwrap_or(start);
            let edited =
                crate::foundation::markdown::toolbar::apply(format, &t.value(), start, end);
            t.set_value(&edited.text);
            // Back to the text, with the formatted words (or what is left to type) selected.
            let _ = t.focus();
            let _ = t.set_selection_range(edited.start, edited.end);
            on_edit.run(edited.text);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (format, field, on_edit);
    };
    move || {
        ready.get().then(|| {
            view! {
                <div class="format-bar" role="group" aria-label="Formatting">
                    {Format::ALL.iter().map(|f| {
                        let f = *f;
                        view! { <button type="button" class="small" aria-controls="section-body" on:click=move |_| press(f)>{f.label()}</button> }
                    }).collect_view()}
                </div>
            }
        })
    }
}

/// The syntax the buttons write, and a little more, folded away.
#[component]
pub fn FormatHelp() -> impl IntoView {
    let rows: [(&str, &str); 8] = [
        ("## Heading", "a heading (### for a smaller one)"),
        ("**bold**", "bold"),
        ("_italic_", "italic"),
        ("- item", "a bulleted list, one item per line"),
        ("1. item", "a numbered list"),
        ("[words](https://example.org)", "a link"),
        ("> quoted", "a quotation"),
        ("an empty line", "a new paragraph"),
    ];
    view! {
        <details class="format-help">
            <summary>"Formatting help"</summary>
            <dl>
                {rows.into_iter().map(|(syntax, meaning)| view! { <dt><code>{syntax}</code></dt><dd>{meaning}</dd> }).collect_view()}
            </dl>
        </details>
    }
}
