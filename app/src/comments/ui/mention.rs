//! The comment text box: a textarea that, with JavaScript, suggests plan members after `@`.

use leptos::prelude::*;

use crate::comments::api::mention_suggestions;
use crate::comments::mentions::mention_query;
use crate::comments::views::MemberSuggestion;
use crate::foundation::drafts::{self, DraftKey};
use crate::foundation::ui::typed::keep_typed;

/// The text before the caret of the textarea an input event came from.
fn before_caret(ev: &leptos::ev::Event, text: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let caret = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            .and_then(|t| t.selection_start().ok().flatten());
        if let Some(caret) = caret {
            // The caret counts UTF-16 code units.
            let mut units = 0u32;
            let end = text
                .char_indices()
                .find(|(_, c)| {
                    let past = units >= caret;
                    units += c.len_utf16() as u32;
                    past
                })
                .map_or(text.len(), |(i, _)| i);
            return text[..end].to_owned();
        }
    }
    let _ = ev;
    text.to_owned()
}

/// A labelled comment textarea bound to `text`, with its error message and `@` suggestions.
/// With `draft`, what is typed is kept in the browser under that key until the caller clears
/// it (once the server took the comment), and brought back when the box is shown again.
#[component]
pub fn CommentBox(
    /// Element id (also names the error and hint).
    id: String,
    /// Visible label.
    label: &'static str,
    /// The plan whose members are suggested.
    plan_id: i64,
    /// The text, kept by the caller across refreshes.
    text: RwSignal<String>,
    /// The message for this field, if any.
    error: Signal<Option<String>>,
    /// Visible rows.
    #[prop(default = 4)]
    rows: u32,
    /// Where the text being typed is kept in the browser.
    #[prop(optional)]
    draft: Option<DraftKey>,
    /// Told when a kept draft was brought back into the box (to show a folded form).
    #[prop(optional)]
    on_restored: Option<Callback<()>>,
) -> impl IntoView {
    let initial = crate::foundation::ui::textarea_text(&text.get_untracked());
    let draft = StoredValue::new(draft);
    let keep = move |value: &str| {
        draft.with_value(|k| {
            if let Some(k) = k {
                if value.is_empty() {
                    drafts::clear(k);
                } else {
                    drafts::save(k, value);
                }
            }
        })
    };
    // Keep what was typed before the page was ready, or bring back the kept draft.
    let field = NodeRef::<leptos::html::Textarea>::new();
    keep_typed(field, text, move |typed| match typed {
        Some(t) => keep(&t),
        None => {
            let kept = draft.with_value(|k| k.as_ref().and_then(drafts::load));
            if let Some(kept) = kept.filter(|k| !k.is_empty() && *k != text.get_untracked()) {
                text.set(kept);
                if let Some(told) = on_restored {
                    told.run(());
                }
            }
        }
    });
    let suggestions = RwSignal::new(Vec::<MemberSuggestion>::new());
    // Where the `@query` being typed starts and ends, to replace it with the chosen name.
    let typing = RwSignal::new(None::<(usize, usize)>);
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let before = before_caret(&ev, &value);
        keep(&value);
        text.set(value);
        match mention_query(&before) {
            Some(query) => {
                let end = before.len();
                typing.set(Some((end - query.len() - 1, end)));
                let query = query.to_owned();
                leptos::task::spawn_local(async move {
                    suggestions.set(
                        mention_suggestions(plan_id, query)
                            .await
                            .unwrap_or_default(),
                    );
                });
            }
            None => {
                typing.set(None);
                suggestions.set(Vec::new());
            }
        }
    };
    let choose = move |name: String| {
        if let Some((start, end)) = typing.get_untracked() {
            text.update(|t| {
                if end <= t.len() && t.is_char_boundary(start) && t.is_char_boundary(end) {
                    t.replace_range(start..end, &format!("@{name} "));
                }
            });
            text.with_untracked(|t| keep(t));
        }
        typing.set(None);
        suggestions.set(Vec::new());
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            if error.get().is_some() {
                error_id.clone()
            } else {
                hint_id.clone()
            }
        }
    };
    view! {
        <div class="field comment-box" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea
                id=id.clone()
                name="body"
                rows=rows
                aria-describedby=described
                aria-invalid=move || error.get().map(|_| "true")
                // No `prop:value`: `keep_typed` fills the field (see there why).
                node_ref=field
                on:input=on_input
            >{initial}</textarea>
            <p class="hint small" id=hint_id>"Markdown. Mention plan members with @ and their full name or email."</p>
            {move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
            {move || {
                let list = suggestions.get();
                (!list.is_empty()).then(|| view! {
                    <ul class="mention-suggestions" aria-label="Plan members">
                        {list.into_iter().map(|s| {
                            let name = s.name.clone();
                            view! {
                                <li>
                                    <button type="button" class="link-button" on:click=move |_| choose(name.clone())>
                                        {s.name.clone()} " " <span class="muted small">{s.email.clone()}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
        </div>
    }
}
