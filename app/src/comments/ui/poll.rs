//! Keeps a section's threads current for everyone looking at it: every ten seconds, while the
//! tab is visible and the page's event stream is not connected (it tells of new comments at
//! once), asks for the cheap activity fingerprint and refetches the threads only when it
//! changed.

use leptos::prelude::*;

use crate::comments::views::ThreadsOfSection;
use crate::error::AppError;

/// How often a visible page checks for new comments.
#[cfg(feature = "hydrate")]
const POLL_SECONDS: u64 = 10;

/// Starts polling in the browser; bumps `refresh` when the fingerprint differs from the one
/// `data` was loaded with. Does nothing on the server.
pub fn poll_activity(
    plan_id: i64,
    section_id: i64,
    data: Resource<Result<ThreadsOfSection, AppError>>,
    refresh: RwSignal<u32>,
) {
    #[cfg(feature = "hydrate")]
    {
        use crate::comments::api::thread_activity;
        // The fingerprint of what is on screen, followed in an effect (resources are read
        // inside effects or boundaries, not from a timer).
        let known = RwSignal::new(None);
        Effect::new(move |_| {
            if let Some(Ok(d)) = data.get() {
                known.set(Some(d.activity));
            }
        });
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
    let _ = (plan_id, section_id, data, refresh);
}
