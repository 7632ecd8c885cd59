//! The models each simulated provider offers, the ones it retired, and `GET /models` in each
//! provider's own shape and paging: the free call the key check makes. A request for a
//! retired or unknown model is answered 404 in that provider's words, as the real APIs do,
//! so a stale model id fails here as it would against the provider.
//!
//! The lists follow the providers' model pages and SDKs as of December 2026 (sources in
//! `docs/models.md`); they are the providers' view, not the app's catalogue, so a test can
//! point the app's catalogue at a retired id and see what a family would.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::gate::{gate, SimCall};
use super::image_apis::bearer;
use super::SimState;
use crate::{ModelKind, Provider};

/// What a provider offers today, by kind.
const OFFERED: &[(Provider, ModelKind, &[&str])] = &[
    (
        Provider::OpenAi,
        ModelKind::Text,
        &[
            "gpt-6-luna",
            "gpt-6-sol",
            "gpt-6.1-sol",
            "gpt-6.2-sol",
            "gpt-5.5",
            "gpt-4.1",
        ],
    ),
    (
        Provider::OpenAi,
        ModelKind::Image,
        &[
            "gpt-image-2",
            "gpt-image-2.5-flare",
            "gpt-image-2.5-sunburst",
            "gpt-image-2.6-flare",
            "gpt-image-2.6-sunburst",
        ],
    ),
    (
        Provider::OpenAi,
        ModelKind::SpeechToText,
        &[
            "gpt-transcribe",
            "gpt-4o-mini-transcribe",
            "gpt-4o-transcribe",
            "whisper-1",
        ],
    ),
    (
        Provider::OpenAi,
        ModelKind::TextToSpeech,
        &[
            "gpt-4o-mini-tts",
            "gpt-4o-mini-tts-2025-12-15",
            "tts-1",
            "tts-1-hd",
        ],
    ),
    (
        Provider::Anthropic,
        ModelKind::Text,
        &[
            "claude-sonnet-5-5",
            "claude-sonnet-5",
            "claude-opus-5-5",
            "claude-haiku-4-5",
        ],
    ),
    (Provider::Xai, ModelKind::Text, &["grok-4.3", "grok-4.7"]),
    (
        Provider::Xai,
        ModelKind::Image,
        &[
            "grok-imagine-image",
            "grok-imagine-image-2.0",
            "grok-imagine-image-quality",
        ],
    ),
    (
        Provider::Xai,
        ModelKind::Video,
        &["grok-imagine-video", "grok-imagine-video-1.5"],
    ),
    (
        Provider::Gemini,
        ModelKind::Text,
        &[
            "gemini-3.8-flash",
            "gemini-3.7-flash",
            "gemini-3.6-flash",
            "gemini-3.5-flash",
            "gemini-3.5-flash-lite",
            "gemini-3.1-flash-lite",
        ],
    ),
    (
        Provider::Gemini,
        ModelKind::Image,
        &["gemini-3.1-flash-image", "gemini-3-pro-image"],
    ),
    (
        Provider::Gemini,
        ModelKind::TextToSpeech,
        &["gemini-3.8-flash-lite-tts", "gemini-3.8-flash-tts"],
    ),
];

/// What a provider no longer serves (answered 404 like an unknown id).
const RETIRED: &[(Provider, &[&str])] = &[
    (
        Provider::OpenAi,
        &[
            "gpt-image-1",
            "gpt-image-1-mini",
            "gpt-image-1.5",
            "chatgpt-image-latest",
            "gpt-5",
            "gpt-5-mini",
        ],
    ),
    (
        Provider::Anthropic,
        &["claude-sonnet-4-5", "claude-3-7-sonnet-latest"],
    ),
    (
        Provider::Xai,
        &[
            "grok-4",
            "grok-4-0709",
            "grok-3",
            "grok-2-image",
            "grok-imagine-image-pro",
        ],
    ),
    (
        Provider::Gemini,
        &[
            "gemini-2.5-flash",
            "gemini-2.5-flash-image",
            "gemini-2.0-flash",
        ],
    ),
];

/// What a provider's model list says of a model id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    Offered(ModelKind),
    Retired,
    Unknown,
}

/// Whether `provider` lists the model `id`, of which kind, or lists it as retired.
pub fn look_up(provider: Provider, id: &str) -> Offer {
    if let Some((_, kind, _)) = OFFERED
        .iter()
        .find(|(p, _, ids)| *p == provider && ids.contains(&id))
    {
        return Offer::Offered(*kind);
    }
    match RETIRED
        .iter()
        .any(|(p, ids)| *p == provider && ids.contains(&id))
    {
        true => Offer::Retired,
        false => Offer::Unknown,
    }
}

/// Every id `provider` lists, in its listing order.
pub(crate) fn offered(provider: Provider) -> Vec<&'static str> {
    OFFERED
        .iter()
        .filter(|(p, _, _)| *p == provider)
        .flat_map(|(_, _, ids)| ids.iter().copied())
        .collect()
}

