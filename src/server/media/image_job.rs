//! The image job: the story's model, the scene's prompt (with memory mode's art style and
//! characters) and its reference images (the same faces: `references`), stored atomically.

use super::crash_points;
use super::queue::after_picture;
use super::references;
use super::workers::record_outcome;
use super::MediaJobError;
use crate::domain::media::DrawnWith;
use crate::server::db::media::{self, MediaJob};
use crate::server::media_store::FileKey;
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
    let (model, tier) = super::painter(state, job)?;
    // First what it is drawn with, which may wait for the picture before it: the story may be
    // deleted meanwhile, so whether the job is still ours is asked after that.
    let drawing = references::gather(state, job, model).await;
    super::still_ours(state, job).await?;
    // Charged just before the order: over the limit, no picture is ordered.
    spending::charge(&state.db, &state.config.limits, tier, Spend::Picture).await?;
    record_drawn_with(state, job, &drawing.drawn_with).await;
    tracing::info!(references = drawing.images.len(), "picture ordered");
    let image = super::draw(state, model, &drawing.prompt, &drawing.images).await?;
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

/// What the picture is drawn with, kept with its row for "About this picture". Best effort:
/// a picture is not held back because this note could not be written.
async fn record_drawn_with(state: &AppState, job: &MediaJob, drawn_with: &DrawnWith) {
    let recorded = match serde_json::to_string(drawn_with) {
        Ok(json) => media::set_drawn_with(&state.db, &job.id, state.jobs.instance(), &json).await,
        Err(e) => {
            tracing::warn!(error = %e, "could not write what a picture is drawn with");
            return;
        }
    };
    if let Err(e) = recorded {
        tracing::warn!(error = %e, "could not record what a picture is drawn with");
    }
}
