//! `/{tier}/gallery/{story}`: a saved story read from its first scene, each scene with its
//! text, picture and clip (standard controls); the other explored branches are links to
//! the same reader along that branch (`?end=`). Media boxes keep a fixed shape, so
//! nothing jumps while pictures and clips load; a lost file shows nothing.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::use_tier;
use crate::api::story::load_reader;
use crate::components::chapter_card::ChapterTitle;
use crate::components::{
    media_pane::MediaPane, media_status::use_media_status, narrative::Narrative,
    read_aloud::ReadAloud, resource_view::ResourceView,
};
use crate::domain::gallery::{ReaderScene, ReaderView};
use crate::domain::media::{MediaKind, MediaStatus};
use crate::domain::read_aloud::ReadAloudOffer;
use crate::domain::urls;
use crate::domain::TierSpec;

#[component]
pub fn ReaderPage() -> impl IntoView {
    let tier = use_tier();
    view! { <ReaderContent tier/> }
}

#[component]
fn ReaderContent(tier: &'static TierSpec) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let story = Resource::new(
        move || {
            (
                params.with(|p| p.get("story").unwrap_or_default()),
                query.with(|q| q.get("end")),
            )
        },
        move |(story_id, end)| load_reader(tier.name.to_owned(), story_id, end),
    );
    view! {
        <ResourceView
            resource=story
            loading="Loading…"
            render=move |view| view! { <ReaderBody tier view/> }
        />
    }
    .into_any()
}

#[component]
fn ReaderBody(tier: &'static TierSpec, view: ReaderView) -> impl IntoView {
    // Retry of a picture that failed for good is a parent's.
    crate::components::parent_mode::provide_parent_mode(view.parent);
    let story_id = view.story_id.clone();
    // The map opens where the reader was opened (a scene picked on the map), else at the
    // end of the path shown.
    let at = view.at_scene_id.clone();
    let offer = view.read_aloud.clone();
    let map = at
        .as_deref()
        .or(view.scenes.last().map(|last| last.scene_id.as_str()))
        .map(|scene| urls::reader_map(tier.name, &story_id, scene));
    let models = format!(
        "{}{}{}",
        view.text_model_name,
        view.image_model_name
            .as_deref()
            .map(|m| format!(" · Illustrations: {m}"))
            .unwrap_or_default(),
        if view.has_video { " · Video mode" } else { "" },
    );
    view! {
        <article class="reader">
            <p class="scene-meta">{models}</p>
            <h1>{view.title}</h1>
            <p class="reader-links">
                {map.map(|href| view! { <a class="map-link" href=href>"Story map: every branch"</a> })}
                <a
                    class="export"
                    href=urls::export_html(tier.name, &story_id)
                    download=""
                    rel="external"
                >
                    "Export as a web page (works offline)"
                </a>
                <a
                    class="export"
                    href=urls::export_pdf(tier.name, &story_id)
                    download=""
                    rel="external"
                >
                    "Export as a PDF book (to print)"
                </a>
                {view
                    .has_audio
                    .then(|| {
                        view! {
                            <a
                                class="export"
                                href=format!("{}?audio=yes", urls::export_html(tier.name, &story_id))
                                download=""
                                rel="external"
                            >
                                "… with the scenes read aloud (a bigger file)"
                            </a>
                        }
                    })}
                {view
                    .has_video
                    .then(|| {
                        view! {
                            <a
                                class="export"
                                href=format!("{}?clips=no", urls::export_html(tier.name, &story_id))
                                download=""
                                rel="external"
                            >
                                "… without the clips (a much smaller file)"
                            </a>
                        }
                    })}
            </p>
            {(!view.completed).then(|| view! { <p class="notice">"This story is not finished yet."</p> })}
            <ChapterLinks scenes=view.scenes.clone()/>
            {view
                .scenes
                .into_iter()
                .map(|scene| {
                    let here = at.as_deref() == Some(scene.scene_id.as_str());
                    view! { <ReaderSceneView tier story_id=story_id.clone() scene here offer=offer.clone()/> }
                })
                .collect_view()}
            <nav class="scene-nav" aria-label="This story">
                <a href=urls::gallery(tier.name)>"← Back to the gallery"</a>
            </nav>
        </article>
    }
    .into_any()
}

