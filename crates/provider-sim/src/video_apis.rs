//! xAI's asynchronous video API: `POST /videos/generations` answers a `request_id` at once;
//! `GET /videos/{request_id}` says `pending` for a configurable number of polls, then
//! `done` with a temporary URL of a real MP4 (the first frame — the request's image, or a
//! picture drawn from the prompt — slowly panning). Faults: `video_failed` ends the job
//! as failed, `video_moderated` as done but withheld (`respect_moderation: false`),
//! `video_expired` as expired, `stuck` never finishes, `expired_url` hands out a URL that
//! is already gone, and the usual 429/500/… on either call. Submissions are counted like every request.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::control::{Fault, FaultKind};
use super::gate::{error, gate, invalid_request, SimCall};
use super::illustration::illustration;
use super::image_apis::{bearer, decode_data_uri, parse, put_temp_file, FileBase};
use super::SimState;
use crate::{ModelKind, Provider};
use imaging::Canvas;

const RESOLUTIONS: &[&str] = &["480p", "720p", "1080p"];
const ASPECTS: &[&str] = &["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"];
/// Frames per second of the simulated clips.
const FPS: u32 = 12;

/// A submitted clip.
pub(crate) struct VideoJob {
    first_frame: Canvas,
    duration: u32,
    polls_left: u32,
    fault: Option<FaultKind>,
    /// The temporary file's name once done (made once, on the first `done` poll).
    file: Option<String>,
    /// Status polls answered, and when `done` was first answered (for benchmarks).
    polls: u32,
    done_at: Option<std::time::SystemTime>,
}

/// `GET /__control/videos`: every submitted clip with its polls and when it was done
/// (milliseconds since the Unix epoch), so a benchmark can time what happens after.
pub(crate) async fn jobs(State(s): State<SimState>) -> Json<serde_json::Value> {
    let list: Vec<serde_json::Value> = s
        .videos
        .lock()
        .map(|videos| {
            videos
                .iter()
                .map(|(id, job)| {
                    let done_at_ms = job
                        .done_at
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map(|d| d.as_millis() as u64);
                    json!({ "request_id": id, "polls": job.polls, "done_at_ms": done_at_ms })
                })
                .collect()
        })
        .unwrap_or_default();
    Json(serde_json::Value::Array(list))
}

pub(crate) async fn submit(State(s): State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    let p = Provider::Xai;
    let body = match parse(&body) {
        Ok(b) => b,
        Err(message) => return invalid_request(p, &message),
    };
    let model = body["model"].as_str().unwrap_or_default();
    let prompt = body["prompt"].as_str().unwrap_or_default();
    let duration = body["duration"].as_u64().unwrap_or(8);
    let image = match body.pointer("/image/url").and_then(|u| u.as_str()) {
        Some(url) => match decode_data_uri(url) {
            Ok(picture) => Some(picture),
            Err(message) => return invalid_request(p, &message),
        },
        None if body.get("image").is_some() => {
            return invalid_request(p, "image must be an object with a url")
        }
        None => None,
    };
    let invalid = if model.is_empty() {
        Some("model must be given".to_owned())
    } else if prompt.trim().is_empty() {
        Some("prompt must not be empty".to_owned())
    } else if !(1..=15).contains(&duration) {
        Some(format!(
            "duration must be between 1 and 15 seconds, got {duration}"
        ))
    } else if body["resolution"]
        .as_str()
        .is_some_and(|r| !RESOLUTIONS.contains(&r))
    {
        Some("resolution must be '480p', '720p' or '1080p'".to_owned())
    } else if body.get("generate_audio").is_some_and(|a| !a.is_boolean()) {
        Some("generate_audio must be a boolean".to_owned())
    } else if body["aspect_ratio"]
        .as_str()
        .is_some_and(|a| !ASPECTS.contains(&a))
    {
        Some(format!("unsupported aspect_ratio {}", body["aspect_ratio"]))
    } else {
        None
    };
    let fault = match gate(
        &s,
        SimCall {
            provider: p,
            route: "/videos/generations",
            headers: &headers,
            key: bearer(&headers),
            model: Some((model, ModelKind::Video)),
            invalid: invalid.as_deref(),
            prompt,
        },
    )
    .await
    {
        Err(response) => return response,
        Ok(fault) => fault,
    };
    s.control.record_image_request(json!({
        "provider": "xai", "path": "/videos/generations", "model": model,
        "fields": super::image_apis::field_names(&body), "references": usize::from(image.is_some()),
        "prompt": prompt, "generate_audio": body.get("generate_audio"),
    }));
    let first_frame = image
        .unwrap_or_else(|| illustration(prompt, "grok-imagine-video", s.config.image_size(), &[]));
    let request_id = format!(
        "vid-{duration}s-{:016x}",
        super::story::fnv(&format!("{prompt}{:?}", Instant::now()))
    );
    let job = VideoJob {
        first_frame,
        duration: duration as u32,
        polls_left: s.config.video_polls(),
        fault: fault.map(|f| f.kind),
        file: None,
        polls: 0,
        done_at: None,
    };
    if let Ok(mut videos) = s.videos.lock() {
        videos.insert(request_id.clone(), job);
    }
    Json(json!({ "request_id": request_id })).into_response()
}

