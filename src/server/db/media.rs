//! Media rows: each is a durable generation job and, once complete, its file.

use std::time::Duration;

use sqlx::FromRow;

use super::{Db, On};

use super::{new_id, now, Sql, Statement};
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
    /// While a finished scene's media is regenerated: the file still shown.
    pub previous_file: Option<String>,
    /// What the running job is doing, in the reader's words ("Trying again — 2 of 4").
    pub progress: Option<String>,
    /// A finished picture: what it was drawn with (`DrawnWith` as JSON).
    pub drawn_with: Option<String>,
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
    /// The snapshot's characters in the scene, as its writer named them (JSON list).
    pub present_characters: Option<String>,
    /// The story's picture style, as the illustrator is told it (empty: none).
    pub picture_style: String,
    /// The story's video mode (`on` queues a clip after the image).
    pub video_mode: VideoMode,
    /// The story's image model key (`none` for a text-only story).
    pub story_image_model: Option<String>,
    /// Video jobs: the provider's request id once submitted, and when.
    pub request_id: Option<String>,
    pub submitted_at: Option<String>,
    /// Video jobs: the scene image's file when that image is complete (image-to-video).
    pub image_file: Option<String>,
    /// A regeneration: the finished file that stays until the new one is stored.
    pub previous_file: Option<String>,
}

pub async fn enqueue(db: &Db, key: MediaKey<'_>, model: &str) -> sqlx::Result<()> {
    insert_job(On::Pool(db), key, model).await
}

/// As [`enqueue`], inside the caller's transaction (the scene it is for is stored in it).
pub async fn enqueue_in(
    tx: &mut super::WriteTx,
    key: MediaKey<'_>,
    model: &str,
) -> sqlx::Result<()> {
    insert_job(On::Tx(tx), key, model).await
}

