//! The browser's side of the event stream: one `EventSource` for the open page, reopened when
//! the page changes, and the signals pages follow to refetch what changed.
//!
//! On the server (and in a browser that cannot connect) the signals never move: pages render
//! as they always did, and the comment threads fall back to polling (`connected` stays false).

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::event::{Change, LiveEvent, Present};

/// How many of each kind of change the page has been told of (a reset counts for all).
#[derive(Debug, Clone, Default, PartialEq)]
struct Ticks {
    comments: BTreeMap<i64, u64>,
    saves: BTreeMap<i64, (i64, i64)>,
    reviews: u64,
    checklist: u64,
    sections: u64,
    inbox: u64,
    access: u64,
    /// The stream could not say what was missed: everything may have changed.
    everything: u64,
}

/// The page's live state, provided once for the whole app.
#[derive(Debug, Clone, Copy)]
pub struct Live {
    ticks: RwSignal<Ticks>,
    presence: RwSignal<Vec<Present>>,
    connected: RwSignal<bool>,
    /// The server ended the stream: the reader may no longer see this page.
    ended: RwSignal<bool>,
}

impl Live {
    fn new() -> Live {
        Live {
            ticks: RwSignal::new(Ticks::default()),
            presence: RwSignal::new(Vec::new()),
            connected: RwSignal::new(false),
            ended: RwSignal::new(false),
        }
    }

    /// Moves when section `section`'s threads change.
    pub fn comments(self, section: i64) -> Memo<(u64, u64)> {
        Memo::new(move |_| {
            self.ticks
                .with(|t| (t.comments.get(&section).copied().unwrap_or(0), t.everything))
        })
    }

    /// The latest save of section `section` announced: `(version, by)`.
    pub fn saved(self, section: i64) -> Memo<Option<(i64, i64)>> {
        Memo::new(move |_| self.ticks.with(|t| t.saves.get(&section).copied()))
    }

    /// [`Live::saved`] for the section `section` names at the time (a page whose address, and
    /// so whose section, changes in place).
    pub fn saved_of(
        self,
        section: impl Fn() -> Option<i64> + Send + Sync + 'static,
    ) -> Memo<Option<(i64, i64)>> {
        Memo::new(move |_| {
            let s = section()?;
            self.ticks.with(|t| t.saves.get(&s).copied())
        })
    }

    /// Moves when any section of the plan is saved.
    pub fn any_save(self) -> Memo<(usize, u64)> {
        Memo::new(move |_| {
            self.ticks.with(|t| {
                (
                    t.saves.values().map(|(v, _)| *v as usize).sum(),
                    t.everything,
                )
            })
        })
    }

    /// Moves when the stream could not say what the page missed (too long away, a restart, a
    /// stream opened afresh): anything may have changed.
    pub fn missed(self) -> Memo<u64> {
        Memo::new(move |_| self.ticks.with(|t| t.everything))
    }

    /// Moves on review decisions.
    pub fn reviews(self) -> Memo<(u64, u64)> {
        Memo::new(move |_| self.ticks.with(|t| (t.reviews, t.everything)))
    }

    /// Moves when the checklist changes.
    pub fn checklist(self) -> Memo<(u64, u64)> {
        Memo::new(move |_| self.ticks.with(|t| (t.checklist, t.everything)))
    }

    /// Moves when the plan's list of sections changes.
    pub fn sections(self) -> Memo<(u64, u64)> {
        Memo::new(move |_| self.ticks.with(|t| (t.sections, t.everything)))
    }

    /// Moves when the reader's inbox changes.
    pub fn inbox(self) -> Memo<(u64, u64)> {
        Memo::new(move |_| self.ticks.with(|t| (t.inbox, t.everything)))
    }

    /// Who has the plan open, and where.
    pub fn presence(self) -> ReadSignal<Vec<Present>> {
        self.presence.read_only()
    }

    /// Whether the stream is open (while it is not, pages fall back to polling).
    pub fn connected(self) -> bool {
        self.connected.get_untracked()
    }

