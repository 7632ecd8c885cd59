//! The video job (Grok Imagine): submit once, remember the request id, poll every few
//! seconds up to a maximum wait, then stream the clip from its temporary URL into
//! `media/{tier}/{story}/{scene}.mp4` (temporary file, then rename). A restart resumes
//! polling with the stored request id; it never submits the same clip twice.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::crash_points;
use super::workers::{persist, record_outcome};
use super::MediaJobError;
use crate::domain::media::MediaKind;
use crate::domain::{TierSpec, VideoModelSpec};
use crate::server::db::media::{self, MediaJob};
use crate::server::media_store::FileKey;
use crate::server::providers::{
    ProviderClient, ProviderError, ReferenceImage, VideoPoll, VideoRequest,
};
use crate::server::spending::{self, Spend};
use crate::server::state::AppState;
use imaging::PhotoFormat;

pub(super) async fn run(state: &AppState, job: MediaJob) {
    crash_points::reached("clip_claimed", &state.config.data_dir).await;
    let outcome = super::reporting_retries(state, &job, make_clip(state, &job)).await;
    crash_points::reached("clip_stored", &state.config.data_dir).await;
    record_outcome(state, &job, "clip", outcome, None).await;
}

/// Makes and stores the clip.
async fn make_clip(state: &AppState, job: &MediaJob) -> Result<String, MediaJobError> {
    let model = state.models.video(&job.model).model;
    let client = state
        .providers
        .client_for_media(model.provider)
        .ok_or(MediaJobError::NotConfigured(model.display_name))?;
    let (request_id, submitted_at) = match (&job.request_id, &job.submitted_at) {
        (Some(id), Some(at)) => {
            tracing::info!(request_id = %id, "resuming a clip submitted before a restart");
            let at =
                OffsetDateTime::parse(at, &Rfc3339).unwrap_or_else(|_| OffsetDateTime::now_utc());
            (id.clone(), at)
        }
        _ => (
            submit(state, client, model, job).await?,
            OffsetDateTime::now_utc(),
        ),
    };
    let url = wait_until_done(state, client, job, &request_id, submitted_at).await?;
    download(state, client, job, &url).await
}

/// Image-to-video from the scene's picture when it exists, else text-to-video.
async fn submit(
    state: &AppState,
    client: &ProviderClient,
    model: &'static VideoModelSpec,
    job: &MediaJob,
) -> Result<String, MediaJobError> {
    let first_frame = match &job.image_file {
        Some(file) => {
            let key = FileKey::media(&job.tier, &job.story_id, file);
            let format = file
                .rsplit_once('.')
                .and_then(|(_, ext)| PhotoFormat::from_extension(ext));
            match (state.store.get(&key).await, format) {
                (Ok(bytes), Some(format)) => Some(ReferenceImage {
                    bytes,
                    mime: format.mime(),
                    file_name: file.clone(),
                }),
                // The picture is gone: the clip is made from the words instead.
                _ => None,
            }
        }
        None => None,
    };
    let tier_spec = TierSpec::find(&job.tier).ok_or(MediaJobError::StoryDeleted)?;
    let request = VideoRequest {
        model: model.api_model,
        // `None` leaves out `generate_audio` for a model that has no soundtrack.
        sound: model.makes_sound.then_some(tier_spec.clip_sound),
        prompt: &job.prompt,
        image: first_frame.as_ref(),
        duration_s: model.clip_seconds,
        aspect: model.aspect,
        resolution: model.resolution,
    };
    // Charged before the order: over the limit, no clip is ordered; nor is one charged for a
    // job that is no longer ours.
    let tier = TierSpec::find(&job.tier).ok_or(MediaJobError::StoryDeleted)?;
    super::still_ours(state, job).await?;
    spending::charge(&state.db, &state.config.limits, tier, Spend::Clip).await?;
    // "Submitting" is committed before the call, or no call is made: a restart that finds
    // it without a request id knows the clip may have been ordered and does not order it
    // again (see `db::media::take_back`). Nor is one made for a job that is no longer ours.
    let holder = state.jobs.instance();
    if !media::mark_submitting(&state.db, &job.id, holder)
        .await
        .map_err(MediaJobError::Record)?
    {
        return Err(MediaJobError::LeaseLost);
    }
    crash_points::reached("clip_submitting", &state.config.data_dir).await;
    let request_id = match client.submit_video(&request).await {
        Err(ProviderError::ModelGone { .. }) => {
            return Err(MediaJobError::retired(state.models, model))
        }
        other => other?,
    };
    crash_points::reached("clip_submitted", &state.config.data_dir).await;
    tracing::info!(%request_id, image_to_video = first_frame.is_some(), "clip submitted");
    // The clip is paid for: its request id must not be lost, so a full disk stalls the job
    // here until it can be stored; a restart then polls this request.
    let stored = persist("the clip's request id", || {
        media::set_request_id(&state.db, &job.id, holder, &request_id)
    })
    .await;
    if !stored {
        // The row is gone (its story was deleted while the clip was ordered), or this
        // instance stopped renewing its leases for a whole lease while it ordered and the
        // job went back to the queue.
        return match super::still_ours(state, job).await {
            Err(MediaJobError::StoryDeleted) => {
                tracing::info!(%request_id, "the story was deleted while its clip was ordered; the clip is not collected");
                Err(MediaJobError::StoryDeleted)
            }
            _ => {
                tracing::error!(%request_id, "the clip was ordered after this job's lease ran out; its request id is only in this log");
                Err(MediaJobError::LeaseLost)
            }
        };
    }
    crash_points::reached("clip_id_stored", &state.config.data_dir).await;
    Ok(request_id)
}

