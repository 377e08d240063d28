//! A section's comments: the text with commented passages highlighted, the threads beside it,
//! and the forms to start, reply, edit, delete, resolve and reopen. Every form is a plain
//! POST without JavaScript; with it, the list refreshes itself when others comment.

use std::collections::HashMap;

use crate::foundation::loaded::{load_shown, LoadedShown};
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;

use super::browser::Selected;
use super::mention::CommentBox;
use crate::comments::api::{
    section_threads, DeleteComment, EditComment, ReopenThread, ReplyToThread, ResolveThread,
    StartThread,
};
use crate::comments::views::{AnchorState, CommentView, ThreadView, ThreadsOfSection};
use crate::error::AppError;
use crate::foundation::drafts::{self as kept, DraftKey};
use crate::foundation::ui::confirm::ConfirmButton;
use crate::foundation::ui::fields::{action_error, ActionStatus, FormStatus};
use crate::foundation::ui::timestamp::Time;
use crate::foundation::ui::typed::keep_typed;

/// The actions of the comment forms; the threads refetch after each.
#[derive(Clone, Copy)]
struct Actions {
    start: FormAction<StartThread>,
    reply: FormAction<ReplyToThread>,
    edit: FormAction<EditComment>,
    delete: FormAction<DeleteComment>,
    resolve: FormAction<ResolveThread>,
    reopen: FormAction<ReopenThread>,
}

/// Text being typed, kept outside the list so a refresh of the threads loses none of it (and
/// in the browser's storage, under the person's id, so a reload loses none of it either).
#[derive(Clone, Copy)]
struct Drafts {
    /// Whose drafts these are.
    person: i64,
    quote: RwSignal<String>,
    prefix: RwSignal<String>,
    suffix: RwSignal<String>,
    body: RwSignal<String>,
    replies: StoredValue<HashMap<i64, RwSignal<String>>>,
    /// The comment section's owner: reply drafts must outlive the thread views that use them.
    owner: StoredValue<Owner>,
    /// What was just posted: it takes the keyboard focus once it is on the page.
    focus: RwSignal<Option<Posted>>,
}

/// A thread or comment just posted from this page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Posted {
    Thread(i64),
    Comment(i64),
}

/// Moves the focus to `el` when it shows what was just posted (`me`), once: the person who
/// posted finds their words, and a screen reader reads them, instead of the focus falling back
/// to the top of the page when the list is redrawn.
fn focus_if_posted<E>(focus: RwSignal<Option<Posted>>, me: Posted, el: NodeRef<E>)
where
    E: leptos::html::ElementType,
    E::Output: Clone + 'static,
    NodeRef<E>: Get<Value = Option<E::Output>>,
    E::Output: AsRef<leptos::web_sys::HtmlElement>,
{
    Effect::new(move |_| {
        if focus.get_untracked() == Some(me) {
            if let Some(el) = el.get() {
                let _ = el.as_ref().focus();
                focus.set(None);
            }
        }
    });
}

impl Drafts {
    /// Where the comment of a new thread on `section` is kept in the browser.
    fn new_thread_key(&self, section: i64) -> DraftKey {
        DraftKey::new(self.person, format!("new-thread-{section}"))
    }

    /// Where the quoted passage of a new thread on `section` is kept in the browser.
    fn quote_key(&self, section: i64) -> DraftKey {
        self.new_thread_key(section).with_suffix("quote")
    }

    /// Where a reply in `thread` is kept in the browser.
    fn reply_key(&self, thread: i64) -> DraftKey {
        DraftKey::new(self.person, format!("reply-{thread}"))
    }

    /// Where a new wording of `comment` is kept in the browser.
    fn edit_key(&self, comment: i64) -> DraftKey {
        DraftKey::new(self.person, format!("edit-{comment}"))
    }

    fn reply(&self, thread: i64, initial: Option<String>) -> RwSignal<String> {
        if let Some(s) = self.replies.with_value(|m| m.get(&thread).copied()) {
            return s;
        }
        let text = initial.unwrap_or_default();
        let s = self
            .owner
            .with_value(|o| o.with(|| RwSignal::new(text.clone())));
        self.replies.update_value(|m| {
            m.insert(thread, s);
        });
        s
    }
}

