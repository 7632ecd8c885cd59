//! The files the app serves beside its pages: health, and media and photo files per tier.
//! A file is served only when the database says it belongs to that tier (and story and
//! scene, or character), so another tier's route answers 404 for it whatever the id.

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::domain::media::{MediaKind, MediaStatus};
use crate::domain::TierSpec;
use crate::server::db::media::{self, MediaKey};
use crate::server::media::cover::COVER_FILE;
use crate::server::media::renditions;
use crate::server::media_store::FileKey;
use crate::server::memory::photos;
use crate::server::state::AppState;
use crate::server::story::{export, StoryError};
use crate::server::web::transfer::channel_stream;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/{tier}/media/{story}/{file}", get(media_file))
        .route("/{tier}/photos/{character}/{file}", get(photo_file))
        .route("/{tier}/gallery/{story}/export.html", get(export_html))
        .route("/{tier}/gallery/{story}/export.pdf", get(export_pdf))
}

/// Why a file is not served. Every "not yours / not there" is the same 404, so another
/// tier's route learns nothing; only a failed lookup is our fault.
#[derive(Debug, thiserror::Error)]
enum FileError {
    #[error("not found")]
    NotFound,
    #[error("file lookup failed: {0}")]
    Lookup(#[from] sqlx::Error),
}

impl IntoResponse for FileError {
    fn into_response(self) -> Response {
        match self {
            FileError::NotFound => (StatusCode::NOT_FOUND, "Not found").into_response(),
            FileError::Lookup(e) => {
                tracing::error!(error = %e, "file lookup failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

/// A character's reference photo or its thumbnail, only in the character's own tier.
async fn photo_file(
    State(state): State<AppState>,
    Path((tier, character_id, file)): Path<(String, String, String)>,
    request: Request,
) -> Result<Response, FileError> {
    let tier = TierSpec::find(&tier).ok_or(FileError::NotFound)?;
    let key = photos::servable(&state, tier.name, &character_id, &file)
        .await?
        .ok_or(FileError::NotFound)?;
    serve_file(&state, &key, request).await
}

#[derive(serde::Deserialize)]
struct ExportQuery {
    /// `no`: leave the clips out (a smaller file).
    clips: Option<String>,
    /// `yes`: put in each scene's reading aloud, where there is one (a bigger file).
    audio: Option<String>,
}

/// The story as one web page to keep, as a download named after its title. The page is
/// written while it is sent (clips can make it tens of megabytes).
async fn export_html(
    State(state): State<AppState>,
    Path((tier, story_id)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<ExportQuery>,
) -> Result<Response, FileError> {
    let tier = TierSpec::find(&tier).ok_or(FileError::NotFound)?;
    let options = book::HtmlOptions {
        clips: query.clips.as_deref() != Some("no"),
        audio: query.audio.as_deref() == Some("yes"),
    };
    match export::html(&state, tier, &story_id, options).await {
        Ok(export) => Ok(download(
            "text/html; charset=utf-8",
            &export.file_name,
            axum::body::Body::from_stream(channel_stream(export.pieces)),
        )),
        Err(e) => export_failed(e),
    }
}

/// The story as a PDF book to print, as a download named after its title.
async fn export_pdf(
    State(state): State<AppState>,
    Path((tier, story_id)): Path<(String, String)>,
) -> Result<Response, FileError> {
    let tier = TierSpec::find(&tier).ok_or(FileError::NotFound)?;
    match export::pdf(&state, tier, &story_id).await {
        Ok(book) => Ok(download(
            "application/pdf",
            &book.file_name,
            axum::body::Body::from(book.bytes),
        )),
        Err(e) => export_failed(e),
    }
}

fn download(content_type: &'static str, file_name: &str, body: axum::body::Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn export_failed(err: StoryError) -> Result<Response, FileError> {
    match err {
        StoryError::NotFound => Err(FileError::NotFound),
        e => {
            tracing::error!(error = %e, "story export failed");
            Ok((
                StatusCode::SERVICE_UNAVAILABLE,
                "The story could not be exported right now. Please try again in a moment.",
            )
                .into_response())
        }
    }
}

async fn media_file(
    State(state): State<AppState>,
    Path((tier, story_id, file)): Path<(String, String, String)>,
    request: Request,
) -> Result<Response, FileError> {
    let tier = TierSpec::find(&tier).ok_or(FileError::NotFound)?;
    if let Some((original_stem, _)) = renditions::parse(&file) {
        return light_picture(&state, tier, &story_id, &file, original_stem, request).await;
    }
    let (stem, extension) = file.rsplit_once('.').ok_or(FileError::NotFound)?;
    let kind = match extension {
        "png" | "jpg" | "webp" => MediaKind::Image,
        "mp4" => MediaKind::Video,
        _ => return Err(FileError::NotFound),
    };
    if shown_for(&state, tier, &story_id, stem, kind).await? != Some(file.clone()) {
        return Err(FileError::NotFound);
    }
    let key = FileKey::media(tier.name, &story_id, &file);
    // A file damaged on disk since (emptied, cut off) is as good as gone.
    if !state.store.is_intact(&key, kind).await {
        return Err(FileError::NotFound);
    }
    serve_file(&state, &key, request).await
}

/// The file shown now by the row a file name belongs to: `{scene}.png` (or `{scene}-{n}.png`
/// for a regenerated one) is its scene's; `cover.png` (`cover-{n}.png`) its story's cover.
async fn shown_for(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    stem: &str,
    kind: MediaKind,
) -> Result<Option<String>, FileError> {
    let owner = stem.split('-').next().unwrap_or(stem);
    if owner == COVER_FILE && kind == MediaKind::Image {
        let row = media::find_cover(&state.db, tier.name, story_id).await?;
        return Ok(row.and_then(shown));
    }
    shown_file(state, tier, story_id, owner, kind).await
}

/// The file the tier's media row shows now (`None`: nothing finished).
async fn shown_file(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    scene_id: &str,
    kind: MediaKind,
) -> Result<Option<String>, FileError> {
    let key = MediaKey {
        tier: tier.name,
        story_id,
        scene_id,
        kind,
    };
    Ok(media::find(&state.db, key).await?.and_then(shown))
}

/// The finished file, or while it is being regenerated the one still shown.
fn shown(row: media::MediaRow) -> Option<String> {
    match row.status {
        MediaStatus::Complete => row.file_name,
        _ => row.previous_file,
    }
}

/// A light copy of a picture (`abc.w384.jpg`), under the same check as its original; made
/// now if the picture was saved before light copies existed; the original when there can
/// be none (a WebP).
async fn light_picture(
    state: &AppState,
    tier: &'static TierSpec,
    story_id: &str,
    file: &str,
    original_stem: &str,
    request: Request,
) -> Result<Response, FileError> {
    let original = shown_for(state, tier, story_id, original_stem, MediaKind::Image)
        .await?
        .filter(|name| name.rsplit_once('.').map(|(stem, _)| stem) == Some(original_stem))
        .ok_or(FileError::NotFound)?;
    let original = FileKey::media(tier.name, story_id, &original);
    if !state.store.is_intact(&original, MediaKind::Image).await {
        return Err(FileError::NotFound);
    }
    let light = original.sibling(file);
    if !state.store.exists(&light).await {
        renditions::make(&state.store, &original).await;
    }
    if state.store.is_intact(&light, MediaKind::Image).await {
        serve_file(state, &light, request).await
    } else {
        serve_file(state, &original, request).await
    }
}

/// Streams a checked file with its content type, answering Range requests (a `<video>`
/// seeks with them); a file lost since is a 404, never an error page.
async fn serve_file(
    state: &AppState,
    key: &FileKey,
    request: Request,
) -> Result<Response, FileError> {
    let mut response = state
        .store
        .serve(key, request)
        .await
        .ok_or(FileError::NotFound)?;
    // Private family media: never kept by shared caches. (A bucket's redirect says itself
    // how long it may be kept: until its link's window ends.)
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(header::HeaderValue::from_static("private, max-age=86400"));
    Ok(response)
}
