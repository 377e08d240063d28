//! Open-thread counts on the plan overview.

use crate::foundation::loaded::{load, Loaded};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::comments::api::open_thread_counts;

/// The plan's open-thread counts per section, loaded once per overview.
#[derive(Clone, Copy)]
pub struct OpenCounts(Loaded<Vec<(i64, i64)>>);

/// Loads the open-thread counts of the plan in the address (`/plans/:id`) for the badges.
pub fn provide_open_counts() {
    let params = use_params_map();
    let counts = load(
        move || {
            params
                .with(|p| p.get("id"))
                .and_then(|s| s.parse::<i64>().ok())
        },
        |id| async move {
            match id {
                // A failure shows no badges; the overview itself reports access problems.
                Some(id) => open_thread_counts(id).await.unwrap_or_default(),
                None => Vec::new(),
            }
        },
    );
    provide_context(OpenCounts(counts));
}

/// "N open" beside a section with open comment threads.
#[component]
pub fn OpenThreadsBadge(section_id: i64) -> impl IntoView {
    let Some(OpenCounts(counts)) = use_context::<OpenCounts>() else {
        return ().into_any();
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let n = counts
                    .await
                    .iter()
                    .find(|(s, _)| *s == section_id)
                    .map_or(0, |(_, n)| *n);
                (n > 0).then(|| view! {
                    <span class="badge open-threads" title="Open comment threads">
                        {format!("{n} open thread{}", if n == 1 { "" } else { "s" })}
                    </span>
                })
            })}
        </Transition>
    }
    .into_any()
}
