//! Home: who I am, invitations to join organisations waiting for my answer, and my
//! organisations; anyone not logged in is asked to log in.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;
use crate::foundation::people::Viewer;
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::viewer::use_viewer;
use crate::invitations::ui::joining::MembershipInvitations;

/// Who I am and my organisations; sends anyone not logged in to the login page.
#[component]
pub fn HomePage() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <Title text="Home" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    None => view! { <ErrorPage error=AppError::Unauthenticated /> }.into_any(),
                    Some(v) => view! { <Home viewer=v /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Home(viewer: Viewer) -> impl IntoView {
    let person = viewer.person.clone();
    let is_admin = person.is_admin();
    view! {
        <section class="panel">
            <h1>"Welcome, " {person.display_name.clone()}</h1>
            <dl class="facts">
                <dt>"Email"</dt>
                <dd>{person.email.clone()}</dd>
                <dt>"Platform role"</dt>
                <dd>{person.platform_role.label()}</dd>
            </dl>
        </section>
        <MembershipInvitations />
        <section class="panel">
            <h2>"My organisations"</h2>
            {if viewer.memberships.is_empty() {
                view! { <p class="muted">"You do not belong to any organisation yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="cards">
                        {viewer
                            .memberships
                            .iter()
                            .map(|m| {
                                view! {
                                    <li class="card">
                                        <a href=format!("/admin/organisations/{}", m.org_id)>{m.org_name.clone()}</a>
                                        <span class=format!("badge kind-{}", m.org_kind.as_str())>{m.org_kind.label()}</span>
                                        <span class="muted">{m.role.label()}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
        {is_admin
            .then(|| {
                view! {
                    <section class="panel">
                        <h2>"Administration"</h2>
                        <p>
                            <a href="/admin/organisations">"Manage organisations"</a>
                            " · "
                            <a href="/admin/people">"Manage people and invitations"</a>
                        </p>
                    </section>
                }
            })}
    }
}
