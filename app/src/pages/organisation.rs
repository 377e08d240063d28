//! One organisation: its details, its members, and (for those allowed) forms to change them, to
//! invite people into it (new accounts by link, existing ones to accept), and its open
//! invitations.

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::admin::api::{organisation, RemoveMember, SetMemberRole, UpdateOrganisation};
use crate::admin::ui::{country_options, kind_options, org_role_options};
use crate::admin::views::{MemberRow, OrgDetail};
use crate::foundation::countries::country_name;
use crate::foundation::people::OrgRole;
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::{action_error, ActionStatus, Field, FormStatus, SelectField};
use crate::invitations::api::joining::AddMember;
use crate::invitations::api::pending::organisation_invitations;
use crate::invitations::api::{take_invitation_notice, Invite};
use crate::invitations::ui::pending::{PendingInvitations, RevokeActions};
use crate::invitations::ui::InviteForm;
use crate::invitations::views::{InvitationCreated, PendingInvitation};

/// One organisation: its details, its members, and (for those allowed) forms to change them.
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|s| s.parse::<i64>().ok())
    };
    let update = FormAction::<UpdateOrganisation>::new();
    let add = FormAction::<AddMember>::new();
    let set_role = FormAction::<SetMemberRole>::new();
    let remove = FormAction::<RemoveMember>::new();
    let invite = FormAction::<Invite>::new();
    let revoke = RevokeActions::new();
    let detail = load(
        move || {
            (
                id(),
                update.version().get(),
                add.version().get(),
                set_role.version().get(),
                remove.version().get(),
                invite.version().get(),
                revoke.version(),
            )
        },
        |(id, ..)| async move {
            let Some(id) = id else {
                return Err(crate::error::AppError::NotFound);
            };
            let detail = organisation(id).await?;
            // Open invitations are for those who manage the members, who may withdraw them.
            let pending = if detail.can_manage_members {
                organisation_invitations(id).await?
            } else {
                Vec::new()
            };
            // Without JavaScript, the invitation link waits in the session for this page.
            let notice = take_invitation_notice().await.ok().flatten();
            Ok((detail, pending, notice))
        },
    );
    let actions = MemberActions {
        update,
        add,
        set_role,
        remove,
        invite,
        revoke,
    };
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok((d, pending, notice)) => view! { <OrgView detail=d pending notice actions /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct MemberActions {
    update: FormAction<UpdateOrganisation>,
    add: FormAction<AddMember>,
    set_role: FormAction<SetMemberRole>,
    remove: FormAction<RemoveMember>,
    invite: FormAction<Invite>,
    revoke: RevokeActions,
}

#[component]
fn OrgView(
    detail: OrgDetail,
    pending: Vec<PendingInvitation>,
    notice: Option<InvitationCreated>,
    actions: MemberActions,
) -> impl IntoView {
    let org = detail.org.clone();
    let org_id = org.id;
    let update_errors = action_error(actions.update);
    let add_errors = action_error(actions.add);
    let role_errors = action_error(actions.set_role);
    let remove_errors = action_error(actions.remove);
    let can_manage = detail.can_manage_members;
    view! {
        <Title text=org.name.clone() />
        <h1>{org.name.clone()}</h1>
        <p class="lede">
            <span class=format!("badge kind-{}", org.kind.as_str())>{org.kind.label()}</span>
            " · " {country_name(&org.country)} " · " {org.member_count} " member(s)"
        </p>
        <section class="panel">
            <h2>"Members"</h2>
            <FormStatus errors=role_errors />
            <FormStatus errors=remove_errors />
            <MemberTable org_id members=detail.members.clone() can_manage actions />
        </section>
        {can_manage.then(|| view! {
            <div class="columns">
                <section class="panel">
                    <h2>"Invite someone new"</h2>
                    <InviteForm invite=actions.invite notice fixed_org=org_id />
                </section>
                <section class="panel">
                    <h2>"Invite an existing account"</h2>
                    <p class="muted small">"They join once they accept, when they next log in."</p>
                    <SubmitForm action=actions.add>
                        <ActionStatus action=actions.add done="member-invited" success="Invitation sent: they will see it when they log in." />
                        <input type="hidden" name="org_id" value=org_id.to_string() />
                        <Field form="add" name="email" label="Email" kind="email" errors=add_errors required=true />
                        <SelectField form="add" name="role" label="Role" errors=add_errors options=org_role_options() />
                        <button type="submit">"Invite to join"</button>
                    </SubmitForm>
                </section>
            </div>
            <section class="panel">
                <h2>"Open invitations"</h2>
                <PendingInvitations pending revoke=actions.revoke />
            </section>
        }.into_any())}
        {detail.can_edit.then(|| view! {
            <section class="panel narrow">
                <h2>"Edit details"</h2>
                <SubmitForm action=actions.update>
                    <ActionStatus action=actions.update done="org-saved" success="Saved." />
                    <input type="hidden" name="id" value=org_id.to_string() />
                    <Field form="org-edit" name="name" label="Name" errors=update_errors value=org.name.clone() required=true />
                    <SelectField form="org-edit" name="kind" label="Kind" errors=update_errors options=kind_options() selected=org.kind.as_str().to_owned() />
                    <SelectField form="org-edit" name="country" label="Country" errors=update_errors options=country_options() selected=org.country.clone() />
                    <button type="submit" class="primary">"Save changes"</button>
                </SubmitForm>
            </section>
        }.into_any())}
    }
    .into_any()
}

#[component]
fn MemberTable(
    org_id: i64,
    members: Vec<MemberRow>,
    can_manage: bool,
    actions: MemberActions,
) -> impl IntoView {
    if members.is_empty() {
        return view! { <p class="muted">"No members yet."</p> }.into_any();
    }
    view! {
        <table class="data">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Role"</th>
                    {can_manage.then(|| view! { <th scope="col">"Manage"</th> })}
                </tr>
            </thead>
            <tbody>
                {members
                    .into_iter()
                    .map(|m| {
                        let other_role = if m.role == OrgRole::Admin { OrgRole::Member } else { OrgRole::Admin };
                        let label = if other_role == OrgRole::Admin { "Make organisation admin" } else { "Make member" };
                        view! {
                            <tr>
                                <td>
                                    {m.display_name.clone()}
                                    {(!m.active).then(|| view! { " " <span class="badge muted">"deactivated"</span> })}
                                </td>
                                // On a phone each row is a card: the labels name the columns.
                                <td data-label="Email">{m.email.clone()}</td>
                                <td data-label="Role">{m.role.label()}</td>
                                {can_manage.then(|| view! {
                                    <td class="row-actions">
                                        <SubmitForm action=actions.set_role attr:class="inline">
                                            <input type="hidden" name="org_id" value=org_id.to_string() />
                                            <input type="hidden" name="person_id" value=m.person_id.to_string() />
                                            <input type="hidden" name="role" value=other_role.as_str() />
                                            <button type="submit" class="small">{label}</button>
                                        </SubmitForm>
                                        <SubmitForm action=actions.remove attr:class="inline">
                                            <input type="hidden" name="org_id" value=org_id.to_string() />
                                            <input type="hidden" name="person_id" value=m.person_id.to_string() />
                                            <crate::foundation::ui::confirm::ConfirmButton label="Remove" name=format!("Remove {}", m.display_name)
                                                explain=format!("Remove {} from the organisation? They lose the roles it gives them on plans at once; they can be invited again.", m.display_name)
                                                confirm="Yes, remove" />
                                        </SubmitForm>
                                    </td>
                                })}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
