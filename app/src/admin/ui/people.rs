//! Everyone on the platform.

use leptos::prelude::*;

use crate::admin::api::{SetPersonActive, SetPlatformRole};
use crate::admin::views::PeopleOverview;
use crate::foundation::people::PlatformRole;
use crate::foundation::ui::fields::{action_error, FormStatus};
use crate::foundation::ui::form_action::{FormAction, SubmitForm};

/// Everyone on the platform, with buttons to deactivate, reactivate and change their
/// platform role (never for the viewer themselves).
#[component]
pub fn PeopleTable(
    overview: PeopleOverview,
    set_active: FormAction<SetPersonActive>,
    set_role: FormAction<SetPlatformRole>,
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
                                    <td data-label="Email">{p.email.clone()}</td>
                                    <td data-label="Organisations">{row.organisations.clone()}</td>
                                    <td data-label="Role">{p.platform_role.label()}</td>
                                    <td data-label="Status">{if p.active { "Active" } else { "Deactivated" }}</td>
                                    <td class="row-actions">
                                        {(p.id != me).then(|| view! {
                                            <SubmitForm action=set_active attr:class="inline">
                                                <input type="hidden" name="person_id" value=p.id.to_string() />
                                                <input type="hidden" name="active" value=next_active />
                                                {if p.active {
                                                    view! {
                                                        <crate::foundation::ui::confirm::ConfirmButton label="Deactivate" name=format!("Deactivate {}", p.display_name)
                                                            explain=format!("Deactivate {}? They are signed out everywhere and cannot log in; nothing they wrote is removed, and an administrator can reactivate them.", p.display_name)
                                                            confirm="Yes, deactivate" />
                                                    }.into_any()
                                                } else {
                                                    view! { <button type="submit" class="small">{active_label}</button> }.into_any()
                                                }}
                                            </SubmitForm>
                                            <SubmitForm action=set_role attr:class="inline">
                                                <input type="hidden" name="person_id" value=p.id.to_string() />
                                                <input type="hidden" name="role" value=other_role.as_str() />
                                                <button type="submit" class="small">{role_label}</button>
                                            </SubmitForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}