    /// Takes in one event from the stream.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn take(self, event: LiveEvent) {
        match event.change {
            Change::Presence { present } => self.presence.set(present),
            change => self.ticks.update(|t| match change {
                Change::Comments { section_id } => {
                    *t.comments.entry(section_id).or_default() += 1;
                }
                Change::SectionSaved {
                    section_id,
                    version,
                    by,
                } => {
                    let known = t.saves.entry(section_id).or_insert((version, by));
                    if version >= known.0 {
                        *known = (version, by);
                    }
                }
                Change::Reviews { .. } => t.reviews += 1,
                Change::Checklist => t.checklist += 1,
                Change::Sections => t.sections += 1,
                Change::Inbox { .. } => t.inbox += 1,
                Change::Access { .. } => t.access += 1,
                Change::Missed => t.everything += 1,
                Change::Presence { .. } => {}
            }),
        }
    }
}

/// Provides the app's [`Live`] state (call once, above the router's pages).
pub fn provide_live() -> Live {
    let live = Live::new();
    provide_context(live);
    live
}

/// The app's [`Live`] state (inert where none was provided, as in component tests).
pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or_else(Live::new)
}

/// Runs `then` each time `source` changes after it was first read (in the browser; effects do
/// not run on the server).
pub fn on_change<T>(source: Memo<T>, then: impl Fn() + 'static)
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Effect::new(move |previous: Option<T>| {
        let now = source.get();
        if previous.is_some_and(|p| p != now) {
            then();
        }
        now
    });
}

/// A counter for a resource's source that moves each time `source` changes (what others did,
/// told by the stream), once the person is not typing inside `region`: the resource refetches
/// without redrawing a field under their fingers.
pub fn refetch_on<T>(region: &'static str, source: Memo<T>) -> RwSignal<u32>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let counter = RwSignal::new(0u32);
    on_change(source, move || {
        when_not_typing_in(region, move || {
            counter.try_update(|n| *n += 1);
        })
    });
    counter
}

/// What the stream of the page at `path` (with query `search`) follows: the plan, the section
/// and whether its editor is open. `None` for pages that follow no plan (the stream then
/// carries only the reader's inbox).
pub fn stream_query(path: &str, search: &str) -> String {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let id = |i: usize| parts.get(i).and_then(|p| p.parse::<i64>().ok());
    match parts.as_slice() {
        ["plans", _, rest @ ..] if id(1).is_some() => {
            let plan = id(1).unwrap_or_default();
            match rest {
                ["sections", _] if id(3).is_some() => {
                    let section = id(3).unwrap_or_default();
                    let editing = search
                        .trim_start_matches('?')
                        .split('&')
                        .any(|p| p == "edit" || p.starts_with("edit="));
                    if editing {
                        format!("plan={plan}&section={section}&editing=1")
                    } else {
                        format!("plan={plan}&section={section}")
                    }
                }
                _ => format!("plan={plan}"),
            }
        }
        _ => String::new(),
    }
}

