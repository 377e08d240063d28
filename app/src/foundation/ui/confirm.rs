//! A second step before an action that is hard to take back: the first button only opens a
//! short question that says what happens and what can be undone; the form is sent by the
//! button inside it. Built on `<details>`, so it works the same before the bundle has loaded,
//! without JavaScript, and from the keyboard (Enter or Space opens it, Escape is not needed:
//! pressing the first button again closes it).

use leptos::prelude::*;

/// Goes inside a form in place of its submit button; or, with `on_confirm`, anywhere, for an
/// action the page does itself in the browser (discarding text kept there).
#[component]
pub fn ConfirmButton(
    /// The first button's text ("Delete").
    label: &'static str,
    /// The first button's accessible name, when the text alone is ambiguous in a list.
    #[prop(optional, into)]
    name: Option<String>,
    /// What happens, and whether it can be undone.
    explain: String,
    /// The button that sends the form ("Yes, delete it").
    confirm: &'static str,
    /// Run by the confirming button instead of sending a form: it is then a plain button.
    #[prop(optional, into)]
    on_confirm: Option<Callback<()>>,
) -> impl IntoView {
    let details = NodeRef::<leptos::html::Details>::new();
    let button = match on_confirm {
        None => view! { <button type="submit" class="small danger">{confirm}</button> }.into_any(),
        Some(run) => {
            let click = move |_| {
                // Folded again, so the question does not linger over what replaced it.
                if let Some(d) = details.get_untracked() {
                    d.set_open(false);
                }
                run.run(());
            };
            view! { <button type="button" class="small danger" on:click=click>{confirm}</button> }
                .into_any()
        }
    };
    view! {
        <details class="confirm" node_ref=details>
            <summary class="button small danger" aria-label=name>{label}</summary>
            <div class="confirm-step" role="group">
                <p>{explain}</p>
                {button}
            </div>
        </details>
    }
}