/// An epic story: a link to each chapter's card on this path, to jump there.
#[component]
fn ChapterLinks(scenes: Vec<ReaderScene>) -> impl IntoView {
    let chapters: Vec<_> = scenes.into_iter().filter_map(|s| s.chapter).collect();
    (chapters.len() > 1).then(|| {
        view! {
            <nav class="chapter-nav" aria-label="Chapters">
                <ul class="chapter-links">
                    {chapters
                        .into_iter()
                        .map(|card| {
                            let href = format!("#chapter-{}", card.number);
                            view! { <li><a href=href>{card.heading()}</a></li> }
                        })
                        .collect_view()}
                </ul>
            </nav>
        }
    })
}

#[component]
fn ReaderSceneView(
    tier: &'static TierSpec,
    story_id: String,
    scene: ReaderScene,
    /// The scene the reader was opened at: its anchor is scrolled to, and it is marked.
    here: bool,
    offer: ReadAloudOffer,
) -> impl IntoView {
    // A picture that failed or was lost leaves the text alone; a clip still being made
    // says so and appears when it is ready.
    let image = scene
        .image
        .filter(|i| {
            i.status != MediaStatus::Failed
                && !(i.status == MediaStatus::Complete && i.url.is_none())
        })
        .map(|initial| {
            use_media_status(
                tier.name,
                story_id.clone(),
                scene.scene_id.clone(),
                MediaKind::Image,
                initial,
            )
        });
    let video = scene
        .video
        .filter(|v| {
            v.status != MediaStatus::Failed
                && !(v.status == MediaStatus::Complete && v.url.is_none())
        })
        .map(|initial| {
            use_media_status(
                tier.name,
                story_id.clone(),
                scene.scene_id.clone(),
                MediaKind::Video,
                initial,
            )
        });
    let pane = (image.is_some() || video.is_some())
        .then(|| view! { <MediaPane image video in_reader=true/> }.into_any());
    let branches = (scene.branches.len() > 1).then(|| {
        view! {
            <ul class="branches">
                {scene
                    .branches
                    .into_iter()
                    .map(|b| {
                        if b.taken {
                            view! { <li class="branch taken">"This path: " {b.label}</li> }.into_any()
                        } else {
                            view! {
                                <li class="branch">
                                    <a href=urls::reader_branch(tier.name, &story_id, &b.scene_id)>
                                        "Read the other path: " {b.label}
                                    </a>
                                </li>
                            }
                                .into_any()
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    // A page loaded at `#scene-…` scrolls there by itself; a page the app navigated to may
    // draw the scenes after the browser looked for the anchor, so it is scrolled to here.
    #[cfg(feature = "hydrate")]
    if here {
        let anchor = format!("scene-{}", scene.scene_id);
        Effect::new(move |_| {
            let element = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&anchor));
            if let Some(element) = element {
                element.scroll_into_view();
            }
        });
    }
    let chapter = scene.chapter.map(|card| {
        let id = format!("chapter-{}", card.number);
        view! { <ChapterTitle card id/> }
    });
    view! {
        {chapter}
        <section
            class="reader-scene"
            class:here=here
            id=format!("scene-{}", scene.scene_id)
            data-scene=scene.scene_id.clone()
            aria-current=here.then_some("location")
        >
            {here.then(|| view! { <p class="you-are-here">"You are here"</p> })}
            <h2 class="reader-scene-title">
                {scene.title.unwrap_or_else(|| format!("Scene {}", scene.depth))}
            </h2>
            {pane}
            <ReadAloud tier=tier.name scene_id=scene.scene_id.clone() offer autoplay_here=false/>
            <Narrative text=scene.narrative/>
            {branches}
            {scene.is_ending.then(|| view! { <p class="the-end-mark">"The End"</p> })}
        </section>
    }
    .into_any()
}
