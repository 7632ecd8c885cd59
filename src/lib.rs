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
///
/// Hydration is asynchronous because a lazily loaded page (see `pages::lazy`) has to fetch its
/// code before its server-rendered HTML can be taken over; if it cannot, the app does not
/// start and the page stays plain HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = leptos::prelude::document().body() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = pages::lazy::fetch_named_module().await {
            leptos::logging::warn!(
                "this page's code could not be fetched ({error}): it stays as the server sent it"
            );
            return;
        }
        let mounted = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        mounted.forget();
        // End-to-end tests wait for this before clicking: clicks before hydration are lost.
        let _ = body.dataset().set("hydrated", "true");
    });
}
