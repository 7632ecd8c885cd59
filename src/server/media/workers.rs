//! The media workers. Jobs are rows in SQLite (`db::media`); a wake-up signal
//! starts work at once, a slow periodic sweep catches anything missed, and jobs cut off
//! by a restart are queued again at start-up (a video keeps its provider request id and
//! resumes polling). Images run first; in video mode each finished image queues its clip.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify, Semaphore};
use tracing::Instrument;

use crate::domain::media::MediaKind;
use crate::server::db::media::{self, MediaJob};
use crate::server::state::AppState;

/// Image generations running at the same time.
const IMAGE_CONCURRENCY: usize = 4;
/// Clips followed at the same time (mostly waiting on the provider, so more are fine).
const VIDEO_CONCURRENCY: usize = 8;
const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Handle to wake the workers after queueing a job, and to hear when a job finishes
/// (the page's status call waits on that instead of polling the database).
#[derive(Clone)]
pub struct Jobs {
    wake_image: Arc<Notify>,
    wake_video: Arc<Notify>,
    finished: Arc<watch::Sender<u64>>,
}

impl Default for Jobs {
    fn default() -> Jobs {
        Jobs {
            wake_image: Arc::default(),
            wake_video: Arc::default(),
            finished: Arc::new(watch::channel(0).0),
        }
    }
}

impl Jobs {
    pub fn wake(&self) {
        self.wake_image.notify_one();
        self.wake_video.notify_one();
    }

    /// A receiver that sees a change each time any media job reaches a final status.
    pub fn finished(&self) -> watch::Receiver<u64> {
        self.finished.subscribe()
    }

    fn announce_finished(&self) {
        self.finished.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// Records a job's outcome on its row: the file when it was made, the reader's words (and the
/// cause in the log) when not. `what` names the media for the reader ("picture", "clip").
pub(super) async fn record_outcome(
    state: &AppState,
    job: &MediaJob,
    what: &str,
    outcome: Result<String, super::MediaJobError>,
) {
    let saved = match outcome {
        Ok(file_name) => {
            tracing::info!(%file_name, "{what} complete");
            media::complete(&state.db, &job.id, &file_name).await
        }
        Err(cause) => {
            tracing::warn!(error = %cause, "{what} failed");
            media::fail(&state.db, &job.id, &cause.user_message(what)).await
        }
    };
    if let Err(e) = saved {
        tracing::error!(error = %e, "could not record the {what} job's outcome");
    }
}

/// Starts the image and video workers on the current runtime.
pub fn start(state: AppState) {
    tokio::spawn(async move {
        match media::requeue_interrupted(&state.db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "re-queued media jobs interrupted by a restart"),
            Err(e) => tracing::error!(error = %e, "could not re-queue interrupted media jobs"),
        }
        let images = worker(
            state.clone(),
            MediaKind::Image,
            IMAGE_CONCURRENCY,
            state.jobs.wake_image.clone(),
            |state, job| async move { super::image_job::run(&state, job).await },
        );
        let videos = worker(
            state.clone(),
            MediaKind::Video,
            VIDEO_CONCURRENCY,
            state.jobs.wake_video.clone(),
            |state, job| async move { super::video_job::run(&state, job).await },
        );
        tokio::join!(images, videos);
    });
}

/// Claims jobs of one kind while slots are free, runs each in its own task, then sleeps
/// until woken or the sweep interval passes.
async fn worker<F, Fut>(
    state: AppState,
    kind: MediaKind,
    concurrency: usize,
    wake: Arc<Notify>,
    run: F,
) where
    F: Fn(AppState, MediaJob) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let slots = Arc::new(Semaphore::new(concurrency));
    loop {
        loop {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return;
            };
            match media::claim_next(&state.db, kind).await {
                Ok(Some(job)) => {
                    let span = tracing::info_span!("media_job", kind = kind.key(), tier = %job.tier, story_id = %job.story_id, scene_id = %job.scene_id, model = %job.model);
                    let run = run.clone();
                    let state = state.clone();
                    tokio::spawn(
                        async move {
                            run(state.clone(), job).await;
                            state.jobs.announce_finished();
                            drop(permit);
                        }
                        .instrument(span),
                    );
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, kind = kind.key(), "could not claim a media job");
                    break;
                }
            }
        }
        let _ = tokio::time::timeout(SWEEP_EVERY, wake.notified()).await;
    }
}