/// The story's cover job, on the row of its first scene, inside the caller's transaction
/// (the ending it follows is stored in it); nothing when the story has one already: a story
/// read to a second ending keeps its first cover.
pub async fn enqueue_cover_in(
    tx: &mut super::WriteTx,
    tier: &str,
    story_id: &str,
    model: &str,
) -> sqlx::Result<()> {
    let at = now();
    super::query(
        "INSERT INTO media (id, scene_id, story_id, tier, kind, model, created_at, updated_at)
         SELECT ?, s.id, s.story_id, s.tier, ?, ?, ?, ?
           FROM scenes s
          WHERE s.story_id = ? AND s.tier = ? AND s.parent_choice_id IS NULL
         ON CONFLICT DO NOTHING",
    )
    .bind(new_id())
    .bind(MediaKind::Cover)
    .bind(model)
    .bind(&at)
    .bind(&at)
    .bind(story_id)
    .bind(tier)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A pending job for `key`; nothing when the scene already has one of that kind.
async fn insert_job(mut on: On<'_>, key: MediaKey<'_>, model: &str) -> sqlx::Result<()> {
    let at = now();
    super::query(
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
    .execute(on.reborrow())
    .await?;
    Ok(())
}

/// The condition (one `?`: the holder) under which a job is still its holder's to run: every
/// write of a running job is fenced by it.
const HELD: &str = "status = 'generating' AND locked_by IS NOT DISTINCT FROM ?";

/// Takes the oldest pending job of `kind`, marking it generating, and answers it only once
/// that claim is committed: no provider is called for a claim that is not durably recorded
/// (a commit that fails on a full disk answers an error, never a job).
///
/// The claim is leased to `holder` (an instance) for `lease`: its heartbeat extends it
/// ([`extend_leases`]), and only the holder can record the job's outcome.
pub async fn claim_next(
    db: &Db,
    kind: MediaKind,
    holder: &str,
    lease: Duration,
) -> sqlx::Result<Option<MediaJob>> {
    let mut tx = super::write_tx(db).await?;
    // On PostgreSQL a job another instance is claiming this moment is skipped, not waited
    // for. (Today's write lock already runs claims one at a time, as SQLite's one writer
    // does; the claim stays right on its own if that lock is ever narrowed.)
    // A cover waits until its story's pictures are made: the reader looking at the ending
    // sees its picture first, and a picture limit is spent on the scenes before the cover.
    let waits = match kind {
        MediaKind::Cover => {
            "AND NOT EXISTS (SELECT 1 FROM media i WHERE i.story_id = m.story_id
                             AND i.kind = 'image' AND i.status IN ('pending', 'generating'))"
        }
        MediaKind::Image | MediaKind::Video => "",
    };
    let claim = |lock: &str| {
        format!(
            "UPDATE media SET status = 'generating', attempts = attempts + 1, progress = NULL,
                              locked_by = ?, lease_until = ?, updated_at = ?
             WHERE id = (SELECT m.id FROM media m WHERE m.status = 'pending' AND m.kind = ? {waits}
                         ORDER BY m.created_at LIMIT 1{lock})
             RETURNING id"
        )
    };
    let claimed: Option<(String,)> =
        super::query_as(Sql::each(claim(""), claim(" FOR UPDATE SKIP LOCKED")))
            .bind(holder)
            .bind(lease_end(lease))
            .bind(now())
            .bind(kind)
            .fetch_optional(&mut tx)
            .await?;
    let Some((id,)) = claimed else {
        tx.rollback().await?;
        return Ok(None);
    };
    let job = super::query_as(JOB)
        .bind(id)
        .fetch_optional(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(job)
}

/// Records what the running picture job sends with its request (`DrawnWith` as JSON), just
/// before it is sent; only while the job is still `holder`'s.
pub async fn set_drawn_with(db: &Db, id: &str, holder: &str, json: &str) -> sqlx::Result<()> {
    super::query(format!(
        "UPDATE media SET drawn_with = ? WHERE id = ? AND {HELD}"
    ))
    .bind(json)
    .bind(id)
    .bind(holder)
    .execute(db)
    .await?;
    Ok(())
}

/// A scene above a picture's scene on the reader's path, with its picture's state.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct AncestorPicture {
    pub scene_id: String,
    pub depth: i64,
    /// A parent asked for a new look after this scene: its picture and those above it are
    /// not carried further down.
    pub new_look: bool,
    /// `None`: the scene has no picture job (a text-only story, or not queued).
    pub status: Option<MediaStatus>,
    pub file_name: Option<String>,
    pub previous_file: Option<String>,
}

/// The scenes above `scene_id` on its path, nearest first, with their pictures: the path a
/// scene hangs from is fixed (each scene has one parent choice), so this is the path the
/// reader took to it whatever else they explored.
pub async fn ancestor_pictures(
    db: &Db,
    tier: &str,
    story_id: &str,
    scene_id: &str,
) -> sqlx::Result<Vec<AncestorPicture>> {
    super::query_as(
        "WITH RECURSIVE up(id, parent_choice_id, lvl) AS (
             SELECT id, parent_choice_id, 0 FROM scenes WHERE id = ? AND story_id = ? AND tier = ?
             UNION ALL
             SELECT s.id, s.parent_choice_id, u.lvl + 1
             FROM up u JOIN choices c ON c.id = u.parent_choice_id JOIN scenes s ON s.id = c.scene_id
         )
         SELECT u.id AS scene_id, s.depth, s.new_look, m.status, m.file_name, m.previous_file
         FROM up u JOIN scenes s ON s.id = u.id
         LEFT JOIN media m ON m.scene_id = u.id AND m.kind = 'image'
         WHERE u.lvl > 0
         ORDER BY u.lvl",
    )
    .bind(scene_id)
    .bind(story_id)
    .bind(tier)
    .fetch_all(db)
    .await
}

/// A job with what its worker needs, by its row's id.
const JOB: &str = "SELECT m.id, m.tier, m.story_id, m.scene_id, m.model, s.image_prompt AS prompt,
        st.memory_context, s.present_characters, st.picture_style, st.video_mode, st.image_model AS story_image_model,
        m.request_id, m.submitted_at, m.previous_file,
        (SELECT i.file_name FROM media i
         WHERE i.scene_id = m.scene_id AND i.kind = 'image' AND i.status = 'complete') AS image_file
    FROM media m JOIN scenes s ON s.id = m.scene_id JOIN stories st ON st.id = m.story_id
    WHERE m.id = ?";

/// A job as its worker would get it, without claiming it (benchmarks and tools).
pub async fn job(db: &Db, id: &str) -> sqlx::Result<Option<MediaJob>> {
    super::query_as(JOB).bind(id).fetch_optional(db).await
}

