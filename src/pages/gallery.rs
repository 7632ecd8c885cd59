//! `/{tier}/gallery`: first the unfinished stories (being read, or put aside with Start
//! fresh), each with its picture and Read on; then the tier's completed stories, newest
//! first, a page at a time, each card with cover, title, date, scenes read, the exact image
//! model, a Video badge, Read (the main action), and for a parent a quiet Delete with
//! confirmation.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::lazy::{fetch_ahead, ReaderRoute};
use super::use_tier;
use crate::api::story::{load_gallery, AbandonStory, DeleteStory};
use crate::components::{
    confirm::Confirm,
    parent_mode::{is_parent, provide_parent_mode},
    resource_view::{ActionError, ResourceView},
    start_fresh::StartFresh,
};
use crate::domain::gallery::{GalleryPage, InProgressCard, StoryCard};
use crate::domain::story::StoryLink;
use crate::domain::urls;
use crate::domain::TierSpec;

#[component]
pub fn Gallery() -> impl IntoView {
    let tier = use_tier();
    view! { <GalleryContent tier/> }
}

#[component]
fn GalleryContent(tier: &'static TierSpec) -> impl IntoView {
    let query = use_query_map();
    let remove = ServerAction::<DeleteStory>::new();
    let abandon = ServerAction::<AbandonStory>::new();
    let page = Resource::new(
        move || {
            (
                query.with(|q| q.get("after")),
                remove.version().get(),
                abandon.version().get(),
            )
        },
        move |(cursor, _, _)| load_gallery(tier.name.to_owned(), cursor),
    );
    // Read and Continue both lead to a story.
    fetch_ahead::<ReaderRoute>();
    view! {
        <section class="gallery">
            <h1>"Gallery"</h1>
            <ActionError value=remove.value()/>
            <ActionError value=abandon.value()/>
            <ResourceView
                resource=page
                loading="Loading…"
                render=move |data| view! { <GalleryBody tier data remove abandon/> }
            />
        </section>
    }
    .into_any()
}

#[component]
fn GalleryBody(
    tier: &'static TierSpec,
    data: GalleryPage,
    remove: ServerAction<DeleteStory>,
    abandon: ServerAction<AbandonStory>,
) -> impl IntoView {
    let GalleryPage {
        completed,
        next_cursor,
        in_progress,
        parent,
    } = data;
    provide_parent_mode(parent);
    let resume = (!in_progress.is_empty()).then(|| {
        view! {
            <h2>"Unfinished stories"</h2>
            <ul class="story-cards in-progress">
                {in_progress
                    .into_iter()
                    .map(|story| view! { <ResumeItem tier story abandon remove/> })
                    .collect_view()}
            </ul>
        }
    });
    let empty = completed.is_empty().then(|| {
        view! {
            <p class="empty">
                "No finished stories yet. "
                <a href=urls::home(tier.name)>"Start one"</a>
                " and read it to an ending: it will be kept here."
            </p>
        }
    });
    let more = next_cursor.map(|cursor| {
        view! {
            <a class="button older" href=urls::gallery_after(tier.name, &cursor)>
                "Older stories →"
            </a>
        }
    });
    view! {
        {resume}
        <h2>"Finished stories"</h2>
        {empty}
        <ul class="story-cards">
            {completed.into_iter().map(|story| view! { <Card tier story remove/> }).collect_view()}
        </ul>
        <nav class="gallery-nav" aria-label="More stories">{more}</nav>
    }
    .into_any()
}

#[component]
fn ResumeItem(
    tier: &'static TierSpec,
    story: InProgressCard,
    abandon: ServerAction<AbandonStory>,
    remove: ServerAction<DeleteStory>,
) -> impl IntoView {
    let story_id = story.story_id.clone();
    let href = urls::resume(tier.name, &story.story_id, &story.scene_id);
    let title = story.title.clone();
    let place = match story.chapter {
        Some(chapter) => format!("chapter {chapter}, scene {}", story.depth),
        None => format!("scene {}", story.depth),
    };
    let where_ = match story.put_aside {
        true => format!("Put aside at {place}"),
        false => format!("Reading {place}"),
    };
    // Put aside already: Start fresh has nothing more to do.
    let fresh = (!story.put_aside).then(
        || view! { <StartFresh tier story_id=story_id.clone() abandon class="start-fresh"/> },
    );
    view! {
        <li class="story-card in-progress-item" data-story=story.story_id.clone()>
            <a class="card-link" href=href.clone()>
                {cover(story.cover_url)}
                <span class="card-title story-title">{story.title}</span>
            </a>
            <p class="card-meta">
                {where_}
                {story.has_video.then(|| view! { " " <span class="video-badge">"▶ Video"</span> })}
            </p>
            <a class="button primary" href=href>"Read on"</a>
            {fresh}
            <DeleteButton tier story_id title remove/>
        </li>
    }
    .into_any()
}

