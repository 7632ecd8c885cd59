//! A scene's text as paragraphs, the same in play and in the reader.

use leptos::prelude::*;

#[component]
pub fn Narrative(text: String) -> impl IntoView {
    view! {
        <div class="scene-narrative">
            {text
                .split('\n')
                .filter(|p| !p.trim().is_empty())
                .map(|p| view! { <p>{p.to_owned()}</p> })
                .collect_view()}
        </div>
    }
}
