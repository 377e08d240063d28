//! The section template new plans start from (platform administrators).

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::{action_error, ActionStatus, Field, TextArea};
use crate::plans::api::{template, AddTemplateSection, UpdateTemplateSection};
use crate::plans::views::TemplateSection;

/// Lists and edits the template.
#[component]
pub fn TemplatePage() -> impl IntoView {
    let add = FormAction::<AddTemplateSection>::new();
    let update = FormAction::<UpdateTemplateSection>::new();
    let data = load(
        move || (add.version().get(), update.version().get()),
        |_| template(),
    );
    let add_errors = action_error(add);
    view! {
        <Title text="Plan template" />
        <h1>"Plan template"</h1>
        <p class="muted">"New plans copy these sections (unless retired). Tags: PSG numbers 1-5 and R2P pillar numbers 1-3, comma separated. "<a href="/admin/checklist-template">"Checklist template"</a></p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => list.into_iter().map(|t| view! { <TemplateItem item=t update /> }).collect_view().into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <section class="panel narrow">
            <h2>"Add a section"</h2>
            <SubmitForm action=add>
                <ActionStatus action=add done="template-added" success="Section added to the template." />
                <Field form="tpl-new" name="title" label="Title" errors=add_errors required=true />
                <TextArea form="tpl-new" name="guidance" label="Guidance for authors" errors=add_errors />
                <Field form="tpl-new" name="psgs" label="PSGs" errors=add_errors />
                <Field form="tpl-new" name="pillars" label="Pillars" errors=add_errors />
                <button type="submit" class="primary">"Add to template"</button>
            </SubmitForm>
        </section>
    }
}

#[component]
fn TemplateItem(item: TemplateSection, update: FormAction<UpdateTemplateSection>) -> impl IntoView {
    let errors = action_error(update);
    let form = format!("tpl-{}", item.id);
    view! {
        <details class="panel" class:inactive=item.retired>
            <summary>{format!("{}. {}", item.position, item.title)} {item.retired.then_some(" (retired)")}</summary>
            <SubmitForm action=update>
                <ActionStatus action=update done="template-saved" success="Saved." />
                <input type="hidden" name="id" value=item.id.to_string() />
                <Field form=form.clone() name="title" label="Title" errors value=item.title.clone() required=true />
                <TextArea form=form.clone() name="guidance" label="Guidance for authors" errors value=item.guidance.clone() />
                <Field form=form.clone() name="psgs" label="PSGs" errors value=item.psgs.clone() />
                <Field form=form.clone() name="pillars" label="Pillars" errors value=item.pillars.clone() />
                <div class="field checkbox">
                    <input type="checkbox" id=format!("{form}-retired") name="retired" value="yes" checked=item.retired />
                    <label for=format!("{form}-retired")>"Retired (not copied into new plans)"</label>
                </div>
                <button type="submit">"Save"</button>
            </SubmitForm>
        </details>
    }
}
