//! The section editor: Markdown with a live preview, drafts kept in the browser, and the
//! merge and conflict outcomes of a save.

use leptos::prelude::*;

use super::drafts::{self, Draft, OnOpen};
use super::incoming::{bring_in, Arrived, OpenEditor};
use super::preview::preview_of;
use crate::foundation::ui::fields::{action_error, FormStatus};
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use crate::foundation::ui::typed::keep_typed;
use crate::sections::api::SaveSection;
use crate::sections::views::{EditConflict, SaveOutcome, SectionDetail};

/// Edits one section. `notice` is the outcome of a save posted without JavaScript; `save` is
/// the page's save action (others on the page follow its saves).
#[component]
pub fn Editor(
    detail: SectionDetail,
    notice: Option<SaveOutcome>,
    save: FormAction<SaveSection>,
) -> impl IntoView {
    let errors = action_error(save);
    let section = detail.id;
    let plan = detail.plan_id;
    // Drafts are the viewer's own: the next person on this computer never reads them.
    let key = StoredValue::new(drafts::key(detail.viewer, section));
    // After a conflict posted without JavaScript, start from the proposed resolution.
    let (start_body, start_version) = match &notice {
        Some(SaveOutcome::Conflict(c)) => (c.proposal.clone(), c.current_version),
        _ => (detail.body.clone(), detail.version),
    };
    let body = RwSignal::new(start_body.clone());
    // The server renders and sanitises the first preview (the page does not carry a rendered
    // copy of the text for it); the browser renders its own as the text changes. Hydration
    // keeps the server's markup, so the browser renders a first preview only for an editor
    // opened without a reload.
    #[cfg(feature = "ssr")]
    let first_preview = crate::foundation::markdown::to_safe_html(&start_body);
    #[cfg(not(feature = "ssr"))]
    let first_preview = String::new();
    let preview = preview_of(body, first_preview);
    let base = RwSignal::new(start_version);
    let saved = RwSignal::new(detail.body.clone());
    let outcome = RwSignal::new(notice);
    // The version a draft brought back from this browser was typed on.
    let restored = RwSignal::new(None::<i64>);
    // A draft waiting for the person to restore or discard it.
    let waiting = RwSignal::new(None::<Draft>);
    let keep = move |text: &str| {
        key.with_value(|k| {
            drafts::save(
                k,
                &Draft {
                    base_version: base.get_untracked(),
                    body: text.to_owned(),
                },
            )
        });
    };

    // In the browser, once the field is hydrated: keep what was typed before the page was
    // ready, or bring back a draft from an earlier visit (asking first when the section was
    // saved since it was typed, or when it would replace what was just typed).
    let field = NodeRef::<leptos::html::Textarea>::new();
    keep_typed(field, body, move |typed| {
        let k = key.get_value();
        let kept = drafts::on_open(drafts::load(&k), &saved.get_untracked(), start_version);
        match typed {
            Some(text) => {
                body.set(text.clone());
                match kept {
                    // The browser itself put the kept draft back into the field (form
                    // restoration on a reload or going back): it was typed on its version, and
                    // a save must merge from there.
                    OnOpen::Restore(d) | OnOpen::Ask(d) if d.body == text => {
                        base.set(d.base_version);
                        restored.set(Some(d.base_version));
                    }
                    // Typed just now on the version shown; an earlier draft waits for a decision.
                    OnOpen::Restore(d) | OnOpen::Ask(d) => {
                        drafts::set_aside(&k, &d);
                        keep(&text);
                    }
                    OnOpen::Forget => keep(&text),
                }
            }
            None => match kept {
                OnOpen::Forget => drafts::clear(&k),
                OnOpen::Restore(d) => {
                    body.set(d.body);
                    base.set(d.base_version);
                    restored.set(Some(d.base_version));
                }
                OnOpen::Ask(d) => {
                    drafts::set_aside(&k, &d);
                    drafts::clear(&k);
                }
            },
        }
        // Set aside now or on an earlier visit and not yet decided on (unless it has been
        // saved since, by this person or another: then there is nothing to decide).
        let aside = drafts::load_aside(&k);
        if aside
            .as_ref()
            .is_some_and(|d| saved.with_untracked(|s| d.body == *s))
        {
            drafts::clear_aside(&k);
        } else {
            waiting.set(aside);
        }
    });
    let restore_waiting = move |_| {
        if let Some(d) = waiting.get_untracked() {
            key.with_value(|k| {
                drafts::save(k, &d);
                drafts::clear_aside(k);
            });
            body.set(d.body);
            base.set(d.base_version);
            restored.set(Some(d.base_version));
            outcome.set(None);
        }
        waiting.set(None);
    };
    let discard_waiting = Callback::new(move |()| {
        key.with_value(drafts::clear_aside);
        waiting.set(None);
    });
    Effect::new(move |_| {
        let Some(Ok(result)) = save.value().get() else {
            return;
        };
        match &result {
            SaveOutcome::Saved { version } | SaveOutcome::Unchanged { version } => {
                base.set(*version);
                saved.set(body.get_untracked());
                key.with_value(drafts::clear);
            }
            SaveOutcome::Merged {
                version,
                body: merged,
                ..
            } => {
                base.set(*version);
                body.set(merged.clone());
                saved.set(merged.clone());
                key.with_value(drafts::clear);
            }
            SaveOutcome::Conflict(c) => {
                // Keep the draft (their own text): a reload shows it again, and saving it
                // again reaches the same conflict rather than losing anything.
                base.set(c.current_version);
                body.set(c.proposal.clone());
            }
        }
        restored.set(None);
        outcome.set(Some(result));
    });
    // A save under way makes the last outcome stale: it must not sit beside "Saving..." or
    // beside the error of this save ("Nothing new to save." next to a failure).
    let saving = save.pending();
    let arrived = RwSignal::new(None::<Arrived>);
    Effect::new(move |_| {
        if saving.get() || errors.get().is_some() {
            outcome.set(None);
            arrived.set(None);
        }
    });
    // Someone else's save, told by the page's event stream, comes into the editor.
    let open = OpenEditor {
        plan,
        section,
        body,
        base,
        saved,
        saving,
        field,
        arrived,
        keep: StoredValue::new(Box::new(keep)),
    };
    let live = crate::foundation::live::client::use_live();
    let saved_by_others = live.saved(section);
    crate::foundation::live::client::on_change(saved_by_others, move || {
        if let Some((version, _)) = saved_by_others.get_untracked() {
            bring_in(open, version);
        }
    });
    // The stream could not say what was missed: ask whether anything newer was saved (the
    // server answers "current" when nothing was).
    crate::foundation::live::client::on_change(live.missed(), move || bring_in(open, i64::MAX));
    let dirty = move || body.with(|b| saved.with(|s| b != s));
    // A formatting button changed the text box: as if it had been typed.
    let on_format = Callback::new(move |text: String| {
        keep(&text);
        body.set(text);
    });
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        keep(&text);
        body.set(text);
    };
    view! {
        <SubmitForm action=save attr:class="editor">
            <FormStatus errors />
            <OutcomeNotice outcome />
            <ArrivedNotice arrived />
            {move || waiting.get().map(|d| view! {
                <WaitingDraft draft=d plan section version=start_version restore=restore_waiting discard=discard_waiting />
            })}
            {move || restored.get().map(|typed_on| view! {
                <p class="alert alert-info restored" role="status">
                    "Unsaved text from this browser was restored. Save to keep it, or reload after clearing it."
                    {(typed_on != start_version).then(|| format!(
                        " It was typed on version {typed_on}: saving merges it with the changes saved since."
                    ))}
                </p>
            })}
            <input type="hidden" name="plan_id" value=detail.plan_id.to_string() />
            <input type="hidden" name="section_id" value=section.to_string() />
            <input type="hidden" name="base_version" value=start_version.to_string() prop:value=move || base.get().to_string() />
            <div class="editor-panes">
                <div class="field">
                    <label for="section-body">"Text (Markdown)"</label>
                    <super::format_bar::FormatBar field on_edit=on_format />
                    // No `prop:value`: `keep_typed` fills the field, so hydration cannot erase
                    // what was typed while the page loaded.
                    <textarea id="section-body" name="body" rows="18" node_ref=field on:input=on_input>
                        {crate::foundation::ui::textarea_text(&start_body)}
                    </textarea>
                    <super::format_bar::FormatHelp />
                </div>
                <div class="preview-pane">
                    <p class="label">"Preview"</p>
                    // Focusable: it scrolls on its own, and a keyboard must be able to scroll it.
                    <div class="preview prose" tabindex="0" role="region" aria-label="Preview" inner_html=move || preview.get()></div>
                </div>
            </div>
            <div class="editor-bar">
                // Pressed once: a second press while the first save travels would only queue a
                // copy of it.
                <button type="submit" class="primary" prop:disabled=move || saving.get() aria-busy=move || saving.get().then_some("true")>
                    {move || if saving.get() { "Saving…" } else { "Save" }}
                </button>
                <span class="save-state" role="status" aria-live="polite">
                    {move || if saving.get() {
                        "Saving…"
                    } else if dirty() {
                        if errors.with(Option::is_some) {
                            "Not saved: your text is kept in this browser until it is"
                        } else {
                            "Unsaved changes (kept in this browser until saved)"
                        }
                    } else {
                        "All changes saved"
                    }}
                </span>
            </div>
        </SubmitForm>
    }
}

