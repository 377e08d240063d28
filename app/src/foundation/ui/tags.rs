//! The frameworks' tags as pages show them: the short form ("PSG 2", "RF 7") with the full name
//! on hover and on keyboard focus, read out by screen readers, and a legend of every tag
//! ([`TagLegend`], for any page that lists tags).

use leptos::prelude::*;

use crate::foundation::frameworks::{PILLARS, PSGS, RISK_FACTORS};

/// One tag. `kind` is its style (`tag` for goals and pillars, `risk` for risk factors).
#[component]
pub fn Tag(
    short: String,
    name: String,
    #[prop(default = "tag")] kind: &'static str,
) -> impl IntoView {
    view! {
        // Focusable, so the name shows from the keyboard too (a `title` shows only on hover):
        // the stylesheet shows `data-name` on hover and focus. Screen readers read the hidden
        // name. The trailing space keeps tags apart when copied or read out ("PSG 2 Pillar 3").
        <span class=format!("badge {kind} named") tabindex="0" data-name=name.clone()>
            {short}
            <span class="visually-hidden">{format!(" ({name})")}</span>
        </span>
        " "
    }
}

/// What every tag means, folded away until asked for.
#[component]
pub fn TagLegend() -> impl IntoView {
    view! {
        <details class="tag-legend">
            <summary>"What the tags mean"</summary>
            <dl>
                {PSGS.iter().map(|(n, name)| view! { <dt>{format!("PSG {n}")}</dt><dd>{format!("New Deal goal: {name}")}</dd> }).collect_view()}
                {PILLARS.iter().map(|(n, name)| view! { <dt>{format!("Pillar {n}")}</dt><dd>{format!("R2P pillar: {name}")}</dd> }).collect_view()}
                {RISK_FACTORS.iter().map(|(n, name)| view! { <dt>{format!("RF {n}")}</dt><dd>{format!("UN Framework risk factor: {name}")}</dd> }).collect_view()}
            </dl>
        </details>
    }
}
