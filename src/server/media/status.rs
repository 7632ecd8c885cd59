//! What the page shows of a scene's picture or clip, held open until it is final, and Retry.

use std::collections::HashMap;
use std::time::Duration;

use crate::domain::media::{MediaKind, MediaStatus, MediaView, VideoMode};
use crate::domain::{urls, video_model, TierSpec};
use crate::server::db::media::{self, MediaKey, MediaRow, SceneMediaRow};
use crate::server::db::stories;
use crate::server::media_store::FileKey;
use crate::server::spending::{self, Spend};
use crate::server::state::AppState;

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
        return Ok(waiting_for_picture.then(pending_clip));
    };
    let intact = match shown_file(&row) {
        Some(file) => {
            let key = FileKey::media(tier.name, story_id, file);
            state.store.is_intact(&key, kind).await
        }
        None => false,
    };
    Ok(Some(view_of(tier, story_id, row, intact)))
}

/// The pictures and clips of a story's scenes as its pages show them (the same answers as
/// [`status`]), read together: one query and one look at the files for the whole page, where
/// asking scene by scene costs two queries and two file checks per scene.
pub struct StoryMedia {
    views: HashMap<(String, MediaKind), MediaView>,
    video_mode: VideoMode,
}

impl StoryMedia {
    /// The scenes of the story that `shown` names (the reader's path; the files of branches
    /// it does not show are not checked).
    pub async fn of_story(
        state: &AppState,
        tier: &'static TierSpec,
        story_id: &str,
        video_mode: VideoMode,
        shown: &[&str],
    ) -> Result<Self, MediaError> {
        let mut rows = media::find_of_story(&state.db, tier.name, story_id).await?;
        rows.retain(|r| shown.contains(&r.scene_id.as_str()));
        Ok(Self::of_rows(state, tier, story_id, video_mode, rows).await)
    }

    /// From rows read with the page's other data (the scene page reads them in its one query).
    pub async fn of_rows(
        state: &AppState,
        tier: &'static TierSpec,
        story_id: &str,
        video_mode: VideoMode,
        rows: Vec<SceneMediaRow>,
    ) -> Self {
        let files = rows
            .iter()
            .filter_map(|r| {
                let file = shown_file(&r.row)?;
                Some((FileKey::media(tier.name, story_id, file), r.kind))
            })
            .collect();
        let mut intact = state.store.are_intact(files).await.into_iter();
        let views = rows
            .into_iter()
            .map(|r| {
                // In the order the files were listed: only rows with a file to show.
                let whole = shown_file(&r.row).is_some() && intact.next().unwrap_or(false);
                ((r.scene_id, r.kind), view_of(tier, story_id, r.row, whole))
            })
            .collect();
        Self { views, video_mode }
    }

    /// The scene's picture or clip, as [`status`] answers it.
    pub fn take(&mut self, scene_id: &str, kind: MediaKind) -> Option<MediaView> {
        match self.views.remove(&(scene_id.to_owned(), kind)) {
            Some(view) => Some(view),
            None => {
                (kind == MediaKind::Video && self.video_mode == VideoMode::On).then(pending_clip)
            }
        }
    }
}

/// A clip whose job is not queued yet: it waits for its scene's picture.
fn pending_clip() -> MediaView {
    MediaView {
        status: MediaStatus::Pending,
        url: None,
        error: None,
        progress: None,
        drawn_with: None,
    }
}

/// The file the page shows: while a finished one is regenerated, the old file.
fn shown_file(row: &MediaRow) -> Option<&str> {
    match row.status {
        MediaStatus::Complete => row.file_name.as_deref(),
        _ => row.previous_file.as_deref(),
    }
}

/// The row as the page shows it; `intact`: its file is there and whole (a file deleted or
/// damaged on disk counts as none: no player, no error).
fn view_of(tier: &TierSpec, story_id: &str, row: MediaRow, intact: bool) -> MediaView {
    let url = shown_file(&row)
        .filter(|_| intact)
        .map(|file| urls::media(tier.name, story_id, file));
    MediaView {
        progress: row.progress.filter(|_| !row.status.is_final()),
        status: row.status,
        url,
        error: row.error,
        // Only a finished picture's: a regeneration under way will be drawn anew.
        drawn_with: row
            .drawn_with
            .filter(|_| row.status == MediaStatus::Complete)
            .and_then(|json| serde_json::from_str(&json).ok()),
    }
}

/// How often a waiting status call reads the row again when other instances share the
/// database: their jobs end without this instance's signal (on SQLite)...
const SHARED_RECHECK: Duration = Duration::from_secs(1);
/// ...or with it, through PostgreSQL's `NOTIFY`; the re-read is then only the safety net for
/// a signal lost with a dropped connection.
const SIGNALLED_RECHECK: Duration = Duration::from_secs(5);

/// The status once it is final, or as it is when `wait` runs out: the page's status call
/// waits here instead of asking again and again, so a finished picture shows as soon as its
/// job ends (on a shared database, within [`SHARED_RECHECK`] when another instance ran it).
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
        if done || tokio::time::Instant::now() >= deadline {
            return Ok(view);
        }
        let recheck = match (state.config.jobs.shared, state.jobs.hears_others()) {
            (_, true) => Some(SIGNALLED_RECHECK),
            (true, false) => Some(SHARED_RECHECK),
            (false, false) => None,
        };
        let until = recheck.map_or(deadline, |r| deadline.min(tokio::time::Instant::now() + r));
        // Woken by this instance's signal, or read again at `until`.
        let _ = tokio::time::timeout_at(until, finished.changed()).await;
    }
}

/// Retry of a failed picture or clip: only that one is queued again.
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
        media::enqueue(&state.db, key, video_model::DEFAULT_KEY).await?;
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

/// A parent's "new look": the pictures drawn below this scene from now on no longer carry its
/// picture (nor any above it), so a character may change (a costume, a new story turn). The
/// pictures already drawn stay.
pub async fn new_look(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
) -> Result<(), MediaError> {
    match stories::set_new_look(&state.db, tier.name, story_id, scene_id).await? {
        true => Ok(()),
        false => Err(MediaError::NotFound),
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
