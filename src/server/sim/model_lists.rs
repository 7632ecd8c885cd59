//! `GET /models` of every provider, in its own shape: the free call the key check makes.
//! It passes the same gate as every other call (key, faults), so a bad key or an account
//! fault answers here as it would on a paid call.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::gate::{gate, SimCall};
use super::image_apis::bearer;
use super::SimState;
use crate::domain::{ImageModelSpec, Provider, TextModelSpec, VideoModelSpec};

/// Every model id the simulator knows for `provider` (the app's registries).
fn model_ids(provider: Provider) -> Vec<&'static str> {
    let text = crate::domain::text_model::TEXT_MODELS
        .iter()
        .filter(|m| m.provider == provider)
        .map(|m: &TextModelSpec| m.api_model);
    let images = crate::domain::image_model::IMAGE_MODELS
        .iter()
        .filter(|m| m.provider == provider)
        .map(|m: &ImageModelSpec| m.api_model);
    let videos = crate::domain::video_model::VIDEO_MODELS
        .iter()
        .filter(|m| m.provider == provider)
        .map(|m: &VideoModelSpec| m.api_model);
    text.chain(images).chain(videos).collect()
}

async fn listing(s: &SimState, p: Provider, headers: &HeaderMap, key: Option<&str>) -> Response {
    if let Err(response) = gate(
        s,
        SimCall {
            provider: p,
            route: "/models",
            headers,
            key,
            invalid: None,
            prompt: "",
        },
    )
    .await
    {
        return response;
    }
    let ids = model_ids(p);
    let body = match p {
        Provider::Gemini => json!({
            "models": ids.iter().map(|id| json!({ "name": format!("models/{id}") })).collect::<Vec<_>>(),
        }),
        Provider::Anthropic => json!({
            "data": ids.iter().map(|id| json!({ "type": "model", "id": id })).collect::<Vec<_>>(),
            "has_more": false,
        }),
        Provider::OpenAi | Provider::Xai => json!({
            "object": "list",
            "data": ids.iter().map(|id| json!({ "id": id, "object": "model" })).collect::<Vec<_>>(),
        }),
    };
    Json(body).into_response()
}

pub(crate) async fn openai(State(s): State<SimState>, headers: HeaderMap) -> Response {
    listing(&s, Provider::OpenAi, &headers, bearer(&headers)).await
}

pub(crate) async fn xai(State(s): State<SimState>, headers: HeaderMap) -> Response {
    listing(&s, Provider::Xai, &headers, bearer(&headers)).await
}

pub(crate) async fn anthropic(State(s): State<SimState>, headers: HeaderMap) -> Response {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    listing(&s, Provider::Anthropic, &headers, key).await
}

pub(crate) async fn gemini(State(s): State<SimState>, headers: HeaderMap) -> Response {
    let key = headers.get("x-goog-api-key").and_then(|v| v.to_str().ok());
    listing(&s, Provider::Gemini, &headers, key).await
}
