//! The roster's use cases: the tier's characters as the characters page and the start form
//! show them, and adding, editing and removing one (with its photo files).

use super::{photos, MemoryError};
use crate::domain::character_traits;
use crate::domain::profile::{CharacterInput, CharacterView, RosterOption};
use crate::domain::TierSpec;
use crate::server::db::characters::{self as repo, RosterError};
use crate::server::state::AppState;

/// Every character of the tier with the photos whose files are on disk.
pub async fn cards(
    state: &AppState,
    tier: &'static TierSpec,
) -> Result<Vec<CharacterView>, MemoryError> {
    let characters = repo::list(&state.db, tier.name).await?;
    let on_record = repo::photos_in_tier(&state.db, tier.name).await?;
    let mut cards = Vec::with_capacity(characters.len());
    for c in characters {
        let mut shown = Vec::new();
        let mut missing = 0;
        for row in on_record.iter().filter(|p| p.character_id == c.id) {
            match photos::view(state, row).await {
                Some(view) => shown.push(view),
                None => missing += 1,
            }
        }
        cards.push(CharacterView {
            traits: character_traits::read_stored(c.traits.as_deref()),
            id: c.id,
            name: c.name,
            description: c.description,
            photos: shown,
            photos_missing: missing,
        });
    }
    Ok(cards)
}

/// The start form's character picker (no file checks: counts only).
pub async fn options(
    state: &AppState,
    tier: &'static TierSpec,
) -> Result<Vec<RosterOption>, MemoryError> {
    let characters = repo::list(&state.db, tier.name).await?;
    let on_record = repo::photos_in_tier(&state.db, tier.name).await?;
    Ok(characters
        .into_iter()
        .map(|c| RosterOption {
            photos: on_record.iter().filter(|p| p.character_id == c.id).count(),
            id: c.id,
            name: c.name,
        })
        .collect())
}

/// Adds (`id` = `None`) or edits a character of the tier's roster; answers its id.
pub async fn save(
    state: &AppState,
    tier: &'static TierSpec,
    id: Option<&str>,
    input: &CharacterInput,
) -> Result<String, MemoryError> {
    let draft = input.parse()?;
    let saved = match id {
        None => repo::insert(&state.db, tier.name, &draft).await,
        Some(id) => repo::update(&state.db, tier.name, id, &draft)
            .await
            .map(|()| id.to_owned()),
    };
    saved.map_err(|e| match e {
        RosterError::Full => MemoryError::RosterFull,
        RosterError::NameTaken(name) => MemoryError::NameTaken(name),
        RosterError::NotFound => MemoryError::NotFound,
        RosterError::Db(e) => MemoryError::Db(e),
    })
}

/// Removes a character from the roster (and from the profiles that brought it, and the
/// family member linked to it) and deletes its photo files.
pub async fn delete(
    state: &AppState,
    tier: &'static TierSpec,
    id: &str,
) -> Result<(), MemoryError> {
    if !repo::delete(&state.db, tier.name, id).await? {
        return Err(MemoryError::NotFound);
    }
    photos::delete_all(state, tier.name, id).await;
    tracing::info!(tier = tier.name, character_id = id, "character removed");
    Ok(())
}
