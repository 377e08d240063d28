//! The browser half: hydrates the server-rendered page so forms submit without reloads.

#![recursion_limit = "512"]

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the script Leptos puts in every page once the bundle has loaded.
///
/// The pages are lazy routes (`app::pages::routes`): hydration waits for the page's own
/// module (as Leptos' `hydrate_lazy` does), and what follows it runs once the whole page is
/// hydrated.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Drives the futures below and Leptos' own; an error means it was already started.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let release = app::foundation::ui::before_hydration::plain_html_until_hydrated();
    leptos::task::spawn_local(async move {
        let body = leptos::tachys::dom::body();
        let mounted = leptos::mount::hydrate_from_async(body, app::App).await;
        // The page stays hydrated for as long as it is open.
        mounted.forget();
        release();
        app::foundation::ui::typed::page_hydrated();
        mark_hydrated();
    });
}

/// Marks the document once it runs on the bundle, so browser tests can tell text typed before
/// hydration from text typed after it; the value is the milliseconds since the navigation
/// started, which the browser benchmark reports. The effects hydration scheduled run in
/// microtasks, before this timeout fires.
fn mark_hydrated() {
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
