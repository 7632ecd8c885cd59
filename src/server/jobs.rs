//! Media generation workers. Jobs are rows in SQLite (`db::media`); a wake-up signal
//! starts work at once, a slow periodic sweep catches anything missed, and jobs cut off
//! by a restart are queued again at start-up.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify, Semaphore};
use tracing::Instrument;

use crate::domain::aspect::AspectRatio;
use crate::domain::ImageModelSpec;
use crate::server::db::media::{self, MediaJob, IMAGE};
use crate::server::db::profiles;
use crate::server::memory::{photos, MemoryCharacter, MemorySnapshot};
use crate::server::providers::ReferenceImage;
use crate::server::state::AppState;
use crate::server::storage;

/// Image generations running at the same time.
const IMAGE_CONCURRENCY: usize = 4;
const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Handle to wake the workers after queueing a job, and to hear when a job finishes
/// (the page's status call waits on that instead of polling the database).
#[derive(Clone)]
pub struct Jobs {
    wake: Arc<Notify>,
    finished: Arc<watch::Sender<u64>>,
}

impl Default for Jobs {
    fn default() -> Jobs {
        Jobs {
            wake: Arc::default(),
            finished: Arc::new(watch::channel(0).0),
        }
    }
}

impl Jobs {
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// A receiver that sees a change each time any media job reaches a final status.
    pub fn finished(&self) -> watch::Receiver<u64> {
        self.finished.subscribe()
    }

    fn announce_finished(&self) {
        self.finished.send_modify(|n| *n = n.wrapping_add(1));
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
    state.jobs.announce_finished();
}

/// Generates and stores the image; the error is the reason shown to the reader.
async fn generate_image(state: &AppState, job: &MediaJob) -> Result<String, String> {
    let model = ImageModelSpec::for_story(Some(&job.model));
    let client = state
        .providers
        .client_for_media(model.provider)
        .ok_or_else(|| format!("{} is not configured on this server.", model.display_name))?;
    let (prompt, references) = memory_for_image(state, job, model).await;
    let image = client
        .generate_image(model, &prompt, AspectRatio::Square, &references)
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
