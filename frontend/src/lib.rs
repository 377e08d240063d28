//! The browser half: hydrates the server-rendered page so forms submit without reloads.

#![recursion_limit = "512"]

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the script Leptos puts in every page once the bundle has loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    app::foundation::ui::typed::page_hydrated();
    // Marks the document once it runs on the bundle, so browser tests can tell text typed
    // before hydration from text typed after it; the value is the milliseconds since the
    // navigation started, which the browser benchmark reports. The effects hydration scheduled
    // run in microtasks, before this timeout fires.
    leptos::prelude::set_timeout(
        || {
            if let Some(root) = leptos::prelude::document().document_element() {
                let ms = leptos::prelude::window()
                    .performance()
                    .map(|p| p.now())
                    .unwrap_or_default();
                let _ = root.set_attribute("data-hydrated", &format!("{ms:.0}"));
            }
        },
        std::time::Duration::ZERO,
    );
}
