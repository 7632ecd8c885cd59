//! The image job: the story's model, the scene's prompt (with memory mode's art style,
//! characters and reference photos), stored atomically.

use super::queue::{queue_for_scene, Moment, SceneMedia};
use super::workers::record_outcome;
use super::MediaJobError;
use crate::domain::aspect::AspectRatio;
use crate::domain::ImageModelSpec;
use crate::server::db::media::MediaJob;
use crate::server::db::profiles;
use crate::server::memory::{photos, MemoryCharacter, MemorySnapshot};
use crate::server::providers::ReferenceImage;
use crate::server::state::AppState;
use crate::server::storage;

/// Makes the image, records the outcome, and in video mode queues the scene's clip
/// (image-to-video when the image worked, text-to-video when it failed).
pub(super) async fn run(state: &AppState, job: MediaJob) {
    record_outcome(state, &job, "picture", generate_image(state, &job).await).await;
    let scene = SceneMedia {
        tier: &job.tier,
        story_id: &job.story_id,
        scene_id: &job.scene_id,
        image_model: Some(ImageModelSpec::for_story(Some(&job.model))),
        video_mode: job.video_mode,
    };
    match queue_for_scene(&state.db, scene, Moment::PictureEnded).await {
        Ok(Some(_)) => state.jobs.wake(),
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "could not queue the scene's clip"),
    }
}

/// Generates and stores the image.
async fn generate_image(state: &AppState, job: &MediaJob) -> Result<String, MediaJobError> {
    let model = ImageModelSpec::for_story(Some(&job.model));
    let client = state
        .providers
        .client_for_media(model.provider)
        .ok_or(MediaJobError::NotConfigured(model.display_name))?;
    let (prompt, references) = memory_for_image(state, job, model).await;
    let image = client
        .generate_image(model, &prompt, AspectRatio::Square, &references)
        .await?;
    let file_name = format!("{}.{}", job.scene_id, image.extension);
    let path = storage::media_path(&state.config.data_dir, &job.tier, &job.story_id, &file_name);
    storage::write_atomic(&path, &image.bytes)
        .await
        .map_err(MediaJobError::Storage)?;
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
