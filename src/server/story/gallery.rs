//! Saved stories: the gallery's pages, the reader's path through a story, and deleting a
//! story with all its files.

use std::collections::HashMap;

use super::engine::{image_model_of, story_title, text_model_label};
use super::StoryError;
use crate::domain::gallery::{
    Branch, GalleryPage, InProgressCard, ReaderScene, ReaderView, StoryCard, GALLERY_PAGE_SIZE,
};
use crate::domain::media::{MediaKind, VideoMode};
use crate::domain::story::{chapter_place, ChapterCard, StoryLink, StoryStatus};
use crate::domain::TierSpec;
use crate::server::db::gallery::{self as repo, Cursor, GalleryRow};
use crate::server::db::stories::{self, ChoiceRow};
use crate::server::media::StoryMedia;
use crate::server::media_store::{FileKey, Folder};
use crate::server::state::AppState;

/// Most in-progress stories listed below the finished ones (newest first).
const IN_PROGRESS_MAX: u32 = 5;
/// A reader path never goes deeper than this (a guard against a damaged tree).
const MAX_PATH: usize = 64;

/// One gallery page: completed stories after `cursor` (the first page when `None`).
pub async fn page(
    state: &AppState,
    tier: &'static TierSpec,
    cursor: Option<&str>,
) -> Result<GalleryPage, StoryError> {
    let cursor = cursor.map(parse_cursor).transpose()?;
    let rows =
        repo::completed_page(&state.db, tier.name, cursor.as_ref(), GALLERY_PAGE_SIZE + 1).await?;
    let more = rows.len() > GALLERY_PAGE_SIZE as usize;
    let rows = &rows[..rows.len().min(GALLERY_PAGE_SIZE as usize)];
    let next_cursor = rows.last().filter(|_| more).map(|last| {
        format!(
            "{}~{}",
            last.completed_at.as_deref().unwrap_or_default(),
            last.id
        )
    });
    // The cards' pictures are checked at once (with a bucket, each check can be a request).
    let completed = futures::future::join_all(rows.iter().map(|row| card(state, tier, row))).await;
    let in_progress = match cursor {
        None => {
            let rows = repo::in_progress(&state.db, tier.name, IN_PROGRESS_MAX).await?;
            let cards = rows
                .into_iter()
                .map(|row| unfinished_card(state, tier, row));
            futures::future::join_all(cards)
                .await
                .into_iter()
                .flatten()
                .collect()
        }
        Some(_) => Vec::new(),
    };
    Ok(GalleryPage {
        completed,
        next_cursor,
        in_progress,
        // Said by the server function, which knows the request.
        parent: false,
    })
}

fn parse_cursor(raw: &str) -> Result<Cursor, StoryError> {
    // Ids are hex and times RFC 3339, so `~` never appears inside either.
    let (completed_at, id) = raw.split_once('~').ok_or(StoryError::NotFound)?;
    Ok(Cursor {
        completed_at: completed_at.to_owned(),
        id: id.to_owned(),
    })
}

fn title_of(row: &GalleryRow) -> String {
    if row.title.is_empty() {
        super::scene_json::first_sentence(&row.prompt).to_owned()
    } else {
        row.title.clone()
    }
}

/// The address of a story's picture file (its cover, or its first scene's picture), when the
/// file is intact.
async fn intact_cover(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    file: Option<&str>,
) -> Option<String> {
    let file = file?;
    let key = FileKey::media(tier.name, story_id, file);
    state
        .store
        .is_intact(&key, MediaKind::Image)
        .await
        .then(|| crate::domain::urls::media(tier.name, story_id, file))
}

/// A story's cover address (for the start page's "Continue" banner).
pub async fn cover_url(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
) -> Result<Option<String>, StoryError> {
    let file = repo::cover_file(&state.db, tier.name, story_id).await?;
    Ok(intact_cover(state, tier, story_id, file.as_deref()).await)
}

async fn unfinished_card(
    state: &AppState,
    tier: &'static TierSpec,
    row: GalleryRow,
) -> Option<InProgressCard> {
    let cover_url = intact_cover(state, tier, &row.id, row.cover_file.as_deref()).await;
    Some(InProgressCard {
        put_aside: row.status == StoryStatus::Abandoned,
        cover_url,
        scene_id: row.current_scene_id.clone()?,
        depth: row.current_depth.unwrap_or(1) as u32,
        chapter: row
            .length
            .has_chapters()
            .then(|| chapter_place(row.current_depth.unwrap_or(1) as u32).0),
        title: title_of(&row),
        image_model_name: image_model_of(row.image_model.as_deref())
            .map(|key| state.models.image(Some(key)).label()),
        has_video: row.video_mode == VideoMode::On,
        story_id: row.id,
    })
}

