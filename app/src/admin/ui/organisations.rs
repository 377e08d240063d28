//! The organisation list and creating one.

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;
use leptos_meta::Title;

use super::{country_options, kind_options};
use crate::admin::api::{organisations, CreateOrganisation};
use crate::admin::views::OrgSummary;
use crate::foundation::countries::country_name;
use crate::foundation::people::OrgRole;
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::{action_error, Field, FormStatus, SelectField};
use crate::foundation::viewer::use_viewer;

/// Every organisation, and a form to create one (platform administrators). Organisation
/// admins who are not platform administrators see their own organisations.
#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let create = FormAction::<CreateOrganisation>::new();
    let errors = action_error(create);
    let list = load(move || create.version().get(), |_| organisations());
    let viewer = use_viewer();
    view! {
        <Title text="Organisations" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(orgs) => view! {
                        <h1>"Organisations"</h1>
                        <section class="panel">
                            <OrgTable orgs />
                        </section>
                        <section class="panel narrow">
                            <h2>"Create an organisation"</h2>
                            <SubmitForm action=create>
                                <FormStatus errors />
                                <Field form="org-new" name="name" label="Name" errors required=true />
                                <SelectField form="org-new" name="kind" label="Kind" errors options=kind_options() placeholder="Choose a kind" />
                                <SelectField form="org-new" name="country" label="Country" errors options=country_options() placeholder="Choose a country" />
                                <button type="submit" class="primary">"Create organisation"</button>
                            </SubmitForm>
                        </section>
                    }
                    .into_any(),
                    // Organisation admins cannot list every organisation: show them their own.
                    Err(crate::error::AppError::Forbidden) => match viewer.await {
                        Some(v) if v.is_org_admin() => view! {
                            <section class="panel">
                                <h2>"Organisations you manage"</h2>
                                <ul>
                                    {v.memberships
                                        .into_iter()
                                        .filter(|m| m.role == OrgRole::Admin)
                                        .map(|m| view! {
                                            <li><a href=format!("/admin/organisations/{}", m.org_id)>{m.org_name}</a></li>
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                        .into_any(),
                        _ => view! { <ErrorPage error=crate::error::AppError::Forbidden /> }.into_any(),
                    },
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrgTable(orgs: Vec<OrgSummary>) -> impl IntoView {
    if orgs.is_empty() {
        return view! { <p class="muted">"No organisations yet."</p> }.into_any();
    }
    view! {
        <table class="data">
            <caption class="visually-hidden">"Organisations"</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Kind"</th>
                    <th scope="col">"Country"</th>
                    <th scope="col" class="num">"Members"</th>
                </tr>
            </thead>
            <tbody>
                {orgs
                    .into_iter()
                    .map(|o| view! {
                        <tr>
                            <td><a href=format!("/admin/organisations/{}", o.id)>{o.name}</a></td>
                            // On a phone each row is a card: the labels name the columns.
                            <td data-label="Kind"><span class=format!("badge kind-{}", o.kind.as_str())>{o.kind.label()}</span></td>
                            <td data-label="Country">{country_name(&o.country)}</td>
                            <td data-label="Members" class="num">{o.member_count}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
