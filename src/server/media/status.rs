//! What the page shows of a scene's picture or clip, held open until it is final, and Retry.

use std::time::Duration;

use crate::domain::media::{MediaKind, MediaStatus, MediaView, VideoMode};
use crate::domain::{urls, TierSpec, VideoModelSpec};
use crate::server::db::media::{self, MediaKey};
use crate::server::db::stories;
use crate::server::spending::{self, Spend};
use crate::server::state::AppState;
use crate::server::storage;

use super::MediaError;

/// The scene's picture or clip as the page shows it; `None` when the scene has no such job.
/// A clip still to be queued (its picture is being made) shows as pending.
pub async fn status(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
    kind: MediaKind,
) -> Result<Option<MediaView>, MediaError> {
    let key = MediaKey {
        tier: tier.name,
        story_id,
        scene_id,
        kind,
    };
    let Some(row) = media::find(&state.db, key).await? else {
        let waiting_for_picture = kind == MediaKind::Video
            && stories::find_story(&state.db, tier.name, story_id)
                .await?
                .is_some_and(|s| s.video_mode == VideoMode::On);
        return Ok(waiting_for_picture.then_some(MediaView {
            status: MediaStatus::Pending,
            url: None,
            error: None,
            progress: None,
        }));
    };
    // While a finished one is regenerated, the old file is what the page shows.
    let shown = match row.status {
        MediaStatus::Complete => row.file_name,
        _ => row.previous_file,
    };
    let file = match shown {
        // A file deleted or damaged on disk counts as none: no player, no error.
        Some(file) => {
            let path = storage::media_path(&state.config.data_dir, tier.name, story_id, &file);
            storage::is_intact(&path, kind).await.then_some(file)
        }
        None => None,
    };
    Ok(Some(MediaView {
        progress: row.progress.filter(|_| !row.status.is_final()),
        status: row.status,
        url: file.map(|file| urls::media(tier.name, story_id, &file)),
        error: row.error,
    }))
}

/// The status once it is final, or as it is when `wait` runs out: the page's status call
/// waits here instead of asking again and again, so a finished picture shows as soon as its
/// job ends.
pub async fn status_when_final(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
    kind: MediaKind,
    wait: Duration,
) -> Result<Option<MediaView>, MediaError> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut finished = state.jobs.finished();
    loop {
        // Subscribed before reading, so a job finishing in between is not missed.
        finished.borrow_and_update();
        let view = status(state, tier, story_id, scene_id, kind).await?;
        let done = view.as_ref().is_none_or(|v| v.status.is_final());
        if done
            || tokio::time::timeout_at(deadline, finished.changed())
                .await
                .is_err()
        {
            return Ok(view);
        }
    }
}

/// Retry of a failed picture or clip: only that one is queued again (FR-022).
pub async fn retry(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
    kind: MediaKind,
) -> Result<(), MediaError> {
    let key = MediaKey {
        tier: tier.name,
        story_id,
        scene_id,
        kind,
    };
    // Over the limit, Retry is refused before anything is queued (the job charges itself
    // when it orders).
    spending::check(
        &state.db,
        &state.config.limits,
        tier,
        Spend::for_media(kind),
    )
    .await?;
    if media::retry(&state.db, key).await? {
        state.jobs.wake();
        return Ok(());
    }
    // A clip that was never queued (whatever stopped it) is queued now, once its picture
    // is final: Retry works on a missing clip as on a failed one.
    if kind == MediaKind::Video && clip_is_missing(state, key).await? {
        media::enqueue(&state.db, key, VideoModelSpec::default_model().key).await?;
        state.jobs.wake();
        return Ok(());
    }
    Err(MediaError::NotFound)
}

/// Regenerate: a new picture or clip for a finished one, the old one shown until the new
/// one is stored. One at a time per scene and kind; a second call while one is under way
/// changes nothing. Counts against the spending limit like any order.
pub async fn regenerate(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
    kind: MediaKind,
) -> Result<(), MediaError> {
    let key = MediaKey {
        tier: tier.name,
        story_id,
        scene_id,
        kind,
    };
    spending::check(
        &state.db,
        &state.config.limits,
        tier,
        Spend::for_media(kind),
    )
    .await?;
    match media::regenerate(&state.db, key).await? {
        media::Regenerate::Queued => {
            state.jobs.wake();
            Ok(())
        }
        media::Regenerate::AlreadyRunning => Ok(()),
        media::Regenerate::NotFinished => Err(MediaError::NotFound),
    }
}

/// A video-mode scene of this tier without a clip job, whose picture is final or absent.
async fn clip_is_missing(state: &AppState, key: MediaKey<'_>) -> Result<bool, MediaError> {
    let video_on = stories::find_story(&state.db, key.tier, key.story_id)
        .await?
        .is_some_and(|s| s.video_mode == VideoMode::On);
    if !video_on
        || stories::find_scene(&state.db, key.tier, key.story_id, key.scene_id)
            .await?
            .is_none()
        || media::find(&state.db, key).await?.is_some()
    {
        return Ok(false);
    }
    let picture = MediaKey {
        kind: MediaKind::Image,
        ..key
    };
    Ok(media::find(&state.db, picture)
        .await?
        .is_none_or(|row| row.status.is_final()))
}
