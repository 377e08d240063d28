//! The review panel on the section page: state, approvals, the reason changes were asked
//! for, the notice that an edit reset an approval (with the diff since it), and the submit,
//! approve and request-changes forms (plain posts without JavaScript, actions with it).

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;

use super::api::{section_review, ApproveSection, RequestChanges, ReviewView, SubmitForReview};
use super::domain::ReviewState;
use crate::foundation::ui::fields::{
    action_error, ActionStatus, FormStatus, SelectField, TextArea,
};
use crate::foundation::ui::timestamp::Time;

#[derive(Clone, Copy)]
struct Actions {
    submit: FormAction<SubmitForReview>,
    approve: FormAction<ApproveSection>,
    changes: FormAction<RequestChanges>,
}

/// What the section page's review panel shows, loaded once for the page.
#[derive(Clone, Copy)]
struct PanelState {
    actions: Actions,
    refresh: RwSignal<u32>,
    data: crate::foundation::loaded::Loaded<Result<ReviewView, crate::error::AppError>>,
}

/// Loads the review of the section in the address (`/plans/:id/sections/:section`) for
/// [`ReviewPanel`]; call it at the top of the section page. Loaded here rather than in the
/// panel: the panel is built inside the page's `Transition`, which the server walks more
/// than once before rendering it, and every walk made (and fetched, and wrote into the page)
/// a review of its own.
pub fn provide_section_review() {
    let ids = crate::foundation::ui::address::section_ids();
    let actions = Actions {
        submit: FormAction::new(),
        approve: FormAction::new(),
        changes: FormAction::new(),
    };
    // Others' decisions and saves arrive live (a save returns the section to draft).
    let live = crate::foundation::live::client::use_live();
    let refresh = RwSignal::new(0u32);
    let again = move || {
        crate::foundation::live::client::when_not_typing_in(".review", move || {
            refresh.update(|n| *n += 1)
        })
    };
    crate::foundation::live::client::on_change(live.reviews(), again);
    crate::foundation::live::client::on_change(live.saved_of(move || ids().map(|(_, s)| s)), again);
    let data = load(
        move || {
            (
                ids(),
                actions.submit.version().get(),
                actions.approve.version().get(),
                actions.changes.version().get(),
                refresh.get(),
            )
        },
        |(ids, ..)| async move {
            match ids {
                Some((plan, section)) => section_review(plan, section).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    provide_context(PanelState {
        actions,
        refresh,
        data,
    });
}

/// The review panel of the section page (needs [`provide_section_review`]). It reloads after
/// each of the editor's `saves`, since a save returns the section to draft and voids its
/// approvals.
#[component]
pub fn ReviewPanel(saves: FormAction<crate::sections::api::SaveSection>) -> impl IntoView {
    let Some(PanelState {
        actions,
        refresh,
        data,
    }) = use_context::<PanelState>()
    else {
        return ().into_any();
    };
    // The save action lives with the editor, which the page builds again; each build's saves
    // reload the review kept at the page's top.
    Effect::watch(
        move || saves.version().get(),
        move |_, _, _| refresh.update(|n| *n += 1),
        false,
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|view| view! { <Panel view actions /> })
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn Panel(view: ReviewView, actions: Actions) -> impl IntoView {
    let (plan, sid) = (view.plan_id.to_string(), view.section_id.to_string());
    let version = view.review_version.to_string();
    let current = view.current_version.to_string();
    let reset_since = view
        .approved_version
        .filter(|v| view.state == ReviewState::Draft && *v < view.current_version);
    let rule = view.rule;
    let rule_text = if rule == Default::default() {
        "One approval from any reviewer approves a section.".to_owned()
    } else {
        format!(
            "Approval needs at least {} government, {} civil-society and {} donor approval(s).",
            rule.government, rule.civil_society, rule.donor
        )
    };
    let change_errors = action_error(actions.changes);
    let approve_errors = action_error(actions.approve);
    let approve_for = view.approve_for.clone();
    let mine = view.mine.clone();
    let wrote = view.wrote;
    let in_review = view.state == ReviewState::InReview;
    let can_submit = view.can_submit
        && matches!(
            view.state,
            ReviewState::Draft | ReviewState::ChangesRequested
        );
    let (plan2, sid2, plan3, sid3) = (plan.clone(), sid.clone(), plan.clone(), sid.clone());
    let version2 = version.clone();
    view! {
        <section class="panel review" aria-labelledby="review-heading">
            <h2 id="review-heading">"Review: " <span class="badge" data-testid="review-state">{view.state.label()}</span></h2>
            <p class="muted small">{rule_text}</p>
            {reset_since.map(|v| view! {
                <p class="alert alert-warning" role="status">
                    {format!("This section changed since it was approved (version {v}), so it is a draft again and its approvals no longer count. ")}
                    <a href=format!("/plans/{}/sections/{}/history?from={v}&to={}", view.plan_id, view.section_id, view.current_version)>"See what changed since the approval"</a>
                </p>
            })}
            {(view.state == ReviewState::ChangesRequested).then(|| view! {
                <div class="alert alert-error" role="status"><p><strong>"Changes requested: "</strong>{view.reason.clone()}</p></div>
            })}
            {(!view.approvals.is_empty()).then(|| view! {
                <p>{format!("Approvals of version {}: ", view.review_version)}
                    {view.approvals.iter().map(|(name, kind)| format!("{name} ({kind})")).collect::<Vec<_>>().join(", ")}
                </p>
            })}
            // A decision refused because the page was stale (someone decided or saved
            // meanwhile) comes back with the section in its new state, where its form is no
            // longer shown: its message must still say it was not recorded.
            {(!(in_review && view.can_review)).then(|| view! {
                <FormStatus errors=approve_errors />
                <FormStatus errors=change_errors />
            })}
            {can_submit.then(|| view! {
                <SubmitForm action=actions.submit>
                    <ActionStatus action=actions.submit done="submitted" success="Submitted for review." />
                    <input type="hidden" name="plan_id" value=plan.clone() />
                    <input type="hidden" name="section_id" value=sid.clone() />
                    <input type="hidden" name="version" value=current />
                    <button type="submit" class="primary">"Submit for review"</button>
                </SubmitForm>
            })}
            {(in_review && view.can_review).then(move || view! {
                <div class="columns">
                    {match (mine, approve_for.as_slice()) {
                        (None, _) if wrote => view! {
                            <p class="muted wrote-it" role="status">
                                "You wrote part of this text since the last approval, so someone else must approve it. You can still request changes."
                            </p>
                        }.into_any(),
                        (Some(counted), _) => view! {
                            <p class="alert alert-success approved-by-me" role="status">
                                {format!("You approved version {} (counting for {counted}). A new version needs your approval again.", version)}
                            </p>
                        }.into_any(),
                        (None, []) => view! {
                            <p class="muted">"Your approval counts only through an organisation you belong to and review this plan through, and there is none: you can still request changes."</p>
                        }.into_any(),
                        (None, kinds) => {
                            let kind_field = match kinds {
                                [(kind, label)] => view! {
                                    <input type="hidden" name="kind" value=kind.clone() />
                                    <p class="muted small">{format!("Your approval counts for: {label}.")}</p>
                                }.into_any(),
                                several => view! {
                                    <SelectField form="approve" name="kind" label="Your approval counts for" errors=approve_errors options=several.to_vec() placeholder="Choose a kind of organisation" />
                                }.into_any(),
                            };
                            view! {
                                <SubmitForm action=actions.approve>
                                    <ActionStatus action=actions.approve done="approved" success="Approval recorded." />
                                    <input type="hidden" name="plan_id" value=plan2 />
                                    <input type="hidden" name="section_id" value=sid2 />
                                    <input type="hidden" name="version" value=version />
                                    {kind_field}
                                    <button type="submit" class="primary">"Approve this version"</button>
                                </SubmitForm>
                            }.into_any()
                        }
                    }}
                    <SubmitForm action=actions.changes>
                        <ActionStatus action=actions.changes done="changes-requested" success="Changes requested." />
                        <input type="hidden" name="plan_id" value=plan3 />
                        <input type="hidden" name="section_id" value=sid3 />
                        <input type="hidden" name="version" value=version2 />
                        <TextArea form="review" name="reason" label="What needs to change" errors=change_errors rows=3 />
                        <button type="submit">"Request changes"</button>
                    </SubmitForm>
                </div>
            })}
        </section>
    }
}

/// The plan page's approval panel: the rule (leads set it), approved versions, and (leads)
/// approving the plan.
#[component]
pub fn PlanApprovalPanel(plan_id: i64) -> impl IntoView {
    let set_rule = FormAction::<super::api::SetApprovalRule>::new();
    let approve = FormAction::<super::api::ApprovePlan>::new();
    let live = crate::foundation::live::client::use_live();
    let others = RwSignal::new(0u32);
    let refresh = move || {
        crate::foundation::live::client::when_not_typing_in(".plan-approval", move || {
            others.update(|n| *n += 1)
        })
    };
    crate::foundation::live::client::on_change(live.reviews(), refresh);
    crate::foundation::live::client::on_change(live.any_save(), refresh);
    crate::foundation::live::client::on_change(live.sections(), refresh);
    let data = load(
        move || {
            (
                set_rule.version().get(),
                approve.version().get(),
                others.get(),
            )
        },
        move |_| super::api::plan_approval(plan_id),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|a| view! { <ApprovalPanel a set_rule approve /> })
            })}
        </Transition>
    }
}

