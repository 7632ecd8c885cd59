//! Choose Your Own Adventure: one crate built twice by cargo-leptos —
//! the server (`ssr`) and the browser bundle (`hydrate`).

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

/// Browser entry point: attaches the app to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // End-to-end tests wait for this before clicking: clicks before hydration are lost.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.dataset().set("hydrated", "true");
    }
}
