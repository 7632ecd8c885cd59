//! Memory mode rows: profiles (the family's preferences) and the roster characters each
//! brings (`profile_characters`, in order). Every query filters by tier, so one tier never
//! sees or touches another's profiles.

use sqlx::FromRow;

use super::{new_id, now, Db, WriteTx};
use crate::domain::profile::ProfileDraft;

#[derive(Debug, Clone, FromRow)]
pub struct ProfileRow {
    pub id: String,
    pub tier: String,
    pub display_name: String,
    /// JSON array of strings.
    pub themes: String,
    pub art_style: String,
    pub tone: String,
    /// JSON array of strings.
    pub favourite_elements: String,
}

impl ProfileRow {
    pub fn themes(&self) -> Vec<String> {
        serde_json::from_str(&self.themes).unwrap_or_default()
    }

    pub fn favourite_elements(&self) -> Vec<String> {
        serde_json::from_str(&self.favourite_elements).unwrap_or_default()
    }
}

const PROFILE_COLUMNS: &str = "id, tier, display_name, themes, art_style, tone, favourite_elements";

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

pub async fn list_profiles(db: &Db, tier: &str) -> sqlx::Result<Vec<ProfileRow>> {
    super::query_as(format!(
        "SELECT {PROFILE_COLUMNS} FROM profiles WHERE tier = ? ORDER BY lower(display_name), created_at"
    ))
    .bind(tier)
    .fetch_all(db)
    .await
}

pub async fn find_profile(db: &Db, tier: &str, id: &str) -> sqlx::Result<Option<ProfileRow>> {
    super::query_as(format!(
        "SELECT {PROFILE_COLUMNS} FROM profiles WHERE id = ? AND tier = ?"
    ))
    .bind(id)
    .bind(tier)
    .fetch_optional(db)
    .await
}

pub async fn insert_profile(db: &Db, tier: &str, draft: &ProfileDraft) -> sqlx::Result<String> {
    let mut tx = super::write_tx(db).await?;
    let id = new_id();
    let at = now();
    super::query(
        "INSERT INTO profiles (id, tier, display_name, themes, art_style, tone, favourite_elements, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(tier)
    .bind(&draft.display_name)
    .bind(json_list(&draft.themes))
    .bind(&draft.art_style)
    .bind(&draft.tone)
    .bind(json_list(&draft.favourite_elements))
    .bind(&at)
    .bind(&at)
    .execute(&mut tx)
    .await?;
    set_characters(&mut tx, tier, &id, &draft.characters).await?;
    tx.commit().await?;
    Ok(id)
}

/// `false` when no profile of that tier has the id.
pub async fn update_profile(
    db: &Db,
    tier: &str,
    id: &str,
    draft: &ProfileDraft,
) -> sqlx::Result<bool> {
    let mut tx = super::write_tx(db).await?;
    let done = super::query(
        "UPDATE profiles SET display_name = ?, themes = ?, art_style = ?, tone = ?, favourite_elements = ?, updated_at = ?
         WHERE id = ? AND tier = ?",
    )
    .bind(&draft.display_name)
    .bind(json_list(&draft.themes))
    .bind(&draft.art_style)
    .bind(&draft.tone)
    .bind(json_list(&draft.favourite_elements))
    .bind(now())
    .bind(id)
    .bind(tier)
    .execute(&mut tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    set_characters(&mut tx, tier, id, &draft.characters).await?;
    tx.commit().await?;
    Ok(true)
}

/// The profile now brings exactly these roster characters, in this order; ids that are not
/// the tier's characters (one deleted meanwhile) are left out.
async fn set_characters(
    tx: &mut WriteTx,
    tier: &str,
    profile_id: &str,
    characters: &[String],
) -> sqlx::Result<()> {
    super::query("DELETE FROM profile_characters WHERE profile_id = ?")
        .bind(profile_id)
        .execute(&mut *tx)
        .await?;
    for (position, character_id) in characters.iter().enumerate() {
        super::query(
            "INSERT INTO profile_characters (profile_id, character_id, position)
             SELECT ?, id, ? FROM characters WHERE id = ? AND tier = ?",
        )
        .bind(profile_id)
        .bind(position)
        .bind(character_id)
        .bind(tier)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Deletes the profile (its roster characters stay); `false` when it is not in this tier.
pub async fn delete_profile(db: &Db, tier: &str, id: &str) -> sqlx::Result<bool> {
    let done = super::query("DELETE FROM profiles WHERE id = ? AND tier = ?")
        .bind(id)
        .bind(tier)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Which roster characters each profile of the tier brings: (profile, character) in each
/// profile's order.
pub async fn links_in_tier(db: &Db, tier: &str) -> sqlx::Result<Vec<(String, String)>> {
    super::query_as(
        "SELECT pc.profile_id, pc.character_id FROM profile_characters pc
         JOIN profiles p ON p.id = pc.profile_id
         WHERE p.tier = ? ORDER BY pc.profile_id, pc.position",
    )
    .bind(tier)
    .fetch_all(db)
    .await
}
