//! Media generation workers. Jobs are rows in SQLite (`db::media`); a wake-up signal
//! starts work at once, a slow periodic sweep catches anything missed, and jobs cut off
//! by a restart are queued again at start-up.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};
use tracing::Instrument;

use crate::domain::aspect::AspectRatio;
use crate::domain::ImageModelSpec;
use crate::server::db::media::{self, MediaJob, IMAGE};
use crate::server::state::AppState;
use crate::server::storage;

/// Image generations running at the same time.
const IMAGE_CONCURRENCY: usize = 4;
const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Handle to wake the workers after queueing a job.
#[derive(Clone, Default)]
pub struct Jobs {
    wake: Arc<Notify>,
}

impl Jobs {
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Starts the image worker on the current runtime.
pub fn start(state: AppState) {
    tokio::spawn(async move {
        match media::requeue_interrupted(&state.db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "re-queued media jobs interrupted by a restart"),
            Err(e) => tracing::error!(error = %e, "could not re-queue interrupted media jobs"),
        }
        let slots = Arc::new(Semaphore::new(IMAGE_CONCURRENCY));
        loop {
            loop {
                let Ok(permit) = slots.clone().acquire_owned().await else {
                    return;
                };
                match media::claim_next(&state.db, IMAGE).await {
                    Ok(Some(job)) => {
                        let state = state.clone();
                        let span = tracing::info_span!("image_job", tier = %job.tier, story_id = %job.story_id, scene_id = %job.scene_id, model = %job.model);
                        tokio::spawn(
                            async move {
                                run_image_job(&state, job).await;
                                drop(permit);
                            }
                            .instrument(span),
                        );
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "could not claim a media job");
                        break;
                    }
                }
            }
            let _ = tokio::time::timeout(SWEEP_EVERY, state.jobs.wake.notified()).await;
        }
    });
}

async fn run_image_job(state: &AppState, job: MediaJob) {
    let outcome = generate_image(state, &job).await;
    let saved = match outcome {
        Ok(file_name) => {
            tracing::info!(%file_name, "image complete");
            media::complete(&state.db, &job.id, &file_name).await
        }
        Err(reason) => {
            tracing::warn!(%reason, "image failed");
            media::fail(&state.db, &job.id, &reason).await
        }
    };
    if let Err(e) = saved {
        tracing::error!(error = %e, "could not record the image job's outcome");
    }
}

/// Generates and stores the image; the error is the reason shown to the reader.
async fn generate_image(state: &AppState, job: &MediaJob) -> Result<String, String> {
    let model = ImageModelSpec::for_story(Some(&job.model));
    let client = state
        .providers
        .client_for_media(model.provider)
        .ok_or_else(|| format!("{} is not configured on this server.", model.display_name))?;
    let image = client
        .generate_image(model, &job.prompt, AspectRatio::Square)
        .await
        .map_err(|e| e.user_message())?;
    let file_name = format!("{}.{}", job.scene_id, image.extension);
    let path = storage::media_path(&state.config.data_dir, &job.tier, &job.story_id, &file_name);
    storage::write_atomic(&path, &image.bytes)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, path = %path.display(), "could not save the image");
            "The picture was made but could not be saved on the server (is the disk full?)."
                .to_owned()
        })?;
    Ok(file_name)
}
