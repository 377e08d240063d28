//! Checklist pages (the plan's list with filters, one item's page, the template) and the
//! progress panel of the plan overview.

mod group;
mod item;
mod list;
mod outcome;
mod progress;
mod template;

pub use item::ItemPage;
pub use list::ChecklistPage;
pub use progress::ProgressAtAGlance;
pub use template::ChecklistTemplatePage;

use leptos::prelude::*;

use super::domain::StatusKind;
use super::views::ChecklistItem;
use crate::error::AppError;
use crate::foundation::frameworks::{risk_factor_name, RISK_FACTORS};
use crate::foundation::frameworks::{PILLARS, PSGS};
use crate::foundation::ui::tags::Tag;

/// Choices for a status menu.
fn status_options() -> Vec<(String, String)> {
    StatusKind::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
        .collect()
}

/// Choices for a New Deal goal menu.
fn psg_options() -> Vec<(String, String)> {
    PSGS.iter()
        .map(|(n, s)| (n.to_string(), format!("PSG {n}: {s}")))
        .collect()
}

/// Choices for an R2P pillar menu.
fn pillar_options() -> Vec<(String, String)> {
    PILLARS
        .iter()
        .map(|(n, s)| (n.to_string(), format!("Pillar {n}: {s}")))
        .collect()
}

/// Choices for a risk factor menu.
fn risk_options() -> Vec<(String, String)> {
    RISK_FACTORS
        .iter()
        .map(|(n, s)| (n.to_string(), format!("{n}. {s}")))
        .collect()
}

/// `(id, name)` pairs as menu choices.
fn org_options(orgs: &[(i64, String)]) -> Vec<(String, String)> {
    orgs.iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect()
}

/// Comma-separated risk factor numbers, as the definition forms take them.
fn risk_list(item: &ChecklistItem) -> String {
    item.risk_factors
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The item's goal, pillar and risk factor badges.
#[component]
fn ItemBadges(item: ChecklistItem) -> impl IntoView {
    let psg = PSGS
        .iter()
        .find(|(n, _)| *n == item.psg)
        .map(|(_, s)| *s)
        .unwrap_or("");
    let pillar = PILLARS
        .iter()
        .find(|(n, _)| *n == item.pillar)
        .map(|(_, s)| *s)
        .unwrap_or("");
    view! {
        <span class="tags">
            <Tag short=format!("PSG {}", item.psg) name=psg.to_owned() />
            <Tag short=format!("Pillar {}", item.pillar) name=pillar.to_owned() />
            {item.risk_factors.iter().map(|f| view! {
                <Tag short=format!("RF {f}") name=risk_factor_name(*f).to_owned() kind="risk" />
            }).collect_view()}
        </span>
    }
}

/// Validation errors of `errors` that belong to item `item` (the forms of every item on a page
/// share one action; the server keeps the item id among the returned values).
fn errors_for(errors: Signal<Option<AppError>>, item: i64) -> Signal<Option<AppError>> {
    Signal::derive(move || {
        errors.get().filter(|e| {
            e.form_errors()
                .and_then(|f| f.value("item_id"))
                .is_some_and(|v| v == item.to_string())
        })
    })
}

/// Errors of `errors` that belong to no single form (conflicts, refusals).
fn page_errors(errors: Signal<Option<AppError>>) -> Signal<Option<AppError>> {
    Signal::derive(move || errors.get().filter(|e| e.form_errors().is_none()))
}