/// Marks the job complete with its file and, in the same transaction, queues what follows
/// it (the scene's clip after its picture), so a crash between the two cannot lose the clip.
pub async fn complete(
    db: &Db,
    id: &str,
    holder: &str,
    file_name: &str,
    then: Option<(MediaKey<'_>, &str)>,
) -> sqlx::Result<Finished> {
    finish(
        db,
        (id, holder),
        MediaStatus::Complete,
        Some(file_name),
        None,
        false,
        then,
    )
    .await
}

/// As [`complete`], for a failed job with the reader's words. `keep_request`: the provider
/// made it and only storing it failed, so Retry collects the same request again.
pub async fn fail(
    db: &Db,
    id: &str,
    holder: &str,
    error: &str,
    keep_request: bool,
    then: Option<(MediaKey<'_>, &str)>,
) -> sqlx::Result<Finished> {
    finish(
        db,
        (id, holder),
        MediaStatus::Failed,
        None,
        Some(error),
        keep_request,
        then,
    )
    .await
}

/// How a job's end was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finished {
    /// The row is gone: its story was deleted while the job ran.
    Gone,
    /// The job is no longer this instance's: its lease ran out and it went back to the
    /// queue (another instance may be running it). Nothing was recorded.
    LeaseLost,
    /// Recorded; `replaced` is the file a regeneration made obsolete (to delete).
    Recorded { replaced: Option<String> },
}

/// A failed regeneration goes back to the finished file it was to replace; any other
/// failure is a failed job.
const FAIL_KEEPING_PREVIOUS: &str =
    "status = CASE WHEN previous_file IS NOT NULL THEN 'complete' ELSE 'failed' END, \
     file_name = previous_file, previous_file = NULL";

/// Records the job's end and, in the same transaction, queues what follows it. A completed
/// regeneration swaps the new file in and the old one out in this one write; a failed one
/// keeps the old file.
async fn finish(
    db: &Db,
    (id, holder): (&str, &str),
    status: MediaStatus,
    file_name: Option<&str>,
    error: Option<&str>,
    keep_request: bool,
    then: Option<(MediaKey<'_>, &str)>,
) -> sqlx::Result<Finished> {
    let mut tx = super::write_tx(db).await?;
    let found: Option<(Option<String>, bool)> = super::query_as(format!(
        "SELECT previous_file, {HELD} FROM media WHERE id = ?"
    ))
    .bind(holder)
    .bind(id)
    .fetch_optional(&mut tx)
    .await?;
    let (previous, held) = match found {
        None => {
            tx.rollback().await?;
            return Ok(Finished::Gone);
        }
        Some(found) => found,
    };
    // Fenced by the lease: an instance that lost the job records nothing over the new
    // holder's work.
    if !held {
        tx.rollback().await?;
        return Ok(Finished::LeaseLost);
    }
    let complete = status == MediaStatus::Complete;
    let sql = if complete {
        "UPDATE media SET status = 'complete', file_name = ?, previous_file = NULL, progress = NULL, error = ?, \
         keep_request = ?, locked_by = NULL, lease_until = NULL, updated_at = ? WHERE id = ?"
            .to_owned()
    } else {
        format!(
            "UPDATE media SET {FAIL_KEEPING_PREVIOUS}, progress = NULL, error = ?, keep_request = ?, \
             locked_by = NULL, lease_until = NULL, updated_at = ? WHERE id = ?"
        )
    };
    let mut query = super::query(sql);
    if complete {
        query = query.bind(file_name);
    }
    // A failed regeneration keeps the old file; its request is not collected again.
    query
        .bind(error)
        .bind(keep_request && previous.is_none())
        .bind(now())
        .bind(id)
        .execute(&mut tx)
        .await?;
    if let Some((key, model)) = then {
        insert_job(On::Tx(&mut tx), key, model).await?;
    }
    tx.commit().await?;
    Ok(Finished::Recorded {
        replaced: previous.filter(|_| complete),
    })
}

/// Records what a running job is doing (shown while it is not finished).
/// Only `holder`'s: an instance that lost the job does not write over the new run's words.
pub async fn set_progress(db: &Db, id: &str, holder: &str, progress: &str) -> sqlx::Result<()> {
    super::query(format!(
        "UPDATE media SET progress = ? WHERE id = ? AND {HELD}"
    ))
    .bind(progress)
    .bind(id)
    .bind(holder)
    .execute(db)
    .await?;
    Ok(())
}

/// What Regenerate found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regenerate {
    /// A new one is queued; the finished file stays until it is stored.
    Queued,
    /// A regeneration of this scene and kind is already under way: nothing more is queued.
    AlreadyRunning,
    /// Nothing finished to regenerate (none yet, or it failed: that is Retry's job).
    NotFinished,
}

/// Queues a new picture or clip for a finished one, at most one at a time per scene and
/// kind: the conditional update lets exactly one of many concurrent calls through.
pub async fn regenerate(db: &Db, key: MediaKey<'_>) -> sqlx::Result<Regenerate> {
    let done = super::query(
        "UPDATE media SET status = 'pending', previous_file = file_name, error = NULL,
                          attempts = 0, request_id = NULL, submitted_at = NULL,
                          submitting_at = NULL, keep_request = FALSE, updated_at = ?
         WHERE tier = ? AND story_id = ? AND scene_id = ? AND kind = ?
           AND status = 'complete' AND file_name IS NOT NULL AND previous_file IS NULL",
    )
    .bind(now())
    .bind(key.tier)
    .bind(key.story_id)
    .bind(key.scene_id)
    .bind(key.kind)
    .execute(db)
    .await?;
    if done.rows_affected() > 0 {
        return Ok(Regenerate::Queued);
    }
    Ok(match find(db, key).await? {
        Some(row) if row.previous_file.is_some() => Regenerate::AlreadyRunning,
        _ => Regenerate::NotFinished,
    })
}

/// Records that a clip's submission is about to start; the provider is called only after
/// this is committed. A restart that finds it without a request id cannot know whether the
/// clip was ordered (see [`take_back`]).
///
/// Answers `false`, and records nothing, when the job is no longer `holder`'s: then no clip
/// may be ordered for it.
pub async fn mark_submitting(db: &Db, id: &str, holder: &str) -> sqlx::Result<bool> {
    let done = super::query(format!(
        "UPDATE media SET submitting_at = ?, updated_at = ? WHERE id = ? AND {HELD}"
    ))
    .bind(now())
    .bind(now())
    .bind(id)
    .bind(holder)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Records that a video was submitted: from now on the job only polls this request. Answers
/// `false` when the job is no longer `holder`'s (nothing is recorded).
pub async fn set_request_id(
    db: &Db,
    id: &str,
    holder: &str,
    request_id: &str,
) -> sqlx::Result<bool> {
    let done = super::query(format!(
        "UPDATE media SET request_id = ?, submitted_at = ?, updated_at = ? WHERE id = ? AND {HELD}"
    ))
    .bind(request_id)
    .bind(now())
    .bind(now())
    .bind(id)
    .bind(holder)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Extends the leases of the jobs `holder` is running (`running`: their ids; its heartbeat);
/// answers how many. A job whose task ended without recording an outcome (a bug, a panic) is
/// not among them: its lease runs out and it goes back to the queue.
pub async fn extend_leases(
    db: &Db,
    holder: &str,
    running: &[String],
    lease: Duration,
) -> sqlx::Result<u64> {
    if running.is_empty() {
        return Ok(0);
    }
    let done = super::query(with_id_list(&format!(
        "UPDATE media SET lease_until = ? WHERE {HELD} AND id IN (ID_LIST)"
    )))
    .bind(lease_end(lease))
    .bind(holder)
    .bind(ids_json(running))
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// `sql` with `ID_LIST` standing for the ids of one JSON array bound there ([`ids_json`]):
/// one parameter however many ids, in each database's words.
fn with_id_list(sql: &str) -> Sql {
    Sql::each(
        sql.replace("ID_LIST", "SELECT value FROM json_each(?)"),
        sql.replace("ID_LIST", "SELECT json_array_elements_text(?::json)"),
    )
}

/// Ids as one JSON array, bound as a single parameter ([`with_id_list`]).
fn ids_json(ids: &[String]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned())
}

/// When a lease taken now for `lease` runs out, as a stored time.
fn lease_end(lease: Duration) -> String {
    super::stored_time(time::OffsetDateTime::now_utc() + lease)
}

/// Which running jobs [`take_back`] returns to the queue.
#[derive(Debug, Clone, Copy)]
pub enum TakeBack<'a> {
    /// Every one: at the start of the only instance, whatever was running was cut off.
    AllRunning,
    /// Those whose lease ran out, except the ones this instance is running (`running`),
    /// which it knows are alive.
    ExpiredLeases { running: &'a [String] },
}

/// Claims after which a job interrupted by a restart is not run again by itself.
const MAX_ATTEMPTS: i64 = 3;

/// The words a job gets when it was running at each of its last [`MAX_ATTEMPTS`] restarts.
pub const REPEATED_CRASHES: &str = "The server stopped every time it was making this, so it was not tried again by itself. Press Retry to try once more.";

/// The words a clip gets when a restart finds it cut off in the middle of its submission.
pub use crate::domain::media::INTERRUPTED_SUBMISSION;

/// Jobs cut off while running (a restart, or an instance that died and let its lease run
/// out) run again; a video keeps its request id, so it resumes polling instead of being
/// submitted again. A video cut off between "submitting" and its request id is not
/// submitted blindly a second time: it fails with a Retry (ordering it twice would pay for it
/// twice). Answers how many were queued again.
pub async fn take_back(db: &Db, which: TakeBack<'_>) -> sqlx::Result<u64> {
    let mut tx = super::write_tx(db).await?;
    let at = now();
    // One condition for both: every running job, or (when `?` is false) those whose lease
    // ran out, less the ones this instance is running.
    let running = "status = 'generating' AND (? OR lease_until IS NULL OR lease_until < ?)
                   AND id NOT IN (ID_LIST)";
    let (all, alive) = match which {
        TakeBack::AllRunning => (true, ids_json(&[])),
        TakeBack::ExpiredLeases { running } => (false, ids_json(running)),
    };
    // The values of `running`'s placeholders, bound the same way in each statement.
    let of_running = |statement: Statement<()>| statement.bind(all).bind(&at).bind(&alive);
    let released = "locked_by = NULL, lease_until = NULL";
    let unsure_sql = format!(
        "UPDATE media SET {FAIL_KEEPING_PREVIOUS}, {released}, error = ?, updated_at = ?
         WHERE {running} AND kind = 'video' AND submitting_at IS NOT NULL AND request_id IS NULL"
    );
    let unsure = super::query(with_id_list(&unsure_sql))
        .bind(INTERRUPTED_SUBMISSION)
        .bind(&at);
    let unsure = of_running(unsure).execute(&mut tx).await?;
    if unsure.rows_affected() > 0 {
        tracing::warn!(
            clips = unsure.rows_affected(),
            "clips interrupted while being submitted were failed with a Retry, not resubmitted"
        );
    }
    // A job that was running at every one of its last crashes may be what crashes the
    // server: after a few, it waits for a person's Retry instead of running again.
    let crashing_sql = format!(
        "UPDATE media SET {FAIL_KEEPING_PREVIOUS}, {released}, error = ?, updated_at = ?
         WHERE {running} AND attempts >= ?"
    );
    let crashing = super::query(with_id_list(&crashing_sql))
        .bind(REPEATED_CRASHES)
        .bind(&at);
    of_running(crashing)
        .bind(MAX_ATTEMPTS)
        .execute(&mut tx)
        .await?;
    let queued_sql =
        format!("UPDATE media SET status = 'pending', {released}, updated_at = ? WHERE {running}");
    let done = of_running(super::query(with_id_list(&queued_sql)).bind(&at))
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// Start-up repair: every scene of a video-mode story whose picture is final (or that has no
/// picture, in a text-only story) gets its clip job if it has none, whatever stopped it from
/// being queued. Answers how many were queued.
pub async fn queue_missing_clips(db: &Db, clip_model: &str) -> sqlx::Result<u64> {
    let at = now();
    let done = super::query(
        // A fresh random id for each row, as `new_id` makes them (32 hex digits).
        Sql::each(
            queue_missing_clips_sql("lower(hex(randomblob(16)))"),
            queue_missing_clips_sql("replace(gen_random_uuid()::text, '-', '')"),
        ),
    )
    .bind(clip_model)
    .bind(&at)
    .bind(&at)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// [`queue_missing_clips`]'s statement, with `random_id` making each new row's id.
fn queue_missing_clips_sql(random_id: &str) -> String {
    format!(
        "INSERT INTO media (id, scene_id, story_id, tier, kind, model, created_at, updated_at)
         SELECT {random_id}, sc.id, sc.story_id, sc.tier, 'video', ?, ?, ?
         FROM scenes sc JOIN stories st ON st.id = sc.story_id
         WHERE st.video_mode = 'on'
           AND NOT EXISTS (SELECT 1 FROM media v WHERE v.scene_id = sc.id AND v.kind = 'video')
           AND (EXISTS (SELECT 1 FROM media i WHERE i.scene_id = sc.id AND i.kind = 'image'
                        AND i.status IN ('complete', 'failed'))
                OR st.image_model = 'none')
         ON CONFLICT DO NOTHING"
    )
}

/// Start-up repair: every scene of a story with pictures that has no picture job gets one,
/// made with the story's model (`legacy_model` for a story from before models were stored),
/// whatever stopped it from being queued. Answers how many were queued.
pub async fn queue_missing_pictures(db: &Db, legacy_model: &str) -> sqlx::Result<u64> {
    let at = now();
    let done = super::query(Sql::each(
        queue_missing_pictures_sql("lower(hex(randomblob(16)))"),
        queue_missing_pictures_sql("replace(gen_random_uuid()::text, '-', '')"),
    ))
    .bind(legacy_model)
    .bind(&at)
    .bind(&at)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// [`queue_missing_pictures`]'s statement, with `random_id` making each new row's id.
fn queue_missing_pictures_sql(random_id: &str) -> String {
    format!(
        "INSERT INTO media (id, scene_id, story_id, tier, kind, model, created_at, updated_at)
         SELECT {random_id}, sc.id, sc.story_id, sc.tier, 'image', COALESCE(st.image_model, ?), ?, ?
         FROM scenes sc JOIN stories st ON st.id = sc.story_id
         WHERE (st.image_model IS NULL OR st.image_model <> 'none')
           AND NOT EXISTS (SELECT 1 FROM media i WHERE i.scene_id = sc.id AND i.kind = 'image')
         ON CONFLICT DO NOTHING"
    )
}

/// Whether the job is still `holder`'s to run: `None` when its row is gone (the story was
/// deleted), `Some(false)` when its lease ran out and it went back to the queue.
pub async fn held_by(db: &Db, id: &str, holder: &str) -> sqlx::Result<Option<bool>> {
    super::query_scalar(format!("SELECT {HELD} FROM media WHERE id = ?"))
        .bind(holder)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A story's cover row (on whichever scene it hangs: its first).
pub async fn find_cover(db: &Db, tier: &str, story_id: &str) -> sqlx::Result<Option<MediaRow>> {
    super::query_as(
        "SELECT status, error, file_name, previous_file, progress, drawn_with FROM media
         WHERE tier = ? AND story_id = ? AND kind = ?",
    )
    .bind(tier)
    .bind(story_id)
    .bind(MediaKind::Cover)
    .fetch_optional(db)
    .await
}

pub async fn find(db: &Db, key: MediaKey<'_>) -> sqlx::Result<Option<MediaRow>> {
    super::query_as(
        "SELECT status, error, file_name, previous_file, progress, drawn_with FROM media
         WHERE tier = ? AND story_id = ? AND scene_id = ? AND kind = ?",
    )
    .bind(key.tier)
    .bind(key.story_id)
    .bind(key.scene_id)
    .bind(key.kind)
    .fetch_optional(db)
    .await
}

/// A media row with the scene and kind it belongs to.
#[derive(Debug, Clone, FromRow)]
pub struct SceneMediaRow {
    pub scene_id: String,
    pub kind: MediaKind,
    #[sqlx(flatten)]
    pub row: MediaRow,
}

/// Every media row of a story, in one query: a page showing many scenes asks once, not twice
/// per scene.
pub async fn find_of_story(
    db: &Db,
    tier: &str,
    story_id: &str,
) -> sqlx::Result<Vec<SceneMediaRow>> {
    super::query_as(
        "SELECT scene_id, kind, status, error, file_name, previous_file, progress, drawn_with
         FROM media WHERE story_id = ? AND tier = ?",
    )
    .bind(story_id)
    .bind(tier)
    .fetch_all(db)
    .await
}

/// Retry: a failed job goes back to the queue, ordered anew, except a clip the provider made
/// that we could not store: that one is collected again from its request (not paid twice).
/// Answers whether there was one to retry.
pub async fn retry(db: &Db, key: MediaKey<'_>) -> sqlx::Result<bool> {
    let done = super::query(
        "UPDATE media SET status = 'pending', error = NULL, attempts = 0, updated_at = ?,
                          request_id = CASE WHEN keep_request THEN request_id END,
                          submitted_at = CASE WHEN keep_request THEN submitted_at END,
                          submitting_at = CASE WHEN keep_request THEN submitting_at END,
                          keep_request = FALSE
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
