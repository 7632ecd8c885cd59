//! The media workers. Jobs are rows in SQLite (`db::media`); a wake-up signal
//! starts work at once, a slow periodic sweep catches anything missed, and jobs cut off
//! by a restart are queued again at start-up (a video keeps its provider request id and
//! resumes polling). Images run first; in video mode each finished image queues its clip; a
//! finished story's cover waits until its pictures are made.
//!
//! A claimed job is leased to this instance ([`Jobs::instance`]): a heartbeat extends the
//! leases of the jobs its tasks run, and a reaper returns jobs whose lease ran out (an
//! instance that died, a task that ended without an outcome) to the queue. A job checks its
//! lease before it pays and before it writes, and only the holder records its outcome: two
//! instances on one database do not both finish a job, and one that lost a job does not pay
//! for it (unless its heartbeat failed for a whole lease between that check and the order;
//! see `config::JobSettings` for why a lease outlasts a stalled beat).

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::PgPool;

use tokio::sync::{watch, Notify, Semaphore};
use tracing::Instrument;

use super::broadcast::{self, Signal};
use crate::domain::media::MediaKind;
use crate::server::db::media::{self, Finished, MediaJob, MediaKey, TakeBack};
use crate::server::db::Db;
use crate::server::media_store::{FileKey, Folder};
use crate::server::state::AppState;

/// Image generations running at the same time.
const IMAGE_CONCURRENCY: usize = 4;
/// Book covers made at the same time.
const COVER_CONCURRENCY: usize = 2;
/// Clips followed at the same time (mostly waiting on the provider, so more are fine).
const VIDEO_CONCURRENCY: usize = 8;
const SWEEP_EVERY: Duration = Duration::from_secs(5);
/// Longest pause between tries of a write that must not be lost, and between claims while
/// the database refuses them.
const PERSIST_MAX_PAUSE: Duration = Duration::from_secs(30);

/// Handle to wake the workers after queueing a job, and to hear when a job finishes
/// (the page's status call waits on that instead of polling the database).
#[derive(Clone)]
pub struct Jobs {
    /// This instance, as it is named in the leases of the jobs it runs.
    instance: Arc<str>,
    /// The ids of the jobs this instance's tasks are running: only their leases are renewed.
    running: Arc<std::sync::Mutex<HashSet<String>>>,
    wake_image: Arc<Notify>,
    wake_video: Arc<Notify>,
    wake_cover: Arc<Notify>,
    finished: Arc<watch::Sender<u64>>,
    /// The last claim was refused by the database (a full disk); the status page says so.
    refused: Arc<std::sync::atomic::AtomicBool>,
    /// On PostgreSQL, where the signals also go to the other instances ([`broadcast`]).
    others: Arc<OnceLock<PgPool>>,
}

impl Default for Jobs {
    fn default() -> Jobs {
        // The process id for a person reading the table; the random part tells apart two
        // runs (or two machines) that happen to share a process id.
        let instance = format!(
            "{}-{}",
            std::process::id(),
            &crate::server::db::new_id()[..8]
        );
        Jobs {
            instance: instance.into(),
            running: Arc::default(),
            wake_image: Arc::default(),
            wake_video: Arc::default(),
            wake_cover: Arc::default(),
            finished: Arc::new(watch::channel(0).0),
            refused: Arc::default(),
            others: Arc::default(),
        }
    }
}

impl Jobs {
    /// This instance's name in job leases.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Marks `job` as running here until the guard is dropped (its task's end, a panic too).
    fn running(&self, job: &str) -> Running {
        self.running_ids_mut().insert(job.to_owned());
        Running {
            jobs: self.running.clone(),
            id: job.to_owned(),
        }
    }

    fn running_ids(&self) -> Vec<String> {
        self.running_ids_mut().iter().cloned().collect()
    }

    fn running_ids_mut(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        lock_ids(&self.running)
    }

    /// Wakes the workers to look for queued jobs (on PostgreSQL, every instance's).
    pub fn wake(&self) {
        self.wake_here();
        if let Some(pool) = self.others.get() {
            broadcast::send(pool, Signal::Queued);
        }
    }

    fn wake_here(&self) {
        self.wake_image.notify_one();
        self.wake_video.notify_one();
        self.wake_cover.notify_one();
    }

    /// Shares this instance's job signals with the other instances on `db` and takes theirs
    /// (PostgreSQL only: on SQLite there is no channel, and the sweep and re-reads do it).
    pub fn share_signals(&self, db: &Db) {
        let Db::Postgres(pool) = db else {
            return;
        };
        if self.others.set(pool.clone()).is_err() {
            return;
        }
        let jobs = self.clone();
        broadcast::listen(pool.clone(), move |signal| match signal {
            Signal::Queued => jobs.wake_here(),
            Signal::Finished => jobs.finished_here(),
        });
    }

    /// Whether another instance tells this one when its jobs end ([`Jobs::share_signals`]).
    pub fn hears_others(&self) -> bool {
        self.others.get().is_some()
    }

