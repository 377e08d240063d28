//! Everyone on the platform, open invitations, and inviting people.

use leptos::prelude::*;
use leptos_meta::Title;

use super::invite::InviteForm;
use crate::admin::api::{people, take_invitation_notice, Invite, SetPersonActive, SetPlatformRole};
use crate::admin::views::PeopleOverview;
use crate::auth::domain::PlatformRole;
use crate::ui::errors::ErrorPage;
use crate::ui::fields::{action_error, FormStatus};
use crate::ui::format_time;

/// The people page (platform administrators).
#[component]
pub fn PeoplePage() -> impl IntoView {
    let set_active = ServerAction::<SetPersonActive>::new();
    let set_role = ServerAction::<SetPlatformRole>::new();
    let invite = ServerAction::<Invite>::new();
    let data = Resource::new(
        move || {
            (
                set_active.version().get(),
                set_role.version().get(),
                invite.version().get(),
            )
        },
        |_| async move {
            let overview = people().await?;
            // Without JavaScript, the invitation link waits in the session for this page.
            let notice = take_invitation_notice().await.ok().flatten();
            Ok::<_, crate::error::AppError>((overview, notice))
        },
    );
    view! {
        <Title text="People" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((overview, notice)) => view! {
                        <h1>"People"</h1>
                        <People overview=overview.clone() set_active set_role />
                        <section class="panel narrow">
                            <h2>"Invite someone"</h2>
                            <InviteForm invite notice organisations=overview.organisations />
                        </section>
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn People(
    overview: PeopleOverview,
    set_active: ServerAction<SetPersonActive>,
    set_role: ServerAction<SetPlatformRole>,
) -> impl IntoView {
    let active_errors = action_error(set_active);
    let role_errors = action_error(set_role);
    let me = overview.viewer_id;
    view! {
        <section class="panel">
            <FormStatus errors=active_errors />
            <FormStatus errors=role_errors />
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Organisations"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Manage"</th>
                    </tr>
                </thead>
                <tbody>
                    {overview
                        .people
                        .into_iter()
                        .map(|row| {
                            let p = row.person;
                            let other_role = if p.platform_role == PlatformRole::Admin { PlatformRole::Member } else { PlatformRole::Admin };
                            let role_label = if other_role == PlatformRole::Admin { "Make administrator" } else { "Make member" };
                            let (active_label, next_active) = if p.active { ("Deactivate", "false") } else { ("Reactivate", "true") };
                            view! {
                                <tr class:inactive=!p.active>
                                    <td>{p.display_name.clone()}</td>
                                    <td>{p.email.clone()}</td>
                                    <td>{row.organisations.clone()}</td>
                                    <td>{p.platform_role.label()}</td>
                                    <td>{if p.active { "Active" } else { "Deactivated" }}</td>
                                    <td class="row-actions">
                                        {(p.id != me).then(|| view! {
                                            <ActionForm action=set_active attr:class="inline">
                                                <input type="hidden" name="person_id" value=p.id.to_string() />
                                                <input type="hidden" name="active" value=next_active />
                                                <button type="submit" class="small" class:danger=p.active>{active_label}</button>
                                            </ActionForm>
                                            <ActionForm action=set_role attr:class="inline">
                                                <input type="hidden" name="person_id" value=p.id.to_string() />
                                                <input type="hidden" name="role" value=other_role.as_str() />
                                                <button type="submit" class="small">{role_label}</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <section class="panel">
            <h2>"Open invitations"</h2>
            {if overview.pending.is_empty() {
                view! { <p class="muted">"No open invitations."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {overview.pending.into_iter().map(|i| view! {
                            <li>
                                {i.display_name} " <" {i.email} ">"
                                {i.org_name.map(|o| format!(" · {o}"))}
                                " · expires " {format_time(i.expires_at)}
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}
