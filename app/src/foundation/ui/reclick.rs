//! A click on a navigation link to the page already shown. The router ignores it (the address
//! does not change), yet the person asked for the page again: pages that list what changes
//! under them (the review queue) follow this count to fetch their data anew.

use leptos::prelude::*;

/// How many times a navigation link to the current page was clicked.
#[derive(Clone, Copy)]
pub struct Reclicked(RwSignal<u32>);

/// Provides the count; called once, at the top of the app.
pub fn provide_reclicked() {
    provide_context(Reclicked(RwSignal::new(0)));
}

/// The count, taken from the context while a component is built (event handlers and timers
/// run outside it); without [`provide_reclicked`] a count of its own that never moves.
pub fn use_reclicked() -> Reclicked {
    use_context::<Reclicked>().unwrap_or_else(|| Reclicked(RwSignal::new(0)))
}

impl Reclicked {
    /// Counts a click on a link to `href` when the page shown is already `href`.
    pub fn note_click(self, href: &str, current_path: &str) {
        if href == current_path {
            self.0.update(|n| *n += 1);
        }
    }

    /// The count, tracked: a resource reading it fetches again on every such click.
    pub fn get(self) -> u32 {
        self.0.get()
    }
}
