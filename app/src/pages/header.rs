//! The page frame: skip link, header with navigation and the person's menu, main area.

use crate::foundation::loaded::{load, Loaded};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use server_fn::ServerFn;

use crate::auth::api::Logout;
use crate::foundation::drafts;
use crate::foundation::people::Viewer;
use crate::foundation::viewer::whoami;

/// The logged-in person, refetched on every navigation so the header never shows a session
/// that has ended, nor organisations they have left or just joined (accepting an invitation
/// lands on the same path with `?done=joined`, so the query counts too).
pub fn provide_viewer() -> Loaded<Option<Viewer>> {
    let location = use_location();
    let viewer = load(
        move || (location.pathname.get(), location.search.get()),
        |_| async move { whoami().await.ok().flatten() },
    );
    provide_context(viewer);
    // Drafts kept in this browser belong to one person. Whoever is signed in, anyone else's
    // go: a logout posted without JavaScript could not remove them, but the next login does,
    // before they could be read. (Effects run in the browser only.)
    Effect::new(move |_| {
        if let Some(Some(v)) = viewer.get() {
            drafts::keep_only(v.person.id);
        }
    });
    viewer
}

/// The site header.
#[component]
pub fn Header() -> impl IntoView {
    let viewer = expect_context::<Loaded<Option<Viewer>>>();
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

/// The navigation. On a phone it folds into a "Menu" (`<details>`, so it opens without
/// JavaScript); on wider screens the stylesheet shows it open and hides the "Menu" toggle.
#[component]
fn Nav(viewer: Viewer, unread: i64) -> impl IntoView {
    let is_admin = viewer.person.is_admin();
    let org_admin = viewer.is_org_admin();
    let location = use_location();
    let menu = NodeRef::<leptos::html::Details>::new();
    // A navigation inside the hydrated app keeps the document: fold the menu again, as a page
    // load would.
    Effect::new(move |_| {
        location.pathname.track();
        #[cfg(feature = "hydrate")]
        if let Some(d) = menu.get_untracked() {
            let _ = d.remove_attribute("open");
        }
    });
    let reclicked = crate::foundation::ui::reclick::use_reclicked();
    let reviews_clicked =
        move |_| reclicked.note_click("/reviews", &location.pathname.get_untracked());
    view! {
        <nav aria-label="Main" class="main-nav">
            <details class="nav-menu" node_ref=menu>
                <summary>"Menu" <span class="visually-hidden">" (navigation)"</span></summary>
                <div class="nav-links">
                    // `A` marks the link of the current page with `aria-current="page"`.
                    <A href="/" exact=true>"Home"</A>
                    <A href="/plans">"Plans"</A>
                    <crate::inbox::ui::InboxLink unread />
                    <A href="/reviews" on:click=reviews_clicked>"Reviews"</A>
                    {(is_admin || org_admin).then(|| view! { <A href="/admin/organisations">"Organisations"</A> })}
                    {is_admin.then(|| view! { <A href="/admin/people">"People"</A> <A href="/admin/template">"Template"</A> <A href="/admin/audit">"Audit"</A> })}
                    <A href="/account">"My account"</A>
                    <span class="who" title=viewer.person.email.clone()>{viewer.person.display_name.clone()}</span>
                    // A plain form: logging out reloads the whole page, JavaScript or not. With it,
                    // every draft kept in this browser goes first, so none stays for the next person
                    // on a shared computer (without it, the next login removes them).
                    <form method="post" action=Logout::PATH class="inline" on:submit=|_| drafts::clear_all()>
                        <button type="submit" class="link-button">"Log out"</button>
                    </form>
                </div>
            </details>
        </nav>
    }
}
