//! Fault injection and request counting. Faults are queued by a setting
//! (`POST /__control/faults`) or asked for per request (`x-sim-fault` header, or a
//! `[sim:<kind>]` token anywhere in the prompt).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::SimState;
use crate::Provider;

/// What a simulated call does wrong on purpose; the key is how tests ask for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub enum FaultKind {
    RateLimit,
    ServerError,
    Overloaded,
    Slow,
    Malformed,
    Policy,
    Unauthorized,
    /// Image and video URLs handed out already expired (xAI temporary URLs).
    ExpiredUrl,
    /// A video job that ends with status `failed`.
    VideoFailed,
    /// A video job that stays pending forever.
    Stuck,
    /// No billing or credits, in each provider's own shape (OpenAI 429
    /// `insufficient_quota`, xAI 403, Gemini 429 with `limit: 0`, Anthropic's 400 "credit
    /// balance is too low").
    InsufficientQuota,
    /// OpenAI's 403 "Your organization must be verified to use the model …".
    OrgNotVerified,
    /// Gemini's 429 for a key without quota for the model (`limit: 0`, a per-day quota).
    NoImageQuota,
    /// Gemini's 403 for a project without the API enabled.
    ApiNotEnabled,
    /// A video job that ends `done` but with `video.respect_moderation: false` (blocked).
    VideoModerated,
    /// A video job that ends with status `expired`.
    VideoExpired,
    /// A streamed answer whose connection ends halfway, without the protocol's end.
    CutOff,
    /// A streamed answer with an event that is not JSON, halfway.
    BadChunk,
    /// A streamed answer that stops halfway with the model's refusal as its stop reason.
    StopRefusal,
    /// A streamed answer that stops halfway at its token limit.
    MaxTokens,
    /// A streamed chat answer whose every chunk carries `"error": null`.
    NullError,
    /// A Gemini picture refused with `finishReason: IMAGE_PROHIBITED_CONTENT`.
    ImageProhibited,
    /// A Gemini answer with `finishReason: NO_IMAGE` and no picture.
    NoImage,
    /// One xAI video status poll answers a status the client does not know.
    VideoUnknownStatus,
    /// A 429 whose `retry-after` is an HTTP date (one second ahead).
    RateLimitDate,
    /// A 500 with `x-should-retry: false`: the provider says not to try again.
    NoRetry,
    /// A 400 with `x-should-retry: true`: the provider says to try again.
    RetryAnyway,
}

/// Each fault's key, as the control route, the `x-sim-fault` header and `[sim:…]` spell it.
const FAULT_KEYS: &[(FaultKind, &str)] = &[
    (FaultKind::RateLimit, "rate_limit"),
    (FaultKind::ServerError, "server_error"),
    (FaultKind::Overloaded, "overloaded"),
    (FaultKind::Slow, "slow"),
    (FaultKind::Malformed, "malformed"),
    (FaultKind::Policy, "policy"),
    (FaultKind::Unauthorized, "unauthorized"),
    (FaultKind::ExpiredUrl, "expired_url"),
    (FaultKind::VideoFailed, "video_failed"),
    (FaultKind::Stuck, "stuck"),
    (FaultKind::InsufficientQuota, "insufficient_quota"),
    (FaultKind::OrgNotVerified, "org_not_verified"),
    (FaultKind::NoImageQuota, "no_image_quota"),
    (FaultKind::ApiNotEnabled, "api_not_enabled"),
    (FaultKind::VideoModerated, "video_moderated"),
    (FaultKind::VideoExpired, "video_expired"),
    (FaultKind::CutOff, "cut_off"),
    (FaultKind::BadChunk, "bad_chunk"),
    (FaultKind::StopRefusal, "stop_refusal"),
    (FaultKind::MaxTokens, "max_tokens"),
    (FaultKind::NullError, "null_error"),
    (FaultKind::ImageProhibited, "image_prohibited"),
    (FaultKind::NoImage, "no_image"),
    (FaultKind::VideoUnknownStatus, "video_unknown_status"),
    (FaultKind::RateLimitDate, "rate_limit_date"),
    (FaultKind::NoRetry, "no_retry"),
    (FaultKind::RetryAnyway, "retry_anyway"),
];

impl FaultKind {
    pub fn key(self) -> &'static str {
        FAULT_KEYS
            .iter()
            .find_map(|&(kind, key)| (kind == self).then_some(key))
            .unwrap_or_default()
    }

    pub fn parse(key: &str) -> Option<FaultKind> {
        FAULT_KEYS
            .iter()
            .find_map(|&(kind, k)| (k == key).then_some(kind))
    }
}

impl TryFrom<String> for FaultKind {
    type Error = String;

    fn try_from(key: String) -> Result<FaultKind, String> {
        FaultKind::parse(&key).ok_or_else(|| format!("unknown fault {key:?}"))
    }
}

/// A fault to apply to one request, with the delay of a `slow` one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fault {
    pub kind: FaultKind,
    pub delay: Duration,
}

const DEFAULT_SLOW: Duration = Duration::from_secs(5);

#[derive(Debug, Deserialize)]
pub(crate) struct QueuedFault {
    /// A provider key, or "any".
    api: String,
    kind: FaultKind,
    #[serde(default = "one")]
    count: u32,
    delay_ms: Option<u64>,
}

fn one() -> u32 {
    1
}

