//! Everything about a scene's picture and clip: which media a scene gets and when (`queue`),
//! what the page is shown and how a failed one is retried (`status`), and the durable jobs
//! that make them (`workers`, `image_job`, `video_job`). The story engine only says "this
//! scene was stored"; the rest of the media pipeline lives here.
//!
//! One name chain from the page to the row: the page's `use_media_status` hook calls
//! `api::media_status`, which calls [`status_when_final`], which answers a `MediaView`.

mod broadcast;
pub mod cover;
pub mod crash_points;
mod image_job;
mod job_error;
pub mod queue;
pub mod references;
pub mod renditions;
mod status;
mod video_job;
mod workers;

pub use job_error::MediaJobError;
pub use status::{new_look, regenerate, retry, status, status_when_final, StoryMedia};
pub use workers::{start, Jobs};

use crate::domain::AppError;
use crate::server::db::media::MediaJob;

/// Runs a job's work with its provider retries reported on its row ("Trying again — 2 of
/// 4"), so the waiting reader sees more than the same words for half a minute.
async fn reporting_retries<T>(
    state: &crate::server::state::AppState,
    job: &MediaJob,
    work: impl std::future::Future<Output = T>,
) -> T {
    let db = state.db.clone();
    let id = job.id.clone();
    let holder: std::sync::Arc<str> = state.jobs.instance().into();
    let observer: crate::server::providers::RetryObserver =
        std::sync::Arc::new(move |attempt, max| {
            let (db, id, holder) = (db.clone(), id.clone(), holder.clone());
            tokio::spawn(async move {
                let words = format!("Trying again — {attempt} of {max}");
                let recorded = crate::server::db::media::set_progress(&db, &id, &holder, &words);
                if let Err(e) = recorded.await {
                    tracing::debug!(error = %e, "could not record a job's progress");
                }
            });
        });
    crate::server::providers::ON_RETRY
        .scope(observer, work)
        .await
}

/// Before a job pays or writes: stops it when it is no longer this instance's (its lease ran
/// out, see `workers`) or its story was deleted. A database that cannot answer does not stop
/// it (the claim was ours; the outcome's write is fenced anyway).
async fn still_ours(
    state: &crate::server::state::AppState,
    job: &MediaJob,
) -> Result<(), MediaJobError> {
    let holder = state.jobs.instance();
    match crate::server::db::media::held_by(&state.db, &job.id, holder).await {
        Ok(None) => Err(MediaJobError::StoryDeleted),
        Ok(Some(false)) => Err(MediaJobError::LeaseLost),
        Ok(Some(true)) | Err(_) => Ok(()),
    }
}

/// The model a picture job draws with (the story's, or its successor once it is gone), the
/// client that reaches it, and the job's tier (gone: the story is no more).
fn painter(
    state: &crate::server::state::AppState,
    job: &MediaJob,
) -> Result<
    (
        &'static crate::domain::ImageModelSpec,
        &'static crate::domain::TierSpec,
    ),
    MediaJobError,
> {
    let model = state.models.image(Some(&job.model)).model;
    if state.providers.client_for_media(model.provider).is_none() {
        return Err(MediaJobError::NotConfigured(model.display_name));
    }
    let tier = crate::domain::TierSpec::find(&job.tier).ok_or(MediaJobError::StoryDeleted)?;
    Ok((model, tier))
}

/// Orders the picture; a model its provider says is gone names its successor for Retry.
async fn draw(
    state: &crate::server::state::AppState,
    model: &'static crate::domain::ImageModelSpec,
    prompt: &str,
    references: &[crate::server::providers::ReferenceImage],
) -> Result<crate::server::providers::GeneratedImage, MediaJobError> {
    let client = state
        .providers
        .client_for_media(model.provider)
        .ok_or(MediaJobError::NotConfigured(model.display_name))?;
    let aspect = crate::domain::aspect::AspectRatio::Square;
    match client
        .generate_image(model, prompt, aspect, references)
        .await
    {
        Err(crate::server::providers::ProviderError::ModelGone { .. }) => {
            Err(MediaJobError::retired(state.models, model))
        }
        other => Ok(other?),
    }
}

/// The file a job writes: `{scene}.{ext}`, or a new name when it regenerates a finished
/// file, which stays shown (and served) under its own name until the new one is recorded.
fn file_name_for(job: &MediaJob, extension: &str) -> String {
    queue::file_name_in(&job.scene_id, job.previous_file.is_some(), extension)
}

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("no such media in this tier")]
    NotFound,
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    OverLimit(#[from] crate::server::spending::OverLimit),
}

impl From<crate::server::spending::SpendError> for MediaError {
    fn from(err: crate::server::spending::SpendError) -> MediaError {
        match err {
            crate::server::spending::SpendError::Over(over) => MediaError::OverLimit(over),
            crate::server::spending::SpendError::Db(e) => MediaError::Db(e),
        }
    }
}

/// Pure: the cause is logged once, by the server function's `context::answer`.
impl From<MediaError> for AppError {
    fn from(err: MediaError) -> AppError {
        match err {
            MediaError::NotFound => AppError::NotFound,
            MediaError::Db(e) if crate::server::db::is_storage_failure(&e) => {
                AppError::storage_unavailable()
            }
            MediaError::Db(_) => AppError::Internal,
            MediaError::OverLimit(over) => AppError::Limited(over.to_string()),
        }
    }
}
