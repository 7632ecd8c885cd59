//! Server functions of the story pages: home, start, scene, choose, media status and
//! retry, abandon, and the gallery and reader of saved stories.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::gallery::{GalleryPage, ReaderView};
use crate::domain::media::{MediaKind, MediaView};
use crate::domain::story::{HomeData, LengthChange, SceneView, StartInput};
use crate::domain::story_map::MapView;
use crate::domain::AppError;

#[cfg(feature = "ssr")]
use super::context;
#[cfg(feature = "ssr")]
use crate::server::{media, story};

/// Where a newly started story begins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartedStory {
    pub story_id: String,
    pub scene_id: String,
}

#[server(endpoint = "home")]
pub async fn load_home(tier: String, sequel: Option<String>) -> Result<HomeData, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    context::answer(story::home(&state, tier, sequel.as_deref()).await)
}

/// Starts a story. `words`: a key the page chose to follow the first scene's words as they
/// come (`/{tier}/start/{words}/words`); a plain form post has none and just waits.
#[server(endpoint = "start_story")]
pub async fn start_story(
    tier: String,
    input: StartInput,
    words: Option<String>,
) -> Result<StartedStory, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    let started = match words.as_deref() {
        Some(key) => story::start_followed(&state, tier, input, key).await,
        None => story::start(&state, tier, input).await,
    };
    let (story_id, scene_id) = context::answer(started)?;
    context::then_go_to(&crate::domain::urls::scene(tier.name, &story_id, &scene_id));
    Ok(StartedStory { story_id, scene_id })
}

#[server(endpoint = "scene")]
pub async fn load_scene(
    tier: String,
    story_id: String,
    scene_id: String,
) -> Result<SceneView, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    let mut view = context::answer(story::scene_view(&state, tier, &story_id, &scene_id).await)?;
    view.parent = context::parent_present(&state, tier).await?;
    Ok(view)
}

/// Follows a choice; answers the id of the scene behind it once it is written and stored.
/// Posted as a plain form (before hydration, or without JavaScript), it waits just the
/// same and then sends the browser to that scene.
#[server(endpoint = "choose")]
pub async fn choose(tier: String, story_id: String, choice_id: String) -> Result<String, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    let scene_id = context::answer(story::choose(&state, tier, &story_id, &choice_id).await)?;
    context::then_go_to(&crate::domain::urls::scene(tier.name, &story_id, &scene_id));
    Ok(scene_id)
}

/// Longest a status call is held open waiting for the image to finish.
pub const STATUS_WAIT_MAX_MS: u32 = 10_000;

/// The status of a scene's image or clip, asked by the scene page until it is final. With
/// `wait_ms` the answer is held back (at most [`STATUS_WAIT_MAX_MS`]) until it is final.
#[server(endpoint = "media_status")]
pub async fn media_status(
    tier: String,
    story_id: String,
    scene_id: String,
    kind: MediaKind,
    wait_ms: u32,
) -> Result<Option<MediaView>, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    let wait = std::time::Duration::from_millis(u64::from(wait_ms.min(STATUS_WAIT_MAX_MS)));
    context::answer(media::status_when_final(&state, tier, &story_id, &scene_id, kind, wait).await)
}

/// Queues a failed image or clip again (only that one; the story is untouched).
#[server(endpoint = "retry_media")]
pub async fn retry_media(
    tier: String,
    story_id: String,
    scene_id: String,
    kind: MediaKind,
) -> Result<(), AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(media::retry(&state, tier, &story_id, &scene_id, kind).await)
}

/// A new picture or clip for a finished one; the old one stays until the new one is stored.
#[server(endpoint = "regenerate_media")]
pub async fn regenerate_media(
    tier: String,
    story_id: String,
    scene_id: String,
    kind: MediaKind,
) -> Result<(), AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(media::regenerate(&state, tier, &story_id, &scene_id, kind).await)
}

/// A new look from the next scene: its pictures no longer carry this scene's (parent only).
#[server(endpoint = "new_look")]
pub async fn new_look(tier: String, story_id: String, scene_id: String) -> Result<(), AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(media::new_look(&state, tier, &story_id, &scene_id).await)
}

/// "Keep going" (`longer`) or "Wrap it up" (`sooner`) from a scene in play; answers what
/// the reader is told. Posted as a plain form, the browser goes back to the scene.
#[server(endpoint = "story_length")]
pub async fn change_length(
    tier: String,
    story_id: String,
    scene_id: String,
    change: LengthChange,
) -> Result<String, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    let told =
        context::answer(story::length::change(&state, tier, &story_id, &scene_id, change).await)?;
    context::then_go_to(&crate::domain::urls::scene(tier.name, &story_id, &scene_id));
    Ok(told)
}

/// "Story so far" for a reader coming back to `scene_id` (`None` on a first scene); asked
/// by the page once it is shown.
#[server(endpoint = "recap")]
pub async fn story_so_far(
    tier: String,
    story_id: String,
    scene_id: String,
) -> Result<Option<String>, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    context::answer(story::recap::so_far(&state, tier, &story_id, &scene_id).await)
}

#[server(endpoint = "abandon_story")]
pub async fn abandon_story(tier: String, story_id: String) -> Result<(), AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    context::answer(story::abandon(&state, tier, &story_id).await)
}

/// One gallery page of the tier (completed stories, newest first; in-progress ones on the
/// first page). `cursor` comes from the previous page.
#[server(endpoint = "gallery")]
pub async fn load_gallery(tier: String, cursor: Option<String>) -> Result<GalleryPage, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    let mut page = context::answer(story::gallery::page(&state, tier, cursor.as_deref()).await)?;
    page.parent = context::parent_present(&state, tier).await?;
    Ok(page)
}

/// A saved story in the reader, along its path (or the branch ending at `end`).
#[server(endpoint = "reader")]
pub async fn load_reader(
    tier: String,
    story_id: String,
    end: Option<String>,
) -> Result<ReaderView, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    let mut view =
        context::answer(story::gallery::reader(&state, tier, &story_id, end.as_deref()).await)?;
    view.parent = context::parent_present(&state, tier).await?;
    Ok(view)
}

/// Deletes a story with all its images and clips.
#[server(endpoint = "delete_story")]
pub async fn delete_story(tier: String, story_id: String) -> Result<(), AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(story::gallery::delete(&state, tier, &story_id).await)
}

/// The story map: every explored scene of the story as a tree, drawn by the server with `at`
/// highlighted, its nodes leading to play (or with `reader` to the reader).
#[server(endpoint = "story_map")]
pub async fn load_story_map(
    tier: String,
    story_id: String,
    at: Option<String>,
    reader: bool,
) -> Result<MapView, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    context::answer(story::map::drawn(&state, tier, &story_id, at, reader).await)
}
