//! What happened to a save of an item: saved, merged with others' changes, unchanged, or a
//! conflict showing both values.

use leptos::prelude::*;

use crate::checklist::views::{ItemConflict, ItemSaveOutcome};

/// The outcome of the last save, naming the item when `name_of` knows it.
#[component]
pub fn OutcomeNotice(
    /// The outcome to show, if any.
    #[prop(into)]
    outcome: Signal<Option<ItemSaveOutcome>>,
    /// The text of an item by id (items on the page).
    #[prop(into)]
    names: Signal<Vec<(i64, String)>>,
) -> impl IntoView {
    let name = move |id: i64| {
        names.with(|n| {
            n.iter()
                .find(|(i, _)| *i == id)
                .map(|(_, t)| format!(" “{t}”"))
                .unwrap_or_default()
        })
    };
    move || {
        outcome.get().map(|o| match o {
            ItemSaveOutcome::Saved { item_id, version } => view! {
                <p class="alert alert-success" role="status">
                    {format!("Saved.{} Now at version {version}.", name(item_id))}
                </p>
            }
            .into_any(),
            ItemSaveOutcome::Unchanged { item_id, .. } => view! {
                <p class="alert alert-success" role="status">{format!("Nothing new to save for{}.", name(item_id))}</p>
            }
            .into_any(),
            ItemSaveOutcome::Merged { item_id, version, with } => view! {
                <p class="alert alert-success" role="status">
                    {format!(
                        "Saved.{} {} changed other fields of this item while you were editing; both changes were kept (version {version}).",
                        name(item_id),
                        if with.is_empty() { "Someone else".to_owned() } else { with.join(", ") },
                    )}
                </p>
            }
            .into_any(),
            ItemSaveOutcome::Conflict(c) => {
                let title = name(c.item_id);
                view! { <ConflictPanel conflict=c title /> }.into_any()
            }
        })
    }
}

#[component]
fn ConflictPanel(conflict: ItemConflict, title: String) -> impl IntoView {
    let who = if conflict.theirs_by.is_empty() {
        "Someone else".to_owned()
    } else {
        conflict.theirs_by.join(", ")
    };
    view! {
        <div class="alert alert-error conflict" role="alert">
            <p>
                <strong>"Not saved: "</strong>
                {format!("{who} changed the same field of{title} while you were editing. Nothing was overwritten. The form now shows what is saved; choose again and save.")}
            </p>
            <table class="data conflict-fields">
                <thead>
                    <tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Your value"</th>
                        <th scope="col">{format!("Saved by {who}")}</th>
                    </tr>
                </thead>
                <tbody>
                    {conflict.fields.into_iter().map(|f| view! {
                        <tr>
                            <th scope="row">{f.field}</th>
                            <td class="mine">{f.mine}</td>
                            <td class="theirs">{f.theirs}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
