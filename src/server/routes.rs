//! Plain axum routes beside the Leptos ones: health, and media and photo files per tier. A media
//! file is served only when the database says it belongs to that tier, story and scene,
//! so another tier's route answers 404 for it whatever the id.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::domain::TierSpec;
use crate::server::db::media;
use crate::server::memory::photos;
use crate::server::state::AppState;
use crate::server::storage;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/{tier}/media/{story}/{file}", get(media_file))
        .route("/{tier}/photos/{character}/{file}", get(photo_file))
}

/// A character's reference photo or its thumbnail, only in the character's own tier.
async fn photo_file(
    State(state): State<AppState>,
    Path((tier, character_id, file)): Path<(String, String, String)>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "Not found").into_response();
    let Some(tier) = TierSpec::find(&tier) else {
        return not_found();
    };
    let (path, content_type) = match photos::servable(&state, tier.name, &character_id, &file).await
    {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "photo lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type),
                // Private family photos: never kept by shared caches.
                (header::CACHE_CONTROL, "private, max-age=3600"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => not_found(),
    }
}

async fn media_file(
    State(state): State<AppState>,
    Path((tier, story_id, file)): Path<(String, String, String)>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "Not found").into_response();
    let Some(tier) = TierSpec::find(&tier) else {
        return not_found();
    };
    let Some((scene_id, extension)) = file.rsplit_once('.') else {
        return not_found();
    };
    let (kind, content_type) = match extension {
        "png" => (media::IMAGE, "image/png"),
        "jpg" => (media::IMAGE, "image/jpeg"),
        _ => return not_found(),
    };
    let row = match media::find(&state.db, tier.name, &story_id, scene_id, kind).await {
        Ok(Some(row))
            if row.status == "complete" && row.file_name.as_deref() == Some(file.as_str()) =>
        {
            row
        }
        Ok(_) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "media lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Some(file_name) = row.file_name else {
        return not_found();
    };
    let path = storage::media_path(&state.config.data_dir, tier.name, &story_id, &file_name);
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "private, max-age=86400"),
            ],
            bytes,
        )
            .into_response(),
        // A file deleted or lost on disk degrades to "no image", never an error page.
        Err(_) => not_found(),
    }
}