#[derive(Default)]
pub(crate) struct Control {
    queue: Mutex<VecDeque<(Option<Provider>, Fault, u32)>>,
    counts: Mutex<BTreeMap<String, u64>>,
    /// What each image request carried (model, fields, reference images), newest last,
    /// so tests can check the exact request a client sent.
    image_requests: Mutex<VecDeque<Value>>,
}

/// Image requests kept for inspection.
const IMAGE_LOG_LEN: usize = 200;

impl Control {
    /// Counts the request and picks the fault it gets, if any.
    pub fn on_request(
        &self,
        provider: Provider,
        route: &str,
        headers: &HeaderMap,
        prompt_text: &str,
    ) -> Option<Fault> {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry(provider.key().to_owned()).or_default() += 1;
            *counts
                .entry(format!("{}{route}", provider.key()))
                .or_default() += 1;
        }
        let asked = headers
            .get("x-sim-fault")
            .and_then(|v| v.to_str().ok())
            .and_then(|key| FaultKind::parse(key.trim()))
            .or_else(|| token_fault(prompt_text));
        if let Some(kind) = asked {
            return Some(Fault {
                kind,
                delay: DEFAULT_SLOW,
            });
        }
        let mut queue = self.queue.lock().ok()?;
        let index = queue
            .iter()
            .position(|(api, _, _)| api.is_none() || *api == Some(provider))?;
        let (_, fault, left) = &mut queue[index];
        let fault = *fault;
        *left -= 1;
        if *left == 0 {
            queue.remove(index);
        }
        Some(fault)
    }
}

impl Control {
    pub fn record_image_request(&self, entry: Value) {
        if let Ok(mut log) = self.image_requests.lock() {
            if log.len() == IMAGE_LOG_LEN {
                log.pop_front();
            }
            log.push_back(entry);
        }
    }
}

/// `GET /__control/image_requests`: the recorded image requests, oldest first.
pub(crate) async fn image_requests(State(state): State<SimState>) -> Json<Value> {
    let log: Vec<Value> = state
        .control
        .image_requests
        .lock()
        .map(|l| l.iter().cloned().collect())
        .unwrap_or_default();
    Json(Value::Array(log))
}

fn token_fault(text: &str) -> Option<FaultKind> {
    let start = text.find("[sim:")? + "[sim:".len();
    let end = text[start..].find(']')? + start;
    FaultKind::parse(text[start..end].trim())
}

pub(crate) async fn queue_fault(
    State(state): State<SimState>,
    Json(body): Json<QueuedFault>,
) -> Result<Json<Value>, (StatusCode, String)> {
    let api = match body.api.as_str() {
        "any" => None,
        key => Some(
            Provider::ALL
                .into_iter()
                .find(|p| p.key() == key)
                .ok_or((StatusCode::BAD_REQUEST, format!("unknown api {key:?}")))?,
        ),
    };
    let fault = Fault {
        kind: body.kind,
        delay: body
            .delay_ms
            .map(Duration::from_millis)
            .unwrap_or(DEFAULT_SLOW),
    };
    if body.count > 0 {
        if let Ok(mut queue) = state.control.queue.lock() {
            queue.push_back((api, fault, body.count));
        }
    }
    Ok(Json(json!({ "queued": body.count })))
}

pub(crate) async fn clear_faults(State(state): State<SimState>) -> StatusCode {
    if let Ok(mut queue) = state.control.queue.lock() {
        queue.clear();
    }
    StatusCode::NO_CONTENT
}

/// `GET /__control/pace`: how fast the text models write.
pub(crate) async fn pace(State(state): State<SimState>) -> Json<super::TextPace> {
    Json(state.pace())
}

/// `POST /__control/pace` `{first_token_ms, tokens_per_second}` (0 = all at once).
pub(crate) async fn set_pace(
    State(state): State<SimState>,
    Json(pace): Json<super::TextPace>,
) -> StatusCode {
    if let Ok(mut current) = state.pace.lock() {
        *current = pace;
    }
    StatusCode::NO_CONTENT
}

pub(crate) async fn stats(State(state): State<SimState>) -> Json<Value> {
    let counts = state
        .control
        .counts
        .lock()
        .map(|c| c.clone())
        .unwrap_or_default();
    Json(json!({ "requests": counts }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_tokens_and_headers_pick_a_fault() {
        assert_eq!(
            token_fault("x [sim:rate_limit] y"),
            Some(FaultKind::RateLimit)
        );
        assert_eq!(token_fault("[sim:nonsense]"), None);
        assert_eq!(token_fault("no token"), None);
        let control = Control::default();
        let mut headers = HeaderMap::new();
        headers.insert("x-sim-fault", "policy".parse().expect("header"));
        let fault = control.on_request(Provider::OpenAi, "/chat", &headers, "");
        assert_eq!(fault.map(|f| f.kind), Some(FaultKind::Policy));
    }

    #[test]
    fn queued_faults_apply_count_times_to_matching_apis_only() {
        let control = Control::default();
        let fault = Fault {
            kind: FaultKind::ServerError,
            delay: DEFAULT_SLOW,
        };
        control
            .queue
            .lock()
            .expect("lock")
            .push_back((Some(Provider::Gemini), fault, 2));
        let none = HeaderMap::new();
        assert_eq!(control.on_request(Provider::OpenAi, "/x", &none, ""), None);
        assert_eq!(
            control.on_request(Provider::Gemini, "/x", &none, ""),
            Some(fault)
        );
        assert_eq!(
            control.on_request(Provider::Gemini, "/x", &none, ""),
            Some(fault)
        );
        assert_eq!(control.on_request(Provider::Gemini, "/x", &none, ""), None);
    }
}
