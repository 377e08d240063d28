//! The plans list with its filters (a GET form, so filtering works without JavaScript).

use crate::foundation::loaded::load;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::foundation::countries::country_name;
use crate::foundation::ui::errors::ErrorPage;
use crate::plans::api::plans;
use crate::plans::domain::PlanStatus;
use crate::plans::views::PlanList;

/// All plans the viewer may see.
#[component]
pub fn PlansPage() -> impl IntoView {
    let query = use_query_map();
    let data = load(
        move || query.with(|q| (q.get("country"), q.get("status"), q.get("org"))),
        |(country, status, org)| plans(country, status, org),
    );
    view! {
        <Title text="Plans" />
        <h1>"Country plans"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <Plans list query=query.get_untracked() /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Plans(list: PlanList, query: leptos_router::params::ParamsMap) -> impl IntoView {
    let chosen = |key: &str| query.get(key).unwrap_or_default();
    let (country, status, org) = (chosen("country"), chosen("status"), chosen("org"));
    view! {
        {list.can_create.then(|| view! { <p><a class="button primary" href="/plans/new">"New plan"</a></p> })}
        <form method="get" action="/plans" class="filters panel">
            <div class="field">
                <label for="f-country">"Country"</label>
                <select id="f-country" name="country">
                    <option value="">"Any"</option>
                    {list.countries.iter().map(|c| view! { <option value=c.clone() selected=*c == country>{country_name(c)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-status">"Status"</label>
                <select id="f-status" name="status">
                    <option value="">"Any"</option>
                    {PlanStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=s.as_str() == status>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-org">"Lead organisation"</label>
                <select id="f-org" name="org">
                    <option value="">"Any"</option>
                    {list.organisations.iter().map(|(id, name)| view! { <option value=id.to_string() selected=id.to_string() == org>{name.clone()}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit">"Filter"</button>
        </form>
        {if list.plans.is_empty() {
            view! { <p class="muted">"No plans match."</p> }.into_any()
        } else {
            view! {
                <section class="panel">
                    <table class="data">
                        <thead>
                            <tr>
                                <th scope="col">"Plan"</th>
                                <th scope="col">"Country"</th>
                                <th scope="col">"Period"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Lead"</th>
                                <th scope="col">"Your roles"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.plans.into_iter().map(|p| view! {
                                <tr>
                                    <td>{if p.roles.is_empty() {
                                        view! { <span>{p.title.clone()}</span> }.into_any()
                                    } else {
                                        view! { <a href=format!("/plans/{}", p.id)>{p.title.clone()}</a> }.into_any()
                                    }}</td>
                                    <td data-label="Country">{country_name(&p.country)}</td>
                                    <td data-label="Period">{format!("{}–{}", p.period_start, p.period_end)}</td>
                                    <td data-label="Status"><span class=format!("badge status-{}", p.status.as_str())>{p.status.label()}</span></td>
                                    <td data-label="Lead">{p.lead_org_name.clone()}</td>
                                    <td data-label="Your roles">{if p.roles.is_empty() { "No access to content".to_owned() } else { p.roles.labels() }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }
            .into_any()
        }}
    }
}
