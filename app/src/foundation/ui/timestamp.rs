//! `<time>`: a moment as "3 hours ago" (or, for one that may lie ahead, "in 6 days"), with the
//! exact time in the reader's time zone on hover.
//!
//! The server cannot know the reader's clock or zone, so it writes the exact UTC time; the
//! browser's first rendering (hydration) writes the same, and only then an effect, which runs
//! in the browser alone, switches to the relative words. Nothing differs while hydrating.

use leptos::prelude::*;

use crate::foundation::when::{datetime_attr, local_time, relative, relative_either};

/// A moment, Unix seconds.
#[component]
pub fn Time(
    unix: i64,
    /// The moment may lie ahead (an expiry): read "in 6 days" rather than taking a moment
    /// ahead of the reader's clock for a skewed clock ("just now").
    #[prop(optional)]
    ahead: bool,
) -> impl IntoView {
    let exact = super::format_time(unix);
    // (relative words, exact local time), once the browser has said what time it is.
    let seen = RwSignal::new(None::<(String, String)>);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let now = (js_sys::Date::now() / 1000.0) as i64;
            // getTimezoneOffset is minutes *behind* UTC at that moment (daylight saving counts).
            let offset =
                -(js_sys::Date::new(&(unix as f64 * 1000.0).into()).get_timezone_offset() as i32);
            let words = if ahead {
                relative_either(unix, now)
            } else {
                relative(unix, now)
            };
            seen.set(Some((words, local_time(unix, offset))));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (seen, ahead, relative, relative_either, local_time);
    });
    let title = {
        let exact = exact.clone();
        move || seen.with(|s| s.as_ref().map_or_else(|| exact.clone(), |(_, l)| l.clone()))
    };
    view! {
        <time datetime=datetime_attr(unix) title=title>
            {move || seen.with(|s| s.as_ref().map_or_else(|| exact.clone(), |(r, _)| r.clone()))}
        </time>
    }
}
