//! The image job: the story's model, the scene's prompt (with memory mode's art style,
//! characters and reference photos), stored atomically.

use super::crash_points;
use super::queue::after_picture;
use super::workers::record_outcome;
use super::MediaJobError;
use crate::domain::aspect::AspectRatio;
use crate::domain::{ImageModelSpec, TierSpec};
use crate::server::db::media::MediaJob;
use crate::server::db::profiles;
use crate::server::media_store::FileKey;
use crate::server::memory::{photos, MemoryCharacter, MemorySnapshot};
use crate::server::providers::{ProviderError, ReferenceImage};
use crate::server::spending::{self, Spend};
use crate::server::state::AppState;

/// Makes the picture and records the outcome; in video mode the scene's clip is queued with
/// it (image-to-video when the picture worked, text-to-video when it failed).
pub(super) async fn run(state: &AppState, job: MediaJob) {
    crash_points::reached("picture_claimed", &state.config.data_dir).await;
    let outcome = super::reporting_retries(state, &job, generate_image(state, &job)).await;
    crash_points::reached("picture_stored", &state.config.data_dir).await;
    record_outcome(state, &job, "picture", outcome, after_picture(&job)).await;
}

/// Generates and stores the image.
async fn generate_image(state: &AppState, job: &MediaJob) -> Result<String, MediaJobError> {
    // The story's model, or its successor once it is gone.
    let model = state.models.image(Some(&job.model)).model;
    let client = state
        .providers
        .client_for_media(model.provider)
        .ok_or(MediaJobError::NotConfigured(model.display_name))?;
    let tier = TierSpec::find(&job.tier).ok_or(MediaJobError::StoryDeleted)?;
    super::still_ours(state, job).await?;
    // Charged just before the order: over the limit, no picture is ordered.
    spending::charge(&state.db, &state.config.limits, tier, Spend::Picture).await?;
    let (prompt, references) = memory_for_image(state, job, model).await;
    let image = match client
        .generate_image(model, &prompt, AspectRatio::Square, &references)
        .await
    {
        Err(ProviderError::ModelGone { .. }) => {
            return Err(MediaJobError::retired(state.models, model))
        }
        other => other?,
    };
    // The story was deleted while the picture was made, or the job is another instance's
    // now: nothing is written for it.
    super::still_ours(state, job).await?;
    let file_name = super::file_name_for(job, image.extension);
    let key = FileKey::media(&job.tier, &job.story_id, &file_name);
    state
        .store
        .put(&key, &image.bytes)
        .await
        .map_err(MediaJobError::Storage)?;
    // The light copies for phones, once, now (best effort: the original stands in).
    super::renditions::make(&state.store, &key).await;
    Ok(file_name)
}

/// In memory mode: the prompt with the profile's art style and characters, and the
/// characters' photos as reference images (as many as the model takes, in the order the
/// characters were added). A photo that is gone or unreadable is silently left out; with
/// memory mode off the scene prompt goes alone and no photo is sent.
async fn memory_for_image(
    state: &AppState,
    job: &MediaJob,
    model: &ImageModelSpec,
) -> (String, Vec<ReferenceImage>) {
    let Some(snapshot) = job
        .memory_context
        .as_deref()
        .and_then(|json| serde_json::from_str::<MemorySnapshot>(json).ok())
    else {
        return (job.prompt.clone(), Vec::new());
    };
    let mut references = Vec::new();
    let mut pictured: Vec<&MemoryCharacter> = Vec::new();
    if model.supports_references {
        for character in &snapshot.characters {
            if references.len() >= model.max_reference_images {
                break;
            }
            let row = match profiles::find_character(&state.db, &job.tier, &character.id).await {
                Ok(Some(row)) => row,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "could not look up a character's photo");
                    continue;
                }
            };
            if let Some(photo) = photos::reference(state, &row).await {
                references.push(ReferenceImage {
                    file_name: format!(
                        "reference-{}.{}",
                        references.len() + 1,
                        photo.format.extension()
                    ),
                    mime: photo.format.mime(),
                    bytes: photo.bytes,
                });
                pictured.push(character);
            }
        }
    }
    tracing::info!(references = references.len(), "memory mode image");
    (snapshot.image_prompt(&job.prompt, &pictured), references)
}
