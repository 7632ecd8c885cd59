//! Scenes written ahead of the reader (`written_ahead`): kept aside until their choice is
//! taken. Every query names the tier, like all story data.

use super::Db;

/// Keeps a scene written ahead for `choice_id` (a second write of the same choice is
/// ignored: the first one stays).
pub async fn keep(
    db: &Db,
    tier: &str,
    story_id: &str,
    choice_id: &str,
    depth: u32,
    draft_json: &str,
) -> sqlx::Result<()> {
    super::query(
        "INSERT INTO written_ahead (choice_id, story_id, tier, depth, draft, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(choice_id)
    .bind(story_id)
    .bind(tier)
    .bind(depth)
    .bind(draft_json)
    .bind(super::now())
    .execute(db)
    .await?;
    Ok(())
}

/// The scene written ahead for `choice_id`, as `(depth, draft JSON)`.
pub async fn find(
    db: &Db,
    tier: &str,
    story_id: &str,
    choice_id: &str,
) -> sqlx::Result<Option<(i64, String)>> {
    super::query_as(
        "SELECT depth, draft FROM written_ahead WHERE choice_id = ? AND story_id = ? AND tier = ?",
    )
    .bind(choice_id)
    .bind(story_id)
    .bind(tier)
    .fetch_optional(db)
    .await
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