/// Keeps one event stream open for the page being shown (only for a signed-in reader), and
/// says so when the server ended it because the reader may no longer see the page.
#[component]
pub fn LiveChannel(signed_in: Signal<bool>) -> impl IntoView {
    let live = use_live();
    #[cfg(feature = "hydrate")]
    {
        let location = leptos_router::hooks::use_location();
        // Opened once the page is hydrated: what the stream brings (presence, say) changes what
        // the page shows, and the page hydrates after this frame (its code loads meanwhile).
        let hydrated = crate::foundation::ui::typed::is_page_hydrated;
        let query = Memo::new(move |_| {
            (signed_in.get() && hydrated())
                .then(|| stream_query(&location.pathname.get(), &location.search.get()))
        });
        let open = StoredValue::new_local(None::<browser::Channel>);
        let retry = browser::Retry::new();
        Effect::new(move |previous: Option<Option<String>>| {
            let q = query.get();
            let again = retry.attempt.get();
            // The previous page's stream goes first.
            open.set_value(None);
            live.connected.set(false);
            if let Some(q) = q.clone() {
                live.ended.set(false);
                // Opened again on the same page: what came meanwhile is unknown.
                let reopened = again > 0 && previous.as_ref() == Some(&Some(q.clone()));
                open.set_value(browser::Channel::open(&q, live, retry, reopened));
            }
            q
        });
        on_cleanup(move || open.set_value(None));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = signed_in;
    move || {
        live.ended.get().then(|| {
            view! {
                <p class="alert alert-error live-ended" role="alert">
                    "Your access to this page has changed, so it no longer updates. "
                    <a href="">"Reload the page"</a>
                    " to see what you may see now."
                </p>
            }
        })
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    use super::Live;
    use crate::foundation::live::event::LiveEvent;

    type Listener = Closure<dyn FnMut(web_sys::Event)>;

    use super::retry_after;

    /// Opening the page's stream again after a failure the browser gives up on.
    #[derive(Clone, Copy)]
    pub struct Retry {
        /// Moved to open it again.
        pub attempt: RwSignal<u32>,
        /// Failures in a row, for the wait.
        failures: StoredValue<u32>,
    }

    impl Retry {
        pub fn new() -> Retry {
            Retry {
                attempt: RwSignal::new(0),
                failures: StoredValue::new(0),
            }
        }
    }

    /// An open `EventSource` and its listeners; dropping it closes the stream.
    pub struct Channel {
        source: EventSource,
        _listeners: Vec<Listener>,
    }

    impl Channel {
        /// Opens the stream of the page asking `query`; `retry` opens it again when it fails
        /// for good. `reopened` says the page was already following it, so what it missed
        /// meanwhile must be read again.
        pub fn open(query: &str, live: Live, retry: Retry, reopened: bool) -> Option<Channel> {
            let url = if query.is_empty() {
                "/live".to_owned()
            } else {
                format!("/live?{query}")
            };
            let source = EventSource::new(&url).ok()?;
            let mut listeners = Vec::new();
            let mut listen = |name: &str, f: Box<dyn FnMut(web_sys::Event)>| {
                let closure = Closure::wrap(f);
                let _ =
                    source.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
                listeners.push(closure);
            };
            let catch_up = std::cell::Cell::new(reopened);
            listen(
                "open",
                Box::new(move |_| {
                    live.connected.try_set(true);
                    retry.failures.set_value(0);
                    if catch_up.replace(false) {
                        live.ticks.try_update(|t| t.everything += 1);
                    }
                }),
            );
            let failed = source.clone();
            listen(
                "error",
                Box::new(move |_| {
                    // The browser reconnects by itself (sending the last event id); until it
                    // has, the page polls where it can.
                    live.connected.try_set(false);
                    // An answer that is not a stream (a 429, a proxy's 502 while the server
                    // restarts) ends the browser's own retrying: open it again later, waiting
                    // longer after each failure in a row.
                    if failed.ready_state() == EventSource::CLOSED && !live.ended.get_untracked() {
                        retry.failures.update_value(|n| *n = n.saturating_add(1));
                        set_timeout(
                            move || {
                                retry.attempt.try_update(|n| *n = n.wrapping_add(1));
                            },
                            retry_after(retry.failures.get_value()),
                        );
                    }
                }),
            );
            listen(
                "change",
                Box::new(move |e: web_sys::Event| {
                    let Some(text) = e
                        .dyn_ref::<MessageEvent>()
                        .and_then(|m| m.data().as_string())
                    else {
                        return;
                    };
                    match LiveEvent::from_wire(&text) {
                        Some(event) => live.take(event),
                        // Only a server built from other sources (Upstream updated while the
                        // page was open) sends what this page cannot read: an event it missed,
                        // so the page reads what it shows again, and the answers then say to
                        // reload.
                        None => {
                            live.ticks.try_update(|t| t.everything += 1);
                        }
                    }
                }),
            );
            listen(
                "reset",
                Box::new(move |_| {
                    live.ticks.try_update(|t| t.everything += 1);
                }),
            );
            let ended_source = source.clone();
            listen(
                "ended",
                Box::new(move |_| {
                    ended_source.close();
                    live.connected.try_set(false);
                    live.ended.try_set(true);
                }),
            );
            Some(Channel {
                source,
                _listeners: listeners,
            })
        }
    }

    impl Drop for Channel {
        fn drop(&mut self) {
            self.source.close();
        }
    }
}

/// How long to wait before opening the stream again after `failures` failures in a row:
/// 5 s, doubling, at most a minute (a server that restarts is back within seconds; one that
/// refuses should not be asked every few seconds by every open page).
pub fn retry_after(failures: u32) -> std::time::Duration {
    let seconds = 5u64.saturating_mul(1 << failures.saturating_sub(1).min(4));
    std::time::Duration::from_secs(seconds.min(60))
}

/// Runs `f` now, unless the person is typing in a field inside the element matching
/// `region` (a refetch would redraw it under their fingers): then once they leave it.
pub fn when_not_typing_in(region: &'static str, f: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let f = std::rc::Rc::new(f);
        fn busy(region: &str) -> bool {
            let Some(active) = leptos::prelude::document().active_element() else {
                return false;
            };
            let tag = active.tag_name().to_ascii_lowercase();
            let typing = matches!(tag.as_str(), "textarea" | "input" | "select");
            typing && active.closest(region).ok().flatten().is_some()
        }
        fn attempt(region: &'static str, f: std::rc::Rc<dyn Fn()>) {
            if busy(region) {
                set_timeout(
                    move || attempt(region, f),
                    std::time::Duration::from_millis(750),
                );
            } else {
                f();
            }
        }
        attempt(region, f);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (region, f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_follows_the_plan_and_section_the_page_shows() {
        assert_eq!(stream_query("/", ""), "");
        assert_eq!(stream_query("/inbox", ""), "");
        assert_eq!(stream_query("/plans", ""), "");
        assert_eq!(stream_query("/plans/new", ""), "");
        assert_eq!(stream_query("/plans/4", ""), "plan=4");
        assert_eq!(stream_query("/plans/4/checklist", ""), "plan=4");
        assert_eq!(stream_query("/plans/4/sections/9", ""), "plan=4&section=9");
        assert_eq!(
            stream_query("/plans/4/sections/9", "?edit"),
            "plan=4&section=9&editing=1"
        );
        assert_eq!(
            stream_query("/plans/4/sections/9", "?edited=1"),
            "plan=4&section=9"
        );
        assert_eq!(
            stream_query("/plans/4/sections/9/history", "?edit"),
            "plan=4"
        );
        assert_eq!(stream_query("/plans/x/sections/9", ""), "");
    }

    #[test]
    fn a_stream_that_fails_in_a_row_is_opened_again_later_each_time_up_to_a_minute() {
        let waits: Vec<u64> = (1..=7).map(|n| retry_after(n).as_secs()).collect();
        assert_eq!(waits, vec![5, 10, 20, 40, 60, 60, 60]);
        assert_eq!(retry_after(u32::MAX).as_secs(), 60);
    }

    #[test]
    fn a_later_save_announced_first_is_not_replaced_by_an_earlier_one() {
        let owner = Owner::new();
        owner.with(|| {
            let live = Live::new();
            let saved = |version| LiveEvent {
                plan_id: Some(1),
                change: Change::SectionSaved {
                    section_id: 2,
                    version,
                    by: 3,
                },
            };
            live.take(saved(5));
            live.take(saved(4));
            assert_eq!(
                live.ticks.with_untracked(|t| t.saves.get(&2).copied()),
                Some((5, 3))
            );
        });
    }
}

/// Who else has section `section` open now (name, organisation, and whether they are
/// editing); nothing while nobody else is there, or before the stream has said.
#[component]
pub fn HereNow(section: i64, except: Option<i64>) -> impl IntoView {
    let presence = use_live().presence();
    let others = Memo::new(move |_| {
        presence.with(|list| {
            list.iter()
                .filter(|p| p.section_id == Some(section) && Some(p.person_id) != except)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    move || {
        let others = others.get();
        (!others.is_empty()).then(|| {
            view! {
                <span class="here-now" role="status">
                    <span class="visually-hidden">"Open now by "</span>
                    {others.into_iter().map(|p| {
                        // The organisation in words, not only in a tooltip: on a shared plan
                        // "which ministry is in here" matters as much as the name.
                        let organisation = p
                            .organisation
                            .map(|org| view! { <span class="present-org">" (" {org} ")"</span> });
                        view! {
                            <span class="present" class:editing=p.editing>
                                {p.name}
                                {organisation}
                                {p.editing.then_some(" · editing")}
                            </span>
                        }
                    }).collect_view()}
                </span>
            }
        })
    }
}
