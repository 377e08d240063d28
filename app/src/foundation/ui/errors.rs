//! Showing an [`AppError`] as a page, with the matching HTTP status when rendered on the server.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::error::AppError;

/// Renders a failed page load: a redirect to the login page when the session is gone,
/// otherwise a message (and, on the server, the status code: 403, 404...).
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            options.set_status(status);
        }
    }
    if error == AppError::Unauthenticated {
        let location = use_location();
        let here = location.pathname.get_untracked();
        let path = format!("/login?next={}", encode_component(&here));
        return view! { <Redirect path=path /> }.into_any();
    }
    let title = match &error {
        AppError::Forbidden => "Not allowed",
        AppError::NotFound => "Not found",
        AppError::Internal => "Something went wrong",
        _ => "This cannot be shown",
    };
    view! {
        <section class="panel error-page" role="alert">
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            <p>
                <a href="/">"Go to your home page"</a>
            </p>
        </section>
    }
    .into_any()
}

/// The page shown for an unknown address.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound /> }
}

/// Percent-encodes a path for use as a query value.
pub fn encode_component(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_query_characters() {
        assert_eq!(super::encode_component("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
    }
}
