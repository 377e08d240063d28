//! Showing an [`AppError`] as a page, with the matching HTTP status when rendered on the server.

use leptos::prelude::*;
use leptos_meta::Title;
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
    let (title, why) = match &error {
        AppError::Forbidden => (
            "Not allowed",
            "Your role does not let you open this. If you need it, ask the plan's lead (for a plan) or your organisation's administrator to give you a role.",
        ),
        AppError::NotFound => (
            "Not found",
            "There is nothing at this address, or it is on a plan you have no role on. Check the link you followed, or start from your plans.",
        ),
        AppError::Internal => (
            "Something went wrong",
            "The server could not show this page. Nothing you typed elsewhere was lost; try again in a moment.",
        ),
        _ => ("This cannot be shown", ""),
    };
    view! {
        <Title text=title />
        <section class="panel error-page" role="alert">
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            {(!why.is_empty()).then(|| view! { <p>{why}</p> })}
            <ul class="ways-on">
                <li><a href="/">"Go to your home page"</a></li>
                <li><a href="/plans">"See the plans you can open"</a></li>
            </ul>
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
