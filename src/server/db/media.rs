//! Media rows: each is a durable generation job and, once complete, its file.

use sqlx::{FromRow, SqlitePool};

use super::{new_id, now};
use crate::domain::media::{MediaKind, MediaStatus, VideoMode};

/// Which media row: one per scene and kind, always looked up within its tier and story.
#[derive(Debug, Clone, Copy)]
pub struct MediaKey<'a> {
    pub tier: &'a str,
    pub story_id: &'a str,
    pub scene_id: &'a str,
    pub kind: MediaKind,
}

#[derive(Debug, Clone, FromRow)]
pub struct MediaRow {
    pub status: MediaStatus,
    pub error: Option<String>,
    pub file_name: Option<String>,
}

/// A claimed job with what the worker needs to run it.
#[derive(Debug, Clone, FromRow)]
pub struct MediaJob {
    pub id: String,
    pub tier: String,
    pub story_id: String,
    pub scene_id: String,
    pub model: String,
    pub prompt: String,
    /// The story's memory snapshot (JSON) when it runs in memory mode.
    pub memory_context: Option<String>,
    /// The story's video mode (`on` queues a clip after the image).
    pub video_mode: VideoMode,
    /// Video jobs: the provider's request id once submitted, and when.
    pub request_id: Option<String>,
    pub submitted_at: Option<String>,
    /// Video jobs: the scene image's file when that image is complete (image-to-video).
    pub image_file: Option<String>,
}

pub async fn enqueue(db: &SqlitePool, key: MediaKey<'_>, model: &str) -> sqlx::Result<()> {
    let at = now();
    sqlx::query(
        "INSERT INTO media (id, scene_id, story_id, tier, kind, model, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(new_id())
    .bind(key.scene_id)
    .bind(key.story_id)
    .bind(key.tier)
    .bind(key.kind)
    .bind(model)
    .bind(&at)
    .bind(&at)
    .execute(db)
    .await?;
    Ok(())
}

/// Takes the oldest pending job of `kind`, marking it generating in the same statement
/// so two workers never take the same job.
pub async fn claim_next(db: &SqlitePool, kind: MediaKind) -> sqlx::Result<Option<MediaJob>> {
    let claimed: Option<(String,)> = sqlx::query_as(
        "UPDATE media SET status = 'generating', attempts = attempts + 1, updated_at = ?
         WHERE id = (SELECT id FROM media WHERE status = 'pending' AND kind = ? ORDER BY created_at LIMIT 1)
         RETURNING id",
    )
    .bind(now())
    .bind(kind)
    .fetch_optional(db)
    .await?;
    let Some((id,)) = claimed else {
        return Ok(None);
    };
    sqlx::query_as(
        "SELECT m.id, m.tier, m.story_id, m.scene_id, m.model, s.image_prompt AS prompt,
                st.memory_context, st.video_mode, m.request_id, m.submitted_at,
                (SELECT i.file_name FROM media i
                 WHERE i.scene_id = m.scene_id AND i.kind = 'image' AND i.status = 'complete') AS image_file
         FROM media m JOIN scenes s ON s.id = m.scene_id JOIN stories st ON st.id = m.story_id
         WHERE m.id = ?",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn complete(db: &SqlitePool, id: &str, file_name: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE media SET status = 'complete', file_name = ?, error = NULL, updated_at = ? WHERE id = ?")
        .bind(file_name)
        .bind(now())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn fail(db: &SqlitePool, id: &str, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE media SET status = 'failed', error = ?, updated_at = ? WHERE id = ?")
        .bind(error)
        .bind(now())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Records that a video was submitted: from now on the job only polls this request.
pub async fn set_request_id(db: &SqlitePool, id: &str, request_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE media SET request_id = ?, submitted_at = ?, updated_at = ? WHERE id = ?")
        .bind(request_id)
        .bind(now())
        .bind(now())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// After a restart, jobs that were running when the process stopped run again; a video
/// keeps its request id, so it resumes polling instead of being submitted again.
pub async fn requeue_interrupted(db: &SqlitePool) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE media SET status = 'pending', updated_at = ? WHERE status = 'generating'",
    )
    .bind(now())
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

pub async fn find(db: &SqlitePool, key: MediaKey<'_>) -> sqlx::Result<Option<MediaRow>> {
    sqlx::query_as(
        "SELECT status, error, file_name FROM media WHERE tier = ? AND story_id = ? AND scene_id = ? AND kind = ?",
    )
    .bind(key.tier)
    .bind(key.story_id)
    .bind(key.scene_id)
    .bind(key.kind)
    .fetch_optional(db)
    .await
}

/// Retry: a failed job goes back to the queue. Answers whether there was one to retry.
pub async fn retry(db: &SqlitePool, key: MediaKey<'_>) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE media SET status = 'pending', error = NULL, request_id = NULL, submitted_at = NULL,
                          updated_at = ?
         WHERE tier = ? AND story_id = ? AND scene_id = ? AND kind = ? AND status = 'failed'",
    )
    .bind(now())
    .bind(key.tier)
    .bind(key.story_id)
    .bind(key.scene_id)
    .bind(key.kind)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}
