//! The roster rows: the tier's characters (at most [`MAX_ROSTER`], names unique ignoring
//! case) and their reference photos (at most [`MAX_PHOTOS`] each, by file name). Every query
//! filters by tier, so one tier never sees or touches another's characters. The limits and
//! the name check run inside the write transaction (writes are serialised), so two quick
//! saves cannot make a twenty-first character or a second "Mia".

use sqlx::FromRow;

use super::{new_id, now, Db};
use crate::domain::profile::{CharacterDraft, MAX_PHOTOS, MAX_ROSTER};

#[derive(Debug, Clone, FromRow)]
pub struct CharacterRow {
    pub id: String,
    pub tier: String,
    pub name: String,
    pub description: String,
    /// The builder's picks (JSON), if any were made.
    pub traits: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct PhotoRow {
    pub character_id: String,
    pub tier: String,
    /// The file under `photos/{tier}/{character}/`.
    pub file: String,
    pub width: i64,
    pub height: i64,
}

/// Why a character could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("the roster already has {MAX_ROSTER} characters")]
    Full,
    #[error("another character of the tier is called {0}")]
    NameTaken(String),
    #[error("no such character in this tier")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Why a photo could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum PhotoAddError {
    #[error("no such character in this tier")]
    NoCharacter,
    #[error("the character already has {MAX_PHOTOS} photos")]
    Full,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

const COLUMNS: &str = "id, tier, name, description, traits";
const PHOTO_COLUMNS: &str = "character_id, tier, file, width, height";

/// The tier's characters, in the order they were added.
pub async fn list(db: &Db, tier: &str) -> sqlx::Result<Vec<CharacterRow>> {
    super::query_as(format!(
        "SELECT {COLUMNS} FROM characters WHERE tier = ? ORDER BY created_at, id"
    ))
    .bind(tier)
    .fetch_all(db)
    .await
}

pub async fn find(db: &Db, tier: &str, id: &str) -> sqlx::Result<Option<CharacterRow>> {
    super::query_as(format!(
        "SELECT {COLUMNS} FROM characters WHERE id = ? AND tier = ?"
    ))
    .bind(id)
    .bind(tier)
    .fetch_optional(db)
    .await
}

/// The name another character of the tier (not `except`) already has, ignoring case.
async fn taken_name(
    tx: &mut super::WriteTx,
    tier: &str,
    draft: &CharacterDraft,
    except: Option<&str>,
) -> sqlx::Result<Option<String>> {
    let others: Vec<(String, String)> =
        super::query_as("SELECT id, name FROM characters WHERE tier = ?")
            .bind(tier)
            .fetch_all(&mut *tx)
            .await?;
    Ok(others
        .into_iter()
        .find(|(id, name)| Some(id.as_str()) != except && draft.same_name(name))
        .map(|(_, name)| name))
}

/// Adds a character to the tier's roster; answers its id.
pub async fn insert(db: &Db, tier: &str, draft: &CharacterDraft) -> Result<String, RosterError> {
    let mut tx = super::write_tx(db).await?;
    let count: i64 = super::query_scalar("SELECT COUNT(*) FROM characters WHERE tier = ?")
        .bind(tier)
        .fetch_one(&mut tx)
        .await?;
    if count as usize >= MAX_ROSTER {
        return Err(RosterError::Full);
    }
    if let Some(name) = taken_name(&mut tx, tier, draft, None).await? {
        return Err(RosterError::NameTaken(name));
    }
    let id = new_id();
    let at = now();
    super::query(
        "INSERT INTO characters (id, tier, name, description, traits, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(tier)
    .bind(&draft.name)
    .bind(&draft.description)
    .bind(draft.traits_json())
    .bind(&at)
    .bind(&at)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    db: &Db,
    tier: &str,
    id: &str,
    draft: &CharacterDraft,
) -> Result<(), RosterError> {
    let mut tx = super::write_tx(db).await?;
    if let Some(name) = taken_name(&mut tx, tier, draft, Some(id)).await? {
        return Err(RosterError::NameTaken(name));
    }
    let done = super::query(
        "UPDATE characters SET name = ?, description = ?, traits = ?, updated_at = ?
         WHERE id = ? AND tier = ?",
    )
    .bind(&draft.name)
    .bind(&draft.description)
    .bind(draft.traits_json())
    .bind(now())
    .bind(id)
    .bind(tier)
    .execute(&mut tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(RosterError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes the character (its photo rows, profile and family links go with it); `false`
/// when it is not in this tier. The caller deletes the files.
pub async fn delete(db: &Db, tier: &str, id: &str) -> sqlx::Result<bool> {
    let done = super::query("DELETE FROM characters WHERE id = ? AND tier = ?")
        .bind(id)
        .bind(tier)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Every photo on record in the tier, oldest first within each character.
pub async fn photos_in_tier(db: &Db, tier: &str) -> sqlx::Result<Vec<PhotoRow>> {
    super::query_as(format!(
        "SELECT {PHOTO_COLUMNS} FROM character_photos WHERE tier = ? ORDER BY created_at, file"
    ))
    .bind(tier)
    .fetch_all(db)
    .await
}

/// The photos on record of some characters of the tier (one query), oldest first.
pub async fn photos_of(db: &Db, tier: &str, ids: &[&str]) -> sqlx::Result<Vec<PhotoRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let mut query = super::query_as(format!(
        "SELECT {PHOTO_COLUMNS} FROM character_photos
         WHERE tier = ? AND character_id IN ({marks}) ORDER BY created_at, file"
    ))
    .bind(tier);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

/// A photo's file as checked on upload.
pub struct PhotoRecord<'a> {
    pub file: &'a str,
    pub width: u32,
    pub height: u32,
}

/// Records one more photo of the character, if it has room.
pub async fn add_photo(
    db: &Db,
    tier: &str,
    character_id: &str,
    photo: PhotoRecord<'_>,
) -> Result<(), PhotoAddError> {
    let mut tx = super::write_tx(db).await?;
    let count: Option<i64> = super::query_scalar(
        "SELECT (SELECT COUNT(*) FROM character_photos p WHERE p.character_id = c.id)
         FROM characters c WHERE c.id = ? AND c.tier = ?",
    )
    .bind(character_id)
    .bind(tier)
    .fetch_optional(&mut tx)
    .await?;
    match count {
        None => return Err(PhotoAddError::NoCharacter),
        Some(n) if n as usize >= MAX_PHOTOS => return Err(PhotoAddError::Full),
        Some(_) => {}
    }
    super::query(
        "INSERT INTO character_photos (character_id, tier, file, width, height, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(character_id)
    .bind(tier)
    .bind(photo.file)
    .bind(photo.width)
    .bind(photo.height)
    .bind(now())
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets one photo; `false` when the character (in this tier) has no such photo.
pub async fn remove_photo(
    db: &Db,
    tier: &str,
    character_id: &str,
    file: &str,
) -> sqlx::Result<bool> {
    let done = super::query(
        "DELETE FROM character_photos WHERE character_id = ? AND tier = ? AND file = ?",
    )
    .bind(character_id)
    .bind(tier)
    .bind(file)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
