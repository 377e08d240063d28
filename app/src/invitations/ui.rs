//! Invitation forms and the one-time link they produce, and the page an invitation link leads
//! to. Open invitations with their withdraw buttons are in [`pending`]; invitations to join an
//! organisation, as the person invited answers them, in [`joining`].

pub mod joining;
pub mod pending;

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use super::api::{invitation, AcceptInvitation, Invite, InviteToPlan};
use super::views::InvitationCreated;
use crate::access::domain::PlanRole;
use crate::admin::views::OrgSummary;
use crate::foundation::people::{OrgRole, PlatformRole};
use crate::foundation::ui::fields::{action_error, Field, FormStatus, SelectField};
use crate::foundation::ui::timestamp::Time;

/// Invites a person. With `fixed_org`, they join that organisation as member or admin;
/// otherwise (platform administrators) any organisation or none, with a platform role.
///
/// The action belongs to the page, not to this form: the page reloads its lists after an
/// invitation and rebuilds this form, and the link must survive that.
#[component]
pub fn InviteForm(
    /// The page's invite action.
    invite: FormAction<Invite>,
    /// The invitation made by the last post without JavaScript, kept in the session for this page.
    notice: Option<InvitationCreated>,
    /// Organisations to choose from, when not fixed.
    #[prop(optional)]
    organisations: Vec<OrgSummary>,
    /// The organisation the invitation is for, on an organisation's page.
    #[prop(optional)]
    fixed_org: Option<i64>,
) -> impl IntoView {
    let errors = action_error(invite);
    let created = move || match invite.value().get() {
        Some(Ok(c)) => Some(c),
        _ => notice.clone(),
    };
    let org_options: Vec<(String, String)> = organisations
        .iter()
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect();
    let form = if fixed_org.is_some() {
        "invite-org"
    } else {
        "invite"
    };
    view! {
        <SubmitForm action=invite attr:class="stacked">
            <FormStatus errors />
            <Field form=form.to_owned() name="email" label="Email" kind="email" errors required=true />
            <Field form=form.to_owned() name="display_name" label="Name" errors required=true />
            {match fixed_org {
                Some(id) => view! { <input type="hidden" name="organisation_id" value=id.to_string() /> }.into_any(),
                None => view! {
                    <SelectField form=form.to_owned() name="organisation_id" label="Organisation" errors options=org_options placeholder="No organisation" />
                    <SelectField
                        form=form
                        name="platform_role"
                        label="Platform role"
                        errors
                        options=vec![
                            (PlatformRole::Member.as_str().to_owned(), PlatformRole::Member.label().to_owned()),
                            (PlatformRole::Admin.as_str().to_owned(), PlatformRole::Admin.label().to_owned()),
                        ]
                    />
                }
                .into_any(),
            }}
            <SelectField form=form.to_owned() name="organisation_role" label="Role in the organisation" errors options=org_role_options() />
            <button type="submit" class="primary">"Create invitation link"</button>
        </SubmitForm>
        {move || created().map(|c| view! { <InvitationLink created=c /> })}
    }
}

fn org_role_options() -> Vec<(String, String)> {
    [OrgRole::Member, OrgRole::Admin]
        .iter()
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect()
}

/// Invites someone without an account onto plan `plan` with a role (the plan's leads).
#[component]
pub fn PlanInviteForm(
    plan: i64,
    /// The page's invite action.
    invite: FormAction<InviteToPlan>,
    /// The invitation made by the last post without JavaScript.
    notice: Option<InvitationCreated>,
) -> impl IntoView {
    let errors = action_error(invite);
    let created = move || match invite.value().get() {
        Some(Ok(c)) => Some(c),
        _ => notice.clone(),
    };
    let roles: Vec<(String, String)> = PlanRole::ALL
        .iter()
        .rev()
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect();
    view! {
        <SubmitForm action=invite>
            <FormStatus errors />
            <input type="hidden" name="plan_id" value=plan.to_string() />
            <Field form="plan-invite" name="email" label="Email" kind="email" errors />
            <Field form="plan-invite" name="display_name" label="Name" errors />
            <SelectField form="plan-invite" name="role" label="Role on this plan" errors options=roles selected="commenter".to_owned() />
            <button type="submit" class="primary">"Create invitation link"</button>
        </SubmitForm>
        {move || created().map(|c| view! {
            <div class="alert alert-success invitation-link" role="status">
                <p>"Invitation created for " <strong>{c.email.clone()}</strong> ". Pass this link on; it works once and expires " <Time unix=c.expires_at ahead=true /> "."</p>
                <input class="copy-field" readonly=true aria-label="Invitation link" value=c.link.clone() data-testid="invitation-link" />
            </div>
        })}
    }
}

#[component]
fn InvitationLink(created: InvitationCreated) -> impl IntoView {
    view! {
        <div class="alert alert-success invitation-link" role="status">
            <p>
                "Invitation created for " <strong>{created.email.clone()}</strong>
                ". There is no mail server: pass this link on yourself. It works once and expires "
                <Time unix=created.expires_at ahead=true /> "."
            </p>
            <input
                class="copy-field"
                readonly=true
                aria-label="Invitation link"
                value=created.link.clone()
                data-testid="invitation-link"
            />
        </div>
    }
}

/// Where an invitation link leads: choose a name and password, and the account exists.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token")).unwrap_or_default();
    let preview = load(token, invitation);
    let accept = FormAction::<AcceptInvitation>::new();
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
                                <Field form="accept" name="password" label="Password" kind="password" errors autocomplete="new-password" required=true hint="At least 12 characters; not a common password, and without your name or email address. A few unrelated words work well." />
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
