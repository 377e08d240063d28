//! The browser half: hydrates the server-rendered page so forms submit without reloads.

#![recursion_limit = "512"]

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the script Leptos puts in every page once the bundle has loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
