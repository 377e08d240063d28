//! The inbox page and its link, with the unread count, in the navigation.

use crate::foundation::loaded::{load, Loaded};
use crate::foundation::ui::form_action::{FormAction, SubmitForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use super::api::{inbox_items, inbox_unread, MarkAllInboxRead, MarkInboxRead};
use super::views::{InboxEntry, InboxKind, InboxView};
use crate::foundation::ui::errors::ErrorPage;
use crate::foundation::ui::fields::ActionStatus;

/// Bumped when the inbox changes on this page, so the navigation's count follows at once.
#[derive(Clone, Copy)]
pub struct InboxChanged(RwSignal<u32>);

/// The logged-in person's unread count, refetched on every navigation.
#[derive(Clone, Copy)]
struct Unread(Loaded<i64>);

/// Provides the unread count for the navigation and [`InboxChanged`] to the pages; call it
/// beside `provide_viewer` (resources belong at the top, where hydration finds their data).
pub fn provide_inbox() {
    let location = use_location();
    let changed = RwSignal::new(0u32);
    let unread = load(
        move || {
            (
                location.pathname.get(),
                location.search.get(),
                changed.get(),
            )
        },
        // The count is a courtesy: a failure shows none rather than breaking the header.
        |_| async move { inbox_unread().await.unwrap_or(0) },
    );
    // New mentions and replies arrive on the page's event stream.
    crate::foundation::live::client::on_change(
        crate::foundation::live::client::use_live().inbox(),
        move || changed.update(|n| *n += 1),
    );
    provide_context(InboxChanged(changed));
    provide_context(Unread(unread));
    poll_unread(unread, changed);
}

/// How often a visible page asks whether the unread count changed.
#[cfg(feature = "hydrate")]
const POLL_SECONDS: u64 = 30;

/// Keeps the navigation's count current without a navigation while the page's event stream
/// (which tells of new items at once) is not connected: every half minute, while the tab is
/// visible, asks for the count and bumps `changed` (which refetches it for the header) only
/// when it differs. Does nothing on the server.
fn poll_unread(unread: Loaded<i64>, changed: RwSignal<u32>) {
    #[cfg(feature = "hydrate")]
    {
        // The count on screen, followed in an effect (resources are read inside effects or
        // boundaries, not from a timer).
        let shown = RwSignal::new(None::<i64>);
        Effect::new(move |_| shown.set(unread.get()));
        let live = crate::foundation::live::client::use_live();
        let tick = move || {
            if live.connected() {
                return;
            }
            let visible = web_sys::window()
                .and_then(|w| w.document())
                .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
            let Some(Some(known)) = shown.try_get_untracked() else {
                return;
            };
            if !visible {
                return;
            }
            leptos::task::spawn_local(async move {
                if let Ok(now) = inbox_unread().await {
                    if now != known {
                        changed.try_update(|n| *n += 1);
                    }
                }
            });
        };
        if let Ok(handle) =
            set_interval_with_handle(tick, std::time::Duration::from_secs(POLL_SECONDS))
        {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (unread, changed);
}

/// The logged-in person's unread count (0 without [`provide_inbox`]), for the header to await
/// with the viewer: one boundary, so server and browser render the same.
pub async fn unread_count() -> i64 {
    match use_context::<Unread>() {
        Some(Unread(r)) => r.await,
        None => 0,
    }
}

/// "Inbox" in the navigation, with the number of unread items.
#[component]
pub fn InboxLink(unread: i64) -> impl IntoView {
    view! {
        <leptos_router::components::A href="/inbox" attr:class="inbox-link">
            <span>"Inbox"</span>
            {(unread > 0).then(|| view! {
                <span class="badge unread-count" title=format!("{unread} unread")>{unread}<span class="visually-hidden">" unread"</span></span>
            })}
        </leptos_router::components::A>
    }
}

/// `/inbox`: mentions and replies, newest first.
#[component]
pub fn InboxPage() -> impl IntoView {
    let mark = FormAction::<MarkInboxRead>::new();
    let all = FormAction::<MarkAllInboxRead>::new();
    let changed = use_context::<InboxChanged>();
    Effect::new(move |_| {
        let versions = (mark.version().get(), all.version().get());
        if versions != (0, 0) {
            if let Some(c) = changed {
                c.0.update(|n| *n += 1);
            }
        }
    });
    let data = load(
        move || (mark.version().get(), all.version().get()),
        |_| inbox_items(),
    );
    view! {
        <Title text="Inbox" />
        <h1>"Inbox"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(inbox) => view! { <Inbox inbox mark all /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Inbox(
    inbox: InboxView,
    mark: FormAction<MarkInboxRead>,
    all: FormAction<MarkAllInboxRead>,
) -> impl IntoView {
    view! {
        <section class="panel inbox">
            <ActionStatus action=mark done="read" success="Marked read." />
            <ActionStatus action=all done="all-read" success="Everything marked read." />
            <p class="lede">
                {match inbox.unread {
                    0 => "Nothing unread.".to_owned(),
                    1 => "1 unread item.".to_owned(),
                    n => format!("{n} unread items."),
                }}
            </p>
            {(inbox.unread > 0).then(|| view! {
                <SubmitForm action=all attr:class="inline">
                    <button type="submit">"Mark all read"</button>
                </SubmitForm>
            })}
            {inbox.items.is_empty().then(|| view! {
                <p class="muted">"Mentions of you, replies in threads you take part in and requests for your review will appear here."</p>
            })}
            <ol class="inbox-items">
                {inbox.items.into_iter().map(|item| view! { <Item item mark /> }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn Item(item: InboxEntry, mark: FormAction<MarkInboxRead>) -> impl IntoView {
    let who = item.actor.clone().unwrap_or_else(|| "Someone".to_owned());
    let what = match item.kind {
        InboxKind::Mention => format!("{who} mentioned you"),
        InboxKind::Reply => format!("{who} replied in a thread you are in"),
        InboxKind::ReviewRequest => format!("{who} asked for your review"),
    };
    let place = match &item.section_title {
        Some(s) => format!("{s} · {}", item.plan_title),
        None => item.plan_title.clone(),
    };
    view! {
        <li class="inbox-item" class:unread=!item.read>
            <p>
                {(!item.read).then(|| view! { <span class="badge unread">"Unread"</span> })}
                <strong>{what}</strong> " in " <a href=item.link.clone()>{place}</a>
            </p>
            {if item.kind == InboxKind::ReviewRequest {
                view! {
                    <p class="muted">"It waits in your " <a href="/reviews">"review queue"</a> "."</p>
                }
                .into_any()
            } else if item.excerpt.is_empty() {
                view! { <p class="muted"><em>"Comment deleted"</em></p> }.into_any()
            } else {
                view! { <p class="excerpt">{item.excerpt.clone()}</p> }.into_any()
            }}
            // A div, not a p: a form inside a paragraph ends the paragraph when parsed.
            <div class="inbox-meta muted small">
                <span><crate::foundation::ui::timestamp::Time unix=item.created_at /></span>
                {(!item.read).then(|| view! {
                    <SubmitForm action=mark attr:class="inline">
                        <input type="hidden" name="item_id" value=item.id.to_string() />
                        <button type="submit" class="small link-button">"Mark read"</button>
                    </SubmitForm>
                })}
            </div>
        </li>
    }
}
