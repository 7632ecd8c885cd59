//! The 404 page, also used for unknown tiers and for ids of another tier.

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="not-found">
            <h1>"Page not found"</h1>
            <p>"There is no story here. The link may be wrong, or the story was deleted."</p>
        </section>
    }
}
