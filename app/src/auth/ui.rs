//! Pages: log in, my account.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use super::api::{ChangePassword, Login};
use crate::error::AppError;
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::{action_error, ActionStatus, Field, FormStatus};
use crate::foundation::ui::form_action::{returned_error, FormAction, SubmitForm};
use crate::foundation::viewer::use_viewer;

/// The login form. A plain form post, so it works before or without the WebAssembly bundle,
/// and a successful login reloads the whole page with the new session; a failed one comes
/// back to this page with its error.
#[component]
pub fn LoginPage() -> impl IntoView {
    let errors = returned_error::<Login>();
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

/// My account: who I am, my organisations, and changing my password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let viewer = use_viewer();
    let change = FormAction::<ChangePassword>::new();
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
            <SubmitForm action=change>
                <ActionStatus action=change done="password" success="Your password was changed. Your other sessions were logged out." />
                <Field form="pw" name="current_password" label="Current password" kind="password" errors autocomplete="current-password" required=true />
                <Field form="pw" name="password" label="New password" kind="password" errors autocomplete="new-password" required=true hint="At least 12 characters; not a common password, and without your name or email address." />
                <Field form="pw" name="password_confirm" label="New password again" kind="password" errors autocomplete="new-password" required=true />
                <button type="submit" class="primary">"Change password"</button>
            </SubmitForm>
        </section>
    }
}
