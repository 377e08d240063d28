//! Creating a plan.

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::foundation::countries::COUNTRIES;
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::{action_error, Field, FormStatus, SelectField, TextArea};
use crate::plans::api::{plan_form_options, CreatePlan};
use crate::plans::domain::FRAGILITY_STAGES;

/// The new-plan form.
#[component]
pub fn NewPlanPage() -> impl IntoView {
    let create = FormAction::<CreatePlan>::new();
    let errors = action_error(create);
    let options = load(|| (), |_| plan_form_options());
    view! {
        <Title text="New plan" />
        <h1>"New country plan"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let opts = match options.await {
                    Ok(o) => o,
                    Err(e) => return view! { <ErrorPage error=e /> }.into_any(),
                };
                let mut countries: Vec<(String, String)> = COUNTRIES.iter().map(|(c, n)| ((*c).to_owned(), (*n).to_owned())).collect();
                countries.sort_by(|a, b| a.1.cmp(&b.1));
                let stages: Vec<(String, String)> = FRAGILITY_STAGES.iter().map(|(n, s)| (n.to_string(), format!("{n}. {s}"))).collect();
                let orgs: Vec<(String, String)> = opts.organisations.iter().map(|(id, n)| (id.to_string(), n.clone())).collect();
                let first_org = orgs.first().map(|o| o.0.clone());
                view! {
                    <section class="panel narrow">
                        <SubmitForm action=create>
                            <FormStatus errors />
                            <Field form="plan" name="title" label="Title" errors required=true />
                            <SelectField form="plan" name="country" label="Country" errors options=countries placeholder="Choose a country" />
                            <TextArea form="plan" name="summary" label="Summary" errors rows=4 />
                            <div class="columns">
                                <Field form="plan" name="period_start" label="First year" kind="number" errors value="2026" required=true />
                                <Field form="plan" name="period_end" label="Last year" kind="number" errors value="2030" required=true />
                            </div>
                            <SelectField form="plan" name="fragility_stage" label="Stage on the g7+ fragility spectrum" errors options=stages selected="2".to_owned() />
                            <SelectField form="plan" name="lead_org_id" label="Lead organisation" errors options=orgs selected=first_org.unwrap_or_default() />
                            <div class="field checkbox">
                                <input type="checkbox" id="plan-use_template" name="use_template" value="yes" checked=true />
                                <label for="plan-use_template">"Start from the standard sections"</label>
                                <ul class="muted small-list">
                                    {opts.template_sections.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
                                </ul>
                            </div>
                            <button type="submit" class="primary">"Create plan"</button>
                        </SubmitForm>
                    </section>
                }
                .into_any()
            })}
        </Suspense>
    }
}
