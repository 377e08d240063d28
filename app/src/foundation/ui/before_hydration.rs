//! Until the bundle has hydrated the page, links and forms are left to the browser.
//!
//! The page's code is a module of its own (`pages::routes`), fetched while the rest of the
//! page hydrates. Leptos' router starts first and takes over every click on a link, but it
//! can only show the new page once the first one is hydrated: a link clicked in between was
//! dropped, and on a slow link that is seconds. So until hydration ends, clicks on links and
//! form submissions are kept from the page's handlers: a link loads its page and a form posts
//! as plain HTML, which every form of the app supports.

use leptos::wasm_bindgen::{closure::Closure, JsCast};

/// Starts keeping links and forms plain; the returned function stops it (call it once the
/// page is hydrated).
pub fn plain_html_until_hydrated() -> impl FnOnce() {
    let window = leptos::prelude::window();
    let click = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        let on_link = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
            .is_some();
        if on_link {
            // The browser's own navigation still follows: only the router's handler is kept
            // from seeing the click.
            event.stop_immediate_propagation();
        }
    });
    let submit = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        event.stop_immediate_propagation();
    });
    // Listening on the window in the capture phase comes before every other handler.
    let listen = |kind: &str, handler: &Closure<dyn Fn(web_sys::Event)>| {
        let _ = window.add_event_listener_with_callback_and_bool(
            kind,
            handler.as_ref().unchecked_ref(),
            true,
        );
    };
    listen("click", &click);
    listen("submit", &submit);
    move || {
        for (kind, handler) in [("click", &click), ("submit", &submit)] {
            let _ = window.remove_event_listener_with_callback_and_bool(
                kind,
                handler.as_ref().unchecked_ref(),
                true,
            );
        }
    }
}
