//! The trail pages: `/plans/:id/audit` for plan leads and `/admin/audit` for administrators,
//! each with a GET filter form (person, kind, dates) that works with and without JavaScript.

use crate::foundation::loaded::load;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{plan_audit, platform_audit, AuditPage};
use crate::foundation::audit::domain::AuditKind;
use crate::foundation::ui::errors::ErrorPage;

#[derive(Clone, Default, PartialEq)]
struct Query {
    person: String,
    kind: String,
    from: String,
    until: String,
}

fn query() -> Memo<Query> {
    let q = use_query_map();
    Memo::new(move |_| {
        q.with(|q| Query {
            person: q.get("person").unwrap_or_default(),
            kind: q.get("kind").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            until: q.get("until").unwrap_or_default(),
        })
    })
}

/// `/plans/:id/audit`.
#[component]
pub fn PlanAuditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|s| s.parse::<i64>().ok())
    };
    let q = query();
    let data = load(
        move || (id(), q.get()),
        |(id, q)| async move {
            let Some(id) = id else {
                return Err(crate::error::AppError::NotFound);
            };
            plan_audit(id, q.person, q.kind, q.from, q.until).await
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Trail page query=q.get_untracked() /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/admin/audit`.
#[component]
pub fn PlatformAuditPage() -> impl IntoView {
    let q = query();
    let data = load(
        move || q.get(),
        |q| async move { platform_audit(q.person, q.kind, q.from, q.until).await },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Trail page query=q.get_untracked() /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Trail(page: AuditPage, query: Query) -> impl IntoView {
    let (heading, action) = match &page.plan {
        Some((id, title)) => (
            format!("Audit trail · {title}"),
            format!("/plans/{id}/audit"),
        ),
        None => ("Platform audit trail".to_owned(), "/admin/audit".to_owned()),
    };
    let breadcrumb = page.plan.clone().map(|(id, title)| {
        view! { <p class="breadcrumb"><a href="/plans">"Plans"</a> " › " <a href=format!("/plans/{id}")>{title}</a></p> }
    });
    let empty = page.lines.is_empty();
    view! {
        <Title text=heading.clone() />
        {breadcrumb}
        <h1>{heading}</h1>
        <p class="muted">"Every entry is chained to the one before it by a hash, and the chain's head is signed regularly with a key kept outside the database, so an entry changed, removed or rewritten outside the app shows when the trail is verified."</p>
        {page.plan.as_ref().map(|(id, _)| view! {
            <p class="panel">
                <a href=format!("/api/plan_audit_export?plan_id={id}") download=format!("plan-{id}-audit-trail.json") rel="external">
                    "Download this plan's trail with its signed checkpoint"
                </a>
                " (JSON). A partner can verify it without trusting this server: "
                <code>"upstream verify-audit --file FILE --fingerprint KEY"</code>
                ", with the signing key's fingerprint as the operator publishes it."
            </p>
        })}
        <form method="get" action=action class="panel filters" role="search">
            <label for="audit-person">"Person"</label>
            <input id="audit-person" name="person" value=query.person />
            <label for="audit-kind">"Kind"</label>
            <select id="audit-kind" name="kind">
                <option value="">"Any kind"</option>
                {AuditKind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=query.kind == k.as_str()>{k.label()}</option> }).collect_view()}
            </select>
            <label for="audit-from">"From"</label>
            <input id="audit-from" name="from" type="date" value=query.from />
            <label for="audit-until">"Until"</label>
            <input id="audit-until" name="until" type="date" value=query.until />
            <button type="submit">"Filter"</button>
        </form>
        {if empty {
            view! { <p>"No entries match."</p> }.into_any()
        } else {
            view! {
                <table class="data audit">
                    <thead><tr>
                        <th scope="col">"#"</th><th scope="col">"When"</th><th scope="col">"Who"</th>
                        <th scope="col">"From"</th><th scope="col">"Kind"</th><th scope="col">"About"</th><th scope="col">"Details"</th>
                    </tr></thead>
                    <tbody>
                        {page.lines.into_iter().map(|l| view! {
                            <tr>
                                <td data-label="#">{l.seq}</td>
                                <td data-label="When"><crate::foundation::ui::timestamp::Time unix=l.at /></td>
                                <td data-label="Who">{l.person.unwrap_or_else(|| "—".to_owned())}</td>
                                <td data-label="From">{l.ip.unwrap_or_default()}</td>
                                <td data-label="Kind">{l.kind}</td>
                                <td data-label="About">{l.subject}</td>
                                <td data-label="Details">{if l.withheld {
                                    view! { <em class="muted">{l.details}</em> }.into_any()
                                } else {
                                    view! { <span class="small">{l.details}</span> }.into_any()
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}
