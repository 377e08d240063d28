//! The invitation form and the one-time link it produces.

use leptos::prelude::*;

use crate::admin::api::Invite;
use crate::admin::views::{InvitationCreated, OrgSummary};
use crate::auth::domain::PlatformRole;
use crate::ui::fields::{action_error, Field, FormStatus, SelectField};
use crate::ui::format_time;

/// Invites a person. With `fixed_org`, they join that organisation as member or admin;
/// otherwise (platform administrators) any organisation or none, with a platform role.
///
/// The action belongs to the page, not to this form: the page reloads its lists after an
/// invitation and rebuilds this form, and the link must survive that.
#[component]
pub fn InviteForm(
    /// The page's invite action.
    invite: ServerAction<Invite>,
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
        <ActionForm action=invite attr:class="stacked">
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
            <SelectField form=form.to_owned() name="organisation_role" label="Role in the organisation" errors options=super::org_role_options() />
            <button type="submit" class="primary">"Create invitation link"</button>
        </ActionForm>
        {move || created().map(|c| view! { <InvitationLink created=c /> })}
    }
}

#[component]
fn InvitationLink(created: InvitationCreated) -> impl IntoView {
    view! {
        <div class="alert alert-success invitation-link" role="status">
            <p>
                "Invitation created for " <strong>{created.email.clone()}</strong>
                ". There is no mail server: pass this link on yourself. It works once, until "
                {format_time(created.expires_at)} "."
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