/// A request's model, checked as the provider would: the refusal to send, if any (a 404
/// for a retired or unknown id, a 400 for a model of another kind).
pub(crate) fn refusal(provider: Provider, id: &str, kind: ModelKind) -> Option<Response> {
    match look_up(provider, id) {
        Offer::Offered(k) if k == kind => None,
        Offer::Offered(_) => Some(super::gate::invalid_request(
            provider,
            &format!("The model {id} does not support this endpoint."),
        )),
        Offer::Retired | Offer::Unknown => Some(model_not_found(provider, id)),
    }
}

/// "Model not found", as each provider words it (`docs/models.md`).
pub(crate) fn model_not_found(provider: Provider, id: &str) -> Response {
    let body = match provider {
        Provider::OpenAi => json!({"error": {
            "message": format!("The model `{id}` does not exist or you do not have access to it."),
            "type": "invalid_request_error", "param": null, "code": "model_not_found",
        }}),
        Provider::Anthropic => json!({
            "type": "error",
            "error": { "type": "not_found_error", "message": format!("model: {id}") },
            "request_id": "req_sim",
        }),
        Provider::Gemini => json!({"error": {
            "code": 404,
            "message": format!("models/{id} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods."),
            "status": "NOT_FOUND",
        }}),
        Provider::Xai => json!({
            "code": "Some requested entity was not found",
            "error": format!("The model {id} does not exist or your team 0000-sim does not have access to it."),
        }),
    };
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

/// The paging parameters of the listings that page (Gemini, Anthropic).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(rename = "pageSize")]
    page_size: Option<usize>,
    #[serde(rename = "pageToken")]
    page_token: Option<String>,
    limit: Option<usize>,
    after_id: Option<String>,
}

async fn listing(
    s: &SimState,
    p: Provider,
    headers: &HeaderMap,
    key: Option<&str>,
    query: &ListQuery,
) -> Response {
    if let Err(response) = gate(
        s,
        SimCall {
            provider: p,
            route: "/models",
            headers,
            key,
            model: None,
            invalid: None,
            prompt: "",
        },
    )
    .await
    {
        return response;
    }
    let ids = offered(p);
    // The real page limits (1000 at most); a test may lower them to see paging followed.
    let most = s.config.list_page_max();
    let body = match p {
        Provider::Gemini => {
            let size = query.page_size.unwrap_or(50).clamp(1, 1000).min(most);
            let start = query
                .page_token
                .as_deref()
                .and_then(|t| t.strip_prefix("page-"))
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
            let page: Vec<_> = ids.iter().skip(start).take(size).collect();
            let mut body = json!({
                "models": page.iter().map(|id| json!({
                    "name": format!("models/{id}"),
                    "supportedGenerationMethods": ["generateContent", "countTokens"],
                })).collect::<Vec<_>>(),
            });
            if start + size < ids.len() {
                body["nextPageToken"] = json!(format!("page-{}", start + size));
            }
            body
        }
        Provider::Anthropic => {
            let size = query.limit.unwrap_or(20).clamp(1, 1000).min(most);
            let start = query
                .after_id
                .as_deref()
                .and_then(|after| ids.iter().position(|id| *id == after))
                .map_or(0, |i| i + 1);
            let page: Vec<_> = ids.iter().skip(start).take(size).collect();
            json!({
                "data": page.iter().map(|id| json!({
                    "type": "model", "id": id, "display_name": id,
                    "created_at": "2026-09-28T00:00:00Z",
                })).collect::<Vec<_>>(),
                "has_more": start + size < ids.len(),
                "first_id": page.first(),
                "last_id": page.last(),
            })
        }
        Provider::OpenAi | Provider::Xai => json!({
            "object": "list",
            "data": ids.iter().map(|id| json!({
                "id": id, "object": "model", "created": 1_780_000_000, "owned_by": p.key(),
            })).collect::<Vec<_>>(),
        }),
    };
    Json(body).into_response()
}

pub(crate) async fn openai(State(s): State<SimState>, headers: HeaderMap) -> Response {
    listing(
        &s,
        Provider::OpenAi,
        &headers,
        bearer(&headers),
        &ListQuery::default(),
    )
    .await
}

pub(crate) async fn xai(State(s): State<SimState>, headers: HeaderMap) -> Response {
    listing(
        &s,
        Provider::Xai,
        &headers,
        bearer(&headers),
        &ListQuery::default(),
    )
    .await
}

pub(crate) async fn anthropic(
    State(s): State<SimState>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
) -> Response {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    listing(&s, Provider::Anthropic, &headers, key, &query).await
}

pub(crate) async fn gemini(
    State(s): State<SimState>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
) -> Response {
    let key = headers.get("x-goog-api-key").and_then(|v| v.to_str().ok());
    listing(&s, Provider::Gemini, &headers, key, &query).await
}