async fn card(state: &AppState, tier: &'static TierSpec, row: &GalleryRow) -> StoryCard {
    // The book cover once it is made and whole; until then (or when it failed) the first
    // scene's picture.
    let book_cover = intact_cover(state, tier, &row.id, row.book_cover.as_deref()).await;
    let is_book_cover = book_cover.is_some();
    let cover_url = match book_cover {
        Some(url) => Some(url),
        None => intact_cover(state, tier, &row.id, row.cover_file.as_deref()).await,
    };
    let finished = row.completed_at.as_deref().unwrap_or(&row.updated_at);
    StoryCard {
        story_id: row.id.clone(),
        title: title_of(row),
        date: spoken_date(finished, time::OffsetDateTime::now_utc().date()),
        date_iso: finished.chars().take(10).collect(),
        // The scenes of the path that was read to its ending, not every explored branch.
        scenes: row.current_depth.unwrap_or(row.scene_count) as u32,
        chapters: match row.length.has_chapters() {
            true => chapter_place(row.current_depth.unwrap_or(row.scene_count) as u32).0,
            false => 0,
        },
        image_model_name: image_model_of(row.image_model.as_deref())
            .map(|key| state.models.image(Some(key)).label()),
        has_video: row.video_mode == VideoMode::On,
        cover_url,
        is_book_cover,
        sequel_of: link(&row.sequel_of, &row.sequel_of_title),
        continued_in: link(&row.sequel_id, &row.sequel_title),
    }
}

/// A story of the card's sequel chain, titled as its card is.
fn link(id: &Option<String>, title: &Option<String>) -> Option<StoryLink> {
    Some(StoryLink {
        story_id: id.clone()?,
        title: super::scene_json::first_sentence(title.as_deref()?).to_owned(),
    })
}

/// A stored time as a person says the day: "today", "yesterday", "3 Dec", or "3 Dec 2025"
/// in another year; what cannot be read stays as it is.
fn spoken_date(stored: &str, today: time::Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let Some(day) = stored
        .get(..10)
        .and_then(|d| time::Date::parse(d, &format).ok())
    else {
        return stored.to_owned();
    };
    if day == today {
        return "today".into();
    }
    if today.previous_day() == Some(day) {
        return "yesterday".into();
    }
    let month = &[
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][usize::from(u8::from(day.month())) - 1];
    match day.year() == today.year() {
        true => format!("{} {month}", day.day()),
        false => format!("{} {month} {}", day.day(), day.year()),
    }
}

