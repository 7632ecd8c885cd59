//! A scene's audio per voice (`scene_audio`): claimed before the model is paid, complete
//! once its file is stored whole. Every query names the tier, like all story data.

use std::time::Duration;

use super::Db;

/// What read aloud needs of a scene: its story, its words, and whether it is a bedtime story.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SpokenScene {
    pub story_id: String,
    pub narrative: String,
    pub bedtime: bool,
}

pub async fn scene(db: &Db, tier: &str, scene_id: &str) -> sqlx::Result<Option<SpokenScene>> {
    super::query_as(
        "SELECT s.story_id, s.narrative, st.bedtime FROM scenes s
         JOIN stories st ON st.id = s.story_id
         WHERE s.id = ? AND st.tier = ?",
    )
    .bind(scene_id)
    .bind(tier)
    .fetch_optional(db)
    .await
}

/// Where a scene's audio in one voice stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AudioRow {
    Absent,
    /// Being made by whoever holds the claim, until its lease runs out.
    Claimed,
    Complete {
        file_name: String,
    },
}

pub async fn find(db: &Db, tier: &str, scene_id: &str, voice: &str) -> sqlx::Result<AudioRow> {
    let row: Option<(String, Option<String>)> = super::query_as(
        "SELECT status, file_name FROM scene_audio WHERE scene_id = ? AND voice = ? AND tier = ?",
    )
    .bind(scene_id)
    .bind(voice)
    .bind(tier)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        None => AudioRow::Absent,
        Some((status, Some(file_name))) if status == "complete" => AudioRow::Complete { file_name },
        Some(_) => AudioRow::Claimed,
    })
}

/// One claim on a scene's audio in one voice.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub tier: &'a str,
    pub story_id: &'a str,
    pub scene_id: &'a str,
    pub voice: &'a str,
    pub model: &'a str,
}

/// Claims the audio for `lease`: true when this call holds it (no row, or a claim whose
/// holder's lease ran out). One statement, so two instances cannot both win.
pub async fn claim(db: &Db, c: Claim<'_>, lease: Duration) -> sqlx::Result<bool> {
    let now = super::now();
    let until = super::stored_time(time::OffsetDateTime::now_utc() + lease);
    let done = super::query(
        "INSERT INTO scene_audio (scene_id, voice, story_id, tier, model, status, lease_until, created_at)
         VALUES (?, ?, ?, ?, ?, 'generating', ?, ?)
         ON CONFLICT (scene_id, voice) DO UPDATE
            SET lease_until = excluded.lease_until, model = excluded.model
            WHERE scene_audio.status = 'generating' AND scene_audio.lease_until < ?",
    )
    .bind(c.scene_id)
    .bind(c.voice)
    .bind(c.story_id)
    .bind(c.tier)
    .bind(c.model)
    .bind(&until)
    .bind(&now)
    .bind(&now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The audio is stored whole under `file_name`.
pub async fn complete(db: &Db, c: Claim<'_>, file_name: &str) -> sqlx::Result<()> {
    super::query(
        "UPDATE scene_audio SET status = 'complete', file_name = ?
         WHERE scene_id = ? AND voice = ? AND tier = ?",
    )
    .bind(file_name)
    .bind(c.scene_id)
    .bind(c.voice)
    .bind(c.tier)
    .execute(db)
    .await?;
    Ok(())
}

/// Gives a claim up (the model failed, or the file could not be stored): the next play
/// claims it again. A complete row is never removed here.
pub async fn release(db: &Db, c: Claim<'_>) -> sqlx::Result<()> {
    super::query(
        "DELETE FROM scene_audio WHERE scene_id = ? AND voice = ? AND tier = ? AND status = 'generating'",
    )
    .bind(c.scene_id)
    .bind(c.voice)
    .bind(c.tier)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets a complete row whose file is gone (removed by hand, lost with a disk): the next
/// play makes it again.
pub async fn forget(db: &Db, tier: &str, scene_id: &str, voice: &str) -> sqlx::Result<()> {
    super::query("DELETE FROM scene_audio WHERE scene_id = ? AND voice = ? AND tier = ?")
        .bind(scene_id)
        .bind(voice)
        .bind(tier)
        .execute(db)
        .await?;
    Ok(())
}

/// Every stored audio file, as `(tier, story_id, file_name)` (the integrity check's list).
pub async fn stored_files(db: &Db) -> sqlx::Result<Vec<(String, String, String)>> {
    super::query_as(
        "SELECT tier, story_id, file_name FROM scene_audio
         WHERE status = 'complete' AND file_name IS NOT NULL",
    )
    .fetch_all(db)
    .await
}

/// The stored audio of a story's scenes, as `(scene_id, voice, file_name)` (exports).
pub async fn of_story(
    db: &Db,
    tier: &str,
    story_id: &str,
) -> sqlx::Result<Vec<(String, String, String)>> {
    super::query_as(
        "SELECT scene_id, voice, file_name FROM scene_audio
         WHERE tier = ? AND story_id = ? AND status = 'complete' AND file_name IS NOT NULL
         ORDER BY scene_id, voice",
    )
    .bind(tier)
    .bind(story_id)
    .fetch_all(db)
    .await
}