#[component]
fn ApprovalPanel(
    a: super::api::PlanApprovalView,
    set_rule: FormAction<super::api::SetApprovalRule>,
    approve: FormAction<super::api::ApprovePlan>,
) -> impl IntoView {
    use crate::foundation::ui::fields::Field;
    let plan = a.plan_id;
    let rule_errors = action_error(set_rule);
    let rule = a.rule;
    let ready = a.ready();
    let approved = a
        .sections
        .iter()
        .filter(|s| s.state == ReviewState::Approved)
        .count();
    let total = a.sections.len();
    view! {
        <section class="panel plan-approval" aria-labelledby="approval-heading">
            <h2 id="approval-heading">"Approval"</h2>
            <p>{format!(
                "Each section needs at least {} government, {} civil-society and {} donor approval(s){}.",
                rule.government, rule.civil_society, rule.donor,
                if rule == Default::default() { " (with none set, one approval of any kind)" } else { "" }
            )}</p>
            {a.unmeetable.clone().map(|kind| view! {
                <p class="alert alert-error" role="status">{format!("The approval rule can no longer be met: too few reviewers of kind {kind} have a role on this plan. Grant reviewers or lower the rule.")}</p>
            })}
            {(total > 0).then(|| view! {
                <h3>{format!("Where the sections stand: {approved} of {total} approved")}</h3>
                <ul class="standings">
                    {a.sections.iter().map(|s| {
                        let needs = match s.state {
                            ReviewState::Draft => "to be submitted for review".to_owned(),
                            ReviewState::ChangesRequested => "changes requested: to be revised and submitted again".to_owned(),
                            ReviewState::InReview => format!("needs {}", s.needs),
                            ReviewState::Approved => String::new(),
                        };
                        view! {
                            <li data-section=s.id>
                                <a href=format!("/plans/{plan}/sections/{}", s.id)>{s.title.clone()}</a>
                                " " <span class=format!("badge review-{}", s.state.as_str())>{s.state.label()}</span>
                                {(!needs.is_empty()).then(|| view! { <span class="muted small">{format!(" · {needs}")}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {(!a.versions.is_empty()).then(|| view! {
                <ul class="versions">
                    {a.versions.iter().map(|(n, at)| view! {
                        <li><a href=format!("/plans/{plan}/versions/{n}")>{format!("Approved version {n}")}</a> " · " <Time unix=*at /></li>
                    }).collect_view()}
                </ul>
            })}
            {a.can_manage.then(|| view! {
                <div class="columns">
                    <SubmitForm action=set_rule>
                        <ActionStatus action=set_rule done="rule" success="Approval rule saved." />
                        <input type="hidden" name="plan_id" value=plan.to_string() />
                        <Field form="rule" name="government" label="Government approvals" errors=rule_errors value=rule.government.to_string() />
                        <Field form="rule" name="civil_society" label="Civil-society approvals" errors=rule_errors value=rule.civil_society.to_string() />
                        <Field form="rule" name="donor" label="Donor approvals" errors=rule_errors value=rule.donor.to_string() />
                        <button type="submit">"Save rule"</button>
                    </SubmitForm>
                    {if ready {
                        view! {
                            <SubmitForm action=approve>
                                <ActionStatus action=approve done="plan-approved" success="Plan approved as a new version." />
                                <input type="hidden" name="plan_id" value=plan.to_string() />
                                <p class="muted small">"Every section is approved. Approving the plan freezes it as a numbered version; work goes on in the draft."</p>
                                <button type="submit" class="primary">"Approve the plan"</button>
                            </SubmitForm>
                        }.into_any()
                    } else {
                        view! {
                            <div class="not-ready">
                                <ActionStatus action=approve done="plan-approved" success="Plan approved as a new version." />
                                <p class="muted">{if total == 0 {
                                    "The plan has no sections yet: add sections, have them approved, then approve the plan.".to_owned()
                                } else {
                                    format!(
                                        "The plan can be approved once every section is approved: {} of {total} still {}, as listed above. Approving then freezes it as a numbered version.",
                                        total - approved,
                                        if total - approved == 1 { "is not" } else { "are not" },
                                    )
                                }}</p>
                            </div>
                        }.into_any()
                    }}
                </div>
            })}
        </section>
    }
}

/// `/plans/:id/versions/:n`: an approved, frozen version of the plan.
#[component]
pub fn PlanVersionPage() -> impl IntoView {
    use leptos_router::hooks::use_params_map;
    let params = use_params_map();
    let ids = move || {
        params.with(|p| {
            Some((
                p.get("id")?.parse::<i64>().ok()?,
                p.get("n")?.parse::<i64>().ok()?,
            ))
        })
    };
    let data = load(ids, |ids| async move {
        let Some((plan, n)) = ids else {
            return Err(crate::error::AppError::NotFound);
        };
        super::api::plan_version(plan, n).await
    });
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Version v /> }.into_any(),
                    Err(e) => view! { <crate::foundation::ui::errors::ErrorPage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Version(v: super::views::PlanVersion) -> impl IntoView {
    let heading = format!("{} · approved version {}", v.title, v.number);
    view! {
        <leptos_meta::Title text=heading.clone() />
        <p class="breadcrumb"><a href="/plans">"Plans"</a> " › " <a href=format!("/plans/{}", v.plan_id)>{v.title.clone()}</a></p>
        <h1>{heading}</h1>
        <p class="muted">{format!("Approved by {}, ", v.approved_by)} <Time unix=v.approved_at /> ". This version does not change; the plan's draft goes on."</p>
        {v.sections.into_iter().map(|s| view! {
            <section class="panel">
                <h2>{s.title}</h2>
                <p class="muted small">{format!("Section version {}", s.section_version)}</p>
                <article class="prose" inner_html=s.html></article>
            </section>
        }).collect_view()}
        <section class="panel">
            <h2>"Checklist"</h2>
            <ul>
                {v.checklist.into_iter().map(|i| view! {
                    <li>{i.text} <span class="badge">{i.status}</span> {(!i.details.is_empty()).then(|| format!(" ({})", i.details))}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// `/reviews`: the sections waiting for the viewer's approval.
#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    // Clicking "Reviews" while here asks again (the router alone would do nothing).
    let reclicked = crate::foundation::ui::reclick::use_reclicked();
    let data = load(move || reclicked.get(), |_| super::api::review_queue());
    view! {
        <leptos_meta::Title text="Waiting for your review" />
        <h1>"Waiting for your review"</h1>
        // A transition: the list stays on screen while it is asked for again.
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(items) if items.is_empty() => view! { <p>"Nothing waits for your review."</p> }.into_any(),
                    Ok(items) => view! {
                        <table class="data queue">
                            <thead><tr><th scope="col">"Section"</th><th scope="col">"Plan"</th><th scope="col">"Version"</th><th scope="col">"Submitted"</th></tr></thead>
                            <tbody>
                                {items.into_iter().map(|i| view! {
                                    <tr>
                                        <td><a href=format!("/plans/{}/sections/{}", i.plan_id, i.section_id)>{i.title}</a></td>
                                        <td data-label="Plan">{i.plan_title}</td>
                                        <td data-label="Version">{i.version}</td>
                                        <td data-label="Submitted"><crate::foundation::ui::timestamp::Time unix=i.submitted_at /></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <crate::foundation::ui::errors::ErrorPage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}
