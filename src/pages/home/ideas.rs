//! The story idea cards above the start form: a tap fills the form in place (no request);
//! the chosen card stays marked, and a second tap on it empties the form again. "More
//! ideas" shows the next cards of the tier's pool, which the server shuffles on each visit.
//! Without the app running, each card is a link to the home page with the form filled and
//! "More ideas" a reload (a new shuffle).

use leptos::prelude::*;

use crate::domain::template::{page_of_cards, StoryTemplate, CARDS_SHOWN};
use crate::domain::urls;

#[component]
pub fn IdeaCards(
    tier: &'static str,
    templates: Vec<StoryTemplate>,
    /// The id of the card the form was filled from.
    chosen: RwSignal<Option<String>>,
    /// Fills the form from a card (`Some`) or empties it (`None`, a second tap).
    on_pick: Callback<Option<StoryTemplate>>,
) -> impl IntoView {
    if templates.is_empty() {
        return ().into_any();
    }
    let count = templates.len();
    let page = RwSignal::new(0_usize);
    let templates = StoredValue::new(templates);
    let cards = move || {
        page_of_cards(count, page.get())
            .into_iter()
            .filter_map(|i| templates.with_value(|all| all.get(i).cloned()))
            .map(|template| view! { <IdeaCard tier template chosen on_pick/> })
            .collect_view()
    };
    view! {
        <section class="ideas" id="ideas" aria-labelledby="ideas-heading">
            <h2 id="ideas-heading">"Story ideas"</h2>
            <ul class="idea-cards">{cards}</ul>
            {(count > CARDS_SHOWN).then(|| view! {
                <a
                    class="button more-ideas"
                    href=format!("{}#ideas", urls::home(tier))
                    on:click=move |ev| {
                        ev.prevent_default();
                        page.update(|p| *p += 1);
                    }
                >
                    "More ideas"
                </a>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn IdeaCard(
    tier: &'static str,
    template: StoryTemplate,
    chosen: RwSignal<Option<String>>,
    on_pick: Callback<Option<StoryTemplate>>,
) -> impl IntoView {
    let id = template.id.clone();
    let is_chosen = Memo::new(move |_| chosen.with(|c| c.as_deref() == Some(id.as_str())));
    let href = urls::home_with_idea(tier, &template.id);
    let (emoji, title, blurb) = (
        template.emoji.clone(),
        template.title.clone(),
        template.blurb.clone(),
    );
    view! {
        <li>
            <a
                class="idea-card"
                role="button"
                aria-pressed=move || if is_chosen.get() { "true" } else { "false" }
                href=href
                on:click=move |ev| {
                    ev.prevent_default();
                    let again = is_chosen.get_untracked();
                    on_pick.run((!again).then(|| template.clone()));
                }
            >
                <span class="idea-emoji" aria-hidden="true">{emoji}</span>
                <strong>{title}</strong>
                <span class="idea-blurb">{blurb}</span>
            </a>
        </li>
    }
}
