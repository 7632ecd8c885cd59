//! "Start fresh" beside a story in progress (home page and gallery): abandons it, as a
//! [`PostButton`], so it works before the app has started too.

use leptos::prelude::*;

use super::post_button::PostButton;
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
        <PostButton
            input=AbandonStory {
                tier: tier.name.to_owned(),
                story_id,
            }
            label="Start fresh"
            class
            pending=abandon.pending()
            on_press=Callback::new(move |input| {
                abandon.dispatch(input);
            })
        />
    }
}
