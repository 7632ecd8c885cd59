//! Server functions of the characters page: the roster (characters and the multipart upload
//! of their reference photos) and the memory-mode profiles.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use crate::domain::profile::{CharacterInput, PhotoUploaded, ProfileInput, ProfilesView};
use crate::domain::AppError;

#[cfg(feature = "ssr")]
use super::context;
#[cfg(feature = "ssr")]
use crate::server::memory::{characters, photos, profiles, upload};

#[server(endpoint = "profiles")]
pub async fn load_profiles(tier: String) -> Result<ProfilesView, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    let parent = context::parent_present(&state, tier).await?;
    context::answer(profiles::page(&state, tier, parent).await)
}

/// Creates a profile (`id` = `None`) or saves an edited one; answers its id.
#[server(endpoint = "save_profile")]
pub async fn save_profile(
    tier: String,
    id: Option<String>,
    input: ProfileInput,
) -> Result<String, AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(profiles::save_profile(&state, tier, id.as_deref(), &input).await)
}

#[server(endpoint = "delete_profile")]
pub async fn delete_profile(tier: String, id: String) -> Result<(), AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(profiles::delete_profile(&state, tier, &id).await)
}

/// Adds a character to the tier's roster (`character_id` = `None`) or saves an edited one.
#[server(endpoint = "save_character")]
pub async fn save_character(
    tier: String,
    character_id: Option<String>,
    input: CharacterInput,
) -> Result<String, AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(characters::save(&state, tier, character_id.as_deref(), &input).await)
}

#[server(endpoint = "delete_character")]
pub async fn delete_character(tier: String, id: String) -> Result<(), AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(characters::delete(&state, tier, &id).await)
}

/// Removes one photo (`file`, as the card names it) of a character.
#[server(endpoint = "remove_photo")]
pub async fn remove_photo(
    tier: String,
    character_id: String,
    file: String,
) -> Result<(), AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(photos::remove(&state, tier, &character_id, &file).await)
}

/// The path of [`upload_photo`]; the upload guard in front of it checks the form's framing.
pub const UPLOAD_PHOTO_PATH: &str = "/api/upload_photo";

/// A character's reference photo, as a multipart form with the fields `tier`,
/// `character_id` and `photo` (the file). The photo is counted while it is read and the
/// upload is refused as soon as it passes 5 MB; nothing is stored unless it decodes.
#[server(endpoint = "upload_photo", input = MultipartFormData)]
pub async fn upload_photo(data: MultipartData) -> Result<PhotoUploaded, AppError> {
    let form = context::answer(upload::read(data).await)?;
    let (state, tier) = context::as_parent(&form.tier).await?;
    context::answer(photos::store(&state, tier, &form.character_id, form.photo).await)
}