/// Polls every `poll_every` until the provider is done, fails, or the maximum wait since
/// submission has passed (counted from the stored submission time, across restarts).
async fn wait_until_done(
    state: &AppState,
    client: &ProviderClient,
    job: &MediaJob,
    request_id: &str,
    submitted_at: OffsetDateTime,
) -> Result<String, MediaJobError> {
    let timing = state.config.video;
    let mut polls = 0u32;
    loop {
        polls += 1;
        // The story was deleted meanwhile, or the job is another instance's now (it polls
        // the same request): stop following the clip.
        super::still_ours(state, job).await?;
        match client.poll_video(request_id).await {
            Ok(VideoPoll::Pending) => {}
            Ok(VideoPoll::Done { url }) => {
                tracing::info!(polls, "clip done at the provider");
                return Ok(url);
            }
            Ok(VideoPoll::Failed(reason)) => return Err(MediaJobError::VideoFailed(reason)),
            Err(e) => return Err(e.into()),
        }
        let waited = OffsetDateTime::now_utc() - submitted_at;
        let left =
            time::Duration::try_from(timing.max_wait).unwrap_or(time::Duration::MAX) - waited;
        if left <= time::Duration::ZERO {
            return Err(MediaJobError::TimedOut(timing.max_wait));
        }
        let pause = std::time::Duration::try_from(left).unwrap_or_default();
        tokio::time::sleep(timing.poll_every.min(pause)).await;
    }
}

/// Streams the clip to a temporary file and renames it into place; memory stays flat
/// whatever the clip's size, and a failure leaves no partial file.
async fn download(
    state: &AppState,
    client: &ProviderClient,
    job: &MediaJob,
    url: &str,
) -> Result<String, MediaJobError> {
    let mut response = client
        .open_download(url)
        .await
        .map_err(MediaJobError::LinkExpired)?;
    let file_name = super::file_name_for(job, "mp4");
    let key = FileKey::media(&job.tier, &job.story_id, &file_name);
    let mut file = state
        .store
        .writer(&key)
        .await
        .map_err(MediaJobError::Storage)?;
    let mut head = Vec::with_capacity(12);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(MediaJobError::DownloadBroke)?
    {
        let first = head.is_empty();
        if head.len() < 12 {
            head.extend(chunk.iter().take(12 - head.len()));
        }
        file.write(&chunk).await.map_err(MediaJobError::Storage)?;
        if first {
            crash_points::reached("clip_writing", &state.config.data_dir).await;
        }
    }
    if head.get(4..8) != Some(b"ftyp".as_slice()) {
        return Err(MediaJobError::NotMp4);
    }
    let bytes = file.len();
    file.commit().await.map_err(|e| match e.kind() {
        // A bucket refuses a cut-off clip as it is put.
        std::io::ErrorKind::InvalidData => MediaJobError::NotMp4,
        _ => MediaJobError::Storage(e),
    })?;
    // A cut-off clip (its boxes do not fill the file, or no `moov`) is never marked complete.
    if !state.store.is_intact(&key, MediaKind::Video).await {
        let _ = state.store.remove(&key).await;
        return Err(MediaJobError::NotMp4);
    }
    tracing::info!(bytes, "clip saved");
    Ok(file_name)
}
