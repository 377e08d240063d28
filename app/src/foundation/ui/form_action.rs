//! Forms posted to a server function: a plain `<form method="post">` that works without the
//! WebAssembly bundle and, once the page is hydrated, is sent in the background instead.
//!
//! Leptos' `ActionForm` does the same through a typed `ServerAction`: on submit it decodes
//! the form into the function's arguments (`serde_qs`), and the action encodes them again to
//! send them. Both steps are compiled once per server function, and with the action's own
//! machinery they were about a tenth of a page module's code. Here the form's fields are
//! sent as the browser would send them without JavaScript (the server already reads that
//! body for plain posts), by one function for every form; only reading the answer is
//! compiled per server function.

use std::marker::PhantomData;
use std::sync::Arc;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use server_fn::ServerFn;

use crate::error::AppError;

/// What a form sent: its fields, in order, as the browser sent them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Submitted(Vec<(String, String)>);

impl Submitted {
    /// The first value of the field `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A form's posts to the server function `S`: the last answer, how many have come back, and
/// what is under way. Copy, like Leptos' actions.
pub struct FormAction<S: ServerFn> {
    value: RwSignal<Option<Result<S::Output, AppError>>>,
    version: RwSignal<usize>,
    in_flight: RwSignal<usize>,
    input: RwSignal<Option<Submitted>>,
    _fn: PhantomData<fn() -> S>,
}

impl<S: ServerFn> Clone for FormAction<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ServerFn> Copy for FormAction<S> {}

impl<S> FormAction<S>
where
    S: ServerFn<Error = AppError>,
    S::Output: DeserializeOwned + Clone + Send + Sync + 'static,
{
    /// A form action whose last answer is, at first, the error a plain post of this form came
    /// back with (`foundation::form_return`), as a Leptos action's is.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        FormAction {
            value: RwSignal::new(returned::<S>().map(Err)),
            version: RwSignal::new(0),
            in_flight: RwSignal::new(0),
            input: RwSignal::new(None),
            _fn: PhantomData,
        }
    }

    /// The last answer: the function's result, or why it failed.
    pub fn value(&self) -> RwSignal<Option<Result<S::Output, AppError>>> {
        self.value
    }

    /// How many answers have come back.
    pub fn version(&self) -> RwSignal<usize> {
        self.version
    }

    /// Whether a post is under way.
    pub fn pending(&self) -> Signal<bool> {
        let in_flight = self.in_flight;
        Signal::derive(move || in_flight.get() > 0)
    }

    /// What the post under way sent (`None` once every post has come back).
    pub fn input(&self) -> RwSignal<Option<Submitted>> {
        self.input
    }
}

/// The error a plain post of `S`'s form came back with (see `foundation::form_return`), if
/// this page is where it came back to.
pub fn returned<S: ServerFn<Error = AppError>>() -> Option<AppError> {
    use_context::<leptos::server::ServerActionError>().and_then(|e| {
        (e.path() == S::PATH)
            .then(|| server_fn::error::ServerFnUrlError::<AppError>::decode_err(e.err()))
    })
}

/// [`returned`] as a signal, for a form that is only ever posted plainly, such as the login
/// form (a successful login reloads the whole page): what `action_error` gives for an action
/// that never runs, without building one. The login page lives in the main module, which
/// every page loads.
pub fn returned_error<S: ServerFn<Error = AppError>>() -> Signal<Option<AppError>> {
    Signal::stored(returned::<S>())
}

/// Reads a successful answer's body as a server function's output.
fn read_output<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    crate::encoding::read(body).map_err(AppError::from)
}

/// A form's action with its server function's type gone: what [`SubmitForm`] needs.
// On the server a form is only rendered, never sent: the fields are read in the browser.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone)]
pub struct FormHandler {
    path: &'static str,
    in_flight: RwSignal<usize>,
    input: RwSignal<Option<Submitted>>,
    /// Reads an answer and records it (the only part compiled per server function).
    settle: Arc<dyn Fn(Result<Vec<u8>, AppError>) + Send + Sync>,
}

impl<S> From<FormAction<S>> for FormHandler
where
    S: ServerFn<Error = AppError>,
    S::Output: DeserializeOwned + Clone + Send + Sync + 'static,
{
    fn from(action: FormAction<S>) -> Self {
        FormHandler {
            path: S::PATH,
            in_flight: action.in_flight,
            input: action.input,
            settle: Arc::new(move |answer| {
                let result = answer.and_then(|body| read_output::<S::Output>(&body));
                action.version.update(|n| *n += 1);
                action.value.set(Some(result));
            }),
        }
    }
}

