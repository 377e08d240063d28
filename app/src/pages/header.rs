//! The page frame: skip link, header with navigation and the person's menu, main area.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use server_fn::ServerFn;

use crate::auth::api::Logout;
use crate::foundation::people::Viewer;
use crate::foundation::viewer::whoami;

/// The logged-in person, refetched on every navigation so the header never shows a session
/// that has ended, nor organisations they have left or just joined (accepting an invitation
/// lands on the same path with `?done=joined`, so the query counts too).
pub fn provide_viewer() -> Resource<Option<Viewer>> {
    let location = use_location();
    let viewer = Resource::new(
        move || (location.pathname.get(), location.search.get()),
        |_| async move { whoami().await.ok().flatten() },
    );
    provide_context(viewer);
    viewer
}

/// The site header.
#[component]
pub fn Header() -> impl IntoView {
    let viewer = expect_context::<Resource<Option<Viewer>>>();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"▲"</span>
                " Upstream"
            </a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let unread = crate::inbox::ui::unread_count().await;
                    match viewer.await {
                        Some(v) => view! { <Nav viewer=v unread /> }.into_any(),
                        None => view! {
                            <nav aria-label="Main">
                                <a href="/login">"Log in"</a>
                            </nav>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </header>
    }
}

#[component]
fn Nav(viewer: Viewer, unread: i64) -> impl IntoView {
    let is_admin = viewer.person.is_admin();
    let org_admin = viewer.is_org_admin();
    view! {
        <nav aria-label="Main" class="main-nav">
            <a href="/">"Home"</a>
            <a href="/plans">"Plans"</a>
            <crate::inbox::ui::InboxLink unread />
            <a href="/reviews">"Reviews"</a>
            {(is_admin || org_admin).then(|| view! { <a href="/admin/organisations">"Organisations"</a> })}
            {is_admin.then(|| view! { <a href="/admin/people">"People"</a> <a href="/admin/template">"Template"</a> <a href="/admin/audit">"Audit"</a> })}
            <a href="/account">"My account"</a>
            <span class="who" title=viewer.person.email.clone()>{viewer.person.display_name.clone()}</span>
            // A plain form: logging out reloads the whole page, JavaScript or not.
            <form method="post" action=Logout::PATH class="inline">
                <button type="submit" class="link-button">"Log out"</button>
            </form>
        </nav>
    }
}