/// A story's cover picture, or an empty square of the same size.
fn cover(url: Option<String>) -> AnyView {
    match url {
        Some(url) => view! {
            <img
                class="cover"
                src=urls::light_picture(&url, 384)
                srcset=urls::picture_srcset(&url)
                sizes="256px"
                alt=""
                loading="lazy"
                width="256"
                height="256"
            />
        }
        .into_any(),
        None => view! { <div class="cover cover-empty" aria-hidden="true"></div> }.into_any(),
    }
}

/// Delete with its question, for a parent only.
#[component]
fn DeleteButton(
    tier: &'static TierSpec,
    story_id: String,
    title: String,
    remove: ServerAction<DeleteStory>,
) -> impl IntoView {
    is_parent().then(|| {
        view! {
            <Confirm
                label="Delete"
                class="delete-story"
                question=format!("Delete “{title}” with its pictures and clips? This cannot be undone.")
                input=DeleteStory {
                    tier: tier.name.to_owned(),
                    story_id,
                }
                pending=remove.pending()
                on_confirm=Callback::new(move |input| {
                    remove.dispatch(input);
                })
            />
        }
    })
}

/// Where the card's story sits in a sequel chain: the story before it and the one after,
/// each a link to its reader, so the whole chain can be walked from any card.
#[component]
fn SequelChain(
    tier: &'static TierSpec,
    sequel_of: Option<StoryLink>,
    continued_in: Option<StoryLink>,
) -> impl IntoView {
    let link = |words: &'static str, story: StoryLink| {
        view! {
            <li>
                {words} " "
                <a href=urls::reader(tier.name, &story.story_id)>{format!("“{}”", story.title)}</a>
            </li>
        }
    };
    (sequel_of.is_some() || continued_in.is_some()).then(|| {
        view! {
            <ul class="sequel-chain">
                {sequel_of.map(|s| link("Sequel to", s))}
                {continued_in.map(|s| link("Continued in", s))}
            </ul>
        }
    })
}

#[component]
fn Card(
    tier: &'static TierSpec,
    story: StoryCard,
    remove: ServerAction<DeleteStory>,
) -> impl IntoView {
    let href = urls::reader(tier.name, &story.story_id);
    // A book cover gets its title set on it by the page (the model draws no letters); the
    // card's own title below stays what is read out.
    let cover = match story.is_book_cover {
        true => view! {
            <span class="book-cover">
                {cover(story.cover_url)}
                <span class="book-cover-title" aria-hidden="true">{story.title.clone()}</span>
            </span>
        }
        .into_any(),
        false => cover(story.cover_url),
    };
    let model = story
        .image_model_name
        .map(|name| view! { <span class="image-model">{name}</span> });
    let badge = story.has_video.then(|| {
        view! { <span class="video-badge" title="Made in video mode">"▶ Video"</span> }
    });
    let story_id = story.story_id.clone();
    let title = story.title.clone();
    view! {
        <li class="story-card" data-story=story.story_id.clone()>
            <a class="card-link" href=href>
                {cover}
                <span class="card-title">{story.title}</span>
            </a>
            <p class="card-meta">
                <time datetime=story.date_iso>{story.date}</time>
                {match story.chapters {
                    0 => format!(" · {} scene{}", story.scenes, if story.scenes == 1 { "" } else { "s" }),
                    1 => format!(" · 1 chapter, {} scenes", story.scenes),
                    n => format!(" · {n} chapters, {} scenes", story.scenes),
                }}
                " · "
                {model}
                {badge}
            </p>
            <SequelChain tier sequel_of=story.sequel_of continued_in=story.continued_in/>
            <a class="button primary read" href=urls::reader(tier.name, &story.story_id)>"Read"</a>
            <a class="button continue" href=urls::sequel(tier.name, &story.story_id)>"Continue the adventure"</a>
            <a
                class="export"
                href=urls::export_html(tier.name, &story.story_id)
                download=""
                rel="external"
            >
                "Export as a web page"
            </a>
            <a
                class="export"
                href=urls::export_pdf(tier.name, &story.story_id)
                download=""
                rel="external"
            >
                "Export as a PDF book"
            </a>
            <DeleteButton tier story_id title remove/>
        </li>
    }
    .into_any()
}
