//! A section's page: its text, who changed it last, the editor, its settings, its review and
//! its comment threads.

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::foundation::frameworks::{tag_labels, PILLARS, PSGS};
use crate::foundation::live::client::{on_change, use_live, when_not_typing_in, HereNow};
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::{action_error, ActionStatus, Field};
use crate::foundation::ui::tags::Tag;
use crate::sections::api::{
    section_page, take_save_notice, RenameSection, SaveSection, SetSectionTags,
};
use crate::sections::ui::Editor;
use crate::sections::views::{SaveOutcome, SectionDetail};

/// Whether the address asks for the editor (`?edit`): the page shows the section for reading
/// unless asked, so readers and editors who only read get no editor, and the link works
/// without JavaScript.
fn editing() -> Memo<bool> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("edit").is_some()))
}

/// The section page.
#[component]
pub fn SectionPage() -> impl IntoView {
    let ids = crate::foundation::ui::address::section_ids();
    let editing = editing();
    let rename = FormAction::<RenameSection>::new();
    let tags = FormAction::<SetSectionTags>::new();
    crate::comments::ui::provide_section_comments(editing.into());
    crate::reviews::ui::provide_section_review();
    // Others' saves and renames arrive live. For reading, the page is drawn again (after any
    // comment being typed is sent or left); an open editor takes saves in itself.
    let live = use_live();
    let others = RwSignal::new(0u32);
    let refresh = move || {
        if !editing.get_untracked() {
            when_not_typing_in("main", move || others.update(|n| *n += 1));
        }
    };
    on_change(live.saved_of(move || ids().map(|(_, s)| s)), refresh);
    on_change(live.sections(), refresh);
    let data = load(
        move || {
            (
                ids(),
                editing.get(),
                others.get(),
                rename.version().get(),
                tags.version().get(),
            )
        },
        |(ids, editing, ..)| async move {
            let Some((plan, sid)) = ids else {
                return Err(crate::error::AppError::NotFound);
            };
            let detail = section_page(plan, sid, editing).await?;
            // A save posted without JavaScript left its outcome in the session, for the editor.
            let notice = if editing {
                take_save_notice(sid).await.ok().flatten()
            } else {
                None
            };
            Ok((detail, notice, editing))
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((detail, notice, editing)) => view! { <Section detail notice editing rename tags /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Section(
    detail: SectionDetail,
    notice: Option<SaveOutcome>,
    editing: bool,
    rename: FormAction<RenameSection>,
    tags: FormAction<SetSectionTags>,
) -> impl IntoView {
    let d = detail.clone();
    let plan_id = d.plan_id;
    let page = format!("/plans/{plan_id}/sections/{}", d.id);
    // Shared by the editor and the review panel: a save puts the section back in draft.
    let save = FormAction::<SaveSection>::new();
    let last_change = match (&d.updated_by, &d.updated_by_org) {
        (Some(who), Some(org)) => format!("Last changed by {who} ({org}), "),
        (Some(who), None) => format!("Last changed by {who}, "),
        _ => "Last changed ".to_owned(),
    };
    view! {
        <Title text=d.title.clone() />
        <p class="breadcrumb"><a href="/plans">"Plans"</a> " › " <a href=format!("/plans/{plan_id}")>{d.plan_title.clone()}</a></p>
        <h1>{d.title.clone()}</h1>
        <p class="tags">
            {tag_labels(&d.psgs, &d.pillars).into_iter().map(|(short, long)| view! { <Tag short name=long /> }).collect_view()}
        </p>
        <p class="muted last-change">
            {last_change} <crate::foundation::ui::timestamp::Time unix=d.updated_at /> " · version " {d.version} " · "
            <a href=format!("/plans/{plan_id}/sections/{}/history", d.id)>"History"</a>
            " " <HereNow section=d.id except=Some(d.viewer) />
        </p>
        {(d.previous.is_some() || d.next.is_some()).then(|| view! {
            <nav class="section-nav" aria-label="Other sections of the plan">
                {d.previous.clone().map(|n| view! {
                    <a rel="prev" href=format!("/plans/{plan_id}/sections/{}", n.id)>
                        <span class="muted small">"Previous section"</span> <span>{n.title}</span>
                    </a>
                })}
                {d.next.clone().map(|n| view! {
                    <a rel="next" class="next" href=format!("/plans/{plan_id}/sections/{}", n.id)>
                        <span class="muted small">"Next section"</span> <span>{n.title}</span>
                    </a>
                })}
            </nav>
        })}
        <crate::reviews::ui::ReviewPanel saves=save />
        {d.removed.then(|| view! { <p class="alert alert-error">"This section was removed from the plan. Restore it from the plan page to edit it."</p> })}
        {(!d.guidance.is_empty()).then(|| view! {
            <details class="guidance"><summary>"Guidance"</summary><p>{d.guidance.clone()}</p></details>
        })}
        {match (d.can_edit && !d.removed, editing) {
            (true, true) => Some(view! {
                <p class="edit-switch">
                    <a href=page.clone() class="button">"Done editing"</a>
                </p>
                <Editor detail=detail.clone() notice save />
                <SectionSettings detail rename tags />
            }.into_any()),
            (true, false) => Some(view! {
                <p class="edit-switch">
                    <a href=format!("{page}?edit") class="button primary">"Edit"</a>
                </p>
            }.into_any()),
            _ => None,
        }}
        // The section text for reading, with commented passages highlighted (left out while
        // editing: the editor's preview shows it), and its threads.
        <crate::comments::ui::SectionComments plan_id section_id=d.id person=d.viewer />
    }
    .into_any()
}

#[component]
fn SectionSettings(
    detail: SectionDetail,
    rename: FormAction<RenameSection>,
    tags: FormAction<SetSectionTags>,
) -> impl IntoView {
    let rename_errors = action_error(rename);
    let (plan, sid) = (detail.plan_id.to_string(), detail.id.to_string());
    let (plan2, sid2) = (plan.clone(), sid.clone());
    view! {
        <details class="panel">
            <summary>"Section settings: title and tags"</summary>
            <div class="columns">
                <SubmitForm action=rename>
                    <ActionStatus action=rename done="renamed" success="Renamed." />
                    <input type="hidden" name="plan_id" value=plan2 />
                    <input type="hidden" name="section_id" value=sid2 />
                    <Field form="rename" name="title" label="Title" errors=rename_errors value=detail.title.clone() required=true />
                    <button type="submit">"Rename"</button>
                </SubmitForm>
                <SubmitForm action=tags>
                    <ActionStatus action=tags done="tags" success="Tags saved." />
                    <input type="hidden" name="plan_id" value=plan />
                    <input type="hidden" name="section_id" value=sid />
                    <fieldset>
                        <legend>"New Deal goals served"</legend>
                        {PSGS.iter().map(|(n, name)| {
                            let id = format!("tag-psg{n}");
                            view! {
                                <div class="checkbox">
                                    <input type="checkbox" id=id.clone() name=format!("psg{n}") value="on" checked=detail.psgs.contains(n) />
                                    <label for=id>{format!("PSG {n}: {name}")}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <fieldset>
                        <legend>"R2P pillars served"</legend>
                        {PILLARS.iter().map(|(n, name)| {
                            let id = format!("tag-pillar{n}");
                            view! {
                                <div class="checkbox">
                                    <input type="checkbox" id=id.clone() name=format!("pillar{n}") value="on" checked=detail.pillars.contains(n) />
                                    <label for=id>{format!("Pillar {n}: {name}")}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <button type="submit">"Save tags"</button>
                </SubmitForm>
            </div>
        </details>
    }
}