/// A job this simulator made before a restart, rebuilt from its id (`vid-{seconds}s-{hash}`):
/// done at the next poll, its first frame drawn from the id.
fn recovered_job(s: &SimState, request_id: &str) -> Option<VideoJob> {
    let rest = request_id.strip_prefix("vid-")?;
    let (seconds, hash) = rest.split_once("s-")?;
    let duration: u32 = seconds.parse().ok().filter(|d| (1..=15).contains(d))?;
    if hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(VideoJob {
        first_frame: illustration(hash, "grok-imagine-video", s.config.image_size(), &[]),
        duration,
        polls_left: 0,
        fault: None,
        file: None,
        polls: 0,
        done_at: None,
    })
}

pub(crate) async fn status(
    State(s): State<SimState>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    Path(request_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let p = Provider::Xai;
    let poll_fault = match gate(
        &s,
        SimCall {
            provider: p,
            route: "/videos/status",
            headers: &headers,
            key: bearer(&headers),
            model: None,
            invalid: None,
            prompt: "",
        },
    )
    .await
    {
        Err(response) => return response,
        Ok(fault) => fault,
    };
    // Take what is needed out of the job, then make the clip without holding the lock.
    let step = {
        let Ok(mut videos) = s.videos.lock() else {
            return error(
                p,
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "lock poisoned",
            );
        };
        // The in-process simulator forgets its jobs when the app restarts; the id says
        // enough to finish the clip anyway (from a drawn picture), as the real service
        // would still have it. Ids it never made are unknown, as there.
        if !videos.contains_key(&request_id) {
            match recovered_job(&s, &request_id) {
                Some(job) => {
                    videos.insert(request_id.clone(), job);
                }
                None => {
                    return error(
                        p,
                        StatusCode::NOT_FOUND,
                        "not_found",
                        &format!("No video request with id {request_id}"),
                    )
                }
            }
        }
        let Some(job) = videos.get_mut(&request_id) else {
            return error(
                p,
                StatusCode::NOT_FOUND,
                "not_found",
                &format!("No video request with id {request_id}"),
            );
        };
        job.polls += 1;
        match job.fault {
            Some(FaultKind::VideoFailed) => Step::Failed,
            Some(FaultKind::VideoModerated) => Step::Moderated,
            Some(FaultKind::VideoExpired) => Step::Expired,
            Some(FaultKind::Stuck) => Step::Pending,
            Some(FaultKind::VideoUnknownStatus) if job.polls <= 2 => Step::Unknown,
            _ if poll_fault.is_some_and(|f| f.kind == FaultKind::VideoUnknownStatus) => {
                Step::Unknown
            }
            _ if job.polls_left > 0 => {
                job.polls_left -= 1;
                Step::Pending
            }
            _ => match &job.file {
                Some(file) => Step::Done(file.clone(), job.duration),
                None => Step::Render(
                    job.first_frame.clone(),
                    job.duration,
                    job.fault == Some(FaultKind::ExpiredUrl),
                ),
            },
        }
    };
    let (file, duration) = match step {
        Step::Pending => {
            return Json(json!({ "status": "pending", "request_id": request_id })).into_response()
        }
        Step::Unknown => {
            return Json(json!({ "status": "queued_for_review", "request_id": request_id }))
                .into_response()
        }
        Step::Failed => {
            return Json(json!({
                "status": "failed",
                "request_id": request_id,
                "error": { "code": "generation_failed", "message": "The video could not be generated." },
            }))
            .into_response()
        }
        // xAI's moderation: the job is `done`, but the clip was withheld.
        Step::Moderated => {
            return Json(json!({
                "status": "done",
                "request_id": request_id,
                "model": "grok-imagine-video",
                "video": { "url": "", "duration": 0, "respect_moderation": false },
            }))
            .into_response()
        }
        Step::Expired => {
            return Json(json!({ "status": "expired", "request_id": request_id })).into_response()
        }
        Step::Done(file, duration) => (file, duration),
        Step::Render(first_frame, duration, expired_at_submission) => {
            let clip = tokio::task::spawn_blocking(move || {
                super::video::panning_clip(&first_frame, duration, FPS)
            })
            .await
            .unwrap_or_default();
            let expired = expired_at_submission
                || matches!(poll_fault, Some(Fault { kind: FaultKind::ExpiredUrl, .. }));
            let file = format!("{request_id}.mp4");
            put_temp_file(&s, &file, clip, expired);
            if let Ok(mut videos) = s.videos.lock() {
                if let Some(job) = videos.get_mut(&request_id) {
                    job.file = Some(file.clone());
                    job.done_at = Some(std::time::SystemTime::now());
                }
            }
            (file, duration)
        }
    };
    let url = FileBase {
        original: &original,
        uri: &uri,
        headers: &headers,
    }
    .url(&file);
    Json(json!({
        "status": "done",
        "request_id": request_id,
        "model": "grok-imagine-video",
        "video": { "url": url, "duration": duration, "respect_moderation": true },
    }))
    .into_response()
}

enum Step {
    Pending,
    /// A status newer than the client knows (`queued_for_review`): it must keep polling.
    Unknown,
    Failed,
    Moderated,
    Expired,
    Done(String, u32),
    /// First frame, duration, and whether the URL must be handed out already expired.
    Render(Canvas, u32, bool),
}