/// A form posting to its action's server function: plainly before the page is hydrated (or
/// without JavaScript), in the background after.
#[component]
pub fn SubmitForm(
    /// The form's action (a [`FormAction`]).
    #[prop(into)]
    action: FormHandler,
    /// The form's fields and buttons.
    children: Children,
) -> impl IntoView {
    let path = action.path;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        browser::submit(&action, ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = (&action, ev);
    };
    view! {
        <form action=path method="post" on:submit=on_submit>
            {children()}
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use server_fn::client::browser::BrowserClient;
    use server_fn::client::Client;
    use server_fn::error::FromServerFnError;
    use server_fn::request::browser::BrowserRequest;
    use server_fn::request::ClientReq;
    use server_fn::response::ClientRes;

    use super::{FormHandler, Submitted};
    use crate::error::AppError;

    /// Sends the form of `ev` as its plain post would, and records the answer.
    pub fn submit(action: &FormHandler, ev: leptos::ev::SubmitEvent) {
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        let fields = match leptos::form::form_data_from_event(&ev) {
            Ok(data) => fields_of(&data),
            Err(e) => {
                (action.settle)(Err(AppError::Transport(e.to_string())));
                return;
            }
        };
        let body = encode(&fields);
        action.input.set(Some(Submitted(fields)));
        action.in_flight.update(|n| *n += 1);
        let action = action.clone();
        leptos::task::spawn_local(async move {
            let (answer, redirect) = match post(action.path, body).await {
                Ok((answer, redirect)) => (answer, redirect),
                Err(e) => (Err(e), None),
            };
            action.in_flight.update(|n| *n = n.saturating_sub(1));
            (action.settle)(answer);
            if action.in_flight.get_untracked() == 0 {
                action.input.set(None);
            }
            // As Leptos' server functions do: the router (its redirect hook) goes there.
            if let Some(location) = redirect {
                server_fn::redirect::call_redirect_hook(&location);
            }
        });
    }

    /// The form's text fields, in order (the app has no file inputs).
    fn fields_of(data: &web_sys::FormData) -> Vec<(String, String)> {
        let Ok(Some(entries)) = js_sys::try_iter(data) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|entry| {
                let pair = entry.dyn_into::<js_sys::Array>().ok()?;
                Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
            })
            .collect()
    }

    /// `application/x-www-form-urlencoded`, as the browser encodes a plain post.
    fn encode(fields: &[(String, String)]) -> String {
        let Ok(params) = web_sys::UrlSearchParams::new() else {
            return String::new();
        };
        for (name, value) in fields {
            params.append(name, value);
        }
        params.to_string().into()
    }

    /// Posts `body` to the server function at `path`: the answer's body (or the error it
    /// carries) and where the server asked to go next.
    async fn post(
        path: &str,
        body: String,
    ) -> Result<(Result<Vec<u8>, AppError>, Option<String>), AppError> {
        let req = <BrowserRequest as ClientReq<AppError>>::try_new_post(
            path,
            "application/x-www-form-urlencoded",
            crate::encoding::ANSWER_TYPE,
            body,
        )?;
        let res = <BrowserClient as Client<AppError>>::send(req).await?;
        let status = <_ as ClientRes<AppError>>::status(&res);
        let redirect = ((300..=399).contains(&status)
            || <_ as ClientRes<AppError>>::has_redirect(&res))
        .then(|| <_ as ClientRes<AppError>>::location(&res));
        let bytes = <_ as ClientRes<AppError>>::try_into_bytes(res).await?;
        let answer = if (400..=599).contains(&status) {
            Err(AppError::de(bytes))
        } else {
            Ok(bytes.to_vec())
        };
        Ok((answer, redirect))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submitted_field_reads_as_its_first_value() {
        let sent = Submitted(vec![
            ("thread_id".into(), "7".into()),
            ("body".into(), "first".into()),
            ("body".into(), "second".into()),
        ]);
        assert_eq!(sent.value("thread_id"), Some("7"));
        assert_eq!(sent.value("body"), Some("first"));
        assert_eq!(sent.value("comment_id"), None);
    }

    #[test]
    fn an_answer_of_the_wrong_shape_is_an_error_not_a_panic() {
        let written = crate::encoding::write(&Some(42_i64)).expect("writes");
        assert_eq!(read_output::<Option<i64>>(&written).ok(), Some(Some(42)));
        let nothing = crate::encoding::write(&()).expect("writes");
        assert_eq!(read_output::<()>(&nothing).ok(), Some(()));
        let mut other_build = written.clone();
        other_build[2] ^= 0xff;
        assert_eq!(
            read_output::<Option<i64>>(&other_build).err(),
            Some(AppError::Outdated)
        );
        // Nothing, an unknown tag, a value cut short, a number that never ends.
        for value in [&b""[..], b"\x02", b"\x01", b"\x01\xff\xff"] {
            let mut body = nothing.clone();
            body.extend_from_slice(value);
            assert!(matches!(
                read_output::<Option<i64>>(&body),
                Err(AppError::Transport(_))
            ));
        }
    }
}
