//! The card before a scene that opens a chapter of an epic story, the same in play and in
//! the reader: not a scene (no choices), a pause between two parts of the story.

use leptos::prelude::*;

use crate::domain::story::ChapterCard;

/// `id` names the card for the reader's chapter links (`#chapter-2`).
#[component]
pub fn ChapterTitle(card: ChapterCard, #[prop(optional)] id: Option<String>) -> impl IntoView {
    view! {
        <header class="chapter-card" id=id>
            <p class="chapter-number">{format!("Chapter {}", card.number)}</p>
            {card.title.map(|title| view! { <p class="chapter-name">{title}</p> })}
        </header>
    }
}
