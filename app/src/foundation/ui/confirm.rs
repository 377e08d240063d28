//! A second step before an action that is hard to take back: the first button only opens a
//! short question that says what happens and what can be undone; the form is sent by the
//! button inside it. Built on `<details>`, so it works the same before the bundle has loaded,
//! without JavaScript, and from the keyboard (Enter or Space opens it, Escape is not needed:
//! pressing the first button again closes it).

use leptos::prelude::*;

/// Goes inside a form in place of its submit button.
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
) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary class="button small danger" aria-label=name>{label}</summary>
            <div class="confirm-step" role="group">
                <p>{explain}</p>
                <button type="submit" class="small danger">{confirm}</button>
            </div>
        </details>
    }
}
