//! The text endpoints: OpenAI and xAI chat completions, Anthropic messages, Gemini
//! generateContent — each with its own auth, validation and error shape.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::control::{Fault, FaultKind};
use super::{story, SimState};
use crate::domain::Provider;

pub(crate) async fn openai_chat(
    State(s): State<SimState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    chat(s, Provider::OpenAi, headers, body).await
}

pub(crate) async fn xai_chat(
    State(s): State<SimState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    chat(s, Provider::Xai, headers, body).await
}

/// OpenAI-compatible chat completions (OpenAI and xAI).
async fn chat(s: SimState, p: Provider, headers: HeaderMap, body: Bytes) -> Response {
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                p,
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                &format!("We could not parse the JSON body of your request: {e}"),
            )
        }
    };
    let text = all_text(&body["messages"]);
    let answer = |content: String| {
        json!({
            "id": format!("chatcmpl-sim{:x}", text.len()),
            "object": "chat.completion",
            "created": unix_now(),
            "model": body["model"],
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": content, "refusal": null }, "finish_reason": "stop" }],
            "usage": { "prompt_tokens": text.len() / 4, "completion_tokens": 200, "total_tokens": text.len() / 4 + 200 },
        })
    };
    let invalid = if body["model"].as_str().is_none() {
        Some("you must provide a model parameter")
    } else if body["messages"].as_array().is_none_or(|m| m.is_empty()) {
        Some("'messages' is a required property")
    } else {
        None
    };
    respond(
        s,
        p,
        "/chat/completions",
        &headers,
        key,
        invalid,
        &text,
        answer,
    )
    .await
}

pub(crate) async fn anthropic_messages(
    State(s): State<SimState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = Provider::Anthropic;
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                p,
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                &format!("invalid JSON body: {e}"),
            )
        }
    };
    let text = format!(
        "{}\n{}",
        body["system"].as_str().unwrap_or_default(),
        all_text(&body["messages"])
    );
    let invalid = if headers.get("anthropic-version").is_none() {
        Some("anthropic-version: header is required")
    } else if body["model"].as_str().is_none() {
        Some("model: Field required")
    } else if body["max_tokens"].as_u64().is_none() {
        Some("max_tokens: Field required")
    } else if body["messages"].as_array().is_none_or(|m| m.is_empty()) {
        Some("messages: Field required")
    } else {
        None
    };
    let answer = |content: String| {
        json!({
            "id": "msg_sim",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{ "type": "text", "text": content }],
            "stop_reason": "end_turn",
            "usage": { "input_tokens": text.len() / 4, "output_tokens": 200 },
        })
    };
    respond(s, p, "/messages", &headers, key, invalid, &text, answer).await
}

#[derive(serde::Deserialize)]
pub(crate) struct KeyQuery {
    key: Option<String>,
}

pub(crate) async fn gemini_generate(
    State(s): State<SimState>,
    Path(model_method): Path<String>,
    Query(query): Query<KeyQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = Provider::Gemini;
    let Some((_model, "generateContent")) = model_method.split_once(':') else {
        return error(
            p,
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            &format!("models/{model_method} is not found or not supported"),
        );
    };
    let key = headers
        .get("x-goog-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or(query.key);
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                p,
                StatusCode::BAD_REQUEST,
                "INVALID_ARGUMENT",
                &format!("Invalid JSON payload received. {e}"),
            )
        }
    };
    let text = format!(
        "{}\n{}",
        all_text(&body["systemInstruction"]["parts"]),
        body["contents"]
            .as_array()
            .map(|c| c
                .iter()
                .map(|m| all_text(&m["parts"]))
                .collect::<Vec<_>>()
                .join("\n"))
            .unwrap_or_default()
    );
    let wants_image = body["generationConfig"]["responseModalities"]
        .as_array()
        .is_some_and(|m| m.iter().any(|v| v == "IMAGE"));
    if wants_image {
        let model = model_method.split(':').next().unwrap_or_default();
        let invalid = (!model.contains("image"))
            .then_some("This model does not support the requested response modalities: image");
        return super::image_apis::gemini_image(
            &s,
            model,
            &headers,
            key.as_deref(),
            &text,
            invalid,
            &body,
        )
        .await;
    }
    let invalid = body["contents"]
        .as_array()
        .is_none_or(|c| c.is_empty())
        .then_some("* GenerateContentRequest.contents: contents is not specified");
    let answer = |content: String| {
        json!({
            "candidates": [{ "content": { "role": "model", "parts": [{ "text": content }] }, "finishReason": "STOP", "index": 0 }],
            "usageMetadata": { "promptTokenCount": text.len() / 4, "candidatesTokenCount": 200, "totalTokenCount": text.len() / 4 + 200 },
            "modelVersion": model_method.split(':').next(),
        })
    };
    respond(
        s,
        p,
        "/generateContent",
        &headers,
        key.as_deref(),
        invalid,
        &text,
        answer,
    )
    .await
}

/// The common path of every text endpoint: the gate, then the scene JSON.
#[allow(clippy::too_many_arguments)]
async fn respond(
    s: SimState,
    p: Provider,
    route: &str,
    headers: &HeaderMap,
    key: Option<&str>,
    invalid: Option<&str>,
    prompt_text: &str,
    answer: impl Fn(String) -> Value,
) -> Response {
    let scene = story::scene_json(prompt_text).to_string();
    match gate(&s, p, route, headers, key, invalid, prompt_text).await {
        Err(response) => response,
        Ok(Some(Fault {
            kind: FaultKind::Malformed,
            ..
        })) => Json(answer(scene[..scene.len() / 2].to_owned())).into_response(),
        Ok(_) => Json(answer(scene)).into_response(),
    }
}

/// What every simulated endpoint does first: count the request, check the key and the
/// body, wait the configured latency, and fail on purpose when asked. `Ok` carries a
/// fault the endpoint itself must act out (malformed answer, expired URL).
pub(crate) async fn gate(
    s: &SimState,
    p: Provider,
    route: &str,
    headers: &HeaderMap,
    key: Option<&str>,
    invalid: Option<&str>,
    prompt_text: &str,
) -> Result<Option<Fault>, Response> {
    let fault = s.control.on_request(p, route, headers, prompt_text);
    let key_ok = match (&s.config.api_key, key) {
        (_, None) | (_, Some("")) => false,
        (Some(expected), Some(given)) => expected == given,
        (None, Some(_)) => true,
    };
    if !key_ok || fault.is_some_and(|f| f.kind == FaultKind::Unauthorized) {
        return Err(unauthorized(p));
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
                    | FaultKind::ExpiredUrl
                    | FaultKind::VideoFailed
                    | FaultKind::VideoModerated
                    | FaultKind::VideoExpired
                    | FaultKind::Stuck,
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

/// All text in a list of messages or parts, whatever their shape.
pub(crate) fn all_text(v: &Value) -> String {
    let mut out = String::new();
    collect_text(v, &mut out);
    out
}

fn collect_text(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|i| collect_text(i, out)),
        Value::Object(map) => {
            for key in ["content", "text", "parts"] {
                if let Some(inner) = map.get(key) {
                    collect_text(inner, out);
                }
            }
        }
        _ => {}
    }
}

pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
