//! What every simulated endpoint does first (`gate`: count, check the key and the body,
//! wait, fail on purpose), and every error answer in each provider's own shape: OpenAI's
//! and Gemini's `{error:{…}}`, xAI's `{code, error:"…"}`, Anthropic's `{type:"error",…}`,
//! bad keys, rate limits and account states as the real APIs send them.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::control::{Fault, FaultKind};
use super::SimState;
use crate::{ModelKind, Provider};

/// What every simulated endpoint does first: count the request, check the key and the
/// body, wait the configured latency, and fail on purpose when asked. `Ok` carries a
/// fault the endpoint itself must act out (malformed answer, expired URL).
/// One simulated provider call, as the gate sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SimCall<'a> {
    pub provider: Provider,
    /// The route as counted in the stats (`/images/generations`, …).
    pub route: &'a str,
    pub headers: &'a HeaderMap,
    /// The key the request carried, however the provider expects it.
    pub key: Option<&'a str>,
    /// The model asked for and what it must make: a retired or unknown one is a 404 in the
    /// provider's shape, one of another kind a 400.
    pub model: Option<(&'a str, ModelKind)>,
    /// Why the body is invalid, if it is (a 400 in the provider's shape).
    pub invalid: Option<&'a str>,
    /// The request's words, where `[sim:<fault>]` tokens are looked for.
    pub prompt: &'a str,
}

pub(crate) async fn gate(s: &SimState, call: SimCall<'_>) -> Result<Option<Fault>, Response> {
    let SimCall {
        provider: p,
        route,
        headers,
        key,
        model,
        invalid,
        prompt: prompt_text,
    } = call;
    let fault = s.control.on_request(p, route, headers, prompt_text);
    let key_ok = match (&s.config.api_key, key) {
        (_, None) | (_, Some("")) => false,
        (Some(expected), Some(given)) => expected == given,
        (None, Some(_)) => true,
    };
    if !key_ok || fault.is_some_and(|f| f.kind == FaultKind::Unauthorized) {
        return Err(unauthorized(p));
    }
    if let Some(refusal) = model.and_then(|(id, kind)| super::model_lists::refusal(p, id, kind)) {
        return Err(refusal);
    }
    if let Some(message) = invalid {
        return Err(invalid_request(p, message));
    }
    if !s.config.latency.is_zero() {
        tokio::time::sleep(s.config.latency).await;
    }
    match fault {
        None => Ok(None),
        Some(Fault {
            kind: FaultKind::Slow,
            delay,
        }) => {
            tokio::time::sleep(delay).await;
            Ok(None)
        }
        Some(
            f @ Fault {
                kind:
                    FaultKind::Malformed
                    | FaultKind::CutOff
                    | FaultKind::BadChunk
                    | FaultKind::ExpiredUrl
                    | FaultKind::VideoFailed
                    | FaultKind::VideoModerated
                    | FaultKind::VideoExpired
                    | FaultKind::Stuck
                    | FaultKind::StopRefusal
                    | FaultKind::MaxTokens
                    | FaultKind::NullError
                    | FaultKind::ImageProhibited
                    | FaultKind::NoImage
                    | FaultKind::VideoUnknownStatus,
                ..
            },
        ) => Ok(Some(f)),
        Some(Fault { kind, .. }) => Err(fault_response(p, kind)),
    }
}

/// A 400 in the provider's shape.
pub(crate) fn invalid_request(p: Provider, message: &str) -> Response {
    let kind = if p == Provider::Gemini {
        "INVALID_ARGUMENT"
    } else {
        "invalid_request_error"
    };
    error(p, StatusCode::BAD_REQUEST, kind, message)
}

