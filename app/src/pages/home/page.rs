//! Home: what waits for the signed-in person (plans, invitations to answer, reviews, mentions, due checklist items,
//! sections sent back, others' recent saves) and their organisations; anyone not logged in is
//! asked to log in.

use crate::foundation::loaded::load;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{my_work, Work, WorkItem};
use crate::error::AppError;
use crate::foundation::people::Viewer;
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::viewer::use_viewer;

/// The signed-in person's work; sends anyone not logged in to the login page.
#[component]
pub fn HomePage() -> impl IntoView {
    let viewer = use_viewer();
    let work = load(|| (), |_| my_work());
    view! {
        <Title text="Home" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (viewer.await, work.await) {
                    (None, _) | (_, Err(AppError::Unauthenticated)) => {
                        view! { <ErrorPage error=AppError::Unauthenticated /> }.into_any()
                    }
                    (Some(_), Err(e)) => view! { <ErrorPage error=e /> }.into_any(),
                    (Some(v), Ok(w)) => view! { <Home viewer=v work=w /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One list of work, or what to do when it is empty.
#[component]
fn WorkList(
    heading: &'static str,
    items: Vec<WorkItem>,
    /// What to say (and suggest) when there is nothing.
    empty: &'static str,
    /// The list's name for tests and styles.
    name: &'static str,
) -> impl IntoView {
    view! {
        <section class="panel work" data-work=name>
            <h2>{heading}</h2>
            {if items.is_empty() {
                view! { <p class="muted">{empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="cards">
                        {items.into_iter().map(|i| view! {
                            <li class="card" class:overdue=i.overdue>
                                <a href=i.link>{i.title}</a>
                                <span class="muted">{i.context}</span>
                                {i.at.map(|at| view! {
                                    <span class="muted small">
                                        {if i.overdue { "Overdue since " } else { "" }}
                                        <crate::foundation::ui::timestamp::Time unix=at />
                                    </span>
                                })}
                                {i.note.map(|n| view! { <p class="small">{n}</p> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn Home(viewer: Viewer, work: Work) -> impl IntoView {
    let person = viewer.person.clone();
    let is_admin = person.is_admin();
    let has_plans = !work.plans.is_empty();
    view! {
        <h1>"Welcome, " {person.display_name.clone()}</h1>
        <section class="panel work" data-work="plans">
            <h2>"My plans"</h2>
            {if has_plans {
                view! {
                    <ul class="cards">
                        {work.plans.into_iter().map(|p| view! {
                            <li class="card">
                                <a href=format!("/plans/{}", p.id)>{p.title}</a>
                                <span class="badge">{p.role}</span>
                                <span class="muted">{p.status}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            } else {
                view! {
                    <p class="muted">
                        "You have no role on a plan yet. A plan's lead can add you or your organisation on the plan's members page; "
                        <a href="/plans">"see the plans you can find"</a> "."
                    </p>
                }
                .into_any()
            }}
        </section>
        <crate::invitations::ui::joining::MembershipInvitations />
        <WorkList heading="Waiting for your review" items=work.to_review name="review"
            empty="Nothing waits for your review. Sections submitted for review on your plans appear here." />
        <WorkList heading="Unread mentions and replies" items=work.unread name="unread"
            empty="No unread mentions or replies. Your inbox keeps everything you have read." />
        <WorkList heading="Checklist items due" items=work.due name="due"
            empty="No checklist item of yours is due in the next two weeks." />
        <WorkList heading="Sent back to you" items=work.sent_back name="sent-back"
            empty="No section of yours is waiting for changes." />
        <WorkList heading="Recent changes on your plans" items=work.recent name="recent"
            empty="Nobody else has saved anything on your plans yet." />
        <section class="panel">
            <h2>"My organisations"</h2>
            {if viewer.memberships.is_empty() {
                view! { <p class="muted">"You do not belong to any organisation yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="cards">
                        {viewer
                            .memberships
                            .iter()
                            .map(|m| {
                                view! {
                                    <li class="card">
                                        <a href=format!("/admin/organisations/{}", m.org_id)>{m.org_name.clone()}</a>
                                        <span class=format!("badge kind-{}", m.org_kind.as_str())>{m.org_kind.label()}</span>
                                        <span class="muted">{m.role.label()}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
        {is_admin
            .then(|| {
                view! {
                    <section class="panel">
                        <h2>"Administration"</h2>
                        <p>
                            <a href="/admin/organisations">"Manage organisations"</a>
                            " · "
                            <a href="/admin/people">"Manage people and invitations"</a>
                        </p>
                    </section>
                }
            })}
    }
}
