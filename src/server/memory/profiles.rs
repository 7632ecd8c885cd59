//! Profile and character use cases behind the profile page and the start form.

use super::{photos, MemoryError, MemorySnapshot};
use crate::domain::profile::{
    CharacterInput, CharacterView, ProfileInput, ProfileOption, ProfileRef, ProfileView,
};
use crate::domain::TierSpec;
use crate::server::db::profiles::{self as repo, CharacterInsertError};
use crate::server::state::AppState;

/// Every profile of the tier with its characters, for the profile page.
pub async fn page(
    state: &AppState,
    tier: &'static TierSpec,
) -> Result<Vec<ProfileView>, MemoryError> {
    let profiles = repo::list_profiles(&state.db, tier.name).await?;
    let characters = repo::characters_in_tier(&state.db, tier.name).await?;
    let mut views = Vec::with_capacity(profiles.len());
    for p in &profiles {
        let mut cards = Vec::new();
        for c in characters.iter().filter(|c| c.profile_id == p.id) {
            let linked_profile = c.linked_profile_id.as_deref().and_then(|id| {
                profiles.iter().find(|o| o.id == id).map(|o| ProfileRef {
                    id: o.id.clone(),
                    display_name: o.display_name.clone(),
                })
            });
            cards.push(CharacterView {
                id: c.id.clone(),
                name: c.name.clone(),
                description: c.description.clone(),
                linked_profile,
                photo: photos::view(state, c).await,
                traits: crate::domain::character_traits::read_stored(c.traits.as_deref()),
            });
        }
        views.push(ProfileView {
            id: p.id.clone(),
            display_name: p.display_name.clone(),
            themes: p.themes(),
            art_style: p.art_style.clone(),
            tone: p.tone.clone(),
            favourite_elements: p.favourite_elements(),
            characters: cards,
        });
    }
    Ok(views)
}

/// The start form's profile picker (no file checks: counts only).
pub async fn options(
    state: &AppState,
    tier: &'static TierSpec,
) -> Result<Vec<ProfileOption>, MemoryError> {
    let profiles = repo::list_profiles(&state.db, tier.name).await?;
    let characters = repo::characters_in_tier(&state.db, tier.name).await?;
    Ok(profiles
        .into_iter()
        .map(|p| {
            let own = characters.iter().filter(|c| c.profile_id == p.id);
            ProfileOption {
                characters: own.clone().count(),
                photos: own.filter(|c| c.photo_file.is_some()).count(),
                id: p.id,
                display_name: p.display_name,
            }
        })
        .collect())
}

/// Creates (`id` = `None`) or updates a profile; returns its id.
pub async fn save_profile(
    state: &AppState,
    tier: &'static TierSpec,
    id: Option<&str>,
    input: &ProfileInput,
) -> Result<String, MemoryError> {
    let draft = input.parse()?;
    match id {
        None => {
            let id = repo::insert_profile(&state.db, tier.name, &draft).await?;
            tracing::info!(tier = tier.name, profile_id = %id, "profile created");
            Ok(id)
        }
        Some(id) if repo::update_profile(&state.db, tier.name, id, &draft).await? => {
            Ok(id.to_owned())
        }
        Some(_) => Err(MemoryError::NotFound),
    }
}

/// Deletes the profile, its characters and all their photos.
pub async fn delete_profile(
    state: &AppState,
    tier: &'static TierSpec,
    id: &str,
) -> Result<(), MemoryError> {
    let characters = repo::delete_profile(&state.db, tier.name, id)
        .await?
        .ok_or(MemoryError::NotFound)?;
    for c in &characters {
        photos::delete_all(state, tier.name, &c.id).await;
    }
    tracing::info!(
        tier = tier.name,
        profile_id = id,
        characters = characters.len(),
        "profile deleted"
    );
    Ok(())
}

/// Adds (`character_id` = `None`) or edits a character of a profile; returns its id.
pub async fn save_character(
    state: &AppState,
    tier: &'static TierSpec,
    profile_id: &str,
    character_id: Option<&str>,
    input: &CharacterInput,
) -> Result<String, MemoryError> {
    let draft = input.parse()?;
    if let Some(link) = draft.linked_profile_id.as_deref() {
        // Only another profile of the same tier may be linked.
        if link == profile_id
            || repo::find_profile(&state.db, tier.name, link)
                .await?
                .is_none()
        {
            return Err(MemoryError::BadLink);
        }
    }
    match character_id {
        None => repo::insert_character(&state.db, tier.name, profile_id, &draft)
            .await
            .map_err(|e| match e {
                CharacterInsertError::NoProfile => MemoryError::NotFound,
                CharacterInsertError::Full => MemoryError::TooManyCharacters,
                CharacterInsertError::Db(e) => MemoryError::Db(e),
            }),
        Some(id) => {
            let row = repo::find_character(&state.db, tier.name, id)
                .await?
                .filter(|c| c.profile_id == profile_id)
                .ok_or(MemoryError::NotFound)?;
            repo::update_character(&state.db, tier.name, &row.id, &draft).await?;
            Ok(row.id)
        }
    }
}

/// Deletes a character and its photo files.
pub async fn delete_character(
    state: &AppState,
    tier: &'static TierSpec,
    id: &str,
) -> Result<(), MemoryError> {
    let row = repo::delete_character(&state.db, tier.name, id)
        .await?
        .ok_or(MemoryError::NotFound)?;
    photos::delete_all(state, tier.name, &row.id).await;
    Ok(())
}

/// The profile's memory as a story started now sees it (the profile is locked then).
pub async fn snapshot(
    state: &AppState,
    tier: &'static TierSpec,
    profile_id: &str,
) -> Result<MemorySnapshot, MemoryError> {
    let profiles = repo::list_profiles(&state.db, tier.name).await?;
    let profile = profiles
        .iter()
        .find(|p| p.id == profile_id)
        .ok_or(MemoryError::NotFound)?;
    let characters = repo::characters_in_tier(&state.db, tier.name).await?;
    Ok(MemorySnapshot::take(profile, &profiles, &characters))
}
