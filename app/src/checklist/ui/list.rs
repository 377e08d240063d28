//! `/plans/:id/checklist`: the plan's checklist, filtered by a GET form (works without
//! JavaScript), grouped, one line per item (status, who is responsible, due date) with its
//! status form folded away for editors, and item management for leads.

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;

use crate::foundation::live::client::{refetch_on, use_live};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

use super::group::{group, GROUPINGS};
use super::outcome::OutcomeNotice;
use super::{
    errors_for, org_options, page_errors, pillar_options, psg_options, risk_options,
    status_options, ItemBadges,
};
use crate::checklist::api::{
    plan_checklist, take_checklist_notice, AddChecklistItem, SetChecklistItemRetired,
    UpdateChecklistItem,
};
use crate::checklist::domain::format_due_date;
use crate::checklist::views::{Checklist, ChecklistItem, ItemSaveOutcome};
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::{action_error, ActionStatus, Field, FormStatus, SelectField};

#[derive(Clone, Copy)]
struct Actions {
    update: FormAction<UpdateChecklistItem>,
    add: FormAction<AddChecklistItem>,
    retire: FormAction<SetChecklistItemRetired>,
}

/// The checklist page.
#[component]
pub fn ChecklistPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let plan = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|s| s.parse::<i64>().ok())
    };
    let actions = Actions {
        update: FormAction::new(),
        add: FormAction::new(),
        retire: FormAction::new(),
    };
    // Others' changes to the checklist arrive live.
    let others = refetch_on("main", use_live().checklist());
    let data = load(
        move || {
            (
                plan(),
                query.get(),
                others.get(),
                actions.update.version().get(),
                actions.add.version().get(),
                actions.retire.version().get(),
            )
        },
        |(plan, q, ..)| async move {
            let Some(plan) = plan else {
                return Err(crate::error::AppError::NotFound);
            };
            let list = plan_checklist(
                plan,
                q.get("psg"),
                q.get("pillar"),
                q.get("risk"),
                q.get("status"),
                q.get("org"),
                q.get("overdue"),
            )
            .await?;
            // A save posted without JavaScript left its outcome in the session.
            let notice = take_checklist_notice(plan).await.ok().flatten();
            Ok((list, notice))
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((list, notice)) => view! { <ChecklistView list notice actions query=query.get_untracked() /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ChecklistView(
    list: Checklist,
    notice: Option<ItemSaveOutcome>,
    actions: Actions,
    query: ParamsMap,
) -> impl IntoView {
    let plan = list.plan_id;
    let update_errors = action_error(actions.update);
    let names: Vec<(i64, String)> = list.items.iter().map(|i| (i.id, i.text.clone())).collect();
    let outcome = Signal::derive(move || match actions.update.value().get() {
        Some(Ok(o)) => Some(o),
        _ => notice.clone(),
    });
    let grouping = query.get("group").unwrap_or_else(|| "psg".to_owned());
    let groups = group(&list.items, &grouping, &list.organisations);
    let shown = list.items.len();
    let can_edit = list.can_edit;
    view! {
        <Title text=format!("Checklist · {}", list.plan_title) />
        <p class="breadcrumb"><a href="/plans">"Plans"</a> " › " <a href=format!("/plans/{plan}")>{list.plan_title.clone()}</a></p>
        <h1>"Checklist"</h1>
        <p class="muted">
            "What the plan must achieve, by New Deal goal (PSG), R2P pillar and UN Framework risk factor (RF). "
            {if list.filter.is_active() {
                format!("{shown} of {} items match the filter.", list.active_count)
            } else {
                format!("{} items.", list.active_count)
            }}
        </p>
        <crate::foundation::ui::tags::TagLegend />
        <Filters list=list.clone() grouping=grouping.clone() />
        <FormStatus errors=page_errors(update_errors) />
        <OutcomeNotice outcome names=names />
        {if groups.is_empty() {
            view! { <p class="muted">"No items match."</p> }.into_any()
        } else {
            groups.into_iter().map(|(heading, items)| view! {
                <section class="panel checklist-group">
                    <h2>{heading}</h2>
                    <ul class="checklist">
                        {items.into_iter().map(|item| view! { <ItemRow plan item can_edit update=actions.update /> }).collect_view()}
                    </ul>
                </section>
            }).collect_view().into_any()
        }}
        {list.can_manage.then(|| view! { <ManageItems plan retired=list.retired.clone() actions /> })}
    }
    .into_any()
}

#[component]
fn Filters(list: Checklist, grouping: String) -> impl IntoView {
    let f = list.filter.clone();
    let plan = list.plan_id;
    let select = |id: &'static str,
                  name: &'static str,
                  label: &'static str,
                  options: Vec<(String, String)>,
                  chosen: Option<String>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id name=name>
                    <option value="">"Any"</option>
                    {options.into_iter().map(|(v, t)| {
                        let selected = chosen.as_deref() == Some(v.as_str());
                        view! { <option value=v selected=selected>{t}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    view! {
        <form method="get" action=format!("/plans/{plan}/checklist") class="filters panel">
            {select("f-psg", "psg", "New Deal goal", psg_options(), f.psg.map(|n| n.to_string()))}
            {select("f-pillar", "pillar", "R2P pillar", pillar_options(), f.pillar.map(|n| n.to_string()))}
            {select("f-risk", "risk", "Risk factor", risk_options(), f.risk_factor.map(|n| n.to_string()))}
            {select("f-status", "status", "Status", status_options(), f.status.map(|s| s.as_str().to_owned()))}
            {select("f-org", "org", "Responsible organisation", org_options(&list.organisations), f.org.map(|n| n.to_string()))}
            <div class="field checkbox">
                <input type="checkbox" id="f-overdue" name="overdue" value="1" checked=f.overdue />
                <label for="f-overdue">"Only overdue"</label>
            </div>
            <div class="field">
                <label for="f-group">"Group by"</label>
                <select id="f-group" name="group">
                    {GROUPINGS.iter().map(|(v, t)| view! { <option value=*v selected=*v == grouping>{*t}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit">"Filter"</button>
            <a href=format!("/plans/{plan}/checklist")>"Clear"</a>
        </form>
    }
}

/// One item on one line: what it asks, its tags, status, who is responsible and when it is
/// due. Editors change the status behind a `<details>` (a plain form inside, so it works
/// without JavaScript); it opens by itself when the server refused that item's save, so the
/// message is seen next to the field.
#[component]
fn ItemRow(
    plan: i64,
    item: ChecklistItem,
    can_edit: bool,
    update: FormAction<UpdateChecklistItem>,
) -> impl IntoView {
    let id = item.id;
    let errors = errors_for(action_error(update), id);
    let form = format!("item-{id}");
    let responsible = [
        item.responsible_org_name.clone().unwrap_or_default(),
        item.responsible_person.clone(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let kind = item.status.kind();
    let reason = match &item.status {
        crate::checklist::domain::ItemStatus::NotApplicable(r) => Some(r.clone()),
        _ => None,
    };
    view! {
        <li class=format!("checklist-item status-{}", kind.as_str()) class:overdue=item.overdue id=format!("item-{id}")>
            <div class="item-main">
                <a class="item-text" href=format!("/plans/{plan}/checklist/{id}")>{item.text.clone()}</a>
                " "
                <ItemBadges item=item.clone() />
            </div>
            <span class="item-state">
                <span class="visually-hidden">"Status: "</span>
                <span class=format!("badge item-status status-{}", kind.as_str()) title=reason.clone()>{kind.label()}</span>
                {(item.evidence_count > 0).then(|| view! {
                    " " <span class="muted small" title="Pieces of evidence">{format!("Evidence: {}", item.evidence_count)}</span>
                })}
            </span>
            " "
            <span class="item-owner small">
                {if responsible.is_empty() {
                    view! { <span class="muted">"No one responsible"</span> }.into_any()
                } else {
                    view! { <span class="visually-hidden">"Responsible: "</span> {responsible} }.into_any()
                }}
            </span>
            " "
            <span class="item-due small">
                {match item.due_date {
                    Some(d) => view! { "Due " {format_due_date(d)} }.into_any(),
                    None => view! { <span class="muted">"No due date"</span> }.into_any(),
                }}
                {item.overdue.then(|| view! { " " <span class="badge overdue-badge">"Overdue"</span> })}
            </span>
            {can_edit.then(|| view! {
                <details class="item-edit" open=move || errors.with(Option::is_some)>
                    <summary>"Change status" <span class="visually-hidden">{format!(" of {}", item.text)}</span></summary>
                    <SubmitForm action=update attr:class="item-status-form">
                        <input type="hidden" name="plan_id" value=plan.to_string() />
                        <input type="hidden" name="item_id" value=id.to_string() />
                        <input type="hidden" name="base_version" value=item.version.to_string() />
                        <SelectField form=form.clone() name="status" label="Status" errors options=status_options() selected=kind.as_str().to_owned() />
                        <Field form=form.clone() name="na_reason" label="Reason if not applicable" errors value=item.status.reason().to_owned() />
                        <button type="submit" class="small" aria-label=format!("Save status of item {id}")>"Save status"</button>
                        " "
                        <a class="small" href=format!("/plans/{plan}/checklist/{id}")>"Owner, due date, evidence…"</a>
                    </SubmitForm>
                </details>
            })}
            {reason.map(|r| view! { <p class="item-reason small muted">{format!("Not applicable: {r}")}</p> })}
        </li>
    }
}

#[component]
fn ManageItems(plan: i64, retired: Vec<ChecklistItem>, actions: Actions) -> impl IntoView {
    let add_errors = action_error(actions.add);
    view! {
        <section class="panel narrow">
            <h2>"Add an item"</h2>
            <SubmitForm action=actions.add>
                <ActionStatus action=actions.add done="item-added" success="Item added." />
                <input type="hidden" name="plan_id" value=plan.to_string() />
                <Field form="new-item" name="text" label="Item" errors=add_errors required=true />
                <SelectField form="new-item" name="psg" label="New Deal goal" errors=add_errors options=psg_options() />
                <SelectField form="new-item" name="pillar" label="R2P pillar" errors=add_errors options=pillar_options() />
                <Field form="new-item" name="risk_factors" label="Risk factors addressed" errors=add_errors hint="Numbers from 1 to 14, separated by commas, e.g. 3, 9." />
                <button type="submit" class="primary">"Add item"</button>
            </SubmitForm>
        </section>
        {(!retired.is_empty()).then(|| view! {
            <section class="panel">
                <h2>"Retired items"</h2>
                <ActionStatus action=actions.retire done="restored" success="Item brought back." />
                <ul class="checklist retired">
                    {retired.into_iter().map(|i| view! {
                        <li class="retired-item">
                            <a href=format!("/plans/{plan}/checklist/{}", i.id)>{i.text.clone()}</a>
                            <SubmitForm action=actions.retire attr:class="inline">
                                <input type="hidden" name="plan_id" value=plan.to_string() />
                                <input type="hidden" name="item_id" value=i.id.to_string() />
                                <input type="hidden" name="retired" value="false" />
                                <button type="submit" class="small">"Bring back"</button>
                            </SubmitForm>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
