//! Pages: home, log in, accept an invitation, my account.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn;

use super::api::{invitation, AcceptInvitation, ChangePassword, Login};
use crate::admin::views::Viewer;
use crate::error::AppError;
use crate::ui::errors::ErrorPage;
use crate::ui::fields::{action_error, ActionStatus, Field, FormStatus};

fn viewer_resource() -> Resource<Option<Viewer>> {
    expect_context::<Resource<Option<Viewer>>>()
}

/// Who I am and my organisations; sends anyone not logged in to the login page.
#[component]
pub fn HomePage() -> impl IntoView {
    let viewer = viewer_resource();
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

/// The login form. A plain form post, so it works before or without the WebAssembly bundle,
/// and a successful login reloads the whole page with the new session.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let errors = action_error(login);
    let query = use_query_map();
    let next = move || {
        query
            .with(|q| q.get("next"))
            .unwrap_or_else(|| "/".to_owned())
    };
    view! {
        <Title text="Log in" />
        <section class="panel narrow">
            <h1>"Log in"</h1>
            <form method="post" action=Login::PATH novalidate>
                <FormStatus errors />
                <input type="hidden" name="next" value=next />
                <Field form="login" name="email" label="Email" kind="email" errors autocomplete="username" required=true />
                <Field form="login" name="password" label="Password" kind="password" errors autocomplete="current-password" required=true />
                <button type="submit" class="primary">"Log in"</button>
            </form>
            <p class="muted">"There is no open sign-up: an administrator invites you."</p>
        </section>
    }
}

/// Where an invitation link leads: choose a name and password, and the account exists.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token")).unwrap_or_default();
    let preview = Resource::new(token, invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    let errors = action_error(accept);
    view! {
        <Title text="Accept invitation" />
        <section class="panel narrow">
            <h1>"Join Upstream"</h1>
            <Suspense fallback=|| view! { <p>"Checking your invitation…"</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                        Ok(p) => view! {
                            <p>
                                "This invitation is for " <strong>{p.email.clone()}</strong>
                                {p.org_name.clone().map(|o| view! { ", joining " <strong>{o}</strong> })}
                                {p.plan.clone().map(|(title, role)| view! { ", as " {role} " on " <strong>{title}</strong> })}
                                ". Choose the name others will see and a password."
                            </p>
                            <form method="post" action=AcceptInvitation::PATH novalidate>
                                <FormStatus errors />
                                <input type="hidden" name="token" value=token />
                                <Field form="accept" name="display_name" label="Your name" errors value=p.display_name.clone() autocomplete="name" required=true />
                                <Field form="accept" name="password" label="Password" kind="password" errors autocomplete="new-password" required=true hint="At least 12 characters. A few unrelated words work well." />
                                <Field form="accept" name="password_confirm" label="Password again" kind="password" errors autocomplete="new-password" required=true />
                                <button type="submit" class="primary">"Create my account"</button>
                            </form>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// My account: who I am, my organisations, and changing my password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let viewer = viewer_resource();
    let change = ServerAction::<ChangePassword>::new();
    let errors = action_error(change);
    view! {
        <Title text="My account" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let Some(v) = viewer.await else {
                    return view! { <ErrorPage error=AppError::Unauthenticated /> }.into_any();
                };
                view! {
                    <section class="panel">
                        <h1>"My account"</h1>
                        <dl class="facts">
                            <dt>"Name"</dt>
                            <dd>{v.person.display_name.clone()}</dd>
                            <dt>"Email"</dt>
                            <dd>{v.person.email.clone()}</dd>
                            <dt>"Platform role"</dt>
                            <dd>{v.person.platform_role.label()}</dd>
                            <dt>"Organisations"</dt>
                            <dd>
                                {if v.memberships.is_empty() {
                                    "None".to_owned()
                                } else {
                                    v.memberships
                                        .iter()
                                        .map(|m| format!("{} ({})", m.org_name, m.role.label()))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                }}
                            </dd>
                        </dl>
                    </section>
                }
                .into_any()
            })}
        </Suspense>
        <section class="panel narrow">
            <h2>"Change password"</h2>
            <p class="muted">"Changing your password logs you out everywhere else."</p>
            <ActionForm action=change>
                <ActionStatus action=change done="password" success="Your password was changed. Your other sessions were logged out." />
                <Field form="pw" name="current_password" label="Current password" kind="password" errors autocomplete="current-password" required=true />
                <Field form="pw" name="password" label="New password" kind="password" errors autocomplete="new-password" required=true hint="At least 12 characters." />
                <Field form="pw" name="password_confirm" label="New password again" kind="password" errors autocomplete="new-password" required=true />
                <button type="submit" class="primary">"Change password"</button>
            </ActionForm>
        </section>
    }
}
