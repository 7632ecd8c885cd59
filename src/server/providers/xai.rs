//! xAI: Grok Imagine pictures and clips (text streams, OpenAI-compatible: `stream.rs`).
//! Grok Imagine images answer a temporary URL, downloaded at once before it expires.

use serde_json::{json, Value};

use super::http::{Auth, Call};
use super::{ProviderError, ReferenceImage};
use crate::domain::aspect::AspectRatio;

/// With reference photos this is xAI's image editing (`/images/edits`, JSON): one photo as
/// `image: {url}`, several (up to 3) as `images: [{url}]`, each a `data:` URI.
pub(crate) async fn generate_image(
    call: &Call<'_>,
    model: &str,
    prompt: &str,
    aspect: AspectRatio,
    references: &[ReferenceImage],
) -> Result<Vec<u8>, ProviderError> {
    let mut body = json!({
        "model": model,
        "prompt": prompt,
        "n": 1,
        "response_format": "url",
        "aspect_ratio": aspect.ratio(),
    });
    let path = match references {
        [] => "/images/generations",
        [one] => {
            // `aspect_ratio` is documented only for the several-photos form.
            if let Some(fields) = body.as_object_mut() {
                fields.remove("aspect_ratio");
            }
            body["image"] = json!({ "url": one.data_uri() });
            "/images/edits"
        }
        many => {
            body["images"] = many
                .iter()
                .map(|r| json!({ "url": r.data_uri() }))
                .collect();
            "/images/edits"
        }
    };
    let answer = call.post_json(path, Auth::Bearer, &body).await?;
    let item = answer
        .pointer("/data/0")
        .ok_or_else(|| call.bad_response("no data[0] in the answer"))?;
    if let Some(data) = item.get("b64_json").and_then(Value::as_str) {
        return super::decode_base64(call, data);
    }
    let url = item
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| call.bad_response("no url or b64_json in data[0]"))?;
    call.download(url).await
}

/// What a video status poll says.
#[derive(Debug, Clone, PartialEq)]
pub enum VideoPoll {
    Pending,
    Done {
        url: String,
    },
    /// The provider ended the job (failed, expired, or blocked by moderation).
    Failed(String),
}

/// Submits a clip: image-to-video when `image` is given (it becomes the first frame),
/// text-to-video otherwise. Answers the request id to poll.
pub(crate) async fn submit_video(
    call: &Call<'_>,
    req: &super::VideoRequest<'_>,
) -> Result<String, ProviderError> {
    let mut body = json!({
        "model": req.model,
        "prompt": req.prompt,
        "duration": req.duration_s,
        "aspect_ratio": req.aspect.ratio(),
        "resolution": req.resolution,
    });
    if let Some(sound) = req.sound {
        body["generate_audio"] = json!(sound);
    }
    if let Some(image) = req.image {
        body["image"] = json!({ "url": image.data_uri() });
    }
    let answer = call
        .post_json("/videos/generations", Auth::Bearer, &body)
        .await?;
    answer["request_id"]
        .as_str()
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| call.bad_response("no request_id in the answer"))
}

/// One status poll. Both documented answers are read: `{status, video: {url}}` and the
/// older top-level `url`.
pub(crate) async fn poll_video(
    call: &Call<'_>,
    request_id: &str,
) -> Result<VideoPoll, ProviderError> {
    let answer = call
        .get_json(&format!("/videos/{request_id}"), Auth::Bearer)
        .await?;
    let url = answer
        .pointer("/video/url")
        .or_else(|| answer.get("url"))
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty());
    let status = answer["status"].as_str().unwrap_or_default();
    // `video.respect_moderation: false` (a bool inside `video`): withheld by moderation,
    // whatever the status says.
    if answer.pointer("/video/respect_moderation") == Some(&Value::Bool(false)) {
        return Ok(VideoPoll::Failed(
            "its moderation blocked this clip (try a gentler scene, then Retry)".into(),
        ));
    }
    Ok(match (status, url) {
        ("done", Some(url)) | ("", Some(url)) => VideoPoll::Done {
            url: url.to_owned(),
        },
        ("done", None) => return Err(call.bad_response("status done without a video url")),
        ("expired", _) => VideoPoll::Failed(
            "the request expired at Grok Imagine before the clip was collected".into(),
        ),
        ("failed", _) => {
            let reason = answer
                .pointer("/error/message")
                .or_else(|| answer.get("error"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| "the video job failed".to_owned());
            VideoPoll::Failed(reason)
        }
        // `pending`, and any status newer than this client: only `done`, `failed` and
        // `expired` end a job (as the official SDK polls).
        (other, _) => {
            if !matches!(other, "pending" | "") {
                tracing::debug!(status = other, "unknown video status; still waiting");
            }
            VideoPoll::Pending
        }
    })
}