/// A draft from this browser that is not brought back without asking: it was typed on an
/// older version (the saved text changed meanwhile), or something else was typed since.
#[component]
fn WaitingDraft(
    draft: Draft,
    plan: i64,
    section: i64,
    version: i64,
    restore: impl Fn(leptos::ev::MouseEvent) + 'static,
    discard: Callback<()>,
) -> impl IntoView {
    let older = draft.base_version < version;
    let compare = format!(
        "/plans/{plan}/sections/{section}/history?from={}&to={version}",
        draft.base_version
    );
    view! {
        <div class="alert alert-info waiting-draft" role="alert">
            <p>
                <strong>"Unsaved text from this browser: "</strong>
                {if older {
                    format!(
                        "it was typed on version {}, and the section has been saved since (it is now at version {version}), so the saved text changed meanwhile.",
                        draft.base_version,
                    )
                } else {
                    "it differs from what is in the editor now.".to_owned()
                }}
                " Restoring it replaces the text in the editor; saving it then merges it with the changes saved since it was typed."
            </p>
            {older.then(|| view! {
                <p><a href=compare>{format!("See what changed since version {}", draft.base_version)}</a></p>
            })}
            <details>
                <summary>"Your unsaved text"</summary>
                <pre class="mine">{draft.body.clone()}</pre>
            </details>
            <p class="actions">
                <button type="button" class="primary small" on:click=restore>"Restore my unsaved text"</button>
                " "
                // Discarded text is gone for good: it was only ever in this browser.
                <crate::foundation::ui::confirm::ConfirmButton label="Discard it" name="Discard your unsaved text"
                    explain="Discard your unsaved text? It is deleted from this browser and cannot be brought back; the saved section stays as it is.".to_owned()
                    confirm="Yes, discard it" on_confirm=discard />
            </p>
        </div>
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

/// What came in from others' saves while the editor was open.
#[component]
fn ArrivedNotice(arrived: RwSignal<Option<Arrived>>) -> impl IntoView {
    move || {
        arrived.get().map(|a| match a {
            Arrived::Merged { by, version } => view! {
                <p class="alert alert-info arrived" role="status">
                    {format!(
                        "{} saved version {version} while you were editing. Their changes touched other paragraphs and are now in the editor; your text is as you typed it. Save when you are ready.",
                        if by.is_empty() { "Someone else".to_owned() } else { by.join(", ") },
                    )}
                </p>
            }
            .into_any(),
            Arrived::Overlap(c) => view! {
                <div class="arrived-overlap">
                    <p class="alert alert-info" role="status">
                        "Your text in the editor is unchanged. Saving now will show both versions of these passages for you to settle."
                    </p>
                    <ConflictPanel conflict=*c saved=false />
                </div>
            }
            .into_any(),
        })
    }
}

#[component]
fn ConflictPanel(conflict: EditConflict, #[prop(default = true)] saved: bool) -> impl IntoView {
    let who = if conflict.theirs_by.is_empty() {
        "Someone else".to_owned()
    } else {
        conflict.theirs_by.join(", ")
    };
    view! {
        <div class="alert alert-error conflict" role="alert">
            {if saved {
                view! {
                    <p>
                        <strong>"Not saved: "</strong>
                        {format!("{who} changed the same passages while you were editing. Nothing was overwritten.")}
                        " The editor below now holds everything merged, with your wording in the conflicting passages. Compare, adjust, and save again."
                    </p>
                }.into_any()
            } else {
                view! {
                    <p>
                        <strong>{format!("{who} just saved changes to the passages you are editing.")}</strong>
                        " Compare their version with yours below."
                    </p>
                }.into_any()
            }}
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