    /// A receiver that sees a change each time any media job reaches a final status.
    pub fn finished(&self) -> watch::Receiver<u64> {
        self.finished.subscribe()
    }

    /// Whether the workers' last claim was refused by the database.
    pub fn claims_refused(&self) -> bool {
        self.refused.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn set_refused(&self, refused: bool) {
        self.refused
            .store(refused, std::sync::atomic::Ordering::Relaxed);
    }

    /// Tells every waiting status call (on PostgreSQL, every instance's) that a job ended.
    pub fn announce_finished(&self) {
        self.finished_here();
        if let Some(pool) = self.others.get() {
            broadcast::send(pool, Signal::Finished);
        }
    }

    fn finished_here(&self) {
        self.finished.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// A job running in this instance, until dropped.
struct Running {
    jobs: Arc<std::sync::Mutex<HashSet<String>>>,
    id: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        lock_ids(&self.jobs).remove(&self.id);
    }
}

fn lock_ids(ids: &std::sync::Mutex<HashSet<String>>) -> std::sync::MutexGuard<'_, HashSet<String>> {
    // A set of ids cannot be left half-changed by a panic.
    ids.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Records a job's outcome on its row: the file when it was made, the reader's words (and the
/// cause in the log) when not; `then` is queued in the same transaction (the clip after its
/// picture). `what` names the media for the reader ("picture", "clip"). A write that fails
/// (a full disk) is tried again with a growing pause until it succeeds, so no job stays
/// "generating" once space is back. A row that is gone (the story was deleted meanwhile)
/// takes its file with it.
pub(super) async fn record_outcome(
    state: &AppState,
    job: &MediaJob,
    what: &str,
    outcome: Result<String, super::MediaJobError>,
    then: Option<(MediaKey<'_>, &str)>,
) {
    let holder = state.jobs.instance();
    match &outcome {
        Ok(file_name) => tracing::info!(%file_name, "{what} complete"),
        Err(cause) => tracing::warn!(error = %cause, "{what} failed"),
    }
    let recorded = persist(&format!("the {what} job's outcome"), || async {
        match &outcome {
            Ok(file) => media::complete(&state.db, &job.id, holder, file, then).await,
            Err(cause) => {
                let mut words = cause.user_message(what);
                if job.previous_file.is_some() {
                    words =
                        format!("A new {what} could not be made, so the old one stays. {words}");
                }
                let keep = cause.keeps_request();
                media::fail(&state.db, &job.id, holder, &words, keep, then).await
            }
        }
    })
    .await;
    // A regeneration's old file goes once the new one is recorded (a crash before this
    // leaves a stray file for `cyoa check-media --fix`, never a missing one).
    if let Finished::Recorded {
        replaced: Some(old),
    } = &recorded
    {
        let key = FileKey::media(&job.tier, &job.story_id, old);
        if let Err(e) = state.store.remove(&key).await {
            tracing::warn!(error = %e, file = %old, "could not remove the replaced file");
        }
        super::renditions::remove(&state.store, &key).await;
    }
    if recorded == Finished::LeaseLost {
        // Its file, if it made one, stays: the new holder writes the same name (or leaves a
        // stray for `cyoa check-media --fix`); deleting it could delete the new holder's.
        tracing::warn!(
            "this {what} job's lease ran out while it ran and the job went back to the queue; its outcome was not recorded"
        );
    } else if recorded == Finished::Gone {
        tracing::info!("the story was deleted while its {what} was made; removing the file");
        if let Ok(file) = &outcome {
            let key = FileKey::media(&job.tier, &job.story_id, file);
            let _ = state.store.remove(&key).await;
            super::renditions::remove(&state.store, &key).await;
            // Only if empty: the deletion removed everything else already.
            state
                .store
                .remove_empty_folder(&Folder::media(&job.tier, &job.story_id))
                .await;
        }
    } else if then.is_some() {
        state.jobs.wake();
    }
}

/// Runs a database write until it succeeds, pausing longer after each failure (up to
/// [`PERSIST_MAX_PAUSE`]). For writes that must not be lost, such as a paid clip's request id
/// or a job's outcome: a full disk stalls the job instead of losing what it did. The first
/// failure is logged at error, the recovery at info.
pub(super) async fn persist<T, F, Fut>(what: &str, mut write: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = sqlx::Result<T>>,
{
    let mut pause = Duration::from_millis(200);
    let mut failures = 0u32;
    loop {
        match write().await {
            Ok(value) => {
                if failures > 0 {
                    tracing::info!(failures, "recorded {what} once storage was writable again");
                }
                return value;
            }
            Err(e) => {
                if failures == 0 {
                    tracing::error!(error = %e, "could not record {what}; retrying until storage is writable");
                }
                failures += 1;
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(PERSIST_MAX_PAUSE);
            }
        }
    }
}

/// Starts the image and video workers on the current runtime.
pub fn start(state: AppState) {
    state.jobs.share_signals(&state.db);
    if !state.config.jobs.run {
        tracing::info!("media jobs run on other instances (MEDIA_JOBS=off)");
        return;
    }
    tokio::spawn(async move {
        // Alone on its database, an instance takes back at once whatever was running: only a
        // previous run of it can have held those jobs. Shared, they may be another live
        // instance's, so only expired leases are taken back (by `keep_leases`).
        if !state.config.jobs.shared {
            match media::take_back(&state.db, TakeBack::AllRunning).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(jobs = n, "re-queued media jobs interrupted by a restart"),
                Err(e) => tracing::error!(error = %e, "could not re-queue interrupted media jobs"),
            }
        }
        keep_leases(&state);
        // Scenes stored by an earlier release, which stored a scene and its picture job apart.
        let legacy = crate::domain::image_model::LEGACY_KEY;
        match media::queue_missing_pictures(&state.db, legacy).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(pictures = n, "queued pictures that were missing"),
            Err(e) => tracing::error!(error = %e, "could not repair missing pictures"),
        }
        let clip_model = crate::domain::video_model::DEFAULT_KEY;
        match media::queue_missing_clips(&state.db, clip_model).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(
                clips = n,
                "queued clips that were missing (a crash between picture and clip)"
            ),
            Err(e) => tracing::error!(error = %e, "could not repair missing clips"),
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
        // Covers on their own worker: a finished story's cover never waits behind (or holds
        // up) the pictures of the scenes being read.
        let covers = worker(
            state.clone(),
            MediaKind::Cover,
            COVER_CONCURRENCY,
            state.jobs.wake_cover.clone(),
            |state, job| async move { super::cover::run(&state, job).await },
        );
        tokio::join!(images, videos, covers);
    });
}

/// The heartbeat and the reaper, each on its own task so a slow one never delays the other:
/// every quarter of a lease, the leases of the jobs this instance runs are extended, and jobs
/// whose lease ran out (another instance died, or a task of this one ended without an
/// outcome) go back to the queue. A heartbeat that fails (a full disk) is tried again at the
/// next beat; the lease outlasts a beat plus SQLite's busy wait (`config::JobSettings`).
fn keep_leases(state: &AppState) {
    let (lease, every) = (state.config.jobs.lease, state.config.jobs.lease / 4);
    repeat(every, state.clone(), move |state| async move {
        let running = state.jobs.running_ids();
        let holder = state.jobs.instance();
        if let Err(e) = media::extend_leases(&state.db, holder, &running, lease).await {
            tracing::warn!(error = %e, "could not extend the leases of this instance's media jobs");
        }
    });
    repeat(every, state.clone(), |state| async move {
        let running = state.jobs.running_ids();
        match media::take_back(&state.db, TakeBack::ExpiredLeases { running: &running }).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::warn!(jobs = n, "re-queued media jobs whose lease ran out");
                state.jobs.wake();
            }
            Err(e) => tracing::warn!(error = %e, "could not take back expired media jobs"),
        }
    });
}

/// Runs `work` every `period` on its own task (the first time at once; a late run delays
/// the next instead of bunching them up).
fn repeat<F, Fut>(period: Duration, state: AppState, work: F)
where
    F: Fn(AppState) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            work(state.clone()).await;
        }
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
    // While the database refuses claims (a full disk), wait longer each time instead of
    // asking again at every wake-up; say so once.
    let mut refused: Option<Duration> = None;
    loop {
        loop {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return;
            };
            let claim = media::claim_next(
                &state.db,
                kind,
                state.jobs.instance(),
                state.config.jobs.lease,
            );
            match claim.await {
                Ok(Some(job)) => {
                    state.jobs.set_refused(false);
                    if refused.take().is_some() {
                        tracing::info!(kind = kind.key(), "media jobs are claimed again");
                    }
                    let span = tracing::info_span!("media_job", kind = kind.key(), tier = %job.tier, story_id = %job.story_id, scene_id = %job.scene_id, model = %job.model);
                    let run = run.clone();
                    let state = state.clone();
                    let running = state.jobs.running(&job.id);
                    tokio::spawn(
                        async move {
                            let _running = running;
                            run(state.clone(), job).await;
                            state.jobs.announce_finished();
                            // A cover waiting for its story's pictures may go now.
                            if kind == MediaKind::Image {
                                state.jobs.wake_cover.notify_one();
                            }
                            drop(permit);
                        }
                        .instrument(span),
                    );
                }
                Ok(None) => {
                    state.jobs.set_refused(false);
                    if refused.take().is_some() {
                        tracing::info!(kind = kind.key(), "media jobs are claimed again");
                    }
                    break;
                }
                Err(e) => {
                    state.jobs.set_refused(true);
                    let pause = match refused {
                        None => {
                            tracing::error!(error = %e, kind = kind.key(), "could not claim a media job; backing off until storage is writable");
                            Duration::from_millis(250)
                        }
                        Some(pause) => (pause * 2).min(PERSIST_MAX_PAUSE),
                    };
                    refused = Some(pause);
                    break;
                }
            }
        }
        match refused {
            // Not woken early: every wake-up would only be refused again.
            Some(pause) => tokio::time::sleep(pause).await,
            None => {
                let _ = tokio::time::timeout(SWEEP_EVERY, wake.notified()).await;
            }
        }
    }
}
