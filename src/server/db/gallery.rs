//! Gallery queries: a tier's completed stories newest first, a page at a time (keyset
//! pagination on completion time and id, so page 40 costs what page 1 costs), the
//! stories still in progress, and deleting a story with everything hanging off it.

use sqlx::FromRow;

use super::Db;

use crate::domain::media::VideoMode;
use crate::domain::story::{StoryLength, StoryStatus};

#[derive(Debug, Clone, FromRow)]
pub struct GalleryRow {
    pub id: String,
    pub title: String,
    pub prompt: String,
    pub image_model: Option<String>,
    pub video_mode: VideoMode,
    /// Its length: an epic story's card counts its chapters.
    pub length: StoryLength,
    pub status: StoryStatus,
    pub completed_at: Option<String>,
    pub updated_at: String,
    pub current_scene_id: Option<String>,
    pub scene_count: i64,
    /// The first scene's image file, when complete.
    pub cover_file: Option<String>,
    /// The story's book cover's file (made when it ended), while there is one.
    pub book_cover: Option<String>,
    /// Depth of the scene the reader is at (in-progress stories).
    pub current_depth: Option<i64>,
    /// A sequel: the story it continues, and that story's title (or its idea).
    pub sequel_of: Option<String>,
    pub sequel_of_title: Option<String>,
    /// Its newest sequel, and that sequel's title (or its idea).
    pub sequel_id: Option<String>,
    pub sequel_title: Option<String>,
}

const COLUMNS: &str = "s.id, s.title, s.prompt, s.image_model, s.video_mode, s.length, s.status, s.completed_at, s.updated_at,
    s.current_scene_id,
    (SELECT COUNT(*) FROM scenes sc WHERE sc.story_id = s.id) AS scene_count,
    (SELECT m.file_name FROM scenes r JOIN media m ON m.scene_id = r.id
      WHERE r.story_id = s.id AND r.parent_choice_id IS NULL AND m.kind = 'image' AND m.status = 'complete') AS cover_file,
    (SELECT b.file_name FROM media b
      WHERE b.story_id = s.id AND b.kind = 'cover' AND b.file_name IS NOT NULL) AS book_cover,
    (SELECT c.depth FROM scenes c WHERE c.id = s.current_scene_id) AS current_depth,
    s.sequel_of,
    (SELECT CASE WHEN o.title = '' THEN o.prompt ELSE o.title END FROM stories o
      WHERE o.id = s.sequel_of) AS sequel_of_title,
    (SELECT n.id FROM stories n WHERE n.sequel_of = s.id
      ORDER BY n.created_at DESC, n.id DESC LIMIT 1) AS sequel_id,
    (SELECT CASE WHEN n.title = '' THEN n.prompt ELSE n.title END FROM stories n WHERE n.sequel_of = s.id
      ORDER BY n.created_at DESC, n.id DESC LIMIT 1) AS sequel_title";

/// Where the next page starts: the last card's completion time and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub completed_at: String,
    pub id: String,
}

/// Up to `limit` completed stories of the tier, newest first, after `cursor`.
pub async fn completed_page(
    db: &Db,
    tier: &str,
    cursor: Option<&Cursor>,
    limit: u32,
) -> sqlx::Result<Vec<GalleryRow>> {
    let (at, id) = cursor.map_or(("~", ""), |c| (c.completed_at.as_str(), c.id.as_str()));
    super::query_as(format!(
        "SELECT {COLUMNS} FROM stories s
         WHERE s.tier = ? AND s.status = 'completed'
           AND (s.completed_at < ? OR (s.completed_at = ? AND s.id < ?) OR ? = '')
         ORDER BY s.completed_at DESC, s.id DESC LIMIT ?"
    ))
    .bind(tier)
    .bind(at)
    .bind(at)
    .bind(id)
    .bind(id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The first scene's complete picture of a story, if any.
pub async fn cover_file(db: &Db, tier: &str, story_id: &str) -> sqlx::Result<Option<String>> {
    super::query_scalar(
        "SELECT m.file_name FROM scenes r JOIN media m ON m.scene_id = r.id
          WHERE r.story_id = ? AND r.tier = ? AND r.parent_choice_id IS NULL
            AND m.kind = 'image' AND m.status = 'complete' AND m.file_name IS NOT NULL",
    )
    .bind(story_id)
    .bind(tier)
    .fetch_optional(db)
    .await
}

/// The tier's unfinished stories (being read, or put aside with Start fresh), most
/// recently read first.
pub async fn in_progress(db: &Db, tier: &str, limit: u32) -> sqlx::Result<Vec<GalleryRow>> {
    super::query_as(format!(
        "SELECT {COLUMNS} FROM stories s
         WHERE s.tier = ? AND s.status IN ('in_progress', 'abandoned')
           AND s.current_scene_id IS NOT NULL
         ORDER BY s.updated_at DESC LIMIT ?"
    ))
    .bind(tier)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Deletes the story; scenes, choices and media rows go with it (foreign keys cascade).
/// `false` when the tier has no such story.
pub async fn delete_story(db: &Db, tier: &str, id: &str) -> sqlx::Result<bool> {
    let done = super::query("DELETE FROM stories WHERE id = ? AND tier = ?")
        .bind(id)
        .bind(tier)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
