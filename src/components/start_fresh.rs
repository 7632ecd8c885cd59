//! "Start fresh" beside a story in progress (start page and gallery): asks first, then
//! puts the story aside. Nothing is lost: it stays in the gallery with the unfinished
//! stories, and reading on takes it up again. A [`Confirm`], so it works before the app
//! has started too.

use leptos::prelude::*;

use super::confirm::Confirm;
use crate::api::story::AbandonStory;
use crate::domain::TierSpec;

#[component]
pub fn StartFresh(
    tier: &'static TierSpec,
    story_id: String,
    /// The page's action: its version reloads the page's data.
    abandon: ServerAction<AbandonStory>,
    class: &'static str,
) -> impl IntoView {
    view! {
        <Confirm
            label="Start fresh"
            class=class
            tone="quiet"
            question="Put this story aside and start a new one? It stays in the gallery, where you can read on later.".to_owned()
            yes="Yes, start fresh"
            yes_class="button primary confirm-start-fresh"
            no="Keep reading"
            input=AbandonStory {
                tier: tier.name.to_owned(),
                story_id,
            }
            pending=abandon.pending()
            on_confirm=Callback::new(move |input| {
                abandon.dispatch(input);
            })
        />
    }
}