/// The submitted value of `field` when the error came back for the form identified by
/// `key = id` (several forms share one action).
fn kept_for(error: &Option<AppError>, key: &str, id: i64, field: &str) -> Option<String> {
    let f = error.as_ref()?.form_errors()?;
    (f.value(key) == Some(id.to_string().as_str())).then(|| f.value(field).map(str::to_owned))?
}

fn message_for(error: &Option<AppError>, key: &str, id: i64, field: &str) -> Option<String> {
    let f = error.as_ref()?.form_errors()?;
    (f.value(key) == Some(id.to_string().as_str())).then(|| f.message(field).map(str::to_owned))?
}

/// What the comment part of a section page shares: its actions and the threads, loaded with
/// the page (resources must be created at the page's top so hydration finds their data).
#[derive(Clone, Copy)]
struct CommentsState {
    actions: Actions,
    refresh: RwSignal<u32>,
    data: LoadedShown<Result<ThreadsOfSection, AppError>>,
}

/// Loads the threads of the section in the address (`/plans/:id/sections/:section`) for
/// [`SectionComments`]; call it at the top of the section page. While `editing` (the page
/// shows the section in its editor to those who may edit) they come without the text for
/// those who may edit.
pub fn provide_section_comments(editing: Signal<bool>) {
    let ids = crate::foundation::ui::address::section_ids();
    let actions = Actions {
        start: FormAction::new(),
        reply: FormAction::new(),
        edit: FormAction::new(),
        delete: FormAction::new(),
        resolve: FormAction::new(),
        reopen: FormAction::new(),
    };
    let refresh = RwSignal::new(0u32);
    // The text rides in the page once, as HTML; the page's data carries the threads alone.
    let data = load_shown(
        move || {
            (
                ids(),
                actions.start.version().get(),
                actions.reply.version().get(),
                actions.edit.version().get(),
                actions.delete.version().get(),
                actions.resolve.version().get(),
                actions.reopen.version().get(),
                refresh.get(),
                editing.get(),
            )
        },
        |(ids, .., editing)| async move {
            match ids {
                Some((plan, section)) => section_threads(plan, section, editing).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    provide_context(CommentsState {
        actions,
        refresh,
        data,
    });
}

/// A section's text and its comment threads (needs [`provide_section_comments`]); `person` is
/// the viewer, whose drafts are kept in the browser.
#[component]
pub fn SectionComments(plan_id: i64, section_id: i64, person: i64) -> impl IntoView {
    let Some(CommentsState {
        actions,
        refresh,
        data,
    }) = use_context::<CommentsState>()
    else {
        return ().into_any();
    };
    // A form posted without JavaScript that failed comes back with what was typed.
    let start_error = action_error(actions.start);
    let refill = |field: &str| {
        start_error
            .get_untracked()
            .as_ref()
            .and_then(|e| e.form_errors())
            .and_then(|f| f.value(field).map(str::to_owned))
            .unwrap_or_default()
    };
    let reply_error = actions.reply.value().get_untracked().and_then(|r| r.err());
    let drafts = Drafts {
        person,
        quote: RwSignal::new(refill("quote")),
        prefix: RwSignal::new(String::new()),
        suffix: RwSignal::new(String::new()),
        body: RwSignal::new(refill("body")),
        replies: StoredValue::new(HashMap::new()),
        owner: StoredValue::new(Owner::current().unwrap_or_default()),
        focus: RwSignal::new(None),
    };
    if let Some(f) = reply_error.as_ref().and_then(|e| e.form_errors()) {
        if let (Some(t), Some(b)) = (
            f.value("thread_id").and_then(|t| t.parse().ok()),
            f.value("body"),
        ) {
            drafts.reply(t, Some(b.to_owned()));
        }
    }
    // Successful posts clear what they sent, in the page and in the browser's storage. Which
    // thread a reply (or which comment an edit) went to is only known while it is under way.
    Effect::new(move |_| {
        if let Some(Ok(thread)) = actions.start.value().get() {
            drafts.focus.set(Some(Posted::Thread(thread)));
            drafts.quote.set(String::new());
            drafts.prefix.set(String::new());
            drafts.suffix.set(String::new());
            drafts.body.set(String::new());
            kept::clear(&drafts.new_thread_key(section_id));
            kept::clear(&drafts.quote_key(section_id));
        }
    });
    let replying = StoredValue::new(None::<i64>);
    Effect::new(move |_| {
        if let Some(r) = actions.reply.input().get() {
            replying.set_value(r.value("thread_id").and_then(|t| t.parse().ok()));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(comment)) = actions.reply.value().get() {
            drafts.focus.set(Some(Posted::Comment(comment)));
            if let Some(thread) = replying.get_value() {
                kept::clear(&drafts.reply_key(thread));
            }
            // The other reply boxes come back from the browser's storage when redrawn.
            drafts.replies.update_value(|m| m.clear());
        }
    });
    let editing = StoredValue::new(None::<i64>);
    Effect::new(move |_| {
        if let Some(e) = actions.edit.input().get() {
            editing.set_value(e.value("comment_id").and_then(|c| c.parse().ok()));
        }
    });
    Effect::new(move |_| {
        if matches!(actions.edit.value().get(), Some(Ok(_))) {
            if let Some(comment) = editing.get_value() {
                kept::clear(&drafts.edit_key(comment));
            }
        }
    });
    // Others' comments arrive on the page's event stream; polling covers the time it is not
    // connected. A save changes the text the threads are anchored in, so it counts too.
    let live = crate::foundation::live::client::use_live();
    let again = move || {
        crate::foundation::live::client::when_not_typing_in(".comments", move || {
            refresh.try_update(|n| *n += 1);
        })
    };
    crate::foundation::live::client::on_change(live.comments(section_id), again);
    crate::foundation::live::client::on_change(live.saved(section_id), again);
    let known = RwSignal::new(None);
    super::poll::poll_activity(plan_id, section_id, known, refresh);
    let selected = RwSignal::new(None::<Selected>);
    let article = NodeRef::<leptos::html::Article>::new();
    let read_selection = move || {
        #[cfg(feature = "hydrate")]
        if let Some(el) = article.get_untracked() {
            selected.set(super::browser::selection_in(&el));
        }
    };
    let use_selection = move || {
        if let Some(s) = selected.get_untracked() {
            kept::save(&drafts.quote_key(section_id), &s.quote);
            drafts.quote.set(s.quote);
            drafts.prefix.set(s.prefix);
            drafts.suffix.set(s.suffix);
            #[cfg(feature = "hydrate")]
            if let Some(el) = leptos::prelude::document().get_element_by_id("new-thread-body") {
                use leptos::wasm_bindgen::JsCast;
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        }
    };
    view! {
        <section class="comments" aria-labelledby="comments-heading">
            <div class="comments-layout">
                <div class="comments-text">
                    <Transition fallback=|| view! { <p>"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            data.await.ok().filter(|d| !d.html.is_empty()).map(|d| view! {
                                <article
                                    // The keys are explained with the new thread's form.
                                    aria-describedby=d.can_comment.then_some("comment-on-selection-keys")
                                    class="panel prose annotated"
                                    node_ref=article
                                    // Focusable, so a keyboard reaches the text to select in it.
                                    tabindex="0"
                                    aria-label="Section text"
                                    on:mouseup=move |_| read_selection()
                                    on:keyup=move |_| read_selection()
                                    // The keyboard route to "Comment on selection" (shown in
                                    // the new thread's hint).
                                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                        if ev.ctrl_key() && ev.alt_key() && ev.key().eq_ignore_ascii_case("m") {
                                            ev.prevent_default();
                                            read_selection();
                                            use_selection();
                                        }
                                    }
                                    inner_html=d.html
                                ></article>
                            })
                        })}
                    </Transition>
                    {move || selected.get().map(|s| view! {
                        <div class="selection-bar" role="region" aria-label="Selected text">
                            <button type="button" class="primary small" on:click=move |_| use_selection() aria-keyshortcuts="Control+Alt+M">"Comment on selection"</button>
                            <q class="muted small">{s.quote}</q>
                        </div>
                    })}
                </div>
                <aside class="threads" aria-labelledby="comments-heading">
                    <Transition fallback=|| view! { <p>"Loading comments…"</p> }>
                        {move || Suspend::new(async move {
                            match data.await {
                                Ok(d) => {
                                    known.set(Some(d.activity));
                                    view! { <Threads data=d actions drafts /> }.into_any()
                                }
                                Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                            }
                        })}
                    </Transition>
                </aside>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn Threads(data: ThreadsOfSection, actions: Actions, drafts: Drafts) -> impl IntoView {
    let (open, resolved): (Vec<ThreadView>, Vec<ThreadView>) =
        data.threads.into_iter().partition(|t| t.resolved.is_none());
    let can_comment = data.can_comment;
    let ids = (data.plan_id, data.section_id);
    let resolved_count = resolved.len();
    let any_error = Signal::derive(move || {
        [
            actions.reply.value().get().and_then(|r| r.err()),
            actions.edit.value().get().and_then(|r| r.err()),
            actions.delete.value().get().and_then(|r| r.err()),
            actions.resolve.value().get().and_then(|r| r.err()),
            actions.reopen.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .find(|e| e.form_errors().is_none())
    });
    view! {
        <h2 id="comments-heading">
            "Comments "
            <span class="badge open-threads" title="Open threads">{format!("{} open", data.open_count)}</span>
        </h2>
        <FormStatus errors=any_error />
        {(open.is_empty() && resolved.is_empty()).then(|| view! { <p class="muted">"No comments yet."</p> })}
        <ol class="thread-list">
            {open.into_iter().map(|t| view! { <li><Thread thread=t ids can_comment actions drafts /></li> }).collect_view()}
        </ol>
        {(resolved_count > 0).then(|| view! {
            <details class="resolved-threads">
                <summary>{format!("{resolved_count} resolved thread{}", if resolved_count == 1 { "" } else { "s" })}</summary>
                <ol class="thread-list">
                    {resolved.into_iter().map(|t| view! { <li><Thread thread=t ids can_comment actions drafts /></li> }).collect_view()}
                </ol>
            </details>
        })}
        {can_comment.then(|| view! { <NewThread ids actions drafts /> })}
    }
}

#[component]
fn NewThread(ids: (i64, i64), actions: Actions, drafts: Drafts) -> impl IntoView {
    let errors = action_error(actions.start);
    let quote_error = move || {
        errors.with(|e| {
            e.as_ref()
                .and_then(|e| e.form_errors())
                .and_then(|f| f.message("quote").map(str::to_owned))
        })
    };
    let body_error = Signal::derive(move || {
        errors.with(|e| {
            e.as_ref()
                .and_then(|e| e.form_errors())
                .and_then(|f| f.message("body").map(str::to_owned))
        })
    });
    let quote_now = drafts.quote.get_untracked();
    let quote_key = StoredValue::new(drafts.quote_key(ids.1));
    let keep_quote = move |q: &str| {
        quote_key.with_value(|k| {
            if q.is_empty() {
                kept::clear(k)
            } else {
                kept::save(k, q)
            }
        })
    };
    // Keep a passage pasted before the page was ready, or bring back the kept one.
    let quote_field = NodeRef::<leptos::html::Textarea>::new();
    keep_typed(quote_field, drafts.quote, move |typed| match typed {
        Some(q) => keep_quote(&q),
        None => {
            if let Some(q) = quote_key.with_value(kept::load) {
                if drafts.quote.with_untracked(String::is_empty) {
                    drafts.quote.set(q);
                }
            }
        }
    });
    view! {
        <details class="panel new-thread" open=true>
            <summary>"Start a thread"</summary>
            <SubmitForm action=actions.start attr:id="new-thread">
                <ActionStatus action=actions.start done="commented" success="Comment added." />
                <input type="hidden" name="plan_id" value=ids.0.to_string() />
                <input type="hidden" name="section_id" value=ids.1.to_string() />
                <input type="hidden" name="prefix" value="" prop:value=move || drafts.prefix.get() />
                <input type="hidden" name="suffix" value="" prop:value=move || drafts.suffix.get() />
                <div class="field" class:invalid=move || quote_error().is_some()>
                    <label for="new-thread-quote">"Quoted passage (optional)"</label>
                    <p class="hint" id="new-thread-quote-hint">"Select text in the section and choose “Comment on selection”, or paste a passage here. Leave it empty to comment on the whole section."</p>
                    <p class="hint" id="comment-on-selection-keys">"With the keyboard: select text in the section, then press " <kbd>"Ctrl"</kbd> "+" <kbd>"Alt"</kbd> "+" <kbd>"M"</kbd> "."</p>
                    <textarea
                        id="new-thread-quote"
                        name="quote"
                        rows="2"
                        aria-describedby="new-thread-quote-hint"
                        aria-invalid=move || quote_error().map(|_| "true")
                        // No `prop:value`: `keep_typed` fills the field (see there why).
                        node_ref=quote_field
                        on:input=move |ev| {
                            let q = event_target_value(&ev);
                            keep_quote(&q);
                            drafts.quote.set(q);
                            drafts.prefix.set(String::new());
                            drafts.suffix.set(String::new());
                        }
                    >{crate::foundation::ui::textarea_text(&quote_now)}</textarea>
                    {move || quote_error().map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <CommentBox id="new-thread-body".to_owned() label="Comment" plan_id=ids.0 text=drafts.body error=body_error draft=drafts.new_thread_key(ids.1) />
                <button type="submit" class="primary">"Comment"</button>
            </SubmitForm>
        </details>
    }
}

#[component]
fn Thread(
    thread: ThreadView,
    ids: (i64, i64),
    can_comment: bool,
    actions: Actions,
    drafts: Drafts,
) -> impl IntoView {
    let id = thread.id;
    let resolved = thread.resolved.is_some();
    let heading = match (&thread.quote, thread.anchor) {
        (None, _) => view! { <p class="anchor muted small">"On the whole section"</p> }.into_any(),
        (Some(q), AnchorState::Changed) => view! {
            <p class="anchor changed small"><span class="badge">"original text changed"</span></p>
            <blockquote class="quote changed">{q.clone()}</blockquote>
        }
        .into_any(),
        (Some(q), _) => view! { <blockquote class="quote">{q.clone()}</blockquote> }.into_any(),
    };
    let state = match (&thread.resolved, &thread.reopened) {
        (Some(r), _) => Some((format!("Resolved by {}, ", r.by), r.at)),
        (None, Some(o)) => Some((format!("Reopened by {}, ", o.by), o.at)),
        _ => None,
    };
    let reply_error = action_error(actions.reply);
    let reply_message =
        Signal::derive(move || reply_error.with(|e| message_for(e, "thread_id", id, "body")));
    let reply_text = drafts.reply(id, None);
    let hidden = move || {
        view! {
            <input type="hidden" name="plan_id" value=ids.0.to_string() />
            <input type="hidden" name="section_id" value=ids.1.to_string() />
            <input type="hidden" name="thread_id" value=id.to_string() />
        }
    };
    let me = NodeRef::<leptos::html::Article>::new();
    focus_if_posted(drafts.focus, Posted::Thread(id), me);
    view! {
        <article class="thread" class:resolved=resolved id=format!("thread-{id}") data-thread=id.to_string() tabindex="-1" node_ref=me>
            {heading}
            <p class="muted small">{format!("Started by {}, ", thread.started.by)} <crate::foundation::ui::timestamp::Time unix=thread.started.at /></p>
            <ol class="comment-list">
                {thread.comments.into_iter().map(|c| view! { <li><Comment comment=c ids thread=id actions drafts /></li> }).collect_view()}
            </ol>
            {state.map(|(who, at)| view! { <p class="thread-state small">{who} <Time unix=at /></p> })}
            {can_comment.then(|| view! {
                <div class="thread-actions">
                    {(!resolved).then(|| view! {
                        <SubmitForm action=actions.reply attr:class="reply">
                            {hidden()}
                            <CommentBox id=format!("reply-{id}") label="Reply" plan_id=ids.0 text=reply_text error=reply_message rows=2 draft=drafts.reply_key(id) />
                            <button type="submit">"Reply"</button>
                        </SubmitForm>
                    })}
                    {if resolved {
                        view! {
                            <SubmitForm action=actions.reopen attr:class="inline">
                                {hidden()}
                                <button type="submit" class="small">"Reopen"</button>
                            </SubmitForm>
                        }.into_any()
                    } else {
                        view! {
                            <SubmitForm action=actions.resolve attr:class="inline">
                                {hidden()}
                                <button type="submit" class="small">"Resolve"</button>
                            </SubmitForm>
                        }.into_any()
                    }}
                </div>
            })}
        </article>
    }
}

#[component]
fn Comment(
    comment: CommentView,
    ids: (i64, i64),
    thread: i64,
    actions: Actions,
    drafts: Drafts,
) -> impl IntoView {
    let id = comment.id;
    let hidden = move || {
        view! {
            <input type="hidden" name="plan_id" value=ids.0.to_string() />
            <input type="hidden" name="section_id" value=ids.1.to_string() />
            <input type="hidden" name="thread_id" value=thread.to_string() />
            <input type="hidden" name="comment_id" value=id.to_string() />
        }
    };
    if comment.deleted {
        return view! {
            <div class="comment deleted" id=format!("comment-{id}")>
                <p class="muted"><em>"Comment deleted"</em></p>
            </div>
        }
        .into_any();
    }
    let edit_error = action_error(actions.edit);
    let edit_message =
        Signal::derive(move || edit_error.with(|e| message_for(e, "comment_id", id, "body")));
    let edit_text = RwSignal::new(
        kept_for(&edit_error.get_untracked(), "comment_id", id, "body")
            .or_else(|| comment.source.clone())
            .unwrap_or_default(),
    );
    let confirm = format!(
        "Delete this comment by {}? Its text goes for everyone; the thread keeps a note that a comment was deleted. This cannot be undone.",
        comment.author
    );
    // A new wording kept in the browser comes back into the edit box: unfold it so it shows.
    let edit_form = NodeRef::<leptos::html::Details>::new();
    let unfold = Callback::new(move |()| {
        #[cfg(feature = "hydrate")]
        if let Some(d) = edit_form.get_untracked() {
            let _ = d.set_attribute("open", "");
        }
    });
    let me = NodeRef::<leptos::html::Div>::new();
    focus_if_posted(drafts.focus, Posted::Comment(id), me);
    view! {
        <div class="comment" id=format!("comment-{id}") tabindex="-1" node_ref=me>
            <p class="comment-meta small">
                <strong>{comment.author.clone()}</strong>
                <span>" · " <crate::foundation::ui::timestamp::Time unix=comment.created_at /></span>
                {comment.edited_at.map(|at| view! { <span class="edited">" · edited " <Time unix=at /></span> })}
            </p>
            <div class="prose comment-body" inner_html=comment.html.clone()></div>
            <div class="comment-actions">
                {comment.can_edit.then(|| view! {
                    <details class="edit-comment" open=edit_message.get_untracked().is_some() node_ref=edit_form>
                        <summary class="small">"Edit"</summary>
                        <SubmitForm action=actions.edit>
                            {hidden()}
                            <CommentBox id=format!("edit-{id}") label="Edit your comment" plan_id=ids.0 text=edit_text error=edit_message rows=3 draft=drafts.edit_key(id) on_restored=unfold />
                            <button type="submit" class="small">"Save comment"</button>
                        </SubmitForm>
                    </details>
                })}
                {comment.can_delete.then(|| view! {
                    <SubmitForm action=actions.delete attr:class="inline">
                        {hidden()}
                        <ConfirmButton label="Delete" explain=confirm confirm="Yes, delete it" />
                    </SubmitForm>
                })}
            </div>
        </div>
    }
    .into_any()
}
