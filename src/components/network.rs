//! What the browser knows of its connection.

/// Whether the browser believes it is online (always, on the server).
pub fn online() -> bool {
    #[cfg(feature = "hydrate")]
    {
        leptos::web_sys::window().is_none_or(|w| w.navigator().on_line())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        true
    }
}

/// Opens `url` as a whole page load (offline, the service worker answers it from the copy
/// kept when it was read; the app's own navigation would ask the server for its data).
pub fn open_page(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = leptos::web_sys::window() {
        if let Err(e) = window.location().assign(url) {
            leptos::logging::warn!("could not open {url}: {e:?}");
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}