/// The reader: the path from the first scene to `end` (default: where the reader last
/// was, i.e. the ending reached), continued down the first explored branch below it.
pub async fn reader(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    end: Option<&str>,
) -> Result<ReaderView, StoryError> {
    let story = stories::find_story(&state.db, tier.name, story_id)
        .await?
        .ok_or(StoryError::NotFound)?;
    let asked = end.map(str::to_owned);
    let end = match end.or(story.current_scene_id.as_deref()) {
        Some(end) => end.to_owned(),
        None => stories::root_scene_id(&state.db, tier.name, story_id)
            .await?
            .ok_or(StoryError::NotFound)?,
    };
    let mut path = stories::path_to(&state.db, tier.name, &end).await?;
    if path
        .first()
        .is_none_or(|first| first.scene.story_id != story.id)
    {
        return Err(StoryError::NotFound);
    }
    // Every choice and every picture and clip of the story, in one query each (not per scene).
    let mut choices_of: HashMap<String, Vec<ChoiceRow>> = HashMap::new();
    for choice in stories::choices_of_story(&state.db, tier.name, &story.id).await? {
        choices_of
            .entry(choice.scene_id.clone())
            .or_default()
            .push(choice);
    }
    let no_choices = Vec::new();
    let choices = |scene_id: &str| choices_of.get(scene_id).unwrap_or(&no_choices);
    // Below the end, follow the first explored choice to the end of that branch.
    while path.len() < MAX_PATH {
        let Some(last) = path.last() else { break };
        let Some(next) = choices(&last.scene.id)
            .iter()
            .find_map(|c| c.next_scene_id.clone())
        else {
            break;
        };
        let mut below = stories::path_to(&state.db, tier.name, &next).await?;
        match below.pop() {
            Some(scene) => path.push(scene),
            None => break,
        }
    }
    let has_images = image_model_of(story.image_model.as_deref()).is_some();
    let has_video = story.video_mode == VideoMode::On;
    let on_path: Vec<&str> = path.iter().map(|row| row.scene.id.as_str()).collect();
    let mut shown =
        StoryMedia::of_story(state, tier, &story.id, story.video_mode, &on_path).await?;
    let mut scenes = Vec::with_capacity(path.len());
    for (i, row) in path.iter().enumerate() {
        let scene = &row.scene;
        let taken_next = path.get(i + 1).map(|n| n.scene.id.as_str());
        let branches = choices(&scene.id)
            .iter()
            .filter_map(|c| {
                let target = c.next_scene_id.clone()?;
                Some(Branch {
                    taken: Some(target.as_str()) == taken_next,
                    label: c.label.clone(),
                    scene_id: target,
                })
            })
            .collect();
        let image = has_images
            .then(|| shown.take(&scene.id, MediaKind::Image))
            .flatten();
        let video = has_video
            .then(|| shown.take(&scene.id, MediaKind::Video))
            .flatten();
        scenes.push(ReaderScene {
            scene_id: scene.id.clone(),
            depth: scene.depth as u32,
            title: scene.title.clone(),
            chapter: ChapterCard::opening(
                story.length,
                scene.depth as u32,
                scene.chapter_title.clone(),
            ),
            narrative: scene.narrative.clone(),
            is_ending: scene.is_ending,
            image,
            video,
            branches,
        });
    }
    Ok(ReaderView {
        story_id: story.id.clone(),
        title: story_title(&story),
        text_model_name: text_model_label(state, &story.text_model),
        image_model_name: image_model_of(story.image_model.as_deref())
            .map(|key| state.models.image(Some(key)).label()),
        has_video,
        completed: story.status == StoryStatus::Completed,
        at_scene_id: asked.filter(|at| scenes.iter().any(|s| &s.scene_id == at)),
        read_aloud: super::engine::read_aloud_offer(state, tier, story.bedtime),
        has_audio: !crate::server::db::scene_audio::of_story(&state.db, tier.name, &story.id)
            .await?
            .is_empty(),
        scenes,
        // Said by the server function, which knows the request.
        parent: false,
    })
}

/// Deletes a story: its rows first (so nothing serves its files any more), then every
/// image and clip on disk. Nothing of another story is touched.
pub async fn delete(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
) -> Result<(), StoryError> {
    let folder = Folder::media(tier.name, story_id);
    let deleted = match repo::delete_story(&state.db, tier.name, story_id).await {
        // A full disk refuses even a deletion: a parent deleting stories to free space
        // would be stuck. The story's files go first then (only a story of this tier that
        // is there), which frees the room its rows' deletion needs.
        Err(e) if crate::server::db::is_storage_failure(&e) => {
            if stories::find_story(&state.db, tier.name, story_id)
                .await?
                .is_none()
            {
                return Err(StoryError::NotFound);
            }
            tracing::warn!(error = %e, story_id, "storage full: the story's files go first");
            if let Err(e) = state.store.remove_folder(&folder).await {
                tracing::warn!(error = %e, story_id, "the story's files could not be removed");
            }
            repo::delete_story(&state.db, tier.name, story_id).await?
        }
        other => other?,
    };
    if !deleted {
        return Err(StoryError::NotFound);
    }
    if let Err(e) = state.store.remove_folder(&folder).await {
        tracing::error!(error = %e, story_id, "story deleted but its media files could not be removed");
    }
    tracing::info!(tier = tier.name, story_id, "story deleted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::spoken_date;

    #[test]
    fn dates_are_said_as_a_person_says_them() {
        let today = time::macros::date!(2026 - 12 - 07);
        assert_eq!(spoken_date("2026-12-07T10:00:00Z", today), "today");
        assert_eq!(spoken_date("2026-12-06T23:59:00Z", today), "yesterday");
        assert_eq!(spoken_date("2026-12-03T10:00:00Z", today), "3 Dec");
        assert_eq!(spoken_date("2025-01-30T10:00:00Z", today), "30 Jan 2025");
        assert_eq!(spoken_date("x", today), "x");
    }
}
