//! Family mode: the tier's children and grown-ups, and the people a story started with
//! "Family mode" on takes from them (linked characters bring their description and photo).

use super::{MemoryCharacter, MemoryError};
use crate::domain::family::{FamilyMemberInput, FamilyMemberView, FamilyView};
use crate::domain::TierSpec;
use crate::server::db::characters;
use crate::server::db::family::{self as repo, AddError, FamilyRow};
use crate::server::state::AppState;

/// The family page (`parent` is the caller's to set).
pub async fn page(state: &AppState, tier: &'static TierSpec) -> Result<FamilyView, MemoryError> {
    let members = repo::list(&state.db, tier.name).await?;
    let characters = characters::list(&state.db, tier.name)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(FamilyView {
        members: members.into_iter().map(view_of).collect(),
        characters,
        parent: false,
        refused: None,
    })
}

fn view_of(row: FamilyRow) -> FamilyMemberView {
    FamilyMemberView {
        character: row.character_id.zip(row.character_name),
        id: row.id,
        role: row.role,
        name: row.name,
        age: row.age.and_then(|a| u8::try_from(a).ok()),
        gender: row.gender,
    }
}

/// Adds (`id` = `None`) or changes a member; answers its id.
pub async fn save(
    state: &AppState,
    tier: &'static TierSpec,
    id: Option<&str>,
    input: &FamilyMemberInput,
) -> Result<String, MemoryError> {
    let draft = input.parse()?;
    if let Some(character) = draft.character_id.as_deref() {
        if characters::find(&state.db, tier.name, character)
            .await?
            .is_none()
        {
            return Err(MemoryError::BadCharacter);
        }
    }
    match id {
        None => repo::insert(&state.db, tier.name, &draft)
            .await
            .map_err(|e| match e {
                AddError::Full => MemoryError::FamilyFull(draft.role),
                AddError::Db(e) => MemoryError::Db(e),
            }),
        Some(id) => match repo::update(&state.db, tier.name, id, &draft).await? {
            true => Ok(id.to_owned()),
            false => Err(MemoryError::NotFound),
        },
    }
}

pub async fn remove(
    state: &AppState,
    tier: &'static TierSpec,
    id: &str,
) -> Result<(), MemoryError> {
    match repo::delete(&state.db, tier.name, id).await? {
        true => Ok(()),
        false => Err(MemoryError::NotFound),
    }
}

pub async fn remove_all(state: &AppState, tier: &'static TierSpec) -> Result<(), MemoryError> {
    let removed = repo::delete_all(&state.db, tier.name).await?;
    tracing::info!(tier = tier.name, removed, "family removed");
    Ok(())
}

/// The family as a story's characters, children first: a member linked to a character is
/// that character (its photo goes into the pictures) with who they are in the family.
pub async fn people(
    state: &AppState,
    tier: &'static TierSpec,
) -> Result<Vec<MemoryCharacter>, MemoryError> {
    let rows = repo::list(&state.db, tier.name).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let description = row.character_description.clone();
            let id = row
                .character_id
                .clone()
                .filter(|_| row.character_name.is_some());
            let member = view_of(row);
            let who = format!("{} in the reader's family", member.who());
            MemoryCharacter {
                id: id.unwrap_or_else(|| member.id.clone()),
                description: match description {
                    Some(looks) => format!("{who}; {looks}"),
                    None => who,
                },
                name: member.name,
                from_profile: "the family".to_owned(),
            }
        })
        .collect())
}
