//! A scene's text as paragraphs, the same in play and in the reader. Each sentence is a span
//! of its own, so read aloud can highlight the one being said (a background only: the text
//! never moves). Drawn as escaped HTML (`domain::read_aloud::narrative_html`).

use leptos::prelude::*;

use crate::domain::read_aloud::narrative_html;

#[component]
pub fn Narrative(text: String) -> impl IntoView {
    view! { <div class="scene-narrative" inner_html=narrative_html(&text)></div> }
}
