//! `GET /{tier}/read-aloud/{scene}/{voice}`: a scene's words as WAV audio (24 kHz, 16-bit,
//! mono). A stored reading is sent whole; one being made is streamed as it comes, its header
//! saying the largest length (the player reads on until the data ends). Never cached while
//! it is made; a stored one is kept by the browser like a picture.
//!
//! Stored audio is read through the server, never redirected to a bucket's link: the player
//! fetches it from script, which a bucket on another origin would refuse without CORS.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::StreamExt;

use crate::domain::read_aloud::wav_header;
use crate::domain::TierSpec;
use crate::server::read_aloud::{self, Audio, ReadAloudError};
use crate::server::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/{tier}/read-aloud/{scene}/{voice}", get(audio))
}

async fn audio(
    State(state): State<AppState>,
    Path((tier, scene_id, voice)): Path<(String, String, String)>,
) -> Response {
    let Some(tier) = TierSpec::find(&tier) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let voice = voice.strip_suffix(".wav").unwrap_or(&voice);
    match read_aloud::open(&state, tier, &scene_id, voice).await {
        Ok(Audio::Stored(key)) => match state.store.get(&key).await {
            Ok(bytes) => wav(Body::from(bytes), "private, max-age=86400"),
            Err(e) => {
                tracing::warn!(error = %e, "stored read-aloud audio could not be read");
                refused(&ReadAloudError::Busy)
            }
        },
        Ok(Audio::Live(reading)) => {
            let header = axum::body::Bytes::copy_from_slice(&wav_header(None));
            let samples = reading.follow();
            let body = futures::stream::once(async move { Ok(header) }).chain(samples);
            wav(Body::from_stream(body), "no-store")
        }
        Err(e) => refused(&e),
    }
}

fn wav(body: Body, cache: &'static str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("audio/wav"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// Every refusal in plain words: the player shows it (and reads with the browser's own
/// voice where it can).
fn refused(e: &ReadAloudError) -> Response {
    let status = match e {
        ReadAloudError::NotFound => StatusCode::NOT_FOUND,
        ReadAloudError::NotConfigured => StatusCode::NOT_IMPLEMENTED,
        ReadAloudError::OverLimit(_) => StatusCode::TOO_MANY_REQUESTS,
        ReadAloudError::ModelRetired | ReadAloudError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        ReadAloudError::Provider(_) => StatusCode::BAD_GATEWAY,
        ReadAloudError::Db(db) => {
            tracing::error!(error = %db, "read aloud failed");
            StatusCode::SERVICE_UNAVAILABLE
        }
    };
    if matches!(e, ReadAloudError::Provider(_)) {
        tracing::warn!(error = %e, "read aloud failed");
    }
    (status, e.user_message()).into_response()
}