fn fault_response(p: Provider, kind: FaultKind) -> Response {
    match (kind, p) {
        (FaultKind::RateLimit, Provider::Gemini) => gemini_rate_limit(),
        (FaultKind::RateLimit, _) => {
            let mut res = error(
                p,
                StatusCode::TOO_MANY_REQUESTS,
                rate_kind(p),
                "Rate limit reached for requests. Please try again shortly.",
            );
            let h = res.headers_mut();
            h.insert("retry-after", axum::http::HeaderValue::from_static("1"));
            h.insert(
                "retry-after-ms",
                axum::http::HeaderValue::from_static("200"),
            );
            res
        }
        (FaultKind::RateLimitDate, _) => {
            let mut res = error(
                p,
                StatusCode::TOO_MANY_REQUESTS,
                rate_kind(p),
                "Rate limit reached for requests. Please try again shortly.",
            );
            if let Ok(value) = axum::http::HeaderValue::from_str(&http_date_in(2)) {
                res.headers_mut().insert("retry-after", value);
            }
            res
        }
        (FaultKind::NoRetry, _) => {
            let mut res = error(
                p,
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "The server had an error while processing your request.",
            );
            res.headers_mut().insert(
                "x-should-retry",
                axum::http::HeaderValue::from_static("false"),
            );
            res
        }
        (FaultKind::RetryAnyway, _) => {
            let mut res = error(
                p,
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                "Request could not be processed right now.",
            );
            res.headers_mut().insert(
                "x-should-retry",
                axum::http::HeaderValue::from_static("true"),
            );
            res
        }
        (FaultKind::Overloaded, Provider::Anthropic) => {
            let status = StatusCode::from_u16(529).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            error(p, status, "overloaded_error", "Overloaded")
        }
        (FaultKind::Overloaded, _) => error(
            p,
            StatusCode::SERVICE_UNAVAILABLE,
            "UNAVAILABLE",
            "The model is overloaded. Please try again later.",
        ),
        (FaultKind::Policy, Provider::Gemini) => Json(json!({
            "promptFeedback": { "blockReason": "SAFETY", "safetyRatings": [] },
            "usageMetadata": { "promptTokenCount": 10, "totalTokenCount": 10 },
        }))
        .into_response(),
        (FaultKind::Policy, Provider::Anthropic) => error(
            p,
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "Output blocked by content filtering policy",
        ),
        (FaultKind::Policy, _) => error(
            p,
            StatusCode::BAD_REQUEST,
            "content_policy_violation",
            "Your request was rejected as a result of our safety system.",
        ),
        (FaultKind::Unauthorized, _) => unauthorized(p),
        (FaultKind::InsufficientQuota, _) => no_credits(p),
        (FaultKind::OrgNotVerified, _) => error(
            p,
            StatusCode::FORBIDDEN,
            "invalid_request_error",
            "Your organization must be verified to use the model `gpt-image-1`. Please go to: https://platform.openai.com/settings/organization/general and click on Verify Organization. If you just verified, it can take up to 15 minutes for access to propagate.",
        ),
        (FaultKind::NoImageQuota, _) => gemini_quota(0),
        (FaultKind::ApiNotEnabled, _) => Json(json!({ "error": {
            "code": 403,
            "message": "Generative Language API has not been used in project 123456 before or it is disabled. Enable it by visiting the Google Cloud console, then retry.",
            "status": "PERMISSION_DENIED",
            "details": [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", "domain": "googleapis.com" }],
        }}))
        .into_response()
        .with_status(StatusCode::FORBIDDEN),
        _ => error(
            p,
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "The server had an error while processing your request.",
        ),
    }
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) `seconds` from now.
fn http_date_in(seconds: i64) -> String {
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    at.format(&format).unwrap_or_default()
}

/// No billing or credits, as each provider says it.
fn no_credits(p: Provider) -> Response {
    match p {
        Provider::OpenAi => error(
            p,
            StatusCode::TOO_MANY_REQUESTS,
            "insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
        ),
        Provider::Xai => xai_error(
            StatusCode::FORBIDDEN,
            "The caller does not have permission to execute the specified operation",
            "Your newly created team doesn't have any credits yet. You can purchase credits on https://console.x.ai.",
        ),
        Provider::Gemini => gemini_quota(0),
        Provider::Anthropic => error(
            p,
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
        ),
    }
}

/// xAI's error shape: `error` is a plain string, `code` a sentence.
fn xai_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "code": code, "error": message }))).into_response()
}

/// Gemini's 429 `RESOURCE_EXHAUSTED`: the wait is in the body (`RetryInfo`), never in a
/// header; a `limit` of 0 means the key has no quota for the model at all.
fn gemini_quota(limit: u32) -> Response {
    let body = json!({ "error": {
        "code": 429,
        "message": format!("You exceeded your current quota, please check your plan and billing details. Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: {limit}, model: gemini-2.5-flash-image"),
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            { "@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
                "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                "quotaValue": limit.to_string(),
            }]},
            { "@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.2s" },
        ],
    }});
    (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response()
}

/// Gemini's ordinary rate limit: no `Retry-After` header, the wait in the body.
fn gemini_rate_limit() -> Response {
    let body = json!({ "error": {
        "code": 429,
        "message": "Resource has been exhausted (e.g. check quota).",
        "status": "RESOURCE_EXHAUSTED",
        "details": [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.2s" }],
    }});
    (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response()
}

trait WithStatus {
    fn with_status(self, status: StatusCode) -> Response;
}

impl WithStatus for Response {
    fn with_status(mut self, status: StatusCode) -> Response {
        *self.status_mut() = status;
        self
    }
}

fn rate_kind(p: Provider) -> &'static str {
    match p {
        Provider::Gemini => "RESOURCE_EXHAUSTED",
        Provider::Anthropic => "rate_limit_error",
        _ => "rate_limit_exceeded",
    }
}

/// A bad key, as each provider answers it: xAI with 400 and a plain-string `error`, Gemini
/// with 400 `INVALID_ARGUMENT` (reason `API_KEY_INVALID`), OpenAI and Anthropic with 401.
fn unauthorized(p: Provider) -> Response {
    match p {
        Provider::Gemini => Json(json!({ "error": {
            "code": 400,
            "message": "API key not valid. Please pass a valid API key.",
            "status": "INVALID_ARGUMENT",
            "details": [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com" }],
        }}))
        .into_response()
        .with_status(StatusCode::BAD_REQUEST),
        Provider::Xai => xai_error(
            StatusCode::BAD_REQUEST,
            "Client specified an invalid argument",
            "Incorrect API key provided: de***ey. You can obtain an API key from https://console.x.ai.",
        ),
        Provider::Anthropic => error(
            p,
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "invalid x-api-key",
        ),
        Provider::OpenAi => error(
            p,
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            "Incorrect API key provided.",
        ),
    }
}

/// An error in the provider's own shape.
pub(crate) fn error(p: Provider, status: StatusCode, kind: &str, message: &str) -> Response {
    let body = match p {
        Provider::Anthropic => {
            json!({ "type": "error", "error": { "type": kind, "message": message } })
        }
        Provider::Gemini => {
            json!({ "error": { "code": status.as_u16(), "message": message, "status": kind } })
        }
        Provider::OpenAi | Provider::Xai => {
            json!({ "error": { "message": message, "type": kind, "param": null, "code": kind } })
        }
    };
    (status, Json(body)).into_response()
}
