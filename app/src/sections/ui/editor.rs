//! The section editor: Markdown with a live preview, drafts kept in the browser, and the
//! merge and conflict outcomes of a save.

use leptos::prelude::*;

use super::drafts::{self, Draft};
use crate::foundation::markdown::to_html;
use crate::foundation::ui::fields::{action_error, FormStatus};
use crate::sections::api::SaveSection;
use crate::sections::views::{EditConflict, SaveOutcome, SectionDetail};

/// Edits one section. `notice` is the outcome of a save posted without JavaScript; `save` is
/// the page's save action (others on the page follow its saves).
#[component]
pub fn Editor(
    detail: SectionDetail,
    notice: Option<SaveOutcome>,
    save: ServerAction<SaveSection>,
) -> impl IntoView {
    let errors = action_error(save);
    let section = detail.id;
    // After a conflict posted without JavaScript, start from the proposed resolution.
    let (start_body, start_version) = match &notice {
        Some(SaveOutcome::Conflict(c)) => (c.proposal.clone(), c.current_version),
        _ => (detail.body.clone(), detail.version),
    };
    let body = RwSignal::new(start_body.clone());
    // The server renders and sanitises the first preview (the page does not carry a rendered
    // copy of the text for it); the browser renders its own as the text changes. Hydration
    // keeps the server's markup, so the first rendering in the browser only serves pages that
    // open the editor without a reload.
    #[cfg(feature = "ssr")]
    let first_preview = crate::foundation::markdown::to_safe_html(&start_body);
    #[cfg(not(feature = "ssr"))]
    let first_preview = to_html(&start_body);
    let preview = RwSignal::new(first_preview);
    let set_text = move |text: String| {
        preview.set(to_html(&text));
        body.set(text);
    };
    let base = RwSignal::new(start_version);
    let saved = RwSignal::new(detail.body.clone());
    let outcome = RwSignal::new(notice);
    let restored = RwSignal::new(false);

    // Runs in the browser only: bring back text typed before a reload or crash.
    Effect::new(move |_| {
        if let Some(d) = drafts::load(section) {
            if d.body != saved.get_untracked() {
                set_text(d.body);
                base.set(d.base_version);
                restored.set(true);
            } else {
                drafts::clear(section);
            }
        }
    });
    Effect::new(move |_| {
        let Some(Ok(result)) = save.value().get() else {
            return;
        };
        match &result {
            SaveOutcome::Saved { version } | SaveOutcome::Unchanged { version } => {
                base.set(*version);
                saved.set(body.get_untracked());
                drafts::clear(section);
            }
            SaveOutcome::Merged {
                version,
                body: merged,
                ..
            } => {
                base.set(*version);
                set_text(merged.clone());
                saved.set(merged.clone());
                drafts::clear(section);
            }
            SaveOutcome::Conflict(c) => {
                // Keep the draft (their own text): a reload shows it again, and saving it
                // again reaches the same conflict rather than losing anything.
                base.set(c.current_version);
                set_text(c.proposal.clone());
            }
        }
        restored.set(false);
        outcome.set(Some(result));
    });
    let dirty = move || body.with(|b| saved.with(|s| b != s));
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        drafts::save(
            section,
            &Draft {
                base_version: base.get_untracked(),
                body: text.clone(),
            },
        );
        set_text(text);
    };
    view! {
        <ActionForm action=save attr:class="editor">
            <FormStatus errors />
            <OutcomeNotice outcome />
            {move || restored.get().then(|| view! {
                <p class="alert alert-info" role="status">"Unsaved text from this browser was restored. Save to keep it, or reload after clearing it."</p>
            })}
            <input type="hidden" name="plan_id" value=detail.plan_id.to_string() />
            <input type="hidden" name="section_id" value=section.to_string() />
            <input type="hidden" name="base_version" value=start_version.to_string() prop:value=move || base.get().to_string() />
            <div class="editor-panes">
                <div class="field">
                    <label for="section-body">"Text (Markdown)"</label>
                    <textarea id="section-body" name="body" rows="18" prop:value=move || body.get() on:input=on_input>
                        {crate::foundation::ui::textarea_text(&start_body)}
                    </textarea>
                </div>
                <div class="preview-pane">
                    <p class="label">"Preview"</p>
                    <div class="preview prose" inner_html=move || preview.get()></div>
                </div>
            </div>
            <div class="editor-bar">
                <button type="submit" class="primary">"Save"</button>
                <span class="save-state" role="status" aria-live="polite">
                    {move || if dirty() { "Unsaved changes (kept in this browser until saved)" } else { "All changes saved" }}
                </span>
            </div>
        </ActionForm>
    }
}

#[component]
fn OutcomeNotice(outcome: RwSignal<Option<SaveOutcome>>) -> impl IntoView {
    move || {
        match outcome.get() {
        None => None,
        Some(SaveOutcome::Saved { version }) => {
            Some(view! { <p class="alert alert-success" role="status">{format!("Saved as version {version}.")}</p> }.into_any())
        }
        Some(SaveOutcome::Unchanged { .. }) => Some(view! { <p class="alert alert-success" role="status">"Nothing new to save."</p> }.into_any()),
        Some(SaveOutcome::Merged { version, with, .. }) => Some(
            view! {
                <p class="alert alert-success" role="status">
                    {format!(
                        "{} saved changes while you were editing. Your changes touched other paragraphs, so both were merged and saved as version {version}.",
                        if with.is_empty() { "Someone else".to_owned() } else { with.join(", ") },
                    )}
                </p>
            }
            .into_any(),
        ),
        Some(SaveOutcome::Conflict(c)) => Some(view! { <ConflictPanel conflict=*c /> }.into_any()),
    }
    }
}

#[component]
fn ConflictPanel(conflict: EditConflict) -> impl IntoView {
    let who = if conflict.theirs_by.is_empty() {
        "Someone else".to_owned()
    } else {
        conflict.theirs_by.join(", ")
    };
    view! {
        <div class="alert alert-error conflict" role="alert">
            <p>
                <strong>"Not saved: "</strong>
                {format!("{who} changed the same passages while you were editing. Nothing was overwritten.")}
                " The editor below now holds everything merged, with your wording in the conflicting passages. Compare, adjust, and save again."
            </p>
            {conflict.passages.iter().enumerate().map(|(i, p)| view! {
                <div class="conflict-passage">
                    <h3>{format!("Conflicting passage {}", i + 1)}</h3>
                    <div class="columns">
                        <div>
                            <p class="label">"Your version"</p>
                            <pre class="mine">{p.mine.clone()}</pre>
                        </div>
                        <div>
                            <p class="label">{format!("Saved by {who}")}</p>
                            <pre class="theirs">{p.theirs.clone()}</pre>
                        </div>
                    </div>
                </div>
            }).collect_view()}
            <details>
                <summary>"Their whole text"</summary>
                <pre class="theirs">{conflict.theirs.clone()}</pre>
            </details>
            <details>
                <summary>"Your whole text"</summary>
                <pre class="mine">{conflict.mine.clone()}</pre>
            </details>
        </div>
    }
}
