//! `/{tier}/story/{story}/map` (in play) and `/{tier}/gallery/{story}/map` (in the reader):
//! the story map. The SVG is made by `domain::story_map` on the server only, for the first
//! paint (it works before hydration and without JavaScript) and in the server function's
//! answer when the app goes to a map: the layout's code stays out of the page's module.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::use_tier;
use crate::api::story::load_story_map;
use crate::components::resource_view::ResourceView;
use crate::domain::story_map::MapView;
use crate::domain::urls;
use crate::domain::TierSpec;

/// Where the map was opened from, which decides where its nodes lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A node opens that scene in play.
    Play,
    /// A node reads the saved story along that scene's branch.
    Reader,
}

#[component]
pub fn PlayMapPage() -> impl IntoView {
    let tier = use_tier();
    view! { <MapContent tier mode=Mode::Play/> }
}

#[component]
pub fn ReaderMapPage() -> impl IntoView {
    let tier = use_tier();
    view! { <MapContent tier mode=Mode::Reader/> }
}

#[component]
fn MapContent(tier: &'static TierSpec, mode: Mode) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let asked = move || {
        (
            params.with(|p| p.get("story").unwrap_or_default()),
            query.with(|q| q.get("at")),
        )
    };
    let map = Resource::new(asked, move |(story, at)| {
        load_story_map(tier.name.to_owned(), story, at, mode == Mode::Reader)
    });
    view! {
        <ResourceView
            resource=map
            loading="Drawing the story map…"
            render=move |map| view! { <MapBody tier mode map/> }
        />
    }
}

#[component]
fn MapBody(tier: &'static TierSpec, mode: Mode, map: MapView) -> impl IntoView {
    let MapView {
        story_id,
        title,
        svg,
        current,
        middle,
        width,
        count,
    } = map;
    let scroller = NodeRef::<leptos::html::Div>::new();
    // The map's box opens with "you are here" in its middle (a phone shows a part of a
    // wide map).
    Effect::new(move || {
        if let (Some(scroller), Some(middle)) = (scroller.get(), middle) {
            // Once the map is laid out: before that its box has no width to scroll.
            request_animation_frame(move || {
                let half = scroller.client_width() / 2;
                scroller.set_scroll_left(i32::try_from(middle).unwrap_or(0) - half);
            });
        }
    });
    // Wider than a phone: say that the map goes on sideways.
    let wide = (width > 340).then(|| {
        view! { <p class="hint map-scroll-hint">"The map is wider than the screen: swipe it sideways to see all of it."</p> }
    });
    let back = match (mode, current.as_deref()) {
        (Mode::Play, Some(scene)) => view! {
            <a class="back-link" href=urls::scene(tier.name, &story_id, scene)>"← Back to the scene"</a>
        }
        .into_any(),
        (Mode::Reader, Some(scene)) => view! {
            <a class="back-link" href=urls::reader_branch(tier.name, &story_id, scene)>"← Back to the story"</a>
        }
        .into_any(),
        (_, None) => ().into_any(),
    };
    view! {
        <section class="story-map-page">
            <h1>{format!("Story map: {title}")}</h1>
            <p class="map-legend">
                {format!("{count} scene{} explored. ", if count == 1 { "" } else { "s" })}
                "The highlighted scene is where you are; the bold line is the way there. "
                "A dotted stub marks choices nobody has taken yet. Pick a scene to go there."
            </p>
            {wide}
            <div class="story-map-scroll" node_ref=scroller inner_html=svg></div>
            <nav class="scene-nav" aria-label="Back">{back}</nav>
        </section>
    }
}
