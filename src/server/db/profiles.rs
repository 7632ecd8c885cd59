//! Memory mode rows: profiles and their characters (with the reference photo's file name).
//! Every query filters by tier, so one tier never sees or touches another's profiles.

use sqlx::FromRow;

use super::Db;

use super::{new_id, now};
use crate::domain::profile::{CharacterDraft, ProfileDraft, MAX_CHARACTERS};

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

#[derive(Debug, Clone, FromRow)]
pub struct CharacterRow {
    pub id: String,
    pub profile_id: String,
    pub tier: String,
    pub name: String,
    pub description: String,
    pub linked_profile_id: Option<String>,
    pub photo_file: Option<String>,
    pub photo_width: Option<i64>,
    pub photo_height: Option<i64>,
    /// The builder's picks (JSON), if any were made.
    pub traits: Option<String>,
}

/// Why a character could not be added.
#[derive(Debug, thiserror::Error)]
pub enum CharacterInsertError {
    #[error("the profile does not exist in this tier")]
    NoProfile,
    #[error("the profile already has {MAX_CHARACTERS} characters")]
    Full,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

const PROFILE_COLUMNS: &str = "id, tier, display_name, themes, art_style, tone, favourite_elements";
const CHARACTER_COLUMNS: &str = "id, profile_id, tier, name, description, linked_profile_id, photo_file, photo_width, photo_height, traits";

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
    .execute(db)
    .await?;
    Ok(id)
}

/// `false` when no profile of that tier has the id.
pub async fn update_profile(
    db: &Db,
    tier: &str,
    id: &str,
    draft: &ProfileDraft,
) -> sqlx::Result<bool> {
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
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the profile and (by cascade) its characters; returns those characters so the
/// caller can delete their photos. `None` when the profile is not in this tier.
pub async fn delete_profile(
    db: &Db,
    tier: &str,
    id: &str,
) -> sqlx::Result<Option<Vec<CharacterRow>>> {
    let mut tx = super::write_tx(db).await?;
    let characters: Vec<CharacterRow> = super::query_as(format!(
        "SELECT {CHARACTER_COLUMNS} FROM characters WHERE profile_id = ? AND tier = ?"
    ))
    .bind(id)
    .bind(tier)
    .fetch_all(&mut tx)
    .await?;
    let done = super::query("DELETE FROM profiles WHERE id = ? AND tier = ?")
        .bind(id)
        .bind(tier)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok((done.rows_affected() == 1).then_some(characters))
}

/// All characters of the tier, in the order they were added.
pub async fn characters_in_tier(db: &Db, tier: &str) -> sqlx::Result<Vec<CharacterRow>> {
    super::query_as(format!(
        "SELECT {CHARACTER_COLUMNS} FROM characters WHERE tier = ? ORDER BY created_at, id"
    ))
    .bind(tier)
    .fetch_all(db)
    .await
}

pub async fn find_character(db: &Db, tier: &str, id: &str) -> sqlx::Result<Option<CharacterRow>> {
    super::query_as(format!(
        "SELECT {CHARACTER_COLUMNS} FROM characters WHERE id = ? AND tier = ?"
    ))
    .bind(id)
    .bind(tier)
    .fetch_optional(db)
    .await
}

/// Adds a character, checking in the same transaction that the profile is in this tier
/// and has room (so two quick submits cannot make an eleventh).
pub async fn insert_character(
    db: &Db,
    tier: &str,
    profile_id: &str,
    draft: &CharacterDraft,
) -> Result<String, CharacterInsertError> {
    let mut tx = super::write_tx(db).await?;
    let count: Option<i64> = super::query_scalar(
        "SELECT (SELECT COUNT(*) FROM characters WHERE profile_id = p.id) FROM profiles p WHERE p.id = ? AND p.tier = ?",
    )
    .bind(profile_id)
    .bind(tier)
    .fetch_optional(&mut tx)
    .await?;
    match count {
        None => return Err(CharacterInsertError::NoProfile),
        Some(n) if n as usize >= MAX_CHARACTERS => return Err(CharacterInsertError::Full),
        Some(_) => {}
    }
    let id = new_id();
    let at = now();
    super::query(
        "INSERT INTO characters (id, profile_id, tier, name, description, linked_profile_id, traits,
                                 created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(profile_id)
    .bind(tier)
    .bind(&draft.name)
    .bind(&draft.description)
    .bind(&draft.linked_profile_id)
    .bind(draft.traits_json())
    .bind(&at)
    .bind(&at)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_character(
    db: &Db,
    tier: &str,
    id: &str,
    draft: &CharacterDraft,
) -> sqlx::Result<bool> {
    let done = super::query(
        "UPDATE characters SET name = ?, description = ?, linked_profile_id = ?, traits = ?,
                               updated_at = ?
         WHERE id = ? AND tier = ?",
    )
    .bind(&draft.name)
    .bind(&draft.description)
    .bind(&draft.linked_profile_id)
    .bind(draft.traits_json())
    .bind(now())
    .bind(id)
    .bind(tier)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the character; returns its row (for its photo) or `None` if not in this tier.
pub async fn delete_character(db: &Db, tier: &str, id: &str) -> sqlx::Result<Option<CharacterRow>> {
    super::query_as(format!(
        "DELETE FROM characters WHERE id = ? AND tier = ? RETURNING {CHARACTER_COLUMNS}"
    ))
    .bind(id)
    .bind(tier)
    .fetch_optional(db)
    .await
}

/// The photo now on record for a character (`None` removes it).
pub struct PhotoRecord<'a> {
    pub file: &'a str,
    pub width: u32,
    pub height: u32,
}

/// Records the character's photo; returns the file it replaces, if any. `Err(RowNotFound)`
/// when the character is not in this tier.
pub async fn set_photo(
    db: &Db,
    tier: &str,
    id: &str,
    photo: Option<PhotoRecord<'_>>,
) -> sqlx::Result<Option<String>> {
    let mut tx = super::write_tx(db).await?;
    let old: Option<Option<String>> =
        super::query_scalar("SELECT photo_file FROM characters WHERE id = ? AND tier = ?")
            .bind(id)
            .bind(tier)
            .fetch_optional(&mut tx)
            .await?;
    let Some(old) = old else {
        return Err(sqlx::Error::RowNotFound);
    };
    super::query(
        "UPDATE characters SET photo_file = ?, photo_width = ?, photo_height = ?, updated_at = ? WHERE id = ? AND tier = ?",
    )
    .bind(photo.as_ref().map(|p| p.file))
    .bind(photo.as_ref().map(|p| p.width))
    .bind(photo.as_ref().map(|p| p.height))
    .bind(now())
    .bind(id)
    .bind(tier)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(old)
}
