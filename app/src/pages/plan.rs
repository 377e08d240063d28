//! A plan's overview: its details, coverage matrix, sections with their open threads, the
//! checklist at a glance and the plan's approval.

use crate::foundation::loaded::{load, Loaded};
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::foundation::countries::country_name;
use crate::foundation::frameworks::tag_labels;
use crate::foundation::live::client::{on_change, use_live, when_not_typing_in, HereNow};
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::{action_error, Field, FormStatus};
use crate::foundation::ui::tags::Tag;
use crate::plans::api::{plan, SetPlanStatus};
use crate::plans::domain::{stage_name, PlanStatus};
use crate::plans::ui::CoverageMatrix;
use crate::plans::views::PlanOverview;
use crate::sections::api::{AddSection, MoveSection, SetSectionRemoved};
use crate::sections::views::SectionListItem;

/// Actions the overview page runs; the page refetches after each.
#[derive(Clone, Copy)]
struct Actions {
    add: FormAction<AddSection>,
    shift: FormAction<MoveSection>,
    removal: FormAction<SetSectionRemoved>,
    status: FormAction<SetPlanStatus>,
}

/// The plan overview page.
#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|s| s.parse::<i64>().ok())
    };
    let actions = Actions {
        add: FormAction::new(),
        shift: FormAction::new(),
        removal: FormAction::new(),
        status: FormAction::new(),
    };
    crate::comments::ui::provide_open_counts();
    // Others' changes to the list, its review states and its sections' text arrive live.
    let live = use_live();
    let others = RwSignal::new(0u32);
    let refresh = move || {
        when_not_typing_in("ol.sections, .inline-form", move || {
            others.update(|n| *n += 1)
        })
    };
    on_change(live.sections(), refresh);
    on_change(live.reviews(), refresh);
    on_change(live.any_save(), refresh);
    let data = load(
        move || {
            (
                id(),
                others.get(),
                actions.add.version().get(),
                actions.shift.version().get(),
                actions.removal.version().get(),
                actions.status.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => plan(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => view! { <Overview overview=o actions /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Overview(overview: PlanOverview, actions: Actions) -> impl IntoView {
    let plan = overview.plan.clone();
    let plan_id = plan.id;
    let add_errors = action_error(actions.add);
    let status_errors = action_error(actions.status);
    let can_edit = overview.can_edit;
    view! {
        <Title text=plan.title.clone() />
        <p class="breadcrumb"><a href="/plans">"Plans"</a></p>
        <h1>{plan.title.clone()}</h1>
        <p class="lede">
            {country_name(&plan.country)} " · " {format!("{}–{}", plan.period_start, plan.period_end)} " · "
            {format!("Fragility stage: {}", stage_name(plan.fragility_stage))} " · "
            <span class=format!("badge status-{}", plan.status.as_str())>{plan.status.label()}</span>
        </p>
        <p>"Lead organisation: " {plan.lead_org_name.clone()} {your_roles(overview.roles)}
            " · " <a href=format!("/plans/{plan_id}/members")>"Members and roles"</a>
            {overview.can_manage.then(|| view! { " · " <a href=format!("/plans/{plan_id}/audit")>"Audit trail"</a> })}
        </p>
        {(!plan.summary.is_empty()).then(|| view! { <p class="summary">{plan.summary.clone()}</p> })}
        <crate::reviews::ui::PlanApprovalPanel plan_id />
        <div class="columns">
            <section class="panel">
                <h2>"Sections"</h2>
                <SectionList plan_id sections=overview.sections.clone() can_edit actions />
                <crate::foundation::ui::tags::TagLegend />
                {can_edit.then(|| view! {
                    <SubmitForm action=actions.add attr:class="inline-form">
                        <FormStatus errors=add_errors />
                        <input type="hidden" name="plan_id" value=plan_id.to_string() />
                        <Field form="add-section" name="title" label="New section title" errors=add_errors />
                        <button type="submit">"Add section"</button>
                    </SubmitForm>
                })}
            </section>
            <section class="panel">
                <h2>"Coverage"</h2>
                <CoverageMatrix coverage=overview.coverage.clone() />
            </section>
        </div>
        <crate::checklist::ui::ProgressAtAGlance plan_id />
        {(!overview.removed.is_empty()).then(move || view! {
            <section class="panel">
                <h2>"Removed sections"</h2>
                <p class="muted">"Removed sections keep their text and history; restore one to bring it back."</p>
                <ul>
                    {overview.removed.into_iter().map(|s| view! {
                        <li>
                            <a href=format!("/plans/{plan_id}/sections/{}", s.id)>{s.title.clone()}</a>
                            {can_edit.then(|| view! {
                                <SubmitForm action=actions.removal attr:class="inline">
                                    <input type="hidden" name="plan_id" value=plan_id.to_string() />
                                    <input type="hidden" name="section_id" value=s.id.to_string() />
                                    <input type="hidden" name="remove" value="false" />
                                    <button type="submit" class="small">"Restore"</button>
                                </SubmitForm>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {overview.can_manage.then(|| view! {
            <section class="panel narrow">
                <h2>"Plan status"</h2>
                <SubmitForm action=actions.status>
                    <FormStatus errors=status_errors />
                    <input type="hidden" name="plan_id" value=plan_id.to_string() />
                    <div class="field">
                        <label for="plan-status">"Status"</label>
                        <select id="plan-status" name="status">
                            {PlanStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == plan.status>{s.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit">"Set status"</button>
                </SubmitForm>
            </section>
        })}
    }
    .into_any()
}

#[component]
fn SectionList(
    plan_id: i64,
    sections: Vec<SectionListItem>,
    can_edit: bool,
    actions: Actions,
) -> impl IntoView {
    if sections.is_empty() {
        return view! { <p class="muted">"No sections yet."</p> }.into_any();
    }
    let count = sections.len();
    let me = use_context::<Loaded<Option<crate::foundation::people::Viewer>>>()
        .and_then(|v| v.get_untracked().flatten())
        .map(|v| v.person.id);
    view! {
        <ol class="sections">
            {sections.into_iter().enumerate().map(|(i, s)| {
                let sid = s.id.to_string();
                view! {
                    <li class="section-item">
                        <a href=format!("/plans/{plan_id}/sections/{}", s.id)>{s.title.clone()}</a>
                        <crate::comments::ui::OpenThreadsBadge section_id=s.id />
                        <HereNow section=s.id except=me />
                        <span class="tags">
                            {tag_labels(&s.psgs, &s.pillars).into_iter().map(|(short, long)| view! { <Tag short name=long /> }).collect_view()}
                        </span>
                        <span class="muted small">
                            {if s.chars == 0 { "empty".to_owned() } else { format!("{} characters", s.chars) }}
                            " · v" {s.version} " · " {s.updated_by.clone().unwrap_or_default()} " " <crate::foundation::ui::timestamp::Time unix=s.updated_at />
                        </span>
                        {can_edit.then(|| view! {
                            <span class="row-actions">
                                {(i > 0).then(|| view! { <MoveButton plan_id section_id=sid.clone() direction="up" action=actions.shift /> })}
                                {(i + 1 < count).then(|| view! { <MoveButton plan_id section_id=sid.clone() direction="down" action=actions.shift /> })}
                                <SubmitForm action=actions.removal attr:class="inline">
                                    <input type="hidden" name="plan_id" value=plan_id.to_string() />
                                    <input type="hidden" name="section_id" value=sid.clone() />
                                    <input type="hidden" name="remove" value="true" />
                                    <crate::foundation::ui::confirm::ConfirmButton label="Remove" name=format!("Remove {}", s.title)
                                        explain=format!("Remove \u{201c}{}\u{201d} from the plan? Its text, history and comments are kept, and it can be restored from this page.", s.title)
                                        confirm="Yes, remove it" />
                                </SubmitForm>
                            </span>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn MoveButton(
    plan_id: i64,
    section_id: String,
    direction: &'static str,
    action: FormAction<MoveSection>,
) -> impl IntoView {
    let label = if direction == "up" { "↑" } else { "↓" };
    let aria = if direction == "up" {
        "Move up"
    } else {
        "Move down"
    };
    view! {
        <SubmitForm action attr:class="inline">
            <input type="hidden" name="plan_id" value=plan_id.to_string() />
            <input type="hidden" name="section_id" value=section_id />
            <input type="hidden" name="direction" value=direction />
            <button type="submit" class="small" aria-label=aria title=aria>{label}</button>
        </SubmitForm>
    }
}

/// " · Your role: Editor", or " · Your roles: Editor, Reviewer" when grants give several that
/// are worth naming (a lead who also edits through their organisation is a lead).
fn your_roles(roles: crate::access::domain::PlanRoles) -> Option<String> {
    match roles.shown().iter().count() {
        0 => None,
        1 => Some(format!(" · Your role: {}", roles.labels())),
        _ => Some(format!(" · Your roles: {}", roles.labels())),
    }
}
