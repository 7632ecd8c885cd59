//! Profile use cases behind the characters page and the start form, and what a story takes
//! from a profile and the characters picked with it.

use super::{characters, MemoryError, MemorySnapshot};
use crate::domain::profile::{ProfileInput, ProfileOption, ProfileView, ProfilesView};
use crate::domain::TierSpec;
use crate::server::db::characters::{self as roster, CharacterRow};
use crate::server::db::profiles as repo;
use crate::server::state::AppState;

/// The characters page: the roster, then every profile with the characters it brings.
pub async fn page(
    state: &AppState,
    tier: &'static TierSpec,
    parent: bool,
) -> Result<ProfilesView, MemoryError> {
    let roster = characters::cards(state, tier).await?;
    let links = repo::links_in_tier(&state.db, tier.name).await?;
    let profiles = repo::list_profiles(&state.db, tier.name)
        .await?
        .into_iter()
        .map(|p| ProfileView {
            characters: brought(&links, &p.id),
            themes: p.themes(),
            favourite_elements: p.favourite_elements(),
            id: p.id,
            display_name: p.display_name,
            art_style: p.art_style,
            tone: p.tone,
        })
        .collect();
    Ok(ProfilesView {
        roster,
        profiles,
        parent,
    })
}

fn brought(links: &[(String, String)], profile_id: &str) -> Vec<String> {
    links
        .iter()
        .filter(|(p, _)| p == profile_id)
        .map(|(_, c)| c.clone())
        .collect()
}

/// The start form's profile picker.
pub async fn options(
    state: &AppState,
    tier: &'static TierSpec,
) -> Result<Vec<ProfileOption>, MemoryError> {
    let links = repo::links_in_tier(&state.db, tier.name).await?;
    Ok(repo::list_profiles(&state.db, tier.name)
        .await?
        .into_iter()
        .map(|p| ProfileOption {
            characters: brought(&links, &p.id),
            id: p.id,
            display_name: p.display_name,
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
    let mut draft = input.parse()?;
    draft.characters = chosen(state, tier, &draft.characters)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
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

/// Deletes the profile; its characters stay in the roster.
pub async fn delete_profile(
    state: &AppState,
    tier: &'static TierSpec,
    id: &str,
) -> Result<(), MemoryError> {
    if !repo::delete_profile(&state.db, tier.name, id).await? {
        return Err(MemoryError::NotFound);
    }
    tracing::info!(tier = tier.name, profile_id = id, "profile deleted");
    Ok(())
}

/// The roster rows of `ids`, in the roster's order (the order ticked boxes arrive in is the
/// form decoder's, not the family's); an id that is not one of the tier's characters
/// (another tier's, or removed since the form was shown) is refused.
async fn chosen(
    state: &AppState,
    tier: &'static TierSpec,
    ids: &[String],
) -> Result<Vec<CharacterRow>, MemoryError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let all = roster::list(&state.db, tier.name).await?;
    if ids.iter().any(|id| !all.iter().any(|c| &c.id == id)) {
        return Err(MemoryError::BadCharacter);
    }
    Ok(all.into_iter().filter(|c| ids.contains(&c.id)).collect())
}

/// What a story started now takes (locked then): the profile's preferences and characters
/// (memory mode), then the characters picked on the start form. `None` when neither.
pub async fn snapshot(
    state: &AppState,
    tier: &'static TierSpec,
    profile_id: Option<&str>,
    picked: &[String],
) -> Result<Option<MemorySnapshot>, MemoryError> {
    let picked = chosen(state, tier, picked).await?;
    let mut snapshot = match profile_id {
        Some(profile_id) => {
            let profile = repo::find_profile(&state.db, tier.name, profile_id)
                .await?
                .ok_or(MemoryError::NotFound)?;
            let links = repo::links_in_tier(&state.db, tier.name).await?;
            let all = roster::list(&state.db, tier.name).await?;
            let brings: Vec<&CharacterRow> = brought(&links, profile_id)
                .iter()
                .filter_map(|id| all.iter().find(|c| &c.id == id))
                .collect();
            Some(MemorySnapshot::take(&profile, &brings))
        }
        None if picked.is_empty() => None,
        None => Some(MemorySnapshot::without_profile()),
    };
    if let Some(snapshot) = snapshot.as_mut() {
        snapshot.add_picked(&picked.iter().collect::<Vec<_>>());
    }
    Ok(snapshot)
}
