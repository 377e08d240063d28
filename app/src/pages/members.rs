//! The plan members page: who holds which role, and (for leads) granting, changing, revoking
//! and inviting.

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::access::api::{members_of_plan, ChangeGrant, GrantToOrganisation, GrantToPerson};
use crate::access::domain::PlanRole;
use crate::access::views::{PlanMember, PlanMembers};
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::{action_error, ActionStatus, Field, SelectField};
use crate::invitations::api::pending::plan_invitations;
use crate::invitations::api::{take_plan_invitation_notice, InviteToPlan};
use crate::invitations::ui::pending::{PendingInvitations, RevokeActions};
use crate::invitations::ui::PlanInviteForm;
use crate::invitations::views::InvitationCreated;
use crate::invitations::views::PendingInvitation;

fn role_options() -> Vec<(String, String)> {
    PlanRole::ALL
        .iter()
        .rev()
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect()
}

#[derive(Clone, Copy)]
struct Actions {
    change: FormAction<ChangeGrant>,
    to_org: FormAction<GrantToOrganisation>,
    to_person: FormAction<GrantToPerson>,
    invite: FormAction<InviteToPlan>,
    revoke: RevokeActions,
}

/// `/plans/:id/members`.
#[component]
pub fn MembersPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|s| s.parse::<i64>().ok())
    };
    let actions = Actions {
        change: FormAction::new(),
        to_org: FormAction::new(),
        to_person: FormAction::new(),
        invite: FormAction::new(),
        revoke: RevokeActions::new(),
    };
    let data = load(
        move || {
            (
                id(),
                actions.change.version().get(),
                actions.to_org.version().get(),
                actions.to_person.version().get(),
                actions.invite.version().get(),
                actions.revoke.version(),
            )
        },
        |(id, ..)| async move {
            let Some(id) = id else {
                return Err(crate::error::AppError::NotFound);
            };
            let members = members_of_plan(id).await?;
            // Open invitations are for the plan's leads, who may withdraw them.
            let pending = if members.can_manage {
                plan_invitations(id).await?
            } else {
                Vec::new()
            };
            let notice = take_plan_invitation_notice().await.ok().flatten();
            Ok((members, pending, notice))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((members, pending, notice)) => view! { <Members members pending notice actions /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Members(
    members: PlanMembers,
    pending: Vec<PendingInvitation>,
    notice: Option<InvitationCreated>,
    actions: Actions,
) -> impl IntoView {
    let plan = members.plan_id;
    let org_errors = action_error(actions.to_org);
    let person_errors = action_error(actions.to_person);
    let can_manage = members.can_manage;
    let orgs: Vec<(String, String)> = members
        .organisations
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    view! {
        <Title text=format!("Members · {}", members.plan_title) />
        <p class="breadcrumb"><a href="/plans">"Plans"</a> " › " <a href=format!("/plans/{plan}")>{members.plan_title.clone()}</a></p>
        <h1>"Members and roles"</h1>
        <p class="muted">
            "Lead: manages the plan and its members. Editor: edits sections and the checklist. Reviewer: approves or requests changes. Commenter: comments. Viewer: reads. An organisation's role reaches everyone in it, now and later; a person may do whatever any of their roles allows."
        </p>
        <section class="panel">
            <ActionStatus action=actions.change done="role-changed" success="Role changed." />
            <table class="data members">
                <thead>
                    <tr>
                        <th scope="col">"Member"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Role"</th>
                        {can_manage.then(|| view! { <th scope="col">"Change"</th> })}
                    </tr>
                </thead>
                <tbody>
                    {members.members.into_iter().map(|m| view! { <MemberRow plan member=m can_manage change=actions.change /> }).collect_view()}
                </tbody>
            </table>
        </section>
        {can_manage.then(move || view! {
            <div class="columns">
                <section class="panel">
                    <h2>"Add an organisation"</h2>
                    <SubmitForm action=actions.to_org>
                        <ActionStatus action=actions.to_org done="granted" success="Role granted." />
                        <input type="hidden" name="plan_id" value=plan.to_string() />
                        <SelectField form="grant-org" name="organisation_id" label="Organisation" errors=org_errors options=orgs placeholder="Choose an organisation" />
                        <SelectField form="grant-org" name="role" label="Role" errors=org_errors options=role_options() selected="editor".to_owned() />
                        <button type="submit">"Grant role"</button>
                    </SubmitForm>
                </section>
                <section class="panel">
                    <h2>"Add a person"</h2>
                    <SubmitForm action=actions.to_person>
                        <ActionStatus action=actions.to_person done="granted" success="Role granted." />
                        <input type="hidden" name="plan_id" value=plan.to_string() />
                        <Field form="grant-person" name="email" label="Email of an existing account" kind="email" errors=person_errors />
                        <SelectField form="grant-person" name="role" label="Role" errors=person_errors options=role_options() selected="commenter".to_owned() />
                        <button type="submit">"Grant role"</button>
                    </SubmitForm>
                </section>
            </div>
            <section class="panel narrow">
                <h2>"Invite someone without an account"</h2>
                <PlanInviteForm plan invite=actions.invite notice />
            </section>
            <section class="panel">
                <h2>"Open invitations"</h2>
                <PendingInvitations pending revoke=actions.revoke />
            </section>
        })}
    }
    .into_any()
}

#[component]
fn MemberRow(
    plan: i64,
    member: PlanMember,
    can_manage: bool,
    change: FormAction<ChangeGrant>,
) -> impl IntoView {
    let grant = member.grant_id.to_string();
    let role = member.role;
    let (select_id, name) = (format!("grant-{grant}-role"), member.name.clone());
    let (new_role_label, revoke_label) = (format!("New role for {name}"), format!("Revoke {name}"));
    let grant2 = grant.clone();
    view! {
        <tr>
            <td>{member.name.clone()} <span class="muted small">{format!(" {}", member.detail)}</span></td>
            <td data-label="Kind">{if member.organisation { "Organisation" } else { "Person" }}</td>
            <td data-label="Role">{role.label()}</td>
            {can_manage.then(move || view! {
                <td class="row-actions">
                    <SubmitForm action=change attr:class="inline">
                        <input type="hidden" name="plan_id" value=plan.to_string() />
                        <input type="hidden" name="grant_id" value=grant />
                        <label class="visually-hidden" for=select_id.clone()>{new_role_label}</label>
                        <select id=select_id name="role">
                            {PlanRole::ALL.iter().rev().map(|r| view! { <option value=r.as_str() selected=*r == role>{r.label()}</option> }).collect_view()}
                        </select>
                        <button type="submit" class="small">"Change"</button>
                    </SubmitForm>
                    <SubmitForm action=change attr:class="inline">
                        <input type="hidden" name="plan_id" value=plan.to_string() />
                        <input type="hidden" name="grant_id" value=grant2 />
                        <input type="hidden" name="role" value="" />
                        <crate::foundation::ui::confirm::ConfirmButton label="Revoke" name=revoke_label
                            explain=format!("Revoke {name}'s role on this plan? They lose what it gives them at once; a lead can grant a role again.")
                            confirm="Yes, revoke" />
                    </SubmitForm>
                </td>
            })}
        </tr>
    }
}
