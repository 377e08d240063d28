//! `/plans/:id/checklist/:item`: one item with its progress fields, evidence and linked
//! sections; leads also reword, re-tag and retire it.

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;

use crate::foundation::live::client::{refetch_on, use_live};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::outcome::OutcomeNotice;
use super::{
    errors_for, org_options, page_errors, pillar_options, psg_options, risk_list, status_options,
    ItemBadges,
};
use crate::checklist::api::{
    checklist_item_detail, take_checklist_notice, AddEvidence, EditChecklistItem,
    LinkChecklistSection, SetChecklistItemRetired, UpdateChecklistItem,
};
use crate::checklist::domain::format_due_date;
use crate::checklist::views::{Evidence, ItemDetail, ItemSaveOutcome};
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::{
    action_error, ActionStatus, Field, FormStatus, SelectField, TextArea,
};

#[derive(Clone, Copy)]
struct Actions {
    update: FormAction<UpdateChecklistItem>,
    edit: FormAction<EditChecklistItem>,
    retire: FormAction<SetChecklistItemRetired>,
    evidence: FormAction<AddEvidence>,
    link: FormAction<LinkChecklistSection>,
}

/// One item's page.
#[component]
pub fn ItemPage() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        params.with(|p| {
            Some((
                p.get("id")?.parse::<i64>().ok()?,
                p.get("item")?.parse::<i64>().ok()?,
            ))
        })
    };
    let actions = Actions {
        update: FormAction::new(),
        edit: FormAction::new(),
        retire: FormAction::new(),
        evidence: FormAction::new(),
        link: FormAction::new(),
    };
    // Others' changes to the checklist arrive live.
    let others = refetch_on("main", use_live().checklist());
    let data = load(
        move || {
            (
                ids(),
                others.get(),
                actions.update.version().get(),
                actions.edit.version().get(),
                actions.retire.version().get(),
                actions.evidence.version().get(),
                actions.link.version().get(),
            )
        },
        |(ids, ..)| async move {
            let Some((plan, item)) = ids else {
                return Err(crate::error::AppError::NotFound);
            };
            let detail = checklist_item_detail(plan, item).await?;
            let notice = take_checklist_notice(plan).await.ok().flatten();
            Ok((detail, notice))
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((detail, notice)) => view! { <Item detail notice actions /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Item(detail: ItemDetail, notice: Option<ItemSaveOutcome>, actions: Actions) -> impl IntoView {
    let plan = detail.plan_id;
    let item = detail.item.clone();
    let names = vec![(item.id, item.text.clone())];
    let outcome =
        Signal::derive(
            move || match (actions.update.value().get(), actions.edit.value().get()) {
                (Some(Ok(o)), _) | (_, Some(Ok(o))) => Some(o),
                _ => notice.clone(),
            },
        );
    let last = match &item.updated_by {
        Some(who) => format!("Last changed by {who}, "),
        None => "Last changed ".to_owned(),
    };
    view! {
        <Title text=item.text.clone() />
        <p class="breadcrumb">
            <a href="/plans">"Plans"</a> " › " <a href=format!("/plans/{plan}")>{detail.plan_title.clone()}</a>
            " › " <a href=format!("/plans/{plan}/checklist")>"Checklist"</a>
        </p>
        <h1>{item.text.clone()}</h1>
        <p><ItemBadges item=item.clone() /></p>
        <p class="muted last-change">{last} <crate::foundation::ui::timestamp::Time unix=item.updated_at /> " · version " {item.version}</p>
        {item.retired.then(|| view! { <p class="alert alert-error">"This item was retired: it no longer counts in the plan's progress."</p> })}
        <FormStatus errors=page_errors(action_error(actions.update)) />
        <FormStatus errors=page_errors(action_error(actions.edit)) />
        <OutcomeNotice outcome names=names />
        <div class="columns">
            <Progress detail=detail.clone() actions />
            <EvidenceList detail=detail.clone() action=actions.evidence />
        </div>
        <Sections detail=detail.clone() action=actions.link />
        <History detail=detail.clone() />
        {detail.can_manage.then(|| view! { <Definition detail=detail.clone() actions /> })}
    }
    .into_any()
}

#[component]
fn Progress(detail: ItemDetail, actions: Actions) -> impl IntoView {
    let item = detail.item.clone();
    let (plan, id) = (detail.plan_id, item.id);
    let errors = errors_for(action_error(actions.update), id);
    let responsible = item
        .responsible_org_name
        .clone()
        .unwrap_or_else(|| "(none)".into());
    if !detail.can_edit || item.retired {
        return view! {
            <section class="panel">
                <h2>"Progress"</h2>
                <dl class="facts">
                    <dt>"Status"</dt><dd class="item-status">{item.status.describe()}</dd>
                    <dt>"Responsible organisation"</dt><dd>{responsible}</dd>
                    <dt>"Responsible person"</dt><dd>{if item.responsible_person.is_empty() { "(none)".to_owned() } else { item.responsible_person.clone() }}</dd>
                    <dt>"Due date"</dt>
                    <dd>
                        {item.due_date.map(format_due_date).unwrap_or_else(|| "(none)".into())}
                        {item.overdue.then(|| view! { " " <span class="badge overdue-badge">"Overdue"</span> })}
                    </dd>
                </dl>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="panel">
            <h2>"Progress"</h2>
            <SubmitForm action=actions.update attr:class="item-form">
                <input type="hidden" name="plan_id" value=plan.to_string() />
                <input type="hidden" name="item_id" value=id.to_string() />
                <input type="hidden" name="base_version" value=item.version.to_string() />
                <SelectField form="item" name="status" label="Status" errors options=status_options() selected=item.status.kind().as_str().to_owned() />
                <Field form="item" name="na_reason" label="Reason if not applicable" errors value=item.status.reason().to_owned() />
                <SelectField form="item" name="responsible_org_id" label="Responsible organisation" errors options=org_options(&detail.organisations)
                    selected=item.responsible_org_id.map(|o| o.to_string()).unwrap_or_default() placeholder="No organisation" />
                <Field form="item" name="responsible_person" label="Responsible person" errors value=item.responsible_person.clone() />
                <Field form="item" name="due_date" label="Due date" kind="date" errors hint="YYYY-MM-DD"
                    value=item.due_date.map(format_due_date).unwrap_or_default() />
                {item.overdue.then(|| view! { <p><span class="badge overdue-badge">"Overdue"</span></p> })}
                <button type="submit" class="primary">"Save"</button>
            </SubmitForm>
        </section>
    }
    .into_any()
}

#[component]
fn EvidenceList(detail: ItemDetail, action: FormAction<AddEvidence>) -> impl IntoView {
    let errors = action_error(action);
    let (plan, id) = (detail.plan_id, detail.item.id);
    view! {
        <section class="panel">
            <h2>"Evidence"</h2>
            {if detail.evidence.is_empty() {
                view! { <p class="muted">"No evidence yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="evidence">
                        {detail.evidence.into_iter().map(|e| view! { <EvidenceEntry evidence=e /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(detail.can_edit).then(|| view! {
                <SubmitForm action attr:class="evidence-form">
                    <ActionStatus action=action done="evidence" success="Evidence added." />
                    <input type="hidden" name="plan_id" value=plan.to_string() />
                    <input type="hidden" name="item_id" value=id.to_string() />
                    <TextArea form="evidence" name="note" label="What shows progress" errors rows=3 />
                    <Field form="evidence" name="url" label="Link (optional)" errors hint="A web address starting with https:// or http://" />
                    <button type="submit">"Add evidence"</button>
                </SubmitForm>
            })}
        </section>
    }
}

#[component]
fn EvidenceEntry(evidence: Evidence) -> impl IntoView {
    let who = match (&evidence.added_by, &evidence.organisation) {
        (Some(p), Some(o)) => format!("{p} ({o})"),
        (Some(p), None) => p.clone(),
        _ => "Someone".to_owned(),
    };
    view! {
        <li>
            <p class="evidence-note">{evidence.note.clone()}</p>
            {evidence.url.clone().map(|u| view! {
                <p><a href=u.clone() rel="noopener noreferrer nofollow" target="_blank">{u.clone()}</a></p>
            })}
            <p class="muted small">{format!("Added by {who}, ")} <crate::foundation::ui::timestamp::Time unix=evidence.added_at /></p>
        </li>
    }
}

#[component]
fn Sections(detail: ItemDetail, action: FormAction<LinkChecklistSection>) -> impl IntoView {
    let errors = action_error(action);
    let (plan, id) = (detail.plan_id, detail.item.id);
    let unlinked: Vec<(String, String)> = detail
        .plan_sections
        .iter()
        .filter(|(s, _)| !detail.linked_sections.iter().any(|(l, _)| l == s))
        .map(|(s, t)| (s.to_string(), t.clone()))
        .collect();
    let can_edit = detail.can_edit;
    view! {
        <section class="panel">
            <h2>"Linked sections"</h2>
            <FormStatus errors />
            {if detail.linked_sections.is_empty() {
                view! { <p class="muted">"Not linked to any section yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="linked-sections">
                        {detail.linked_sections.clone().into_iter().map(|(s, title)| view! {
                            <li>
                                <a href=format!("/plans/{plan}/sections/{s}")>{title.clone()}</a>
                                {can_edit.then(|| view! {
                                    <SubmitForm action attr:class="inline">
                                        <input type="hidden" name="plan_id" value=plan.to_string() />
                                        <input type="hidden" name="item_id" value=id.to_string() />
                                        <input type="hidden" name="section_id" value=s.to_string() />
                                        <input type="hidden" name="link" value="false" />
                                        <button type="submit" class="small" aria-label=format!("Unlink {title}")>"Unlink"</button>
                                    </SubmitForm>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(can_edit && !unlinked.is_empty()).then(|| view! {
                <SubmitForm action attr:class="inline-form">
                    <input type="hidden" name="plan_id" value=plan.to_string() />
                    <input type="hidden" name="item_id" value=id.to_string() />
                    <input type="hidden" name="link" value="true" />
                    <SelectField form="link" name="section_id" label="Section" errors options=unlinked />
                    <button type="submit">"Link section"</button>
                </SubmitForm>
            })}
        </section>
    }
}

#[component]
fn Definition(detail: ItemDetail, actions: Actions) -> impl IntoView {
    let item = detail.item.clone();
    let (plan, id) = (detail.plan_id, item.id);
    let errors = errors_for(action_error(actions.edit), id);
    let retired = item.retired;
    view! {
        <section class="panel narrow">
            <h2>"Item definition (leads)"</h2>
            {(!retired).then(|| view! {
                <SubmitForm action=actions.edit>
                    <input type="hidden" name="plan_id" value=plan.to_string() />
                    <input type="hidden" name="item_id" value=id.to_string() />
                    <input type="hidden" name="base_version" value=item.version.to_string() />
                    <Field form="def" name="text" label="Item" errors value=item.text.clone() required=true />
                    <SelectField form="def" name="psg" label="New Deal goal" errors options=psg_options() selected=item.psg.to_string() />
                    <SelectField form="def" name="pillar" label="R2P pillar" errors options=pillar_options() selected=item.pillar.to_string() />
                    <Field form="def" name="risk_factors" label="Risk factors addressed" errors value=risk_list(&item) hint="Numbers from 1 to 14, separated by commas." />
                    <button type="submit">"Save definition"</button>
                </SubmitForm>
            })}
            <SubmitForm action=actions.retire attr:class="inline-form">
                <ActionStatus action=actions.retire done=if retired { "restored" } else { "retired" }
                    success=if retired { "Item brought back." } else { "Item retired." } />
                <input type="hidden" name="plan_id" value=plan.to_string() />
                <input type="hidden" name="item_id" value=id.to_string() />
                <input type="hidden" name="retired" value=(!retired).to_string() />
                // Retiring asks first and says it can be undone; bringing back does not need to.
                {if retired {
                    view! { <button type="submit">"Bring back"</button> }.into_any()
                } else {
                    view! {
                        <crate::foundation::ui::confirm::ConfirmButton label="Retire this item"
                            explain="Retire this item? It leaves the list, the progress counts and the matrix; its history stays, and a lead can bring it back from its page.".to_owned()
                            confirm="Yes, retire it" />
                    }.into_any()
                }}
            </SubmitForm>
        </section>
    }
}

#[component]
fn History(detail: ItemDetail) -> impl IntoView {
    view! {
        <details class="panel item-history">
            <summary>{format!("History ({} versions)", detail.history.len())}</summary>
            <ol class="history" reversed=true>
                {detail.history.into_iter().map(|c| view! {
                    <li>
                        <span class="muted small">
                            {format!("Version {} · {} · ", c.version, c.by.clone().unwrap_or_else(|| "Someone".into()))} <crate::foundation::ui::timestamp::Time unix=c.at />
                        </span>
                        {if c.changes.is_empty() {
                            view! { <p>"First version."</p> }.into_any()
                        } else {
                            view! { <ul>{c.changes.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul> }.into_any()
                        }}
                    </li>
                }).collect_view()}
            </ol>
        </details>
    }
}
