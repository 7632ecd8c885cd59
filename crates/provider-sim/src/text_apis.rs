//! The text endpoints: OpenAI and xAI chat completions, Anthropic messages, Gemini
//! generateContent — each with its own auth, validation and error shape.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::control::FaultKind;
use super::gate::{error, gate, SimCall};
use super::text_stream::{sse, Break, Protocol};
use super::{story, SimState};
use crate::{ModelKind, Provider};

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
    let stream = (body["stream"] == json!(true)).then(|| Protocol::Chat {
        id: format!("chatcmpl-sim{:x}", text.len()),
        model: body["model"].clone(),
    });
    let invalid = if body["model"].as_str().is_none() {
        Some("you must provide a model parameter")
    } else if body["messages"].as_array().is_none_or(|m| m.is_empty()) {
        Some("'messages' is a required property")
    } else {
        None
    };
    respond(
        s,
        SimCall {
            provider: p,
            route: "/chat/completions",
            headers: &headers,
            key,
            model: body["model"].as_str().map(|m| (m, ModelKind::Text)),
            invalid,
            prompt: &text,
        },
        stream,
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
    let stream = (body["stream"] == json!(true)).then(|| Protocol::Anthropic {
        model: body["model"].clone(),
    });
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
    respond(
        s,
        SimCall {
            provider: p,
            route: "/messages",
            headers: &headers,
            key,
            model: body["model"].as_str().map(|m| (m, ModelKind::Text)),
            invalid,
            prompt: &text,
        },
        stream,
        answer,
    )
    .await
}

#[derive(serde::Deserialize)]
pub(crate) struct KeyQuery {
    key: Option<String>,
    /// `sse` for server-sent events from `:streamGenerateContent`.
    alt: Option<String>,
}

pub(crate) async fn gemini_generate(
    State(s): State<SimState>,
    Path(model_method): Path<String>,
    Query(query): Query<KeyQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = Provider::Gemini;
    let streamed = match model_method.split_once(':') {
        Some((_, "generateContent")) => false,
        Some((_, "streamGenerateContent")) => true,
        _ => {
            return error(
                p,
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                &format!("models/{model_method} is not found or not supported"),
            )
        }
    };
    if streamed && query.alt.as_deref() != Some("sse") {
        // The real API then streams one JSON array; our client always asks for events.
        return error(
            p,
            StatusCode::BAD_REQUEST,
            "INVALID_ARGUMENT",
            "the simulator streams only with alt=sse",
        );
    }
    let Some((_model, _)) = model_method.split_once(':') else {
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
    let model = model_method.split(':').next().unwrap_or_default();
    let wants_audio = body["generationConfig"]["responseModalities"]
        .as_array()
        .is_some_and(|m| m.iter().any(|v| v == "AUDIO"));
    if wants_audio {
        let words = all_text(&body["contents"]);
        return super::narration::gemini_speech(
            &s,
            model,
            &headers,
            key.as_deref(),
            &words,
            &body,
            streamed,
        )
        .await;
    }
    if wants_image {
        return super::image_apis::gemini_image(
            &s,
            model,
            &headers,
            key.as_deref(),
            &text,
            None,
            &body,
        )
        .await;
    }
    let invalid = body["contents"]
        .as_array()
        .is_none_or(|c| c.is_empty())
        .then_some("* GenerateContentRequest.contents: contents is not specified");
    let stream = streamed.then(|| Protocol::Gemini {
        model: model_method
            .split(':')
            .next()
            .unwrap_or_default()
            .to_owned(),
    });
    let answer = |content: String| {
        json!({
            "candidates": [{ "content": { "role": "model", "parts": [{ "text": content }] }, "finishReason": "STOP", "index": 0 }],
            "usageMetadata": { "promptTokenCount": text.len() / 4, "candidatesTokenCount": 200, "totalTokenCount": text.len() / 4 + 200 },
            "modelVersion": model_method.split(':').next(),
        })
    };
    respond(
        s,
        SimCall {
            provider: p,
            route: "/generateContent",
            headers: &headers,
            key: key.as_deref(),
            model: Some((model, ModelKind::Text)),
            invalid,
            prompt: &text,
        },
        stream,
        answer,
    )
    .await
}

/// The common path of every text endpoint: the gate, then the scene JSON, written at the
/// simulator's pace: streamed in the provider's protocol when asked for, else all at once
/// after the time the whole answer takes.
async fn respond(
    s: SimState,
    call: SimCall<'_>,
    stream: Option<Protocol>,
    answer: impl Fn(String) -> Value,
) -> Response {
    // A recap is asked for with its own marker; everything else is a scene.
    let scene = match story::recap_json(call.prompt) {
        Some(recap) => recap.to_string(),
        None => in_schema_order(&story::scene_json(call.prompt)),
    };
    let fault = match gate(&s, call).await {
        Err(response) => return response,
        Ok(fault) => fault.map(|f| f.kind),
    };
    let scene = match fault {
        // Half the JSON, properly delivered: the model's answer itself is broken.
        Some(FaultKind::Malformed) => scene[..scene.len() / 2].to_owned(),
        _ => scene,
    };
    let pace = s.pace();
    match stream {
        Some(protocol) => {
            let broken = match fault {
                Some(FaultKind::CutOff) => Break::CutOff,
                Some(FaultKind::BadChunk) => Break::BadChunk,
                Some(FaultKind::StopRefusal) => Break::Refusal,
                Some(FaultKind::MaxTokens) => Break::MaxTokens,
                Some(FaultKind::NullError) => Break::NullError,
                _ => Break::None,
            };
            sse(protocol, scene, pace, broken)
        }
        None => {
            tokio::time::sleep(pace.whole(&scene)).await;
            Json(answer(scene)).into_response()
        }
    }
}

/// The scene JSON with its fields in the schema's order (the narrative first), as a
/// model with structured output writes them: that is what makes streaming worth it.
fn in_schema_order(scene: &Value) -> String {
    let mut out = String::from("{");
    for (i, key) in [
        "narrative",
        "title",
        "chapter_title",
        "image_prompt",
        "choices",
        "is_ending",
        "characters",
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("{}:{}", json!(key), scene[key]));
    }
    out.push('}');
    out
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
