//! The files the app serves beside its pages: health, and media and photo files per tier.
//! A file is served only when the database says it belongs to that tier (and story and
//! scene, or character), so another tier's route answers 404 for it whatever the id.

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::domain::media::{MediaKind, MediaStatus};
use crate::domain::TierSpec;
use crate::server::db::media::{self, MediaKey};
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
    request: Request,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "Not found").into_response();
    let Some(tier) = TierSpec::find(&tier) else {
        return not_found();
    };
    let path = match photos::servable(&state, tier.name, &character_id, &file).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "photo lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    serve_file(&path, request).await
}

async fn media_file(
    State(state): State<AppState>,
    Path((tier, story_id, file)): Path<(String, String, String)>,
    request: Request,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "Not found").into_response();
    let Some(tier) = TierSpec::find(&tier) else {
        return not_found();
    };
    let Some((scene_id, extension)) = file.rsplit_once('.') else {
        return not_found();
    };
    let kind = match extension {
        "png" | "jpg" => MediaKind::Image,
        "mp4" => MediaKind::Video,
        _ => return not_found(),
    };
    let key = MediaKey {
        tier: tier.name,
        story_id: &story_id,
        scene_id,
        kind,
    };
    match media::find(&state.db, key).await {
        Ok(Some(row))
            if row.status == MediaStatus::Complete
                && row.file_name.as_deref() == Some(file.as_str()) => {}
        Ok(_) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "media lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    let path = storage::media_path(&state.config.data_dir, tier.name, &story_id, &file);
    serve_file(&path, request).await
}

/// Streams a checked file with its content type, answering Range requests (a `<video>`
/// seeks with them); a file lost on disk is a 404, never an error page.
async fn serve_file(path: &std::path::Path, request: Request) -> Response {
    match ServeFile::new(path).oneshot(request).await {
        Ok(response) if response.status() == StatusCode::NOT_FOUND => {
            (StatusCode::NOT_FOUND, "Not found").into_response()
        }
        Ok(response) => {
            let mut response = response.map(axum::body::Body::new);
            // Private family media: never kept by shared caches.
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("private, max-age=86400"),
            );
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "could not serve a media file");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
