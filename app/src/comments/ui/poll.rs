//! Keeps a section's threads current for everyone looking at it: every ten seconds, while the
//! tab is visible and the page's event stream is not connected (it tells of new comments at
//! once), asks for the cheap activity fingerprint and refetches the threads only when it
//! changed.

use leptos::prelude::*;

use crate::comments::views::Activity;

/// How often a visible page checks for new comments.
#[cfg(feature = "hydrate")]
const POLL_SECONDS: u64 = 10;

/// Starts polling in the browser; bumps `refresh` when the fingerprint differs from the one
/// `data` was loaded with. Does nothing on the server.
///
/// `known` is the fingerprint of the threads on screen, set where they are drawn: reading the
/// threads' resource here (in an effect) would tie it to the page's outer boundary, which then
/// takes the whole page off screen and back at every refetch, and with it the focus.
pub fn poll_activity(
    plan_id: i64,
    section_id: i64,
    known: RwSignal<Option<Activity>>,
    refresh: RwSignal<u32>,
) {
    #[cfg(feature = "hydrate")]
    {
        use crate::comments::api::thread_activity;
        let live = crate::foundation::live::client::use_live();
        let tick = move || {
            if !super::browser::page_visible() || live.connected() {
                return;
            }
            let Some(known) = known.try_get_untracked() else {
                return;
            };
            leptos::task::spawn_local(async move {
                if let Ok(now) = thread_activity(plan_id, section_id).await {
                    if known.is_some_and(|k| k != now) {
                        refresh.try_update(|n| *n += 1);
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
    let _ = (plan_id, section_id, known, refresh);
}
