//! "Demo mode — simulated providers", on every page while no provider key is set.

use leptos::prelude::*;

#[component]
pub fn DemoBanner() -> impl IntoView {
    // Fixed while the server runs, so it comes with the page (the browser reads it back when
    // it takes the page over) instead of being loaded: no task, no waiting, on every page.
    // It must stay outside the routes: made anew in the browser, it would find no banner.
    let demo_mode = SharedValue::new(crate::api::site::serves_demo).into_inner();
    demo_mode.then(|| {
        view! {
            <aside class="demo-banner" aria-label="Demo mode">
                "Demo mode — simulated providers. Set an API key to use real AI models."
            </aside>
        }
    })
}
