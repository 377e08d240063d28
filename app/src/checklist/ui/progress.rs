//! Progress at a glance on the plan overview: the PSG x pillar matrix of items done / total,
//! the strip of the 14 risk factors with gaps highlighted, and overdue items. Plain HTML, so it
//! shows without JavaScript and prints.

use crate::foundation::loaded::load;
use leptos::prelude::*;

use crate::foundation::live::client::{refetch_on, use_live};

use crate::checklist::api::checklist_progress;
use crate::checklist::domain::format_due_date;
use crate::checklist::progress::Progress;
use crate::checklist::views::ChecklistGlance;
use crate::foundation::frameworks::RISK_FACTORS;
use crate::foundation::frameworks::{PILLARS, PSGS};

/// The progress panel for plan `plan_id`; shows nothing if the checklist cannot be read.
#[component]
pub fn ProgressAtAGlance(plan_id: i64) -> impl IntoView {
    let others = refetch_on(".checklist-glance", use_live().checklist());
    let data = load(
        move || (plan_id, others.get()),
        |(plan_id, _)| checklist_progress(plan_id),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading the checklist…"</p> }>
            {move || Suspend::new(async move {
                data.await.ok().map(|g| view! { <Glance glance=g /> })
            })}
        </Transition>
    }
}

fn shade(p: Progress) -> &'static str {
    match (p.total, p.percent()) {
        (0, _) => "prog-none",
        (_, 100) => "prog-full",
        (_, 50..) => "prog-high",
        (_, 1..) => "prog-low",
        _ => "prog-zero",
    }
}

#[component]
fn Glance(glance: ChecklistGlance) -> impl IntoView {
    let plan = glance.plan_id;
    let overall = glance.matrix.overall();
    let gaps = glance.unaddressed.clone();
    view! {
        <section class="panel checklist-progress">
            <h2>"Checklist progress"</h2>
            <p>
                {format!("{} of {} applicable items done. ", overall.done, overall.total)}
                <a href=format!("/plans/{plan}/checklist")>"Open the checklist"</a>
            </p>
            <table class="progress-matrix">
                <caption>"Items done / applicable items, by New Deal goal (rows) and R2P pillar (columns)"</caption>
                <thead>
                    <tr>
                        <th scope="col">"PSG"</th>
                        {PILLARS.iter().map(|(n, name)| view! { <th scope="col">{format!("Pillar {n}")}<br /><span class="muted">{*name}</span></th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {PSGS.iter().enumerate().map(|(i, (n, name))| {
                        let row = glance.matrix.cells[i];
                        view! {
                            <tr>
                                <th scope="row">{format!("{n}. {name}")}</th>
                                {row.iter().enumerate().map(|(j, cell)| {
                                    let pillar = j + 1;
                                    let label = format!("PSG {n} {name}, pillar {pillar}: {} of {} items done", cell.done, cell.total);
                                    view! {
                                        <td class=format!("num {}", shade(*cell))>
                                            <a href=format!("/plans/{plan}/checklist?psg={n}&pillar={pillar}") aria-label=label title=format!("{}%", cell.percent())>
                                                {if cell.total == 0 { "—".to_owned() } else { format!("{} / {}", cell.done, cell.total) }}
                                            </a>
                                        </td>
                                    }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <h3>"Risk factors"</h3>
            <p class="muted small">
                {if gaps.is_empty() {
                    "Every one of the 14 UN Framework risk factors has an open or done item addressing it.".to_owned()
                } else {
                    format!("{} of the 14 risk factors have no open or done item addressing them (highlighted).", gaps.len())
                }}
            </p>
            <ol class="risk-strip">
                {RISK_FACTORS.iter().map(|(n, name)| {
                    let gap = gaps.contains(n);
                    view! {
                        <li class=if gap { "risk-gap" } else { "risk-ok" }>
                            <a href=format!("/plans/{plan}/checklist?risk={n}") title=*name>
                                <span class="risk-no">{n.to_string()}</span>
                                <span class="risk-name">{*name}</span>
                                {gap.then(|| view! { <span class="visually-hidden">" (no item addresses it)"</span> })}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <h3>"Overdue items"</h3>
            {if glance.overdue.is_empty() {
                view! { <p class="muted">"Nothing is overdue."</p> }.into_any()
            } else {
                view! {
                    <ul class="overdue-items">
                        {glance.overdue.into_iter().map(|o| view! {
                            <li>
                                <a href=format!("/plans/{plan}/checklist/{}", o.id)>{o.text.clone()}</a>
                                <span class="muted small">
                                    {format!(" · due {}", format_due_date(o.due_date))}
                                    {(!o.responsible.is_empty()).then(|| format!(" · {}", o.responsible))}
                                </span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
