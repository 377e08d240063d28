//! `/admin/checklist-template`: the checklist new plans copy (platform administrators).

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;
use leptos_meta::Title;

use super::{pillar_options, psg_options};
use crate::checklist::template_api::{
    checklist_template, AddChecklistTemplateItem, UpdateChecklistTemplateItem,
};
use crate::checklist::views::TemplateItem;
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::{action_error, ActionStatus, Field, SelectField};

/// Lists and edits the checklist template.
#[component]
pub fn ChecklistTemplatePage() -> impl IntoView {
    let add = FormAction::<AddChecklistTemplateItem>::new();
    let update = FormAction::<UpdateChecklistTemplateItem>::new();
    let data = load(
        move || (add.version().get(), update.version().get()),
        |_| checklist_template(),
    );
    let add_errors = action_error(add);
    view! {
        <Title text="Checklist template" />
        <h1>"Checklist template"</h1>
        <p class="muted">
            "New plans copy these items (unless retired); plans already created keep their own copy. "
            "Risk factors: UN Framework numbers 1-14, comma separated. "
            <a href="/admin/template">"Section template"</a>
        </p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => list.into_iter().map(|t| view! { <TemplateRow item=t update /> }).collect_view().into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <section class="panel narrow">
            <h2>"Add an item"</h2>
            <SubmitForm action=add>
                <ActionStatus action=add done="template-added" success="Item added to the template." />
                <Field form="ctpl-new" name="text" label="Item" errors=add_errors required=true />
                <SelectField form="ctpl-new" name="psg" label="New Deal goal" errors=add_errors options=psg_options() />
                <SelectField form="ctpl-new" name="pillar" label="R2P pillar" errors=add_errors options=pillar_options() />
                <Field form="ctpl-new" name="risk_factors" label="Risk factors" errors=add_errors />
                <button type="submit" class="primary">"Add to template"</button>
            </SubmitForm>
        </section>
    }
}

#[component]
fn TemplateRow(
    item: TemplateItem,
    update: FormAction<UpdateChecklistTemplateItem>,
) -> impl IntoView {
    let errors = action_error(update);
    let form = format!("ctpl-{}", item.id);
    let risks = item
        .risk_factors
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <details class="panel" class:inactive=item.retired>
            <summary>
                {format!("{}. {}", item.position, item.text)}
                <span class="muted small">{format!(" PSG {} · Pillar {} · RF {}", item.psg, item.pillar, if risks.is_empty() { "-" } else { &risks })}</span>
                {item.retired.then_some(" (retired)")}
            </summary>
            <SubmitForm action=update>
                <ActionStatus action=update done="template-saved" success="Saved." />
                <input type="hidden" name="id" value=item.id.to_string() />
                <Field form=form.clone() name="text" label="Item" errors value=item.text.clone() required=true />
                <SelectField form=form.clone() name="psg" label="New Deal goal" errors options=psg_options() selected=item.psg.to_string() />
                <SelectField form=form.clone() name="pillar" label="R2P pillar" errors options=pillar_options() selected=item.pillar.to_string() />
                <Field form=form.clone() name="risk_factors" label="Risk factors" errors value=risks.clone() />
                <div class="field checkbox">
                    <input type="checkbox" id=format!("{form}-retired") name="retired" value="yes" checked=item.retired />
                    <label for=format!("{form}-retired")>"Retired (not copied into new plans)"</label>
                </div>
                <button type="submit">"Save"</button>
            </SubmitForm>
        </details>
    }
}
