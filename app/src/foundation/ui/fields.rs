//! Form fields that show their validation message beside them and keep what was typed.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use server_fn::ServerFn;

use super::form_action::FormAction;
use crate::error::AppError;

/// The error of the last run of `action`, as a signal fields can read.
pub fn action_error<S>(action: FormAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError>,
    S::Output: DeserializeOwned + Clone + Send + Sync + 'static,
{
    let value = action.value();
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// True once `action` has succeeded at least once and its last run succeeded.
pub fn action_succeeded<S>(action: FormAction<S>) -> Signal<bool>
where
    S: ServerFn<Error = AppError>,
    S::Output: DeserializeOwned + Clone + Send + Sync + 'static,
{
    let value = action.value();
    Signal::derive(move || matches!(value.get(), Some(Ok(_))))
}

fn message_for(
    errors: Signal<Option<AppError>>,
    name: &'static str,
) -> impl Fn() -> Option<String> + Copy {
    move || {
        errors.with(|e| {
            e.as_ref()
                .and_then(|e| e.form_errors())
                .and_then(|f| f.message(name).map(str::to_owned))
        })
    }
}

fn refill(
    errors: Signal<Option<AppError>>,
    name: &'static str,
    initial: Option<String>,
) -> impl Fn() -> Option<String> {
    move || {
        errors
            .with(|e| {
                e.as_ref()
                    .and_then(|e| e.form_errors())
                    .and_then(|f| f.value(name).map(str::to_owned))
            })
            .or_else(|| initial.clone())
    }
}

/// A labelled input with its error message underneath.
#[component]
pub fn Field(
    /// Prefix that keeps element ids unique when a page has several forms.
    #[prop(into)]
    form: String,
    /// The input's `name`, matching the server function's argument.
    name: &'static str,
    /// Visible label.
    label: &'static str,
    /// Errors of the form's action.
    errors: Signal<Option<AppError>>,
    /// The input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// Value to start with.
    #[prop(optional, into)]
    value: Option<String>,
    /// The `autocomplete` hint.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// Whether the browser should insist on a value.
    #[prop(optional)]
    required: bool,
    /// A hint shown under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
) -> impl IntoView {
    let id = format!("{form}-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = message_for(errors, name);
    let keep = kind != "password";
    let value = refill(errors, name, value);
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || match (message().is_some(), hint.is_some()) {
            (true, _) => Some(error_id.clone()),
            (false, true) => Some(hint_id.clone()),
            _ => None,
        }
    };
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id
                name=name
                type=kind
                value=move || if keep { value() } else { None }
                autocomplete=autocomplete
                // Not `required`: the browser's own check would pre-empt the server's message,
                // which is the one shown next to the field, with or without JavaScript.
                aria-required=required.then_some("true")
                aria-invalid=move || message().map(|_| "true")
                aria-describedby=described
            />
            {move || {
                message().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })
            }}
        </div>
    }
}

/// A labelled `<select>` with its error message underneath.
#[component]
pub fn SelectField(
    /// Prefix that keeps element ids unique.
    #[prop(into)]
    form: String,
    /// The select's `name`.
    name: &'static str,
    /// Visible label.
    label: &'static str,
    /// Errors of the form's action.
    errors: Signal<Option<AppError>>,
    /// `(value, label)` pairs.
    options: Vec<(String, String)>,
    /// Value selected at first.
    #[prop(optional, into)]
    selected: Option<String>,
    /// A first, empty choice with this label.
    #[prop(optional)]
    placeholder: Option<&'static str>,
) -> impl IntoView {
    let id = format!("{form}-{name}");
    let error_id = format!("{id}-error");
    let message = message_for(errors, name);
    let chosen = refill(errors, name, selected);
    let chosen = Signal::derive(chosen);
    let id2 = id.clone();
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                name=name
                aria-invalid=move || message().map(|_| "true")
                aria-describedby=move || message().map(|_| error_id.clone())
            >
                {placeholder.map(|p| view! { <option value="">{p}</option> })}
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let v = value.clone();
                        view! {
                            <option value=value selected=move || chosen.get().as_deref() == Some(v.as_str())>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            {
                let error_id = format!("{id2}-error");
                move || message().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })
            }
        </div>
    }
}

/// A form's error that belongs to no single field (forms whose success shows elsewhere, by a
/// redirect or a changed page).
#[component]
pub fn FormStatus(
    /// Errors of the form's action.
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    outcome(errors, Signal::derive(|| false), None, "")
}

/// The outcome of the form bound to `action`: its form-wide error, or `success` once it
/// worked, whether it was submitted hydrated (the action's value) or posted without
/// JavaScript (the page comes back with `?done=<done>`). It takes the action itself so that a
/// form cannot show one of the two and forget the other.
#[component]
pub fn ActionStatus<S>(
    /// The form's action.
    action: FormAction<S>,
    /// The `done` query value a plain post of this form comes back with.
    done: &'static str,
    /// What to say on success.
    success: &'static str,
) -> impl IntoView
where
    S: ServerFn<Error = AppError>,
    S::Output: DeserializeOwned + Clone + Send + Sync + 'static,
{
    outcome(
        action_error(action),
        action_succeeded(action),
        Some(done),
        success,
    )
}

fn outcome(
    errors: Signal<Option<AppError>>,
    succeeded: Signal<bool>,
    done: Option<&'static str>,
    success: &'static str,
) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let came_back_done = move || done.is_some() && query.with(|q| q.get("done")).as_deref() == done;
    move || {
        let error = errors.get();
        match error {
            Some(AppError::Invalid(f)) if f.fields.len() > 1 => Some(
                view! { <p class="alert alert-error" role="alert">{f.to_string()}</p> }.into_any(),
            ),
            Some(AppError::Invalid(_)) => None,
            Some(other) => Some(
                view! { <p class="alert alert-error" role="alert">{other.to_string()}</p> }
                    .into_any(),
            ),
            None if succeeded.get() || came_back_done() => Some(
                view! { <p class="alert alert-success" role="status">{success}</p> }.into_any(),
            ),
            None => None,
        }
    }
}

/// A labelled `<textarea>` with its error message underneath.
#[component]
pub fn TextArea(
    /// Prefix that keeps element ids unique.
    #[prop(into)]
    form: String,
    /// The textarea's `name`.
    name: &'static str,
    /// Visible label.
    label: &'static str,
    /// Errors of the form's action.
    errors: Signal<Option<AppError>>,
    /// Text to start with.
    #[prop(optional, into)]
    value: Option<String>,
    /// Visible rows.
    #[prop(default = 4)]
    rows: u32,
) -> impl IntoView {
    let id = format!("{form}-{name}");
    let error_id = format!("{id}-error");
    let message = message_for(errors, name);
    let text = refill(errors, name, value)().unwrap_or_default();
    let text = crate::foundation::ui::textarea_text(&text);
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea id=id name=name rows=rows aria-invalid=move || message().map(|_| "true")>
                {text}
            </textarea>
            {move || message().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </div>
    }
}
