//! Scenes written ahead of the reader (`written_ahead`): kept aside until their choice is
//! taken. Every query names the tier, like all story data.

use super::Db;

/// A scene written ahead: where it goes and the story length it was written for.
#[derive(Debug, Clone, Copy)]
pub struct Ahead<'a> {
    pub tier: &'a str,
    pub story_id: &'a str,
    pub choice_id: &'a str,
    pub depth: u32,
    pub target_depth: u32,
}

/// Keeps a scene written ahead (a second write of the same choice is ignored: the first one
/// stays).
pub async fn keep(db: &Db, ahead: Ahead<'_>, draft_json: &str) -> sqlx::Result<()> {
    super::query(
        "INSERT INTO written_ahead (choice_id, story_id, tier, depth, target_depth, draft, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(ahead.choice_id)
    .bind(ahead.story_id)
    .bind(ahead.tier)
    .bind(ahead.depth)
    .bind(ahead.target_depth)
    .bind(draft_json)
    .bind(super::now())
    .execute(db)
    .await?;
    Ok(())
}

/// The scene written ahead for `choice_id` for the story's length now (`target_depth`), as
/// `(depth, draft JSON)`; one written for another length is not it.
pub async fn find(
    db: &Db,
    tier: &str,
    story_id: &str,
    choice_id: &str,
    target_depth: u32,
) -> sqlx::Result<Option<(i64, String)>> {
    super::query_as(
        "SELECT depth, draft FROM written_ahead
         WHERE choice_id = ? AND story_id = ? AND tier = ? AND target_depth = ?",
    )
    .bind(choice_id)
    .bind(story_id)
    .bind(tier)
    .bind(target_depth)
    .fetch_optional(db)
    .await
}

/// Drops every scene written ahead of the story (its length changed: they were written
/// for the old one).
pub async fn forget_story(db: &Db, tier: &str, story_id: &str) -> sqlx::Result<u64> {
    let done = super::query("DELETE FROM written_ahead WHERE story_id = ? AND tier = ?")
        .bind(story_id)
        .bind(tier)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// Drops it once it became a scene.
pub async fn forget(db: &Db, tier: &str, choice_id: &str) -> sqlx::Result<()> {
    super::query("DELETE FROM written_ahead WHERE choice_id = ? AND tier = ?")
        .bind(choice_id)
        .bind(tier)
        .execute(db)
        .await?;
    Ok(())
}
