//! A section's history: every revision, any two compared word by word, old ones restored.

use crate::foundation::loaded::load;
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::ActionStatus;
use crate::sections::api::{compare, section_history, RestoreRevision};
use crate::sections::diff::Change;
use crate::sections::views::{Comparison, History};

/// The history page; `?from=N&to=M` adds a comparison.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let query = use_query_map();
    let restore = FormAction::<RestoreRevision>::new();
    let ids = crate::foundation::ui::address::section_ids();
    let pair = move || {
        query.with(|q| {
            Some((
                q.get("from")?.parse::<i64>().ok()?,
                q.get("to")?.parse::<i64>().ok()?,
            ))
        })
    };
    let data = load(
        move || (ids(), pair(), restore.version().get()),
        |(ids, pair, _)| async move {
            let Some((plan, sid)) = ids else {
                return Err(crate::error::AppError::NotFound);
            };
            let history = section_history(plan, sid).await?;
            let comparison = match pair {
                Some((from, to)) => Some(compare(plan, sid, from, to).await?),
                None => None,
            };
            Ok((history, comparison))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((history, comparison)) => view! { <HistoryView history comparison restore /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HistoryView(
    history: History,
    comparison: Option<Comparison>,
    restore: FormAction<RestoreRevision>,
) -> impl IntoView {
    let (plan, sid) = (history.plan_id, history.section_id);
    let newest = history.revisions.first().map(|r| r.number).unwrap_or(1);
    let (default_from, default_to) = comparison
        .as_ref()
        .map(|c| (c.from, c.to))
        .unwrap_or((newest.saturating_sub(1).max(1), newest));
    view! {
        <Title text=format!("History · {}", history.section_title) />
        <p class="breadcrumb">
            <a href=format!("/plans/{plan}")>{history.plan_title.clone()}</a> " › "
            <a href=format!("/plans/{plan}/sections/{sid}")>{history.section_title.clone()}</a>
        </p>
        <h1>"History of “" {history.section_title.clone()} "”"</h1>
        {comparison.map(|c| view! { <ComparisonView comparison=c /> })}
        <section class="panel">
            <ActionStatus action=restore done="restored" success="Restored as a new revision." />
            <form method="get" action=format!("/plans/{plan}/sections/{sid}/history")>
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">"Revision"</th>
                            <th scope="col">"From"</th>
                            <th scope="col">"To"</th>
                            <th scope="col">"Author"</th>
                            <th scope="col">"When"</th>
                            <th scope="col">"What"</th>
                            <th scope="col" class="num">"Length"</th>
                            {history.can_edit.then(|| view! { <th scope="col">"Restore"</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {history.revisions.iter().map(|r| {
                            let n = r.number;
                            view! {
                                <tr>
                                    <td>{n}</td>
                                    <td data-label="From"><input type="radio" name="from" value=n.to_string() checked=n == default_from aria-label=format!("Compare from revision {n}") /></td>
                                    <td data-label="To"><input type="radio" name="to" value=n.to_string() checked=n == default_to aria-label=format!("Compare to revision {n}") /></td>
                                    <td data-label="Author">{r.author.clone().unwrap_or_default()} {r.organisation.clone().map(|o| format!(" ({o})"))}</td>
                                    <td data-label="When"><crate::foundation::ui::timestamp::Time unix=r.created_at /></td>
                                    <td data-label="What">{r.kind.clone()} {(!r.note.is_empty()).then(|| format!(": {}", r.note))}</td>
                                    <td class="num" data-label="Length">{r.chars}</td>
                                    {history.can_edit.then(|| view! {
                                        <td>{(n != newest).then(|| view! {
                                            <button type="submit" class="small" form=format!("restore-{n}") aria-label=format!("Restore revision {n}")>
                                                "Restore"
                                            </button>
                                        })}</td>
                                    })}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <button type="submit">"Compare selected revisions"</button>
            </form>
            // One small form per restorable revision (forms cannot nest inside the compare form).
            {history.can_edit.then(move || history.revisions.into_iter().filter(|r| r.number != newest).map(|r| view! {
                <SubmitForm action=restore attr:id=format!("restore-{}", r.number) attr:class="hidden-form">
                    <input type="hidden" name="plan_id" value=plan.to_string() />
                    <input type="hidden" name="section_id" value=sid.to_string() />
                    <input type="hidden" name="number" value=r.number.to_string() />
                </SubmitForm>
            }).collect_view())}
        </section>
    }
}

#[component]
fn ComparisonView(comparison: Comparison) -> impl IntoView {
    view! {
        <section class="panel">
            <h2>{format!("Changes from revision {} to {}", comparison.from, comparison.to)}</h2>
            <p class="muted">
                <span class="diff-legend"><ins>"added"</ins></span> " " <span class="diff-legend"><del>"removed"</del></span>
            </p>
            {(!comparison.word_by_word).then(|| view! {
                <p class="alert alert-info" role="status">"These revisions differ too much to compare word by word: changed paragraphs are shown whole, removed then added."</p>
            })}
            <div class="diff">
                {comparison.parts.into_iter().map(|p| match p.change {
                    Change::Same => view! { <span>{p.text}</span> }.into_any(),
                    Change::Added => view! { <ins>{p.text}</ins> }.into_any(),
                    Change::Removed => view! { <del>{p.text}</del> }.into_any(),
                }).collect_view()}
            </div>
        </section>
    }
}
